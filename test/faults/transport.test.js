/**
 * Reliability of the transport, inside n8n's engine against the emulator (behind a small proxy
 * where a fault needs precise control): retries and their hints, creates that are never paid for
 * twice, downloads that resume or retry and never hand on a cut file, and redirects that never
 * carry the key to another origin.
 */
const http = require('http');
const { startServer, byId, runSora, expectNoKey, harness, API_KEY, textToVideo: baseTextToVideo } = require('../engine/setup');
const { startProxy } = require('./servers');

let server;
beforeAll(async () => {
	server = await startServer({ jobMs: 300, pollAfterMs: 100, mediaMode: 'lazy' });
});
afterAll(async () => server.emulator.close());
afterEach(() => server.emulator.setConfig({ faults: {}, ignoreIdempotencyKeys: false }));

const textToVideo = (overrides = {}) => baseTextToVideo({ prompt: `A paper boat in the rain ${Math.random()}`, ...overrides });

const credentialsFor = (baseUrl, extra = {}) => ({ soraApi: { ...server.credentials.soraApi, baseUrl, ...extra } });

async function servedSha(id) {
	return (await (await fetch(`${server.emulator.origin}/__emulator/videos/${id}/sha256`)).json()).sha256;
}

async function createdJob(prompt = `a finished clip ${Math.random()}`) {
	const response = await fetch(`${server.emulator.baseUrl}/videos`, {
		method: 'POST',
		headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
		body: JSON.stringify({ prompt }),
	});
	const job = await response.json();
	await fetch(`${server.emulator.origin}/__emulator/videos/${job.id}/complete`, { method: 'POST' });
	return job;
}

/** Sends the upstream answer's headers and only its first `bytes` bytes, then drops the connection. */
function cutAfter(res, upstream, bytes) {
	res.writeHead(upstream.statusCode, upstream.headers);
	let sent = 0;
	upstream.on('data', (chunk) => {
		if (sent >= bytes) return;
		const part = chunk.subarray(0, bytes - sent);
		sent += part.length;
		if (sent < bytes) {
			res.write(part);
			return;
		}
		upstream.destroy();
		// Drop the connection once the bytes sent so far have left.
		res.write(part, () => setTimeout(() => res.socket?.destroy(), 20));
	});
}

const isContent = (req) => req.method === 'GET' && /\/videos\/[^/]+\/content/.test(req.url);
const download = (id) => ({ resource: 'video', operation: 'download', videoId: byId(id), variant: 'video', binaryPropertyOutput: 'data' });

describe('retries of reads', () => {
	test('a reset before the answer is retried (n8n wraps it in a NodeApiError)', async () => {
		const job = await createdJob();
		const before = server.emulator.stats.requests.retrieve ?? 0;
		server.emulator.setConfig({ faults: { resetBeforeBody: 1, budget: 2, scope: ['retrieve'] } });
		const result = await runSora(server.credentials, { resource: 'video', operation: 'get', videoId: byId(job.id) });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.id).toBe(job.id);
		expect(server.emulator.stats.requests.retrieve - before).toBe(3);
	});

	test('cut-off JSON and HTML 5xx pages are retried', async () => {
		const job = await createdJob();
		for (const faults of [{ malformedJson: 1, budget: 1 }, { rate5xx: 1, budget: 2 }]) {
			server.emulator.setConfig({ faults: { ...faults, scope: ['retrieve'] } });
			const result = await runSora(server.credentials, { resource: 'video', operation: 'get', videoId: byId(job.id) });
			expect(result.error).toBeUndefined();
			expect(result.items[0].json.status).toBe('completed');
		}
	});

	test('a delete whose answer was cut off is retried; the 404 that follows means it is gone', async () => {
		const job = await createdJob();
		server.emulator.setConfig({ faults: { malformedJson: 1, budget: 1, scope: ['delete'] } });
		const result = await runSora(server.credentials, { resource: 'video', operation: 'delete', videoId: byId(job.id) });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ id: job.id, deleted: true });
		expect(server.emulator.jobs().some((j) => j.id === job.id)).toBe(false);
	});

	test('429 waits retry-after-ms, then succeeds', async () => {
		const job = await createdJob();
		server.emulator.setConfig({ faults: { rate429: 1, budget: 1, retryAfterMs: 700, scope: ['retrieve'] } });
		const started = Date.now();
		const result = await runSora(server.credentials, { resource: 'video', operation: 'get', videoId: byId(job.id) });
		expect(result.error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(650);
	});

	test('Retry-After as an HTTP date; x-should-retry overrides the status', async () => {
		const job = await createdJob();
		const plan = [];
		const proxy = await startProxy(server.emulator.origin, async (req, res) => {
			if (!/\/videos\/video_/.test(req.url) || plan.length === 0) return false;
			const { status, headers } = plan.shift();
			req.resume();
			res.writeHead(status, { 'content-type': 'application/json', ...headers });
			res.end(JSON.stringify({ error: { message: `planned ${status}`, type: 'server_error', param: null, code: null } }));
			return true;
		});
		const credentials = credentialsFor(`${proxy.origin}/v1`);
		const get = { resource: 'video', operation: 'get', videoId: byId(job.id) };
		try {
			// Dates have whole seconds: ask for 2 s from now, expect a wait of more than 1 s.
			plan.push({ status: 503, headers: { 'retry-after': new Date(Date.now() + 2000).toUTCString() } });
			let started = Date.now();
			let result = await runSora(credentials, get);
			expect(result.error).toBeUndefined();
			expect(Date.now() - started).toBeGreaterThanOrEqual(900);

			plan.push({ status: 503, headers: { 'x-should-retry': 'false' } });
			result = await runSora(credentials, get);
			expect(result.error).toMatchObject({ message: 'planned 503', httpCode: '503' });

			plan.push({ status: 400, headers: { 'x-should-retry': 'true', 'retry-after-ms': '50' } });
			started = Date.now();
			result = await runSora(credentials, get);
			expect(result.error).toBeUndefined();

			plan.push({ status: 429, headers: { 'retry-after': '600' } }); // ten minutes: not worth waiting
			result = await runSora(credentials, get);
			expect(result.error.httpCode).toBe('429');
			expect(result.error.description).toContain('The server asked to wait 600 s before trying again.');
			expectNoKey(result);
		} finally {
			await proxy.close();
		}
	});
});

describe('creates are never paid for twice', () => {
	test('429 (not processed) is sent again; one job', async () => {
		const before = server.emulator.stats.acceptedCreates;
		server.emulator.setConfig({ faults: { rate429: 1, budget: 2, retryAfterMs: 100, scope: ['create'] } });
		const result = await runSora(server.credentials, textToVideo({ waitForCompletion: false }));
		expect(result.error).toBeUndefined();
		expect(server.emulator.stats.acceptedCreates - before).toBe(1);
	});

	test.each([
		['lost response', { createLostResponse: 1, budget: 1 }],
		['502 after acceptance', { acceptedThen5xx: 1, budget: 1 }],
		['cut-off JSON', { malformedJson: 1, budget: 1 }],
	])('%s: the job is found again, on servers that honour keys and on servers that ignore them', async (label, faults) => {
		for (const ignoreIdempotencyKeys of [false, true]) {
			const before = server.emulator.stats.acceptedCreates;
			server.emulator.setConfig({ ignoreIdempotencyKeys, faults: { ...faults, scope: ['create'] } });
			const result = await runSora(server.credentials, textToVideo());
			expect(result.error).toBeUndefined();
			expect(result.items[0].json.status).toBe('completed');
			expect(server.emulator.stats.acceptedCreates - before).toBe(1);
		}
	});

	test('items with the same prompt each get their own job when responses are lost', async () => {
		const before = server.emulator.stats.acceptedCreates;
		const lostBefore = server.emulator.stats.faultsInjected.createLostResponse ?? 0;
		server.emulator.setConfig({ ignoreIdempotencyKeys: true, faults: { createLostResponse: 1, budget: 4, scope: ['create'] } });
		const result = await runSora(server.credentials, textToVideo({ prompt: 'The very same prompt for everyone', waitForCompletion: false }), {
			inputItems: Array.from({ length: 8 }, () => ({ json: {} })),
		});
		expect(result.error).toBeUndefined();
		const ids = result.items.map((item) => item.json.id);
		expect(new Set(ids).size).toBe(8);
		expect(server.emulator.stats.acceptedCreates - before).toBe(8);
		expect(server.emulator.stats.faultsInjected.createLostResponse - lostBefore).toBe(4);
	});

	test('without a job list to check, an ambiguous create is reported, not sent again', async () => {
		const proxy = await startProxy(server.emulator.origin, async (req, res) => {
			if (req.method !== 'GET' || !/^\/v1\/videos(\?|$)/.test(req.url)) return false;
			res.writeHead(404, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ error: { message: 'Not found', type: 'invalid_request_error', param: null, code: null } }));
			return true;
		});
		try {
			const before = server.emulator.stats.acceptedCreates;
			server.emulator.setConfig({ ignoreIdempotencyKeys: true, faults: { createLostResponse: 1, budget: 1, scope: ['create'] } });
			const result = await runSora(credentialsFor(`${proxy.origin}/v1`), textToVideo());
			expect(result.error.message).toMatch(/^The connection to the server was closed unexpectedly/);
			expect(result.error.description).toContain('The server may have started this job before its answer was lost, and it cannot be checked');
			expect(result.error.description).toContain('The request was not sent again so that you are not charged twice');
			expect(server.emulator.stats.acceptedCreates - before).toBe(1);
			expectNoKey(result);
		} finally {
			await proxy.close();
		}
	});
});

describe('downloads never hand on a cut file', () => {
	test('a dropped body resumes with Range into one binary, byte-identical', async () => {
		const job = await createdJob();
		let cut = false;
		const proxy = await startProxy(server.emulator.origin, async (req, res, ctx) => {
			if (!isContent(req) || cut) return false;
			cut = true;
			cutAfter(res, await ctx.forward(), 5000);
			return true;
		});
		try {
			const result = await runSora(credentialsFor(`${proxy.origin}/v1`), download(job.id));
			expect(result.error).toBeUndefined();
			const ranges = proxy.seen.filter(isContent).map((r) => r.headers.range);
			expect(ranges).toHaveLength(2);
			expect(ranges[0]).toBeUndefined();
			// Resumed where the data stopped: 5000 bytes were sent, but a reset can discard what the client had not
			// read yet, so on a loaded machine none may arrive; then the second request starts again without a Range.
			if (ranges[1] !== undefined) {
				expect(ranges[1]).toMatch(/^bytes=\d+-$/);
				expect(Number(/\d+/.exec(ranges[1])[0])).toBeGreaterThan(0);
				expect(Number(/\d+/.exec(ranges[1])[0])).toBeLessThanOrEqual(5000);
			}
			expect((await harness.sha256OfBinary(result.items[0].binary.data)).sha256).toBe(await servedSha(job.id));
		} finally {
			await proxy.close();
		}
	});

	test('a server that ignores Range gets the whole file again', async () => {
		const job = await createdJob();
		let cut = false;
		const proxy = await startProxy(server.emulator.origin, async (req, res, ctx) => {
			if (!isContent(req)) return false;
			if (req.headers.range) {
				const upstream = await ctx.forward({ headers: { range: '' } });
				res.writeHead(upstream.statusCode, upstream.headers);
				upstream.pipe(res);
				return true;
			}
			if (cut) return false;
			cut = true;
			cutAfter(res, await ctx.forward(), 5000);
			return true;
		});
		try {
			const result = await runSora(credentialsFor(`${proxy.origin}/v1`), download(job.id));
			expect(result.error).toBeUndefined();
			expect(proxy.seen.filter(isContent)).toHaveLength(3); // cut, ignored range, whole file again
			expect((await harness.sha256OfBinary(result.items[0].binary.data)).sha256).toBe(await servedSha(job.id));
		} finally {
			await proxy.close();
		}
	});

	test('the emulator dropping bodies mid-way: every clip still arrives whole', async () => {
		server.emulator.setConfig({ faults: { resetDuringBody: 0.7, scope: ['content'] } });
		const result = await runSora(server.credentials, textToVideo({ prompt: '={{ "clip " + $json.n + " " + Math.random() }}' }), {
			inputItems: [{ json: { n: 1 } }, { json: { n: 2 } }, { json: { n: 3 } }],
		});
		expect(result.error).toBeUndefined();
		for (const item of result.items) {
			expect((await harness.sha256OfBinary(item.binary.data)).sha256).toBe(await servedSha(item.json.id));
		}
		expect(server.emulator.stats.faultsInjected.resetDuringBody).toBeGreaterThan(0);
	});

	test('a download that cannot complete is an item error naming the video', async () => {
		const job = await createdJob();
		const proxy = await startProxy(server.emulator.origin, async (req, res, ctx) => {
			if (!isContent(req)) return false;
			const upstream = await ctx.forward({ headers: { range: '' } });
			delete upstream.headers['accept-ranges'];
			cutAfter(res, upstream, 3000);
			return true;
		});
		try {
			const result = await runSora(credentialsFor(`${proxy.origin}/v1`), download(job.id), { continueOnFail: true });
			expect(result.items).toHaveLength(1);
			expect(result.items[0].binary).toBeUndefined();
			expect(result.items[0].json.error).toMatch(new RegExp(`^Could not download the MP4 of video ${job.id}: `));
			expect(result.items[0].json.errorDescription).toContain(`using id ${job.id}`);
			expect(proxy.seen.filter(isContent)).toHaveLength(6);
		} finally {
			await proxy.close();
		}
	});
});

describe('redirects never carry the key to another origin', () => {
	test.each([['bearer'], ['apiKey']])('Send Key As %s: content and JSON redirected to a CDN arrive without it', async (authHeader) => {
		const seenByCdn = [];
		const cdn = http.createServer(async (req, res) => {
			seenByCdn.push({ url: req.url, headers: { ...req.headers } });
			const [, kind, id] = /^\/(signed|status)\/([^?]+)/.exec(req.url) ?? [];
			const upstream = await fetch(`${server.emulator.baseUrl}/videos/${id}${kind === 'signed' ? '/content' : ''}`, {
				headers: { authorization: `Bearer ${API_KEY}` },
			});
			res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type'), 'content-length': upstream.headers.get('content-length') });
			res.end(Buffer.from(await upstream.arrayBuffer()));
		});
		await new Promise((resolve) => cdn.listen(0, '127.0.0.1', resolve));
		const cdnOrigin = `http://127.0.0.1:${cdn.address().port}`;
		const proxy = await startProxy(server.emulator.origin, async (req, res) => {
			const content = /^\/v1\/videos\/(video_[^/?]+)\/content/.exec(req.url);
			if (content) {
				res.writeHead(302, { location: `${cdnOrigin}/signed/${content[1]}?sig=abc` });
				res.end();
				return true;
			}
			const status = /^\/v1\/videos\/(video_[^/?]+)$/.exec(req.url);
			if (status && req.method === 'GET') {
				res.writeHead(307, { location: `${cdnOrigin}/status/${status[1]}` });
				res.end();
				return true;
			}
			return false;
		});
		try {
			const result = await runSora(credentialsFor(`${proxy.origin}/v1`, { authHeader }), textToVideo());
			expect(result.error).toBeUndefined();
			const [item] = result.items;
			expect((await harness.sha256OfBinary(item.binary.data)).sha256).toBe(await servedSha(item.json.id));
			expect(seenByCdn.some((r) => r.url.startsWith('/signed/'))).toBe(true);
			expect(seenByCdn.some((r) => r.url.startsWith('/status/'))).toBe(true);
			for (const request of seenByCdn) {
				expect(request.headers.authorization).toBeUndefined();
				expect([request.url, request.headers["api-key"]]).toEqual([request.url, undefined]);
				expect(JSON.stringify(request)).not.toContain(API_KEY);
			}
			expectNoKey(result);
		} finally {
			await proxy.close();
			await new Promise((resolve) => cdn.close(resolve));
		}
	});
});
