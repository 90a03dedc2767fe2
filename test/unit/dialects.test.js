const { NodeHelpers } = require('n8n-workflow');
const dialects = require('../../dist/nodes/Sora/servers/index.js');
const { serverFromCredentials } = require('../../dist/nodes/Sora/servers/index.js');
const { SoraClient } = require('../../dist/nodes/Sora/api/client');
const { parseVideo } = require('../../dist/nodes/Sora/api/schemas');
const { SoraApi } = require('../../dist/credentials/SoraApi.credentials');

const fields = { prompt: 'p', model: 'm', seconds: 8, size: '1280x720', characters: [], additional: { seed: 7 }, extras: {} };
const dialect = (server, extra = {}) => serverFromCredentials({ server, ...extra });

// How a first frame travels is the server's to say (servers createWithImage, urlFrameRoute): these read it back.
const ctx = { getNode: () => ({ name: 'Sora' }) };
const image = { bytes: Buffer.from('png'), mimeType: 'image/png', fileName: 'f.png' };
const withImage = (d, f) => dialects.createWithImage(ctx, 0, d, f, image);
const takesMultipart = (d, model = 'm') => withImage(d, { ...fields, additional: {}, model }) instanceof FormData;
const uploadsImageUrls = (d, model = 'm') => dialects.urlFrameRoute(ctx, 0, d, model, 'https://x/f.png') === 'fetch';

describe('credential presets', () => {
	const credential = new SoraApi();
	const resolve = (data) => NodeHelpers.getNodeParameters(credential.properties, data, true, false, null, null);

	test('a credential saved before presets keeps its fields and speaks OpenAI', () => {
		const old = resolve({ apiKey: 'k', baseUrl: 'http://old/v1', authHeader: 'apiKey' });
		expect(old).toMatchObject({ server: 'openai', baseUrl: 'http://old/v1', authHeader: 'apiKey' });
		expect(serverFromCredentials(old).id).toBe('openai');
		expect(resolve({ apiKey: 'k' })).toMatchObject({ server: 'openai', baseUrl: 'https://api.openai.com/v1', authHeader: 'bearer' });
	});

	test('each preset sets its defaults', () => {
		expect(resolve({ server: 'azure' })).toMatchObject({ baseUrl: '', authHeader: 'apiKey' });
		expect(resolve({ server: 'openrouter' })).toMatchObject({ baseUrl: 'https://openrouter.ai/api/v1', authHeader: 'bearer' });
		expect(resolve({ server: 'litellm' })).toMatchObject({ authHeader: 'bearer', litellmProvider: '' });
		expect(resolve({ server: 'newapi' }).litellmProvider).toBeUndefined();
	});

	test('the credential test asks an endpoint every server of the preset has, and follows no redirect', () => {
		expect(credential.test.request.url).toContain('"/models"'); // LiteLLM (any provider) and new-api
		expect(credential.test.request.url).toContain('"/key"'); // OpenRouter
		// A redirect to another host would carry api-key / x-litellm-api-key there: it is named instead.
		expect(credential.test.request.disableFollowRedirect).toBe(true);
		const redirects = credential.test.rules.filter((rule) => rule.properties.value >= 300 && rule.properties.value < 400);
		expect(redirects.map((rule) => rule.properties.value)).toEqual([301, 302, 303, 307, 308]);
		expect(redirects[0].properties.message).toMatch(/^The server sends this address on to another one/);
	});

	test('authenticate sends the header the preset asks for', async () => {
		const headers = async (data) => (await credential.authenticate(resolve({ apiKey: 'k', ...data }), { headers: {} })).headers;
		expect(await headers({ server: 'azure' })).toEqual({ 'api-key': 'k' });
		expect(await headers({ server: 'openrouter' })).toEqual({ Authorization: 'Bearer k' });
		expect(await headers({ server: 'litellm', authHeader: 'litellmKey' })).toEqual({ 'x-litellm-api-key': 'k' });
	});
});

describe('create bodies per dialect', () => {
	test('OpenAI, Azure and LiteLLM: seconds as a string, size, input_reference', () => {
		for (const server of ['openai', 'azure', 'litellm']) {
			expect(dialects.createJson(dialect(server), fields, { image_url: 'https://x/a.png' })).toEqual({
				prompt: 'p', model: 'm', seconds: '8', size: '1280x720', input_reference: { image_url: 'https://x/a.png' }, seed: 7,
			});
		}
	});

	test('new-api: seconds as a string and no duration (its Sora channel forwards the body as it is), in JSON and multipart', () => {
		const json = dialects.createJson(dialect('newapi'), fields);
		expect(json).toMatchObject({ seconds: '8', size: '1280x720' });
		expect(json.duration).toBeUndefined();
		const form = withImage(dialect('newapi'), fields);
		expect(form.get('seconds')).toBe('8');
		expect(form.get('duration')).toBeNull();
	});

	test('new-api: a Kling (or other vendor) model also gets `duration`, which its adaptor reads instead of seconds', () => {
		const kling = { ...fields, model: 'kling-v2-6', seconds: 10 };
		expect(dialects.createJson(dialect('newapi'), kling)).toMatchObject({ seconds: '10', duration: 10 });
		// Vendor channels ignore uploaded files (relay_utils.go validateMultipartTaskRequest): JSON only for them.
		expect(takesMultipart(dialect('newapi'), 'kling-v2-6')).toBe(false);
		expect(takesMultipart(dialect('newapi'), 'sora-2')).toBe(true);
		expect(dialects.createJson(dialect('newapi'), { ...fields, model: 'sora-2' }).duration).toBeUndefined();
	});

	test('new-api: options in metadata (other channels drop top-level extras)', () => {
		const body = dialects.createJson(dialect('newapi'), fields);
		expect(body).toEqual({ prompt: 'p', model: 'm', seconds: '8', size: '1280x720', metadata: { seed: 7 } });
		expect(JSON.parse(withImage(dialect('newapi'), fields).get('metadata'))).toEqual({ seed: 7 });
		expect(dialects.serverOf(dialect('newapi')).remixBody('night', { model: 'kling-v2' })).toEqual({ prompt: 'night', model: 'kling-v2' });
		expect(dialects.serverOf(dialect('openai')).remixBody('night', { model: 'sora-2' })).toEqual({ prompt: 'night' });
	});

	test('Azure, LiteLLM and new-api take a first frame only as a file: the node uploads URL images itself', () => {
		expect(['openai', 'azure', 'litellm', 'newapi', 'openrouter'].filter((server) => uploadsImageUrls(dialect(server)))).toEqual(['azure', 'litellm', 'newapi']);
	});

	test('OpenRouter: duration, resolution + aspect_ratio and frame_images', () => {
		const body = dialects.createJson(dialect('openrouter'), { ...fields, size: '1080x1920' }, { image_url: 'data:image/png;base64,AA' });
		expect(body).toEqual({
			prompt: 'p',
			model: 'm',
			duration: 8,
			resolution: '1080p',
			aspect_ratio: '9:16',
			frame_images: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AA' }, frame_type: 'first_frame' }],
			seed: 7,
		});
		expect(takesMultipart(dialect('openrouter'))).toBe(false);
	});

	test('OpenRouter: model options as its own fields (last frame, references, audio, seed, routing, callback)', () => {
		const extras = {
			lastFrameUrl: 'https://x/last.png',
			referenceImageUrls: ['https://x/r1.png', 'https://x/r2.png'],
			generateAudio: false,
			seed: 42,
			providerRouting: { order: ['google-vertex'] },
			callbackUrl: 'https://hooks.example/done',
		};
		const body = dialects.createJson(dialect('openrouter'), { ...fields, additional: {}, extras }, { image_url: 'https://x/first.png' });
		expect(body).toEqual({
			prompt: 'p',
			model: 'm',
			duration: 8,
			resolution: '720p',
			aspect_ratio: '16:9',
			frame_images: [
				{ type: 'image_url', image_url: { url: 'https://x/first.png' }, frame_type: 'first_frame' },
				{ type: 'image_url', image_url: { url: 'https://x/last.png' }, frame_type: 'last_frame' },
			],
			input_references: [
				{ type: 'image_url', image_url: { url: 'https://x/r1.png' } },
				{ type: 'image_url', image_url: { url: 'https://x/r2.png' } },
			],
			generate_audio: false,
			seed: 42,
			provider: { order: ['google-vertex'] },
			callback_url: 'https://hooks.example/done',
		});
		const node = { getNode: () => ({ name: 'Sora' }) };
		const check = (server) => () => dialects.checkCreate(node, 0, dialect(server), { model: 'm', seconds: 8, size: '1280x720', characters: [], extras: { seed: 1 } });
		expect(check('openrouter')).not.toThrow();
		expect(check('openai')).toThrow('OpenAI takes no "Seed" option for the model m');
	});

	test('model options as each vendor behind new-api names them, inside metadata (relay/channel/task/*)', () => {
		const body = (model, extras, reference) => dialects.createJson(dialect('newapi'), { ...fields, model, additional: {}, extras }, reference);
		expect(body('kling-v2-6', { negativePrompt: 'blur', generateAudio: true, lastFrameUrl: 'https://x/l.png' }).metadata).toEqual({
			negative_prompt: 'blur',
			sound: 'on',
			image_tail: 'https://x/l.png',
		});
		expect(body('veo-3.1-generate-preview', { negativePrompt: 'blur', seed: 3, generateAudio: false }).metadata).toEqual({ negativePrompt: 'blur', seed: 3, generateAudio: false });
		expect(body('doubao-seedance-1-0-pro-250528', { seed: 3, generateAudio: true }).metadata).toEqual({ seed: 3, generate_audio: true });
		expect(body('viduq2', { seed: 3 }).metadata).toEqual({ seed: 3 });
		expect(body('MiniMax-Hailuo-02', { lastFrameUrl: 'https://x/l.png' }, { image_url: 'https://x/f.png' }).metadata).toEqual({
			first_frame_image: 'https://x/f.png',
			last_frame_image: 'https://x/l.png',
		});
		// The Ali channel unmarshals metadata over the whole request: input.* and parameters.* nest.
		expect(body('wan2.6-t2v', { negativePrompt: 'blur', seed: 3, generateAudio: true, lastFrameUrl: 'https://x/l.png' }).metadata).toEqual({
			input: { negative_prompt: 'blur', last_frame_url: 'https://x/l.png' },
			parameters: { seed: 3, audio: true },
		});
		// Additional Body Fields and options share the one metadata object; the user's own fields win.
		const both = dialects.createJson(dialect('newapi'), { ...fields, model: 'kling-v2-6', additional: { cfg_scale: 0.7 }, extras: { negativePrompt: 'blur' } });
		expect(both.metadata).toEqual({ cfg_scale: 0.7, negative_prompt: 'blur' });
		const own = dialects.createJson(dialect('newapi'), { ...fields, model: 'kling-v2-6', additional: { metadata: { negative_prompt: 'mine' } }, extras: { negativePrompt: 'option' } });
		expect(own.metadata).toEqual({ negative_prompt: 'mine' });

		const node = { getNode: () => ({ name: 'Sora' }) };
		const check = (model, extras) => () => dialects.checkCreate(node, 0, dialect('newapi'), { model, seconds: 5, size: '1280x720', characters: [], extras });
		expect(check('kling-v2-6', { negativePrompt: 'x', lastFrameUrl: 'https://x/l.png' })).not.toThrow();
		expect(check('kling-v2-6', { seed: 1 })).toThrow('The new-api gateway takes no "Seed" option for the model kling-v2-6');
		const refusal = (() => {
			try {
				check('kling-v2-6', { seed: 1 })();
			} catch (error) {
				return error;
			}
		})();
		expect(refusal.description).toBe('For this model it takes "Negative Prompt", "Generate Audio" and "Last Frame URL". Remove "Seed" from the options, or send the vendor\'s own field for it in Additional Body Fields.');
		// Kling's `sound` is for v2.6 and later (kling/adaptor.go).
		expect(check('kling-v2-1-master', { generateAudio: true })).toThrow('takes no "Generate Audio" option for the model kling-v2-1-master');
		// MiniMax's own ids (hailuo/constants.go) and Ali's happyhorse models are vendor channels too.
		expect(takesMultipart(dialect('newapi'), 'I2V-01-live')).toBe(false);
		expect(body('T2V-01-Director', { lastFrameUrl: 'https://x/l.png' }).metadata).toEqual({ last_frame_image: 'https://x/l.png' });
		expect(takesMultipart(dialect('newapi'), 'happyhorse-1.1-r2v')).toBe(false);
		expect(takesMultipart(dialect('newapi'), 'openai/sora-2')).toBe(true);
		// sora-2 makes 4, 8 or 12 s (not the 5 s above), so its own duration here.
		const sora = () => dialects.checkCreate(node, 0, dialect('newapi'), { model: 'sora-2', seconds: 4, size: '1280x720', characters: [], extras: { negativePrompt: 'x' } });
		expect(sora).toThrow('The new-api gateway takes no "Negative Prompt" option for the model sora-2');
	});

	test('new-api vendor channels: the first frame as `image` (bare Base64 for Kling), URLs passed as they are', () => {
		const body = (model, reference) => dialects.createJson(dialect('newapi'), { ...fields, model, additional: {}, extras: {} }, reference);
		expect(body('kling-v2-6', { image_url: 'data:image/png;base64,iVBORw0K' })).toMatchObject({ image: 'iVBORw0K', input_reference: 'iVBORw0K' });
		expect(body('kling-v2-6', { image_url: 'https://x/f.png' })).toMatchObject({ image: 'https://x/f.png' });
		expect(body('doubao-seedance-1-0-pro-250528', { image_url: 'data:image/png;base64,iVBORw0K' }).image).toBe('data:image/png;base64,iVBORw0K');
		expect(uploadsImageUrls(dialect('newapi'), 'kling-v2-6')).toBe(false);
		// The Gemini/Vertex channel takes no URL (its image.go TODO): fetched and inlined; Sora channels: uploaded.
		expect(uploadsImageUrls(dialect('newapi'), 'veo-3.1-generate-preview')).toBe(true);
		expect(takesMultipart(dialect('newapi'), 'veo-3.1-generate-preview')).toBe(false);
		expect(uploadsImageUrls(dialect('newapi'), 'sora-2')).toBe(true);
	});

	test('LiteLLM: model options as the provider behind it takes them (top level, or extra_body for vertex_ai)', () => {
		const body = (provider, extras) => dialects.createJson(dialect('litellm', { litellmProvider: provider }), { ...fields, additional: {}, extras });
		expect(body('fal_ai', { negativePrompt: 'blur' }).negative_prompt).toBe('blur');
		expect(body('gemini', { negativePrompt: 'blur' }).negativePrompt).toBe('blur');
		expect(body('vertex_ai', { negativePrompt: 'blur', seed: 3, generateAudio: true }).extra_body).toEqual({ negativePrompt: 'blur', seed: 3, generateAudio: true });
		expect(body('volcengine', { seed: 3, generateAudio: false })).toMatchObject({ seed: 3, generate_audio: false });
		const node = { getNode: () => ({ name: 'Sora' }) };
		const check = (provider, extras) => () =>
			dialects.checkCreate(node, 0, dialect('litellm', { litellmProvider: provider }), { model: 'm', seconds: 8, size: '1280x720', characters: [], extras });
		// GeminiVideoGenerationParameters drops seed: refused rather than silently lost.
		expect(check('gemini', { seed: 3 })).toThrow('LiteLLM proxy with provider gemini takes no "Seed" option for the model m');
		expect(check('openai', { negativePrompt: 'x' })).toThrow('LiteLLM proxy with provider openai takes no "Negative Prompt" option');
		// fal_ai: a URL string as the first frame, and no file at all.
		expect(dialects.createJson(dialect('litellm', { litellmProvider: 'fal_ai' }), { ...fields, additional: {} }, { image_url: 'https://x/f.png' }).input_reference).toBe('https://x/f.png');
		expect(takesMultipart(dialect('litellm', { litellmProvider: 'fal_ai' }), 'kling-v2-5-turbo')).toBe(false);
		expect(takesMultipart(dialect('litellm', { litellmProvider: 'gemini' }), 'veo-3.1-generate-preview')).toBe(true);
		// Over multipart (an image file) an object or a number cannot travel: vertex_ai's extra_body would be lost.
		const form = (provider, extras) => () =>
			withImage(dialect('litellm', { litellmProvider: provider }), { ...fields, additional: {}, extras });
		expect(form('vertex_ai', { seed: 3 })).toThrow('LiteLLM proxy with provider vertex_ai cannot take "Seed" with a first frame, which goes to it as a file upload');
		expect(form('volcengine', { seed: 3 })).toThrow('cannot take "Seed"');
		expect(form('gemini', { negativePrompt: 'blur' })).not.toThrow();
	});

	test('OpenRouter: a negative prompt is only a provider option there (keyed by provider slug), so it is refused', () => {
		const node = { getNode: () => ({ name: 'Sora' }) };
		const check = () => dialects.checkCreate(node, 0, dialect('openrouter'), { model: 'google/veo-3.1', seconds: 8, size: '1280x720', characters: [], extras: { negativePrompt: 'x' } });
		expect(check).toThrow('OpenRouter takes no "Negative Prompt" option for the model google/veo-3.1');
	});

	test('Additional Body Fields win over the model options, as before options were spelled per server', () => {
		const body = dialects.createJson(
			dialect('openrouter'),
			{ ...fields, additional: { seed: 1, provider: { only: ['a'] } }, extras: { seed: 2, providerRouting: { order: ['b'] }, lastFrameUrl: 'https://x/l.png' } },
			{ image_url: 'https://x/f.png' },
		);
		expect(body.seed).toBe(1);
		expect(body.provider).toEqual({ only: ['a'] });
		expect(body.frame_images.map((f) => f.frame_type)).toEqual(['first_frame', 'last_frame']);
	});

	test('what each server lacks', () => {
		const lacks = (server) => ['list', 'delete', 'remix', 'edit', 'extend', 'characters', 'thumbnail', 'spritesheet', 'fileId'].filter((f) => !dialects.supports(dialect(server), f));
		expect(lacks('openai')).toEqual([]);
		// LiteLLM has no DELETE route, ignores `variant` and sends the first frame upstream as a file.
		expect(lacks('litellm')).toEqual(['delete', 'thumbnail', 'spritesheet', 'fileId']);
		// LiteLLM's list passes the upstream objects on without their prompts: the trigger's prompt filter is refused.
		expect(['openai', 'azure', 'litellm'].filter((server) => !dialects.supports(dialect(server), 'listPrompts'))).toEqual(['litellm']);
		expect(lacks('azure')).toEqual(['edit', 'extend', 'characters', 'fileId']);
		expect(lacks('newapi')).toEqual(['list', 'delete', 'edit', 'extend', 'characters', 'thumbnail', 'spritesheet', 'fileId']);
		expect(lacks('openrouter')).toEqual(['list', 'delete', 'remix', 'edit', 'extend', 'characters', 'thumbnail', 'spritesheet', 'fileId']);
	});

	test('LiteLLM: what works depends on the provider behind it', () => {
		const lacks = (provider) => ['list', 'remix', 'edit', 'extend', 'characters'].filter((f) => !dialects.supports(dialect('litellm', { litellmProvider: provider }), f));
		expect(lacks('openai')).toEqual([]);
		expect(lacks('azure')).toEqual([]);
		expect(lacks('gemini')).toEqual(['list', 'remix', 'edit', 'extend', 'characters']);
		expect(lacks('vertex_ai')).toEqual(['list', 'remix', 'edit', 'extend', 'characters']);
		const node = { getNode: () => ({ name: 'Sora' }) };
		expect(() => dialects.requireFeature(node, dialect('litellm', { litellmProvider: 'gemini' }), 'remix', 'Remix')).toThrow(
			'LiteLLM proxy with provider gemini has no remix, so Remix cannot run against it',
		);
		expect(() => dialects.requireFeature(node, dialect('litellm', { litellmProvider: 'openai' }), 'delete', 'Delete')).toThrow(
			'LiteLLM proxy cannot delete videos, so Delete cannot run against it',
		);
	});

	test('LiteLLM lists with its provider header', () => {
		const node = { getNode: () => ({ name: 'Sora' }) };
		expect(dialects.listHeaders(node, dialect('litellm', { litellmProvider: ' openai ' }), 'Get Many')).toEqual({ 'custom-llm-provider': 'openai' });
		expect(() => dialects.listHeaders(node, dialect('litellm'), 'Get Many')).toThrow('LiteLLM proxy needs a provider to list videos, so Get Many cannot run yet');
		expect(dialects.listHeaders(node, dialect('azure'), 'Get Many')).toEqual({});
	});
});

describe('results and gateway fields', () => {
	test('where the bytes are', () => {
		const client = (server) => new SoraClient({}, { ...dialect(server), apiKey: 'k', baseUrl: 'http://h/v1' });
		expect(client('openai').contentLocation('v/1', 'thumbnail')).toEqual({ path: '/videos/v%2F1/content', qs: { variant: 'thumbnail' } });
		expect(client('openrouter').contentLocation('j', 'video')).toEqual({ path: '/videos/j/content', qs: { index: 0 } });
		expect(client('newapi').assetUrls({ id: 't', status: 'completed', urls: ['https://cdn/x.mp4'] })).toEqual({ download_url: 'https://cdn/x.mp4' });
		expect(client('openai').assetUrls({ id: 'v', status: 'completed' })).toEqual({
			download_url: 'http://h/v1/videos/v/content',
			thumbnail_url: 'http://h/v1/videos/v/content?variant=thumbnail',
		});
	});

	test('new-api: task_id, integer duration, "45%" progress, succeeded and url', () => {
		expect(parseVideo({ task_id: 'task_1', status: 'in_progress', progress: '45%', duration: 8 }, dialect('newapi'))).toMatchObject({ id: 'task_1', progress: 45, seconds: '8' });
		const done = parseVideo({ task_id: 'task_1', status: 'succeeded', url: 'https://cdn.example/v.mp4' }, dialect('newapi'));
		expect(done).toMatchObject({ status: 'completed', urls: ['https://cdn.example/v.mp4'] });
	});

	test('OpenRouter: pending, signed urls before the content proxy, resolution + aspect ratio, cancelled with a string error', () => {
		expect(parseVideo({ id: 'job-1', polling_url: '/api/v1/videos/job-1', status: 'pending' }, dialect('openrouter'))).toMatchObject({ status: 'queued', size: null });
		const done = parseVideo({ id: 'job-1', status: 'completed', unsigned_urls: ['https://or/api/v1/videos/job-1/content?index=0'], urls: ['https://bucket/s.mp4?sig=1'], resolution: '720p', aspect_ratio: '9:16' }, dialect('openrouter'));
		expect(done.urls).toEqual(['https://bucket/s.mp4?sig=1', 'https://or/api/v1/videos/job-1/content?index=0']);
		expect(done.size).toBe('720x1280');
		expect(parseVideo({ id: 'job-2', status: 'cancelled', error: 'Cancelled by the provider.' }, dialect('openrouter')).error).toEqual({ code: 'cancelled', message: 'Cancelled by the provider.' });
		expect(parseVideo({ id: 'v', status: 'queued', url: 'https://x' }, dialect('openrouter')).urls).toBeUndefined(); // only finished videos carry a result
	});
});
