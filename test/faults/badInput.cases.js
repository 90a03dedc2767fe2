/**
 * The bad-input corpus: every way a user (or a server) can hand the Sora node something wrong, with
 * the exact error the node must give. Data only; test/faults/badInput.js runs each case inside n8n's
 * engine and checks message, item index, HTTP code, and that nothing was paid for when the input
 * was refusable before sending.
 *
 * A case: { name, params, items?, server?, continueOnFail?, expect: { message, itemIndex, httpCode?,
 *   description?, noCreate? } }. Functions receive the env (see badInput.js) and return the value.
 *   server: 'main' (default) | 'held' (jobs stay queued) | 'expiring' (assets expire at once) |
 *   'forbidden' (403) | 'tooLarge' (413) | 'tinyBody' (maxBodyBytes) | 'rateLimited' (429, Retry-After 120 s) |
 *   'html' (a web page) | 'typo' (base URL /v2) | 'noScheme' | 'refused' | 'wrongKey'
 */

const model = (value) => ({ __rl: true, mode: 'list', value });
const byId = (value) => ({ __rl: true, mode: 'id', value });

const t2v = (overrides = {}) => ({
	resource: 'video',
	operation: 'textToVideo',
	prompt: 'A paper boat drifts down a rain gutter',
	model: model('sora-2'),
	seconds: '4',
	size: '720x1280',
	waitForCompletion: false,
	...overrides,
});

const i2v = (overrides = {}) => ({
	resource: 'video',
	operation: 'imageToVideo',
	prompt: 'The scene comes alive',
	imageSource: 'binary',
	binaryPropertyName: 'data',
	model: model('sora-2'),
	seconds: '4',
	size: '720x1280',
	waitForCompletion: false,
	...overrides,
});

const characterCreate = (overrides = {}) => ({
	resource: 'character',
	operation: 'create',
	name: 'Captain Crunchy',
	binaryPropertyName: 'data',
	...overrides,
});

const withFile = (buffer, mimeType, fileName) => [{ json: {}, binary: { data: { buffer, mimeType, fileName } } }];
const chars = (...list) => ({ character: list });

const SIZE_ADVICE = 'Pick one of those sizes or a sora-2-pro model';

module.exports = [
	// ---------------------------------------------------------------- prompt
	{ name: 'empty prompt', params: t2v({ prompt: '={{ "" }}' }), expect: { message: 'The prompt is empty', itemIndex: 0, noCreate: true } },
	{ name: 'whitespace-only prompt', params: t2v({ prompt: '   \n\t ' }), expect: { message: 'The prompt is empty', itemIndex: 0, noCreate: true } },
	{
		name: 'expression resolving to empty prompt',
		params: t2v({ prompt: '={{ $json.missing ?? "" }}' }),
		expect: { message: 'The prompt is empty', itemIndex: 0, noCreate: true },
	},
	{
		name: 'prompt of 32,001 characters',
		params: t2v({ prompt: 'a'.repeat(32_001) }),
		expect: { message: 'The prompt is 32,001 characters long; the limit is 32,000', itemIndex: 0, noCreate: true },
	},
	{
		name: 'prompt of 50,000 characters',
		params: t2v({ prompt: 'word '.repeat(10_000) }),
		expect: { message: 'The prompt is 50,000 characters long; the limit is 32,000', itemIndex: 0, noCreate: true },
	},
	{
		name: 'third of three items has an empty prompt',
		params: t2v({ prompt: '={{ $json.p }}' }),
		items: [{ json: { p: 'A calm lake at dawn' } }, { json: { p: 'A windy beach' } }, { json: { p: '' } }],
		expect: { message: 'The prompt is empty', itemIndex: 2 },
	},

	// ---------------------------------------------------------------- model, size, seconds
	{ name: 'no model', params: t2v({ model: byId('={{ "" }}') }), expect: { message: 'No model is selected', itemIndex: 0, noCreate: true } },
	{
		name: 'sora-2 at 1080p',
		params: t2v({ size: '1920x1080' }),
		expect: { message: `Model sora-2 cannot make 1920x1080 videos; it supports 720x1280, 1280x720. ${SIZE_ADVICE}`, itemIndex: 0, noCreate: true },
	},
	{
		name: 'dated sora-2 snapshot at 1024x1792',
		params: t2v({ model: model('sora-2-2025-10-06'), size: '1024x1792' }),
		expect: { message: `Model sora-2-2025-10-06 cannot make 1024x1792 videos; it supports 720x1280, 1280x720. ${SIZE_ADVICE}`, itemIndex: 0, noCreate: true },
	},
	{
		name: 'size that is not WIDTHxHEIGHT',
		params: t2v({ size: '={{ "big" }}' }),
		expect: { message: 'Size "big" is not WIDTHxHEIGHT (for example 1280x720)', itemIndex: 0, noCreate: true },
	},
	{
		name: 'pro model with a size no model makes',
		params: t2v({ model: model('sora-2-pro'), size: '={{ "640x480" }}' }),
		expect: {
			message: 'Model sora-2-pro cannot make 640x480 videos; it supports 720x1280, 1280x720, 1024x1792, 1792x1024, 1080x1920, 1920x1080. Pick one of those sizes or a sora-2-pro model',
			itemIndex: 0,
			noCreate: true,
		},
	},
	{
		// A model id the registry does not know: the server's own 400 comes through.
		name: 'seconds the server does not make',
		params: t2v({ model: model('my-sora-proxy'), seconds: '={{ "7" }}' }),
		expect: { message: "Invalid value: '7'. Supported values are: '4', '8', '12', '16', and '20'. (invalid_value)", itemIndex: 0, httpCode: '400', noCreate: true },
	},
	{
		// issue 22: sora-2 itself is refused before any request, naming what it makes.
		name: 'seconds sora-2 does not make',
		params: t2v({ seconds: '={{ "7" }}' }),
		expect: { message: 'Sora 2 (sora-2) cannot make 7 s videos; it makes 4, 8 or 12 seconds', itemIndex: 0, noCreate: true },
	},
	{
		name: 'seconds sent as a number',
		params: t2v({ options: { additionalBodyFields: '{"seconds": 8}' } }),
		expect: {
			message: "Invalid type for 'seconds': expected one of '4', '8', '12', '16', or '20', but got an integer instead. (invalid_type)",
			itemIndex: 0,
			httpCode: '400',
			noCreate: true,
		},
	},
	{
		name: 'unknown body field',
		params: t2v({ options: { additionalBodyFields: '{"negative_prompt": "rain"}' } }),
		expect: { message: "Unknown parameter: 'negative_prompt'. (unknown_parameter)", itemIndex: 0, httpCode: '400', noCreate: true },
	},
	{
		name: 'additional body fields as an array',
		params: t2v({ options: { additionalBodyFields: '[1, 2]' } }),
		expect: { message: 'Additional Body Fields is not a JSON object', itemIndex: 0, noCreate: true },
	},
	{
		name: 'additional body fields not JSON',
		params: t2v({ options: { additionalBodyFields: '{generate_audio: yes' } }),
		expect: { message: 'Additional Body Fields is not a JSON object', itemIndex: 0, noCreate: true },
	},
	{
		name: 'over the cost limit',
		params: t2v({ options: { maxCostPerExecution: 0.3 } }),
		expect: { message: 'Not submitted: this job (about $0.40) would bring the estimated cost of this execution to $0.40, over the limit of $0.30', itemIndex: 0, noCreate: true },
	},

	// ---------------------------------------------------------------- characters
	{
		name: 'three characters',
		params: (env) =>
			t2v({
				prompt: 'Ana, Bo and Cy dance',
				characters: chars({ id: env.characterId, name: 'Ana' }, { id: env.characterId, name: 'Bo' }, { id: env.characterId, name: 'Cy' }),
			}),
		expect: { message: '3 characters were given; a video can star at most 2', itemIndex: 0, noCreate: true },
	},
	{
		name: 'character without id',
		params: t2v({ prompt: 'Ana waves', characters: chars({ id: '', name: 'Ana' }) }),
		expect: { message: 'Character 1 has no ID', itemIndex: 0, noCreate: true },
	},
	{
		name: 'character without name',
		params: (env) => t2v({ prompt: 'Someone waves', characters: chars({ id: env.characterId, name: '' }) }),
		expect: { message: (env) => `Character ${env.characterId} has no name`, itemIndex: 0, noCreate: true },
	},
	{
		name: 'character name missing from the prompt',
		params: (env) => t2v({ prompt: 'A mascot waves at the camera', characters: chars({ id: env.characterId, name: 'Captain Crunchy' }) }),
		expect: { message: 'The prompt does not mention the character "Captain Crunchy"', itemIndex: 0, noCreate: true },
	},
	{
		name: 'character name in the prompt with other case',
		params: (env) => t2v({ prompt: 'captain crunchy waves', characters: chars({ id: env.characterId, name: 'Captain Crunchy' }) }),
		expect: { message: 'The prompt does not mention the character "Captain Crunchy"', itemIndex: 0, noCreate: true },
	},
	{
		name: 'character id the server does not know',
		params: t2v({ prompt: 'Captain Crunchy waves', characters: chars({ id: 'char_missing', name: 'Captain Crunchy' }) }),
		expect: { message: "Character 'char_missing' not found. (character_not_found)", itemIndex: 0, httpCode: '400', noCreate: true },
	},

	// ---------------------------------------------------------------- image to video
	{
		name: 'image of the wrong size',
		params: i2v(),
		items: (env) => withFile(env.image('png', 1024, 1024), 'image/png', 'frame.png'),
		expect: { message: 'The image is 1024x1024 but the video size is 720x1280', itemIndex: 0, noCreate: true },
	},
	{
		name: 'landscape image for a portrait video',
		params: i2v(),
		items: (env) => withFile(env.image('jpeg', 1280, 720), 'image/jpeg', 'frame.jpg'),
		expect: { message: 'The image is 1280x720 but the video size is 720x1280', itemIndex: 0, noCreate: true },
	},
	{
		name: 'GIF instead of PNG/JPEG/WebP',
		params: i2v(),
		items: withFile(Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), 'image/gif', 'frame.gif'),
		expect: { message: 'The file from binary field "data" is not a PNG, JPEG or WebP image', itemIndex: 0, noCreate: true },
	},
	{
		name: 'text file instead of an image',
		params: i2v(),
		items: withFile(Buffer.from('just some words'), 'text/plain', 'notes.txt'),
		expect: { message: 'The file from binary field "data" is not a PNG, JPEG or WebP image', itemIndex: 0, noCreate: true },
	},
	{
		name: 'zero-byte image',
		params: i2v(),
		items: withFile(Buffer.alloc(0), 'image/png', 'empty.png'),
		expect: { message: 'The image from binary field "data" is empty (0 bytes)', itemIndex: 0, noCreate: true },
	},
	{
		name: 'truncated PNG',
		params: i2v(),
		items: (env) => withFile(env.image('png', 720, 1280).subarray(0, 20), 'image/png', 'cut.png'),
		expect: { message: 'The image from binary field "data" is truncated or damaged: its size cannot be read', itemIndex: 0, noCreate: true },
	},
	{
		name: 'truncated JPEG',
		params: i2v(),
		items: (env) => withFile(env.image('jpeg', 720, 1280).subarray(0, 4), 'image/jpeg', 'cut.jpg'),
		expect: { message: 'The image from binary field "data" is truncated or damaged: its size cannot be read', itemIndex: 0, noCreate: true },
	},
	{
		name: 'binary field name that the item lacks',
		params: i2v({ binaryPropertyName: 'picture' }),
		items: (env) => withFile(env.image('png', 720, 1280), 'image/png', 'frame.png'),
		expect: { message: 'The input item has no binary field "picture"', itemIndex: 0, description: 'Set the field name to one of: data.', noCreate: true },
	},
	{
		name: 'item without any file',
		params: i2v(),
		expect: { message: 'The input item has no binary field "data"', itemIndex: 0, noCreate: true },
	},
	{
		name: 'image URL that is not a URL',
		params: i2v({ imageSource: 'url', imageUrl: 'ftp://example.com/frame.png' }),
		expect: { message: '"ftp://example.com/frame.png" is not an image URL', itemIndex: 0, noCreate: true },
	},
	{
		name: 'image URL over http:// (servers fetch first frames over https only)',
		params: i2v({ imageSource: 'url', imageUrl: 'http://example.com/frame.png' }),
		expect: {
			message: '"http://example.com/frame.png" is an http:// URL; OpenAI fetches the first frame over https:// only',
			description: 'Use the https:// address of the image, or fetch it with HTTP Request and use Image Source "Binary Field".',
			itemIndex: 0,
			noCreate: true,
		},
	},
	{
		name: 'data URL of the wrong size',
		params: (env) => i2v({ imageSource: 'url', imageUrl: `data:image/png;base64,${env.image('png', 1024, 1024).toString('base64')}` }),
		expect: { message: 'The image is 1024x1024 but the video size is 720x1280', itemIndex: 0, noCreate: true },
	},
	{
		name: 'empty file id',
		params: i2v({ imageSource: 'fileId', fileId: '  ' }),
		expect: { message: 'The file ID is empty', itemIndex: 0, noCreate: true },
	},
	{
		name: 'file id with Match Input Image',
		params: i2v({ imageSource: 'fileId', fileId: 'file-abc123', size: 'matchImage' }),
		expect: { message: '"Match Input Image" cannot read the size of an uploaded file', itemIndex: 0, noCreate: true },
	},
	{
		name: '1080p image matched on sora-2',
		params: i2v({ size: 'matchImage' }),
		items: (env) => withFile(env.image('png', 1920, 1080), 'image/png', 'frame.png'),
		expect: { message: `Model sora-2 cannot make 1920x1080 videos; it supports 720x1280, 1280x720. ${SIZE_ADVICE}`, itemIndex: 0, noCreate: true },
	},

	// ---------------------------------------------------------------- character clips
	{
		name: 'character clip too short',
		params: characterCreate(),
		items: (env) => withFile(env.clip(1280, 720, 1), 'video/mp4', 'short.mp4'),
		expect: { message: (env) => `The character clip is ${env.clipSeconds(env.clip(1280, 720, 1))} s long; it must be 2–4 seconds`, itemIndex: 0 },
	},
	{
		name: 'character clip too long',
		params: characterCreate(),
		items: (env) => withFile(env.clip(1280, 720, 6), 'video/mp4', 'long.mp4'),
		expect: { message: (env) => `The character clip is ${env.clipSeconds(env.clip(1280, 720, 6))} s long; it must be 2–4 seconds`, itemIndex: 0 },
	},
	{
		name: 'character clip that is not an MP4',
		params: characterCreate(),
		items: (env) => withFile(env.image('png', 1280, 720), 'video/mp4', 'clip.mp4'),
		expect: { message: 'The file in "data" is not an MP4 video', itemIndex: 0 },
	},
	{
		name: 'truncated character clip',
		params: characterCreate(),
		items: (env) => withFile(env.clip(1280, 720, 3).subarray(0, 64), 'video/mp4', 'cut.mp4'),
		expect: { message: 'The MP4 in "data" is damaged or truncated: its duration cannot be read', itemIndex: 0 },
	},
	{
		name: 'empty character name',
		params: characterCreate({ name: '={{ "" }}' }),
		items: (env) => withFile(env.clip(1280, 720, 3), 'video/mp4', 'clip.mp4'),
		expect: { message: 'The character name must be 1–80 characters long (it is 0)', itemIndex: 0 },
	},
	{
		name: 'character name of 81 characters',
		params: characterCreate({ name: 'N'.repeat(81) }),
		items: (env) => withFile(env.clip(1280, 720, 3), 'video/mp4', 'clip.mp4'),
		expect: { message: 'The character name must be 1–80 characters long (it is 81)', itemIndex: 0 },
	},

	// ---------------------------------------------------------------- ids and job states
	{
		name: 'empty video id',
		params: { resource: 'video', operation: 'get', videoId: byId('={{ $json.id }}') },
		expect: { message: 'The video ID is empty', itemIndex: 0 },
	},
	{
		name: 'unknown video id',
		params: { resource: 'video', operation: 'get', videoId: byId('video_missing') },
		expect: { message: "Video with id 'video_missing' not found. (video_not_found)", itemIndex: 0, httpCode: '404' },
	},
	{
		name: 'remix of a queued video',
		server: 'held',
		params: (env) => ({ resource: 'video', operation: 'remix', videoId: byId(env.queuedId), prompt: 'Now at night', waitForCompletion: false }),
		expect: { message: (env) => `Video ${env.queuedId} is queued; only a completed video can be remixed`, itemIndex: 0, noCreate: true },
	},
	{
		name: 'delete of a queued video',
		server: 'held',
		params: (env) => ({ resource: 'video', operation: 'delete', videoId: byId(env.queuedId) }),
		expect: {
			message: (env) => `Video '${env.queuedId}' is queued and cannot be deleted until it has completed or failed. (invalid_video_status)`,
			itemIndex: 0,
			httpCode: '400',
		},
	},
	{
		name: 'download of a queued video',
		server: 'held',
		params: (env) => ({ resource: 'video', operation: 'download', videoId: byId(env.queuedId), variant: 'video', binaryPropertyOutput: 'data' }),
		expect: {
			message: (env) => `Video '${env.queuedId}' is not ready yet (status: queued). Poll GET /videos/${env.queuedId} until it is completed. (video_not_ready)`,
			itemIndex: 0,
			httpCode: '400',
		},
	},
	{
		name: 'download of an expired video',
		server: 'expiring',
		params: (env) => ({ resource: 'video', operation: 'download', videoId: byId(env.expiredId), variant: 'video', binaryPropertyOutput: 'data' }),
		expect: {
			message: (env) => `The assets for video '${env.expiredId}' have expired and are no longer available. (video_expired)`,
			itemIndex: 0,
			httpCode: '404',
		},
	},
	{
		name: 'extension past 120 s',
		params: (env) => ({ resource: 'video', operation: 'extend', videoId: byId(env.longId), prompt: 'And on it goes', seconds: '4', waitForCompletion: false }),
		expect: { message: 'Extending this 120 s video by 4 s would make it 124 s; the limit is 120 s', itemIndex: 0, noCreate: true },
	},

	// ---------------------------------------------------------------- credentials and servers
	{
		name: 'base URL without scheme',
		server: 'noScheme',
		params: t2v(),
		expect: { message: (env) => `The base URL "${env.main.baseUrl.replace(/^http:\/\//, '')}" is not a full http(s) URL`, itemIndex: 0, noCreate: true },
	},
	{
		name: 'base URL with a path typo (/v2)',
		server: 'typo',
		params: t2v(),
		expect: {
			message: 'Invalid URL (POST /v2/videos)',
			itemIndex: 0,
			httpCode: '404',
			description: 'There is no Videos API at this address.',
			noCreate: true,
		},
	},
	{
		name: 'base URL of a web page (HTML instead of JSON)',
		server: 'html',
		params: t2v(),
		expect: {
			message: 'The server answered 200 with a page that is not JSON: Welcome Welcome to nginx! If you see this page, the web server is running.',
			itemIndex: 0,
			httpCode: '502',
			description: 'not a web page',
		},
	},
	{
		name: 'wrong API key (401)',
		server: 'wrongKey',
		params: t2v(),
		expect: { message: 'Incorrect API key provided. (invalid_api_key)', itemIndex: 0, httpCode: '401', description: 'check the key', noCreate: true },
	},
	{
		name: 'key without access (403)',
		server: 'forbidden',
		params: t2v(),
		expect: {
			message: 'You are not allowed to use the Videos API with this API key. Ask your organization owner for access. (permission_denied)',
			itemIndex: 0,
			httpCode: '403',
			description: 'no access to this model or endpoint',
			noCreate: true,
		},
	},
	{
		name: 'upload rejected as too large (413)',
		server: 'tooLarge',
		params: i2v(),
		items: (env) => withFile(env.image('png', 720, 1280), 'image/png', 'frame.png'),
		expect: { message: 'Request entity too large. (request_too_large)', itemIndex: 0, httpCode: '413', description: 'smaller or shorter file', noCreate: true },
	},
	{
		name: 'upload over the server body limit (413)',
		server: 'tinyBody',
		params: i2v(),
		items: (env) => withFile(env.image('png', 720, 1280), 'image/png', 'frame.png'),
		expect: { message: 'Request body too large (limit 2048 bytes). (request_too_large)', itemIndex: 0, httpCode: '413', noCreate: true },
	},
	{
		name: 'rate limited with a Retry-After beyond the wait limit (429)',
		server: 'rateLimited',
		params: t2v(),
		expect: {
			message: 'Rate limit reached for requests to the emulator. Please try again later. (rate_limit_exceeded)',
			itemIndex: 0,
			httpCode: '429',
			description: 'The server asked to wait 120 s before trying again. No job was started for this item (it was sent once).',
			noCreate: true,
		},
	},
	{
		name: 'server not running (connection refused)',
		server: 'refused',
		params: { resource: 'video', operation: 'get', videoId: byId('video_123') },
		expect: { message: 'Could not reach the server: The service refused the connection - perhaps it is offline', itemIndex: 0 },
	},
];
