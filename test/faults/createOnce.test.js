/**
 * Creates that are never paid for twice, item by item, with the exact texts the user sees: what
 * happens when a lost job cannot be found or ruled out, recoveries of remixes and extensions, the
 * cost guard per execution, and a delete that says what happened. (The named scenarios in
 * ./scenarios cover lagging lists, skewed clocks, look-alike creates and concurrent executions.)
 */
const { startServer, byId, textToVideo: baseTextToVideo, runSora, expectNoKey } = require('../engine/setup');
const { image } = require('../fixtures/media');
const { startGateway, errorPage, json } = require('./scenarios/gateway');

jest.setTimeout(90_000);

let server;
beforeAll(async () => {
	server = await startServer({ jobMs: 300, pollAfterMs: 100, mediaMode: 'lazy', ignoreIdempotencyKeys: true });
});
afterAll(async () => server.emulator.close());
afterEach(() => server.emulator.setConfig({ faults: {}, ignoreIdempotencyKeys: true }));

const tag = () => Math.random().toString(16).slice(2, 8);
const credentialsFor = (baseUrl) => ({ soraApi: { ...server.credentials.soraApi, baseUrl } });
const SEARCH = { lostJobSearchSeconds: 5 };

const textToVideo = (overrides = {}) =>
	baseTextToVideo({ prompt: `A paper boat in the rain ${tag()}`, waitForCompletion: false, ...overrides, options: { ...SEARCH, ...overrides.options } });

async function finishedJob(prompt = `a finished clip ${tag()}`) {
	const response = await fetch(`${server.emulator.baseUrl}/videos`, {
		method: 'POST',
		headers: { authorization: `Bearer ${server.credentials.soraApi.apiKey}`, 'content-type': 'application/json' },
		body: JSON.stringify({ prompt }),
	});
	const job = await response.json();
	await fetch(`${server.emulator.origin}/__emulator/videos/${job.id}/complete`, { method: 'POST' });
	return job;
}

let gateway;
afterEach(async () => {
	await gateway?.close();
	gateway = undefined;
});

describe('a lost create that can be neither found nor ruled out is reported, never sent again', () => {
	test('the job list fails for the whole search: the error says what may exist and that nothing was sent again', async () => {
		let listBroken = true;
		gateway = await startGateway(server.emulator.origin, {
			list: async () => (listBroken ? errorPage(503) : undefined),
			create: async ({ forward }) => {
				await forward();
				return 'drop';
			},
		});
		const before = server.emulator.stats.acceptedCreates;
		const prompt = `Nobody can check this one ${tag()}`;
		const started = Date.now();
		const result = await runSora(credentialsFor(gateway.baseUrl), textToVideo({ prompt }), { continueOnFail: true });
		listBroken = false;
		const [item] = result.items;
		expect(item.json.error).toMatch(/^The connection to the server was closed unexpectedly|socket hang up/);
		expect(item.json.errorDescription).toContain(
			'The server may have started this job before its answer was lost, and it cannot be checked: the job list could not be read (',
		);
		expect(item.json.errorDescription).toMatch(
			new RegExp(`The request was not sent again so that you are not charged twice; look for a job with the prompt "${prompt}" \\(sora-2, 720x1280, 4 s\\) made since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z on the server \\(for example with Get Many\\) before running this item again\\.$`),
		);
		expect(Date.now() - started).toBeGreaterThanOrEqual(5000); // looked for the whole window
		expect(server.emulator.stats.acceptedCreates - before).toBe(1);
		expectNoKey(result);
	});

	test('a look-alike with the same prompt blocks a resend: an extension whose listed duration the node cannot predict', async () => {
		const source = await finishedJob();
		gateway = await startGateway(server.emulator.origin, {
			extend: async ({ forward }) => {
				await forward();
				return 'drop';
			},
			// This server lists extensions with a duration of its own.
			answer: (route, answer) => {
				const body = json(answer);
				if (route !== 'list' || !body?.data) return answer;
				const data = body.data.map((video) => (video.prompt.startsWith('Keep going') ? { ...video, seconds: '99' } : video));
				return { ...answer, body: Buffer.from(JSON.stringify({ ...body, data })) };
			},
		});
		const before = server.emulator.stats.accepted.extend;
		const result = await runSora(
			credentialsFor(gateway.baseUrl),
			{ resource: 'video', operation: 'extend', videoId: byId(source.id), prompt: `Keep going ${tag()}`, seconds: '4', waitForCompletion: false, options: SEARCH },
			{ continueOnFail: true },
		);
		expect(result.items[0].json.errorDescription).toContain(
			'and after 5 s the job list shows a job with the same prompt made since then that does not match this request exactly; it may be this one. The request was not sent again so that you are not charged twice',
		);
		expect(server.emulator.stats.accepted.extend - before).toBe(1);
	});

	test('two look-alike creates that differ only in the first frame: a job that could be the given-up one is not adopted', async () => {
		let listBroken = true;
		let creates = 0;
		gateway = await startGateway(server.emulator.origin, {
			list: async () => (listBroken ? errorPage(503) : undefined),
			create: async ({ forward }) => {
				// The second create comes only after the first was given up on; the list works again by then.
				if (++creates === 2) listBroken = false;
				await forward();
				return 'drop';
			},
		});
		const before = server.emulator.stats.acceptedCreates;
		const prompt = `Two frames, one prompt ${tag()}`;
		const frames = [image('png', 720, 1280, ['-vf', 'transpose=0,transpose=1']), image('png', 720, 1280, ['-vf', 'negate'])];
		const result = await runSora(
			credentialsFor(gateway.baseUrl),
			{ ...textToVideo({ prompt }), operation: 'imageToVideo', imageSource: 'binary', binaryPropertyName: 'data' },
			{ continueOnFail: true, inputItems: frames.map((buffer) => ({ json: {}, binary: { data: { buffer, mimeType: 'image/png', fileName: 'f.png' } } })) },
		);
		// Whichever item's create goes first (the other waits its turn) is given up on; the other is then in doubt.
		const outcomes = result.items.map((item) => item.json);
		const first = outcomes.find((json) => json.errorDescription?.includes('it cannot be checked'));
		const second = outcomes.find((json) => json !== first);
		expect(first).toBeDefined();
		expect(first.errorDescription).toContain('it cannot be checked: the job list could not be read');
		// The list was broken before the first create, so there is no baseline on the server's clock: the second
		// item cannot adopt either job (one may be the given-up one's) and names both.
		expect(second.errorDescription).toContain('The request was not sent again so that you are not charged twice');
		const made = server.emulator.jobs().filter((job) => job.prompt === prompt);
		expect(made).toHaveLength(2);
		for (const job of made) expect(second.errorDescription).toContain(job.id);
		expect(server.emulator.stats.acceptedCreates - before).toBe(2);
	});
});

describe('remixes and extensions whose answers are lost are recognised by what they will show', () => {
	test.each([
		['remix', (id) => ({ operation: 'remix', videoId: byId(id), prompt: `Now at night ${tag()}` }), 'remix'],
		['extend', (id) => ({ operation: 'extend', videoId: byId(id), prompt: `And then it rains ${tag()}`, seconds: '4' }), 'extend'],
		['edit', (id) => ({ operation: 'edit', source: 'videoId', videoId: byId(id), prompt: `Make it red ${tag()}` }), 'edit'],
	])('%s: the job is found again, one job', async (_label, params, route) => {
		const source = await finishedJob();
		const before = server.emulator.stats.accepted[route] ?? 0;
		server.emulator.setConfig({ faults: { createLostResponse: 1, budget: 1, scope: [route] } });
		const lostBefore = server.emulator.stats.faultsInjected.createLostResponse ?? 0;
		const request = params(source.id);
		const result = await runSora(server.credentials, { resource: 'video', waitForCompletion: false, options: SEARCH, ...request });
		expect(result.error).toBeUndefined();
		expect(server.emulator.stats.faultsInjected.createLostResponse - lostBefore).toBe(1);
		expect(result.items[0].json.prompt).toBe(request.prompt);
		expect(server.emulator.stats.accepted[route] - before).toBe(1);
	});
});

describe('Max Estimated Cost per Execution', () => {
	test('counts every Sora node of the execution, not each node run on its own', async () => {
		const parameters = textToVideo({ prompt: 'Clip', seconds: '8', options: { maxCostPerExecution: 2 } });
		const before = server.emulator.stats.acceptedCreates;
		const result = await runSora(server.credentials, parameters, {
			continueOnFail: true,
			inputItems: [{ json: {} }, { json: {} }],
			followers: [{ name: 'Second Sora', parameters }],
		});
		// $0.80 each: the first node's two jobs make $1.60; the second node's would make $2.40 and $3.20.
		expect(result.items.map((item) => item.json.status)).toEqual(['queued', 'queued']);
		expect(result.itemsOf('Second Sora').map((item) => item.json.error)).toEqual([
			'Not submitted: this job (about $0.80) would bring the estimated cost of this execution to $2.40, over the limit of $2.00',
			'Not submitted: this job (about $0.80) would bring the estimated cost of this execution to $2.40, over the limit of $2.00',
		]);
		expect(server.emulator.stats.acceptedCreates - before).toBe(2);
	});

	test('a create the server refused gives its reservation back', async () => {
		const before = server.emulator.stats.acceptedCreates;
		const result = await runSora(
			server.credentials,
			textToVideo({ prompt: 'Clip', seconds: '8', options: { maxCostPerExecution: 2, concurrency: 1, additionalBodyFields: '={{ $json.extra }}' } }),
			{ continueOnFail: true, inputItems: [{ json: { extra: '{"bogus": 1}' } }, { json: { extra: '{}' } }, { json: { extra: '{}' } }] },
		);
		// The first item is refused by the server (400): its $0.80 is not counted, so both others fit under $2.00.
		expect(result.items[0].json.error).toBe("Unknown parameter: 'bogus'. (unknown_parameter)");
		expect(result.items.slice(1).map((item) => item.json.status)).toEqual(['queued', 'queued']);
		expect(server.emulator.stats.acceptedCreates - before).toBe(2);
	});
});

describe('Delete says what happened', () => {
	const remove = (credentials, id) => runSora(credentials, { resource: 'video', operation: 'delete', videoId: byId(id) }, { continueOnFail: true });

	test('an id the server never had is its 404, also when the first answer was a 503', async () => {
		let first = true;
		gateway = await startGateway(server.emulator.origin, {
			retrieve: async () => (first ? ((first = false), errorPage(503)) : undefined),
			delete: async () => errorPage(503),
		});
		const result = await remove(credentialsFor(gateway.baseUrl), 'video_never_was');
		expect(result.items[0].json).toEqual({
			error: "Video with id 'video_never_was' not found. (video_not_found)",
			errorDescription: 'Nothing was found at this address. Check the id, and that the credential base URL points at the API root (usually ending in /v1).',
		});
	});

	test('a delete carried out behind a 503 is reported deleted, with a note saying how it is known', async () => {
		const job = await finishedJob();
		let first = true;
		gateway = await startGateway(server.emulator.origin, {
			delete: async ({ forward }) => {
				if (!first) return undefined;
				first = false;
				await forward();
				return errorPage(503);
			},
		});
		const result = await remove(credentialsFor(gateway.baseUrl), job.id);
		expect(result.items[0].json).toEqual({
			id: job.id,
			deleted: true,
			note: 'Already gone: the first delete request got no clear answer (HTTP 503) and the server no longer has the video, so that request most likely deleted it.',
		});
	});

	test('a 200 HTML page or an answer that does not confirm is an error, and the video is still there', async () => {
		const job = await finishedJob();
		const answers = [
			{ status: 200, headers: { 'content-type': 'text/html' }, body: Buffer.from('<html><body><h1>Welcome to nginx!</h1></body></html>') },
			{ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ id: job.id, object: 'video.deleted', deleted: false })) },
		];
		gateway = await startGateway(server.emulator.origin, { delete: async () => answers.shift() });
		const page = await remove(credentialsFor(gateway.baseUrl), job.id);
		expect(page.items[0].json.error).toBe('The server answered 200 with a page that is not JSON: Welcome to nginx!');
		const refused = await remove(credentialsFor(gateway.baseUrl), job.id);
		expect(refused.items[0].json.error).toBe(`The server answered 200 to the delete of video ${job.id} without confirming it`);
		expect(server.emulator.jobs().some((j) => j.id === job.id)).toBe(true);
	});
});
