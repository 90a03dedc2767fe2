const { startServer, model, byId, runSora, expectNoKey, harness, textToVideo: baseTextToVideo } = require('./setup');
const { image, probe } = require('../fixtures/media');

let server;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => server.emulator.close());

const textToVideo = (overrides = {}) => baseTextToVideo({ prompt: 'A paper boat drifts down a rain gutter, macro shot, soft rain sounds', ...overrides });

describe('Video → Text to Video', () => {
	test('waits, then streams a real MP4 of the requested size and length into binary', async () => {
		const result = await runSora(server.credentials, textToVideo({ size: '1280x720' }));
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const [item] = result.items;
		expect(item.json).toMatchObject({ status: 'completed', progress: 100, model: 'sora-2', size: '1280x720', seconds: '4', estimated_cost_usd: 0.4, error: null });
		expect(item.json.id).toMatch(/^video_/);
		expect(item.pairedItem).toEqual({ item: 0 });
		const binary = item.binary.data;
		expect(binary).toMatchObject({ mimeType: 'video/mp4', fileName: `${item.json.id}.mp4` });
		expect(binary.id).toBeTruthy(); // stored in n8n's binary store, not buffered into the item
		const media = probe(await harness.readBinary(binary));
		expect(media).toMatchObject({ videoCodec: 'h264', width: 1280, height: 720, audioCodec: 'aac' });
		expect(media.seconds).toBeCloseTo(4, 0);
		const served = await (await fetch(`${server.emulator.baseUrl.replace(/\/v1$/, '')}/__emulator/videos/${item.json.id}/sha256`)).json();
		expect((await harness.sha256OfBinary(binary)).sha256).toBe(served.sha256);
		expectNoKey(result);
	});

	test('custom output field, thumbnail, and items keep their order', async () => {
		const result = await runSora(
			server.credentials,
			textToVideo({ prompt: '={{ "Clip number " + $json.n }}', options: { binaryPropertyOutput: 'clip', downloadThumbnail: true } }),
			{ inputItems: [{ json: { n: 1 } }, { json: { n: 2 } }, { json: { n: 3 } }] },
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.prompt)).toEqual(['Clip number 1', 'Clip number 2', 'Clip number 3']);
		expect(result.items.map((i) => i.pairedItem.item)).toEqual([0, 1, 2]);
		for (const item of result.items) {
			expect(Object.keys(item.binary).sort()).toEqual(['clip', 'thumbnail']);
			expect(item.binary.thumbnail.mimeType).toBe('image/webp');
		}
	});

	test('Wait for Completion off returns the queued job at once; Get and Download pick it up', async () => {
		const submitted = await runSora(server.credentials, textToVideo({ waitForCompletion: false }));
		const job = submitted.items[0].json;
		expect(['queued', 'in_progress']).toContain(job.status);
		expect(submitted.items[0].binary).toBeUndefined();

		let status;
		for (let i = 0; i < 50; i++) {
			status = (await runSora(server.credentials, { resource: 'video', operation: 'get', videoId: byId(job.id) })).items[0].json;
			if (status.status === 'completed') break;
			await new Promise((r) => setTimeout(r, 200));
		}
		expect(status).toMatchObject({ id: job.id, status: 'completed' });

		for (const [variant, mimeType, ext] of [['video', 'video/mp4', 'mp4'], ['thumbnail', 'image/webp', 'webp'], ['spritesheet', 'image/jpeg', 'jpg']]) {
			const out = await runSora(server.credentials, { resource: 'video', operation: 'download', videoId: byId(job.id), variant, binaryPropertyOutput: 'file' });
			expect(out.error).toBeUndefined();
			expect(out.items[0].binary.file).toMatchObject({ mimeType, fileName: `${job.id}.${ext}` });
		}
	});

	test('a size the model cannot make is refused before any request', async () => {
		const before = server.emulator.stats.acceptedCreates;
		const result = await runSora(server.credentials, textToVideo({ size: '1920x1080' }));
		expect(result.error.message).toBe('Model sora-2 cannot make 1920x1080 videos; it supports 720x1280, 1280x720. Pick one of those sizes or a sora-2-pro model');
		expect(result.error.itemIndex).toBe(0);
		expect(server.emulator.stats.acceptedCreates).toBe(before);
	});

	test('a duration sora-2 cannot make is refused before any request, naming what it makes (its slug too)', async () => {
		const before = server.emulator.stats.acceptedCreates;
		const fifteen = await runSora(server.credentials, textToVideo({ seconds: '15' }));
		expect(fifteen.error.message).toBe('Sora 2 (sora-2) cannot make 15 s videos; it makes 4, 8 or 12 seconds');
		const slug = await runSora(server.credentials, textToVideo({ model: { __rl: true, mode: 'id', value: 'openai/sora-2' }, seconds: '6' }));
		expect(slug.error.message).toBe('Sora 2 (openai/sora-2) cannot make 6 s videos; it makes 4, 8 or 12 seconds');
		const big = await runSora(server.credentials, textToVideo({ model: { __rl: true, mode: 'id', value: 'openai/sora-2' }, size: '1792x1024' }));
		expect(big.error.message).toBe('Model openai/sora-2 cannot make 1792x1024 videos; it supports 720x1280, 1280x720. Pick one of those sizes or a sora-2-pro model');
		const odd = await runSora(server.credentials, textToVideo({ seconds: '={{ "eight" }}' }));
		expect(odd.error.message).toBe('The duration "eight" is not a whole number of seconds');
		expect(server.emulator.stats.acceptedCreates).toBe(before);
	});

	test('a 400 from the server surfaces OpenAI\'s message and code', async () => {
		const result = await runSora(server.credentials, textToVideo({ options: { additionalBodyFields: '{"seconds": 8}' } }));
		expect(result.error.message).toMatch(/^Invalid type for 'seconds'.*\(invalid_type\)$|^Invalid type for 'seconds'/);
		expect(result.error.httpCode).toBe('400');
	});

	test('an in-band failure is an item error with its code; Continue On Fail keeps the other items', async () => {
		const failing = await runSora(server.credentials, textToVideo({ prompt: 'BLOCKED_BY_MODERATION cat' }));
		expect(failing.error.message).toMatch(/^Video video_\w+ failed: Your request was blocked by our moderation system\. \(moderation_blocked\)$/);

		const mixed = await runSora(server.credentials, textToVideo({ prompt: '={{ $json.prompt }}' }), {
			continueOnFail: true,
			inputItems: [{ json: { prompt: 'A calm lake' } }, { json: { prompt: 'BLOCKED_BY_MODERATION dog' } }, { json: { prompt: '' } }],
		});
		expect(mixed.error).toBeUndefined();
		expect(mixed.items).toHaveLength(3);
		expect(mixed.items[0].json.status).toBe('completed');
		expect(mixed.items[0].binary.data).toBeDefined();
		expect(mixed.items[1].json).toMatchObject({ status: 'failed', error: { code: 'moderation_blocked', message: 'Your request was blocked by our moderation system.' } });
		expect(mixed.items[1].json.errorDescription).toMatch(/blocked by moderation/);
		expect(mixed.items[2].json.error).toBe('The prompt is empty');
		expect(mixed.items.map((i) => i.pairedItem.item)).toEqual([0, 1, 2]);
	});

	test('without Continue On Fail, the error names the jobs other items already started', async () => {
		const result = await runSora(server.credentials, textToVideo({ prompt: '={{ $json.prompt }}', waitForCompletion: false, options: { concurrency: 1 } }), {
			inputItems: [{ json: { prompt: 'A paid clip' } }, { json: { prompt: '' } }],
		});
		expect(result.error.message).toBe('The prompt is empty');
		expect(result.error.itemIndex).toBe(1);
		expect(result.error.description).toMatch(/Jobs of other items in this run were submitted and are not lost: video_\w+\.$/);
	});

	test('a wrong key is a 401 with advice and the key is never shown', async () => {
		const credentials = { soraApi: { ...server.credentials.soraApi, apiKey: 'sk-wrong-key-which-must-not-leak' } };
		const result = await runSora(credentials, textToVideo());
		expect(result.error.httpCode).toBe('401');
		expect(result.error.description).toMatch(/check the key/);
		expect(JSON.stringify(result.error)).not.toContain('sk-wrong-key-which-must-not-leak');
	});

	test('Azure-style api-key header works', async () => {
		const credentials = { soraApi: { ...server.credentials.soraApi, authHeader: 'apiKey' } };
		const result = await runSora(credentials, { resource: 'video', operation: 'get', videoId: byId('video_missing') });
		expect(result.error.httpCode).toBe('404'); // authenticated, and the id is unknown
	});

	test('a base URL without scheme is refused with a sentence', async () => {
		const credentials = { soraApi: { ...server.credentials.soraApi, baseUrl: 'localhost:4010/v1' } };
		const result = await runSora(credentials, textToVideo());
		expect(result.error.message).toBe('The base URL "localhost:4010/v1" is not a full http(s) URL');
	});
});

describe('Video → Image to Video', () => {
	const imageToVideo = (overrides = {}) => ({
		resource: 'video',
		operation: 'imageToVideo',
		prompt: 'The scene comes alive, leaves rustle',
		imageSource: 'binary',
		binaryPropertyName: 'data',
		model: model('sora-2'),
		seconds: '4',
		size: 'matchImage',
		...overrides,
	});
	const withImage = (buffer, mimeType = 'image/png', fileName = 'frame.png') => ({
		inputItems: [{ json: {}, binary: { data: { buffer, mimeType, fileName } } }],
	});

	test('uploads the first frame and takes its size', async () => {
		const result = await runSora(server.credentials, imageToVideo(), withImage(image('png', 1280, 720)));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ status: 'completed', size: '1280x720' });
		expect(probe(await harness.readBinary(result.items[0].binary.data))).toMatchObject({ width: 1280, height: 720 });
	});

	test('JPEG and WebP first frames, and a data: URL', async () => {
		for (const [format, mime] of [['jpeg', 'image/jpeg'], ['webp', 'image/webp']]) {
			const result = await runSora(server.credentials, imageToVideo({ size: '720x1280', waitForCompletion: false }), withImage(image(format, 720, 1280), mime, `f.${format}`));
			expect(result.error).toBeUndefined();
			expect(result.items[0].json.size).toBe('720x1280');
		}
		const url = `data:image/png;base64,${image('png', 720, 1280).toString('base64')}`;
		const result = await runSora(server.credentials, imageToVideo({ imageSource: 'url', imageUrl: url, waitForCompletion: false }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.size).toBe('720x1280');
	});

	test('refuses a wrong-size, non-image, empty or truncated image before uploading', async () => {
		const before = server.emulator.stats.acceptedCreates;
		const cases = [
			[image('png', 1024, 1024), 'The image is 1024x1024 but the video size is 720x1280'],
			[Buffer.from('GIF89a not supported'), 'The file from binary field "data" is not a PNG, JPEG or WebP image'],
			[Buffer.alloc(0), 'The image from binary field "data" is empty (0 bytes)'],
			[image('png', 720, 1280).subarray(0, 20), 'The image from binary field "data" is truncated or damaged: its size cannot be read'],
		];
		for (const [buffer, message] of cases) {
			const result = await runSora(server.credentials, imageToVideo({ size: '720x1280' }), withImage(buffer));
			expect(result.error.message).toBe(message);
			expect(result.error.itemIndex).toBe(0);
		}
		const missing = await runSora(server.credentials, imageToVideo({ binaryPropertyName: 'picture' }), withImage(image('png', 720, 1280)));
		expect(missing.error.message).toBe('The input item has no binary field "picture"');
		expect(missing.error.description).toBe('Set the field name to one of: data.');
		expect(server.emulator.stats.acceptedCreates).toBe(before);
	});
});
