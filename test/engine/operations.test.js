const { request } = require('undici');
const { startServer, model, byId, runSora, API_KEY, harness, PKG } = require('./setup');
const { probe } = require('../fixtures/media');

let server;
beforeAll(async () => {
	server = await startServer({ jobMs: 600 });
});
afterAll(async () => server.emulator.close());

const waitOff = { waitForCompletion: false };

async function makeVideo(prompt = 'A sunrise over the dunes', extra = {}) {
	const result = await runSora(server.credentials, {
		resource: 'video', operation: 'textToVideo', prompt, model: model('sora-2'), seconds: '4', size: '720x1280', ...extra,
	});
	expect(result.error).toBeUndefined();
	return result.items[0].json;
}

describe('Remix, Edit, Extend', () => {
	let source;
	beforeAll(async () => {
		source = await makeVideo();
	});

	test('Remix waits and streams the new MP4, linked to its source', async () => {
		const result = await runSora(server.credentials, { resource: 'video', operation: 'remix', videoId: byId(source.id), prompt: 'The same, at sunset' });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ status: 'completed', remixed_from_video_id: source.id, prompt: 'The same, at sunset', estimated_cost_usd: 0.4 });
		expect(result.items[0].binary.data.mimeType).toBe('video/mp4');
	});

	test('Edit by video id, and by an uploaded MP4 with a model', async () => {
		const byVideo = await runSora(server.credentials, { resource: 'video', operation: 'edit', source: 'videoId', videoId: byId(source.id), prompt: 'Add a hot-air balloon' });
		expect(byVideo.error).toBeUndefined();
		expect(byVideo.items[0].json.status).toBe('completed');

		const mp4 = await harness.readBinary(byVideo.items[0].binary.data);
		const byFile = await runSora(
			server.credentials,
			{ resource: 'video', operation: 'edit', source: 'binary', binaryPropertyName: 'data', model: model('sora-2'), prompt: 'Make it snow', ...waitOff },
			{ inputItems: [{ json: {}, binary: { data: { buffer: mp4, mimeType: 'video/mp4', fileName: 'in.mp4' } } }] },
		);
		expect(byFile.error).toBeUndefined();
		expect(byFile.items[0].json.status).toBe('queued');
		expect(server.emulator.stats.accepted.edit).toBe(2);
	});

	test('Extend stitches the clip and counts extensions along a chain', async () => {
		const first = await runSora(server.credentials, { resource: 'video', operation: 'extend', videoId: byId(source.id), prompt: 'The camera rises', seconds: '8' });
		expect(first.error).toBeUndefined();
		expect(first.items[0].json).toMatchObject({ status: 'completed', seconds: '12', extension_count: 1 });
		expect(probe(await harness.readBinary(first.items[0].binary.data)).seconds).toBeCloseTo(12, 0);

		// The next Extend in a chain reads the count from its input item.
		const second = await runSora(
			server.credentials,
			{ resource: 'video', operation: 'extend', videoId: byId('={{ $json.id }}'), prompt: 'Birds fly past', seconds: '4', ...waitOff },
			{ inputItems: [{ json: first.items[0].json }] },
		);
		expect(second.error).toBeUndefined();
		expect(second.items[0].json.extension_count).toBe(2);
	});

	test('Extend refuses a seventh extension in a chain before paying', async () => {
		const before = server.emulator.stats.acceptedJobs;
		const seventh = await runSora(
			server.credentials,
			{ resource: 'video', operation: 'extend', videoId: byId(source.id), prompt: 'Again', seconds: '4' },
			{ inputItems: [{ json: { id: source.id, extension_count: 6 } }] },
		);
		expect(seventh.error.message).toBe(`Video ${source.id} was already extended 6 times; the limit is 6`);
		expect(seventh.error.description).toBe('Start a new clip instead, or extend an earlier version of this video.');
		expect(server.emulator.stats.acceptedJobs).toBe(before);
	});

	test('Extend past 120 s in total is refused with how many seconds are left', async () => {
		// Extend a 20 s video five times by 20 s = 120 s (media rendered lazily: only the JSON matters here).
		const lazy = await startServer({ jobMs: 100, mediaMode: 'lazy' });
		try {
			const run = (parameters) => runSora(lazy.credentials, { waitForCompletion: false, ...parameters });
			const settle = async (id) => {
				for (;;) {
					const got = (await run({ resource: 'video', operation: 'get', videoId: byId(id) })).items[0].json;
					if (got.status === 'completed') return got;
					await new Promise((r) => setTimeout(r, 50));
				}
			};
			let current = (await run({ resource: 'video', operation: 'textToVideo', prompt: 'A long ride', model: model('sora-2'), seconds: '12', size: '720x1280' })).items[0].json;
			current = await settle(current.id);
			// A new sora-2 clip is at most 12 s (the spec's VideoSeconds): 12 + 8 + 5 × 20 = 120.
			current = await settle((await run({ resource: 'video', operation: 'extend', videoId: byId(current.id), prompt: 'Part 1b', seconds: '8' })).items[0].json.id);
			for (let k = 0; k < 5; k++) {
				const next = await run({ resource: 'video', operation: 'extend', videoId: byId(current.id), prompt: `Part ${k + 2}`, seconds: '20' });
				expect(next.error).toBeUndefined();
				current = await settle(next.items[0].json.id);
			}
			expect(current.seconds).toBe('120');
			const before = lazy.emulator.stats.acceptedJobs;
			const over = await run({ resource: 'video', operation: 'extend', videoId: byId(current.id), prompt: 'Too far', seconds: '4' });
			expect(over.error.message).toBe('Extending this 120 s video by 4 s would make it 124 s; the limit is 120 s');
			expect(over.error.description).toBe('Add at most 0 seconds, or start a new clip.');
			expect(lazy.emulator.stats.acceptedJobs).toBe(before);
		} finally {
			await lazy.emulator.close();
		}
	});

	test('Remix of an unfinished video is refused before paying', async () => {
		const queued = await makeVideo('Still cooking', waitOff);
		const result = await runSora(server.credentials, { resource: 'video', operation: 'remix', videoId: byId(queued.id), prompt: 'x' });
		expect(result.error.message).toMatch(new RegExp(`^Video ${queued.id} is (queued|in progress); only a completed video can be remixed$`));
	});
});

describe('Get Many and Delete', () => {
	test('pages through the list with the cursor, with limit, filters and order', async () => {
		const fresh = await startServer({ jobMs: 50 });
		try {
			const ids = [];
			for (let n = 0; n < 130; n++) {
				const response = await request(`${fresh.emulator.baseUrl}/videos`, {
					method: 'POST',
					headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
					body: JSON.stringify({ prompt: n % 10 === 0 ? `BLOCKED_BY_MODERATION ${n}` : `list ${n}`, model: n % 2 ? 'sora-2' : 'sora-2-pro' }),
				});
				ids.push((await response.body.json()).id);
			}
			await new Promise((r) => setTimeout(r, 1500));
			const all = await runSora(fresh.credentials, { resource: 'video', operation: 'getMany', returnAll: true, order: 'desc' });
			expect(all.items.map((i) => i.json.id)).toEqual([...ids].reverse()); // 130 across two pages of 100
			expect(fresh.emulator.stats.requests.list).toBe(2);

			const limited = await runSora(fresh.credentials, { resource: 'video', operation: 'getMany', returnAll: false, limit: 5, order: 'asc' });
			expect(limited.items.map((i) => i.json.id)).toEqual(ids.slice(0, 5));

			const failedPro = await runSora(fresh.credentials, { resource: 'video', operation: 'getMany', returnAll: true, order: 'asc', filters: { status: ['failed'], model: 'sora-2-pro' } });
			expect(failedPro.items.map((i) => i.json.prompt)).toEqual(Array.from({ length: 13 }, (_, k) => `BLOCKED_BY_MODERATION ${k * 10}`));

			const deleted = await runSora(fresh.credentials, { resource: 'video', operation: 'delete', videoId: byId(ids[0]) });
			expect(deleted.items[0].json).toEqual({ id: ids[0], deleted: true });
			const gone = await runSora(fresh.credentials, { resource: 'video', operation: 'get', videoId: byId(ids[0]) });
			expect(gone.error.httpCode).toBe('404');
		} finally {
			await fresh.emulator.close();
		}
	});
});

describe('Cost guard, prompt builder, hints', () => {
	test('Max Estimated Cost per Execution stops jobs beyond it, before submitting them', async () => {
		const before = server.emulator.stats.acceptedCreates;
		const result = await runSora(
			server.credentials,
			{ resource: 'video', operation: 'textToVideo', prompt: 'Clip', model: model('sora-2'), seconds: '8', size: '720x1280', waitForCompletion: false, options: { maxCostPerExecution: 2 } },
			{ continueOnFail: true, inputItems: [{ json: {} }, { json: {} }, { json: {} }] },
		);
		// $0.80 each: two fit under $2.00, the third would make $2.40.
		expect(result.items.filter((i) => i.json.status === 'queued')).toHaveLength(2);
		const refused = result.items.filter((i) => i.json.error);
		expect(refused).toHaveLength(1);
		expect(refused[0].json.error).toBe('Not submitted: this job (about $0.80) would bring the estimated cost of this execution to $2.40, over the limit of $2.00');
		expect(server.emulator.stats.acceptedCreates).toBe(before + 2);
	});

	test('the prompt builder composes style, shots, dialogue and sound into the prompt', async () => {
		const builder = {
			resource: 'video', operation: 'textToVideo', promptMode: 'builder', model: model('sora-2'), seconds: '4', size: '1280x720', waitForCompletion: false,
			style: 'cinematic',
			shots: { shot: [
				{ action: 'Mo the robot waters a tiny plant', angle: 'close-up', movement: 'slow push-in', lighting: 'Soft morning light', transition: 'match cut' },
				{ action: 'The plant blooms into a sunflower', angle: 'wide shot', movement: 'crane' },
			] },
			dialogue: { line: [{ speaker: 'Mo', text: 'Grow, little one.' }] },
			soundEffects: 'Water trickling',
			ambience: 'Birdsong',
		};
		// The character check runs on the composed prompt: "Mo" appears, so only the unknown id is refused, by the server.
		const withCharacter = await runSora(server.credentials, { ...builder, characters: { character: [{ id: 'char_x', name: 'Mo' }] } });
		expect(withCharacter.error.httpCode).toBe('400');
		const ok = await runSora(server.credentials, builder);
		expect(ok.items[0].json.prompt).toBe(
			'Style: cinematic.\n\n' +
				'Shot 1: Mo the robot waters a tiny plant. Camera: close-up, slow push-in. Lighting: Soft morning light. Transition: match cut.\n\n' +
				'Shot 2: The plant blooms into a sunflower. Camera: wide shot, crane.\n\n' +
				'Dialogue:\nMo: "Grow, little one."\n\n' +
				'Sound effects: Water trickling.\n\n' +
				'Ambience: Birdsong.',
		);
		const empty = await runSora(server.credentials, { resource: 'video', operation: 'textToVideo', promptMode: 'builder', model: model('sora-2'), seconds: '4', size: '1280x720' });
		expect(empty.error.message).toBe('The prompt is empty');
	});

	test('a base URL on api.openai.com adds the retirement notice', async () => {
		const credentials = { soraApi: { apiKey: 'x', baseUrl: 'https://api.openai.com/v1' } };
		const result = await runSora(credentials, { resource: 'video', operation: 'textToVideo', prompt: 'x', model: model('sora-2'), seconds: '4', size: '4x4' }, { continueOnFail: true });
		expect(result.items[0].json.error).toBe('Model sora-2 cannot make 4x4 videos; it supports 720x1280, 1280x720. Pick one of those sizes or a sora-2-pro model');
		const hints = result.runData['Node Under Test'][0].hints ?? [];
		expect(hints.map((h) => h.message).join(' ')).toMatch(/OpenAI retired its Videos API on 2026-09-24/);
	});
});

describe('Resource locators', () => {
	test('searchVideos lists recent videos (prompt, status, time) and pages with the cursor', async () => {
		const fresh = await startServer({ jobMs: 50 });
		try {
			for (let n = 0; n < 60; n++) {
				await request(`${fresh.emulator.baseUrl}/videos`, {
					method: 'POST',
					headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
					body: JSON.stringify({ prompt: `Locator clip number ${n}` }),
				}).then((r) => r.body.json());
			}
			const search = (filter, paginationToken) =>
				harness.runListSearch({ pkg: PKG, nodeType: 'sora', method: 'searchVideos', credentials: fresh.credentials, filter, paginationToken });
			const first = await search();
			expect(first.results).toHaveLength(50);
			expect(first.results[0].name).toMatch(/^Locator clip number 59 — (queued|in_progress|completed) — \d{4}-\d\d-\d\d \d\d:\d\d$/);
			expect(first.paginationToken).toBe(first.results[49].value);
			const second = await search(undefined, first.paginationToken);
			expect(second.results).toHaveLength(10);
			expect(second.paginationToken).toBeUndefined();
			const filtered = await search('number 7');
			expect(filtered.results.map((r) => r.name.split(' — ')[0])).toEqual(['Locator clip number 7']);
		} finally {
			await fresh.emulator.close();
		}
	});

	test('searchModels lists the server\'s models (GET /models) with what the table knows of them', async () => {
		const models = await harness.runListSearch({ pkg: PKG, nodeType: 'sora', method: 'searchModels', credentials: server.credentials, filter: 'pro' });
		// The listed match, then the typed text itself: the server's list is not exhaustive (issue 22).
		expect(models.results).toEqual([
			{ name: 'Sora 2 Pro — sora-2-pro (4/8/12 s, 6 sizes, from $0.30/s)', value: 'sora-2-pro' },
			{ name: 'pro (not listed by the server)', value: 'pro' },
		]);
		const exact = await harness.runListSearch({ pkg: PKG, nodeType: 'sora', method: 'searchModels', credentials: server.credentials, filter: 'sora-2-pro' });
		expect(exact.results).toEqual([{ name: 'Sora 2 Pro — sora-2-pro (4/8/12 s, 6 sizes, from $0.30/s)', value: 'sora-2-pro' }]);
		// The server lists no Veo: the picker offers only the typed text itself, marked as not listed (issue 22).
		const veo = await harness.runListSearch({ pkg: PKG, nodeType: 'sora', method: 'searchModels', credentials: server.credentials, filter: 'veo' });
		expect(veo.results).toEqual([{ name: 'veo (not listed by the server)', value: 'veo' }]);
	});
});

describe('As an AI agent tool', () => {
	test('the agent gets ids and download URLs in JSON, no binary', async () => {
		const downloadsBefore = server.emulator.stats.requests.content ?? 0;
		const result = await runSora(
			server.credentials,
			{
				resource: 'video',
				operation: 'textToVideo',
				prompt: "={{ $fromAI('prompt', 'What the video shows and sounds like', 'string') }}",
				model: model('sora-2'),
				seconds: '4',
				size: '1280x720',
			},
			{ toolArgs: { prompt: 'A kite over a windy beach' } },
		);
		expect(result.error).toBeUndefined();
		const { output, toolName } = result.items[0].json;
		expect(toolName).toMatch(/^Node_Under_Test|Node Under Test/);
		const answer = JSON.parse(output);
		const video = Array.isArray(answer) ? answer[0] : answer;
		expect(video).toMatchObject({ status: 'completed', prompt: 'A kite over a windy beach', size: '1280x720' });
		expect(video.download_url).toBe(`${server.emulator.baseUrl}/videos/${video.id}/content`);
		expect(video.thumbnail_url).toBe(`${server.emulator.baseUrl}/videos/${video.id}/content?variant=thumbnail`);
		expect(server.emulator.stats.requests.content ?? 0).toBe(downloadsBefore); // nothing downloaded for the agent
	});
});
