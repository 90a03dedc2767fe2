/**
 * The nodes against every server the credential presets name, inside n8n's engine over real HTTP: the
 * emulator speaks Azure OpenAI, LiteLLM proxy, a new-api gateway or OpenRouter on the wire
 * (test/emulator/dialects.js), and the credential's server preset picks the node's dialect
 * (nodes/Sora/servers/). What a server lacks is refused before any request.
 */
const http = require('node:http');
const { startEmulator } = require('../emulator');
const { PKG, API_KEY, model, byId, runSora, expectNoKey, harness, textToVideo: baseTextToVideo } = require('./setup');
const { clip, image, probe } = require('../fixtures/media');

/** litellm-gemini: LiteLLM proxy with Veo behind it (provider gemini). */
const MODES = ['azure', 'litellm', 'litellm-gemini', 'newapi', 'openrouter'];

/** What the operations matrix expects of each server. */
const HAS = {
	// Azure documents no characters; LiteLLM ignores `variant` (always the MP4); new-api has no character routes.
	azure: { list: true, remix: true, edit: false, characters: false, thumbnail: true },
	litellm: { list: true, remix: true, edit: true, characters: true, thumbnail: false },
	// Behind Veo, LiteLLM raises NotImplementedError for everything but create, status and content.
	'litellm-gemini': { list: false, remix: false, edit: false, characters: false, thumbnail: false },
	newapi: { list: false, remix: true, edit: false, characters: false, thumbnail: false },
	openrouter: { list: false, remix: false, edit: false, characters: false, thumbnail: false },
};

/** How refusals name each server (LiteLLM names its provider where the provider decides). */
const NAMES = {
	azure: 'Azure OpenAI',
	litellm: 'LiteLLM proxy',
	'litellm-gemini': 'LiteLLM proxy with provider gemini',
	newapi: 'The new-api gateway',
	openrouter: 'OpenRouter',
};

/** The model each mode is asked for. */
const MODELS = { openrouter: 'openai/sora-2', 'litellm-gemini': 'veo-3.1-generate-preview' };

const ID_SHAPES = {
	azure: /^video_[0-9a-f]+$/,
	litellm: /^video_[A-Za-z0-9+/=]+$/, // opaque base64, with characters that need URL encoding
	'litellm-gemini': /^video_[A-Za-z0-9+/=]+$/,
	newapi: /^task_[0-9a-f]+$/,
	openrouter: /^job-[0-9a-f]+$/,
};

async function startDialect(mode, options = {}) {
	const [dialect, provider] = mode.split('-');
	const dialectOptions = { ...(provider ? { provider } : {}), ...(options.dialectOptions ?? {}) };
	const emulator = await startEmulator({ port: 0, jobMs: 800, pollAfterMs: 200, apiKey: API_KEY, captions: false, dialect, ...options, dialectOptions });
	// Only the preset: the auth header and everything else follow from it.
	const soraApi = { apiKey: API_KEY, baseUrl: emulator.baseUrl, server: dialect, ...(dialect === 'litellm' ? { litellmProvider: provider ?? 'openai' } : {}) };
	return { emulator, credentials: { soraApi } };
}

const totalRequests = (emulator) => Object.values(emulator.stats.requests).reduce((a, b) => a + b, 0);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function sha256Served(emulator, id) {
	return (await (await fetch(`${emulator.origin}/__emulator/videos/${encodeURIComponent(id)}/sha256`)).json()).sha256;
}

const textToVideo = (overrides = {}) => baseTextToVideo({ prompt: 'A lighthouse beam sweeps across a stormy sea, waves crash', size: '1280x720', ...overrides });

describe.each(MODES)('%s dialect', (dialect) => {
	// OpenRouter names models by slug (GET /api/v1/videos/models).
	const t2v = (overrides = {}) => textToVideo({ model: model(MODELS[dialect] ?? 'sora-2'), ...overrides });
	let server;
	let finished; // a completed video made by Text to Video
	beforeAll(async () => {
		server = await startDialect(dialect);
	});
	afterAll(async () => server.emulator.close());

	test('Text to Video: the dialect on the wire, the MP4 into binary, the key never shown', async () => {
		const assetsBefore = server.emulator.dialect.stats.assetRequests;
		const result = await runSora(server.credentials, t2v());
		expect(result.error).toBeUndefined();
		const [item] = result.items;
		finished = item.json;
		expect(item.json).toMatchObject({ object: 'video', status: 'completed', progress: 100, error: null });
		expect(item.json.id).toMatch(ID_SHAPES[dialect]);
		if (dialect === 'litellm-gemini') {
			// Veo reports model, size and seconds as null: the output keeps what was asked for.
			expect(item.json).toMatchObject({ model: MODELS[dialect], size: '1280x720', seconds: '4' });
		} else if (dialect !== 'openrouter') {
			// OpenRouter's job object carries no model, size or duration; the others are normalised.
			expect(item.json).toMatchObject({ model: 'sora-2', size: '1280x720', seconds: '4', estimated_cost_usd: 0.4 });
		}
		const binary = item.binary.data;
		expect(binary).toMatchObject({ mimeType: 'video/mp4', fileName: `${item.json.id}.mp4` });
		const media = probe(await harness.readBinary(binary));
		expect(media).toMatchObject({ videoCodec: 'h264', width: 1280, height: 720, audioCodec: 'aac' });
		expect(media.seconds).toBeCloseTo(4, 0);
		expect((await harness.sha256OfBinary(binary)).sha256).toBe(await sha256Served(server.emulator, item.json.id));
		// new-api and OpenRouter hand out a signed URL on another origin: fetched, and without the key.
		// OpenRouter hands out a signed URL on another origin; new-api's result URL is its own /content.
		const signed = dialect === 'openrouter';
		expect(server.emulator.dialect.stats.assetRequests - assetsBefore).toBe(signed ? 1 : 0);
		expect(server.emulator.dialect.stats.assetRequestsWithCredentials).toBe(0);
		if (signed) expect(item.json.urls[0]).toMatch(new RegExp(`^${server.emulator.dialect.assetOrigin}/signed/`));
		expectNoKey(result);
	});

	test('Image to Video: the first frame in the dialect (multipart, or a data: URL in frame_images on OpenRouter)', async () => {
		const result = await runSora(
			server.credentials,
			{ ...t2v({ operation: 'imageToVideo', size: 'matchImage' }), imageSource: 'binary', binaryPropertyName: 'data' },
			{ inputItems: [{ json: {}, binary: { data: { buffer: image('png', 720, 1280), mimeType: 'image/png', fileName: 'frame.png' } } }] },
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('completed');
		expect(probe(await harness.readBinary(result.items[0].binary.data))).toMatchObject({ width: 720, height: 1280 });
		const job = server.emulator.jobs().find((j) => server.emulator.dialect.wireId(j.id) === result.items[0].json.id);
		expect(job).toMatchObject({ size: '720x1280', seconds: '4' }); // the server understood size, duration and image
	});

	test('Image to Video from a URL: as each server takes it (JSON reference, URL string, frame_images, or fetched and uploaded)', async () => {
		const png = image('png', 1280, 720);
		let fetched = 0;
		const images = http.createServer((req, res) => {
			fetched++;
			res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
			res.end(png);
		});
		await new Promise((resolve) => images.listen(0, '127.0.0.1', resolve));
		// OpenRouter fetches the URL itself and cannot reach this machine: it gets a data: URL, which it takes the same
		// way. Azure, LiteLLM and new-api want a file, so the node fetches the http URL and uploads the image.
		const uploads = dialect !== 'openrouter';
		const url = uploads ? `http://127.0.0.1:${images.address().port}/frames/first.png` : `data:image/png;base64,${png.toString('base64')}`;
		try {
			const result = await runSora(server.credentials, { ...t2v({ operation: 'imageToVideo' }), imageSource: 'url', imageUrl: url });
			expect(result.error).toBeUndefined();
			expect(result.items[0].json.status).toBe('completed');
			expect(fetched).toBe(uploads ? 1 : 0);
			const job = server.emulator.jobs().find((j) => server.emulator.dialect.wireId(j.id) === result.items[0].json.id);
			expect(job).toMatchObject({ size: '1280x720', seconds: '4' });
		} finally {
			await new Promise((resolve) => images.close(resolve));
		}
	});

	test('Get follows a job submitted without waiting; Download fetches its MP4', async () => {
		const submitted = await runSora(server.credentials, t2v({ waitForCompletion: false }));
		expect(submitted.error).toBeUndefined();
		const job = submitted.items[0].json;
		expect(['queued', 'in_progress']).toContain(job.status);
		let status;
		for (let i = 0; i < 50; i++) {
			const got = await runSora(server.credentials, { resource: 'video', operation: 'get', videoId: byId(job.id) });
			expect(got.error).toBeUndefined();
			status = got.items[0].json;
			if (status.status === 'completed') break;
			await sleep(150);
		}
		expect(status).toMatchObject({ id: job.id, status: 'completed', progress: 100 });
		const out = await runSora(server.credentials, { resource: 'video', operation: 'download', videoId: byId(job.id), variant: 'video', binaryPropertyOutput: 'file' });
		expect(out.error).toBeUndefined();
		expect(out.items[0].binary.file).toMatchObject({ mimeType: 'video/mp4', fileName: `${job.id}.mp4` });
		expect((await harness.sha256OfBinary(out.items[0].binary.file)).sha256).toBe(await sha256Served(server.emulator, job.id));
		expect(server.emulator.dialect.stats.assetRequestsWithCredentials).toBe(0);
	});

	test('an in-band failure keeps its code', async () => {
		const result = await runSora(server.credentials, t2v({ prompt: 'BLOCKED_BY_MODERATION storm' }));
		expect(result.error.message).toMatch(/failed: Your request was blocked by our moderation system\./);
	});

	test(HAS[dialect].list ? 'the Sora Trigger emits the finished video with its MP4' : 'the Sora Trigger is refused before any request', async () => {
		const parameters = { events: ['completed'], onlyNew: false, options: { maxPerPoll: 100 } };
		const poll = () => harness.runPoll({ pkg: PKG, nodeType: 'soraTrigger', credentials: server.credentials, parameters, staticData: {} });
		const before = totalRequests(server.emulator);
		if (!HAS[dialect].list) {
			await expect(poll()).rejects.toThrow(`${NAMES[dialect]} has no video list, so the Sora Trigger cannot run against it`);
			expect(totalRequests(server.emulator)).toBe(before);
			return;
		}
		const items = (await poll())[0];
		const emitted = items.find((i) => i.json.id === finished.id);
		expect(emitted.json).toMatchObject({ status: 'completed', size: '1280x720' });
		expect(emitted.binary.data.mimeType).toBe('video/mp4');
		expectNoKey(items);
		if (dialect === 'litellm') expect(server.emulator.dialect.stats.listProviders.openai).toBeGreaterThan(0);
	});

	test(HAS[dialect].list ? 'Get Many lists the jobs' : 'Get Many is refused before any request', async () => {
		const before = totalRequests(server.emulator);
		const result = await runSora(server.credentials, { resource: 'video', operation: 'getMany', returnAll: true, order: 'desc' });
		if (!HAS[dialect].list) {
			expect(result.error.message).toMatch(/has no video list, so Get Many cannot run against it$/);
			expect(result.error.description).toMatch(/Video → Get/);
			expect(totalRequests(server.emulator)).toBe(before);
			return;
		}
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.id)).toContain(finished.id);
	});

	test(HAS[dialect].remix ? 'Remix makes a new job from a finished one' : 'Remix is refused before any request', async () => {
		const before = totalRequests(server.emulator);
		const result = await runSora(server.credentials, { resource: 'video', operation: 'remix', videoId: byId(finished.id), prompt: 'The same lighthouse at dawn' });
		if (!HAS[dialect].remix) {
			expect(result.error.message).toBe(`${NAMES[dialect]} has no remix, so Remix cannot run against it`);
			expect(totalRequests(server.emulator)).toBe(before);
			return;
		}
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('completed');
		// LiteLLM passes the upstream's raw source id through (its ids wrap the upstream's); new-api's Sora channel too.
		if (dialect === 'azure') expect(result.items[0].json.remixed_from_video_id).toBe(finished.id);
		else expect(result.items[0].json.remixed_from_video_id).toEqual(expect.any(String));
		expect(result.items[0].binary.data.mimeType).toBe('video/mp4');
	});

	test(HAS[dialect].edit ? 'Edit and Extend reach the server' : 'Edit and Extend are refused before any request', async () => {
		const before = totalRequests(server.emulator);
		const edit = await runSora(server.credentials, { resource: 'video', operation: 'edit', source: 'videoId', videoId: byId(finished.id), prompt: 'Add gulls', waitForCompletion: false });
		const extend = await runSora(server.credentials, { resource: 'video', operation: 'extend', videoId: byId(finished.id), prompt: 'The storm clears', seconds: '4', waitForCompletion: false });
		if (!HAS[dialect].edit) {
			const name = NAMES[dialect];
			expect(edit.error.message).toBe(`${name} has no video edits, so Edit cannot run against it`);
			expect(extend.error.message).toBe(`${name} has no video extensions, so Extend cannot run against it`);
			expect(totalRequests(server.emulator)).toBe(before);
			return;
		}
		expect(edit.error).toBeUndefined();
		expect(extend.error).toBeUndefined();
		expect(extend.items[0].json.seconds).toBe('8');
	});

	test(HAS[dialect].characters ? 'Character → Create and Get reach the server' : 'characters are refused before any request', async () => {
		const before = totalRequests(server.emulator);
		const created = await runSora(
			server.credentials,
			{ resource: 'character', operation: 'create', name: 'Keeper Kit', binaryPropertyName: 'data' },
			{ inputItems: [{ json: {}, binary: { data: { buffer: clip(1280, 720, 3), mimeType: 'video/mp4', fileName: 'kit.mp4' } } }] },
		);
		if (!HAS[dialect].characters) {
			expect(created.error.message).toBe(`${NAMES[dialect]} has no characters, so Character → Create cannot run against it`);
			const starring = await runSora(
				server.credentials,
				t2v({ prompt: 'Keeper Kit waves', characters: { character: [{ id: 'char_1', name: 'Keeper Kit' }] } }),
			);
			expect(starring.error.message).toBe(`${NAMES[dialect]} has no characters, so a video with characters cannot run against it`);
			expect(totalRequests(server.emulator)).toBe(before);
			return;
		}
		expect(created.error).toBeUndefined();
		const got = await runSora(server.credentials, { resource: 'character', operation: 'get', characterId: created.items[0].json.id });
		expect(got.items[0].json).toMatchObject({ id: created.items[0].json.id, name: 'Keeper Kit' });
	});

	test(HAS[dialect].thumbnail ? 'the thumbnail downloads' : 'thumbnails are refused before any request', async () => {
		const before = totalRequests(server.emulator);
		const out = await runSora(server.credentials, { resource: 'video', operation: 'download', videoId: byId(finished.id), variant: 'thumbnail', binaryPropertyOutput: 'file' });
		const withThumb = await runSora(server.credentials, t2v({ options: { downloadThumbnail: true } }));
		if (!HAS[dialect].thumbnail) {
			const name = dialect === 'litellm-gemini' ? 'LiteLLM proxy' : NAMES[dialect]; // whatever the provider
			expect(out.error.message).toBe(`${name} serves only the MP4 of a video, no thumbnail`);
			expect(withThumb.error.message).toBe(`${name} serves only the MP4 of a video, no thumbnail, so Download Thumbnail cannot run against it`);
			expect(totalRequests(server.emulator)).toBe(before);
			return;
		}
		expect(out.error).toBeUndefined();
		expect(out.items[0].binary.file.mimeType).toBe('image/webp');
		expect(withThumb.items[0].binary.thumbnail.mimeType).toBe('image/webp');
	});
});

describe('dialect specifics', () => {
	test('Azure: 720p and 4/8/12 s only, refused before any request; the preset sends the api-key header', async () => {
		const server = await startDialect('azure');
		try {
			const before = totalRequests(server.emulator);
			const long = await runSora(server.credentials, textToVideo({ seconds: '16' }));
			expect(long.error.message).toBe('Azure OpenAI cannot make 16 s videos; it makes 4, 8 or 12 seconds');
			const big = await runSora(server.credentials, textToVideo({ model: model('sora-2-pro'), size: '1920x1080' }));
			expect(big.error.message).toBe('Azure OpenAI cannot make 1920x1080 videos; it makes 720x1280 and 1280x720 only');
			expect(totalRequests(server.emulator)).toBe(before);
			// The v1 API takes the key as api-key (the preset's default) and as Bearer: an unknown id is then a 404, not a 401.
			const bearer = { soraApi: { ...server.credentials.soraApi, authHeader: 'bearer' } };
			const unknown = await runSora(bearer, { resource: 'video', operation: 'get', videoId: byId('video_x') });
			expect(unknown.error.httpCode).toBe('404');
		} finally {
			await server.emulator.close();
		}
	});

	test('Veo behind LiteLLM: a 6 s clip (Veo makes 4, 6 or 8 s), really 6 s long', async () => {
		const server = await startDialect('litellm-gemini');
		try {
			const result = await runSora(server.credentials, textToVideo({ model: model('veo-3.1-generate-preview'), seconds: '6', size: '1280x720' }));
			expect(result.error).toBeUndefined();
			expect(result.items[0].json).toMatchObject({ status: 'completed', seconds: '6', size: '1280x720' });
			const media = probe(await harness.readBinary(result.items[0].binary.data));
			expect(media).toMatchObject({ width: 1280, height: 720, audioCodec: 'aac' });
			expect(media.seconds).toBeCloseTo(6, 0);
		} finally {
			await server.emulator.close();
		}
	});

	test('Veo behind LiteLLM: a duration Veo cannot make is refused before any request, naming what it makes', async () => {
		const server = await startDialect('litellm-gemini');
		try {
			const before = totalRequests(server.emulator);
			const result = await runSora(server.credentials, textToVideo({ model: model('veo-3.1-generate-preview'), seconds: '5' }));
			expect(result.error.message).toBe('Veo 3.1 (veo-3.1-generate-preview) cannot make 5 s videos; it makes 4, 6 or 8 seconds');
			const tall = await runSora(server.credentials, textToVideo({ model: model('veo-3.1-generate-preview'), seconds: '6', size: '1080x1920' }));
			expect(tall.error.message).toBe('Veo 3.1 (veo-3.1-generate-preview) makes 1080p videos only at 8 seconds, not 6');
			expect(totalRequests(server.emulator)).toBe(before);
		} finally {
			await server.emulator.close();
		}
	});

	test('LiteLLM: listing needs the provider; without it the node says so before any request', async () => {
		const server = await startDialect('litellm');
		try {
			const { litellmProvider, ...withoutProvider } = server.credentials.soraApi;
			expect(litellmProvider).toBe('openai');
			const before = totalRequests(server.emulator);
			const result = await runSora({ soraApi: withoutProvider }, { resource: 'video', operation: 'getMany', returnAll: true, order: 'desc' });
			expect(result.error.message).toBe('LiteLLM proxy needs a provider to list videos, so Get Many cannot run yet');
			expect(result.error.description).toMatch(/LiteLLM Provider/);
			expect(totalRequests(server.emulator)).toBe(before);
			// The x-litellm-api-key header works as well as Bearer.
			const keyHeader = { soraApi: { ...server.credentials.soraApi, authHeader: 'litellmKey' } };
			const listed = await runSora(keyHeader, { resource: 'video', operation: 'getMany', returnAll: true, order: 'desc' });
			expect(listed.error).toBeUndefined();
		} finally {
			await server.emulator.close();
		}
	});

	test('OpenRouter: sizes it cannot express and file ids are refused; the content proxy and ?index=0 work without signed URLs', async () => {
		const server = await startDialect('openrouter');
		try {
			const before = totalRequests(server.emulator);
			const odd = await runSora(server.credentials, textToVideo({ model: model('openai/sora-2-pro'), size: '1792x1024' }));
			expect(odd.error.message).toBe('OpenRouter cannot make 1792x1024 videos; it takes 720p or 1080p in 16:9 or 9:16');
			const fileId = await runSora(server.credentials, { ...textToVideo({ operation: 'imageToVideo' }), imageSource: 'fileId', fileId: 'file-1' });
			expect(fileId.error.message).toBe('OpenRouter cannot take an uploaded file ID as the first frame');
			const deleted = await runSora(server.credentials, { resource: 'video', operation: 'delete', videoId: byId('job-1') });
			expect(deleted.error.message).toBe('OpenRouter cannot delete videos, so Delete cannot run against it');
			expect(totalRequests(server.emulator)).toBe(before);

			for (const resultUrls of ['proxy', 'none']) {
				server.emulator.dialect.options.resultUrls = resultUrls;
				const assets = server.emulator.dialect.stats.assetRequests;
				const contentBefore = server.emulator.stats.requests.content ?? 0;
				const result = await runSora(server.credentials, textToVideo({ model: model('google/veo-3.1'), size: '1920x1080', seconds: '8' }));
				expect(result.error).toBeUndefined();
				expect(probe(await harness.readBinary(result.items[0].binary.data))).toMatchObject({ width: 1920, height: 1080 });
				expect(server.emulator.dialect.stats.assetRequests).toBe(assets);
				expect((server.emulator.stats.requests.content ?? 0) - contentBefore).toBe(1);
			}
		} finally {
			await server.emulator.close();
		}
	});

	test('OpenRouter: a cancelled job is an item error with code cancelled', async () => {
		const server = await startDialect('openrouter', { jobMs: 60_000 });
		try {
			const submitted = await runSora(server.credentials, textToVideo({ model: model('openai/sora-2'), waitForCompletion: false }));
			const id = submitted.items[0].json.id;
			await fetch(`${server.emulator.origin}/__emulator/videos/${id}/fail`, { method: 'POST', body: JSON.stringify({ code: 'cancelled', message: 'Cancelled by the provider.' }) });
			const got = await runSora(server.credentials, { resource: 'video', operation: 'get', videoId: byId(id) });
			expect(got.items[0].json).toMatchObject({ status: 'failed', error: { code: 'cancelled', message: 'Cancelled by the provider.' } });
		} finally {
			await server.emulator.close();
		}
	});

	test('new-api: seconds as a string (no duration, which its Sora channel would pass upstream), task_ ids read back', async () => {
		const server = await startDialect('newapi', { jobMs: 60_000, dialectOptions: { sweepMs: 100 } });
		try {
			const submitted = await runSora(server.credentials, textToVideo({ seconds: '8', waitForCompletion: false }));
			expect(submitted.error).toBeUndefined();
			const job = submitted.items[0].json;
			expect(job).toMatchObject({ seconds: '8', size: '1280x720', status: 'queued' });
			expect(job.id).toMatch(/^task_/);
			await sleep(400);
			const got = (await runSora(server.credentials, { resource: 'video', operation: 'get', videoId: byId(job.id) })).items[0].json;
			expect(got).toMatchObject({ id: job.id, seconds: '8' });
			expect(['queued', 'in_progress']).toContain(got.status);
			expect(typeof got.progress).toBe('number');
		} finally {
			await server.emulator.close();
		}
	});

	test('new-api, a Kling-like channel: "unknown" until the sweep, the result in metadata.url, remix with its model', async () => {
		const server = await startDialect('newapi', { jobMs: 500, dialectOptions: { channel: 'generic', sweepMs: 300 } });
		try {
			const made = await runSora(server.credentials, textToVideo({ model: model('kling-v2-1') }));
			expect(made.error).toBeUndefined();
			expect(made.items[0].json).toMatchObject({ status: 'completed' });
			expect(made.items[0].binary.data.mimeType).toBe('video/mp4');
			const remixed = await runSora(server.credentials, { resource: 'video', operation: 'remix', videoId: byId(made.items[0].json.id), prompt: 'at night' });
			expect(remixed.error).toBeUndefined();
			expect(remixed.items[0].json.status).toBe('completed');
		} finally {
			await server.emulator.close();
		}
	});
});
