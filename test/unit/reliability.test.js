const { retryAfterMs, failureOf, redact } = require('../../dist/nodes/Sora/api/errors');
const { backoffMs } = require('../../dist/nodes/Sora/api/retry');
const { fingerprintOf, digestOf, matches } = require('../../dist/nodes/Sora/jobs/fingerprint');

describe('retry hints', () => {
	test('retry-after-ms wins over Retry-After', () => {
		expect(retryAfterMs({ 'retry-after-ms': '250', 'retry-after': '9' })).toBe(250);
	});

	test('Retry-After in seconds and as an HTTP date', () => {
		expect(retryAfterMs({ 'retry-after': '3' })).toBe(3000);
		const inFive = new Date(Date.now() + 5000).toUTCString();
		const ms = retryAfterMs({ 'retry-after': inFive });
		expect(ms).toBeGreaterThan(3000);
		expect(ms).toBeLessThanOrEqual(5000);
		expect(retryAfterMs({ 'retry-after': new Date(Date.now() - 60_000).toUTCString() })).toBe(0);
	});

	test('no or unreadable hints', () => {
		expect(retryAfterMs({})).toBeUndefined();
		expect(retryAfterMs({ 'retry-after': 'soon' })).toBeUndefined();
		expect(retryAfterMs({ 'retry-after-ms': 'x' })).toBeUndefined();
	});

	test('backoff: 0.5 s doubling to 8 s with up to 25 % jitter', () => {
		for (let attempt = 0; attempt < 8; attempt++) {
			const base = Math.min(500 * 2 ** attempt, 8000);
			for (let i = 0; i < 50; i++) {
				const wait = backoffMs(attempt);
				expect(wait).toBeGreaterThanOrEqual(base * 0.75);
				expect(wait).toBeLessThanOrEqual(base);
			}
		}
	});

	test('errors that did not come from the api layer carry no retry classification', () => {
		expect(failureOf(new Error('x'))).toBeUndefined();
		expect(failureOf('x')).toBeUndefined();
	});

	test('redact removes every copy of the key', () => {
		expect(redact('key sk-abc123 and again sk-abc123', 'sk-abc123')).toBe('key [redacted] and again [redacted]');
	});
});

describe('fingerprints of job-creating requests (to recognise a lost create in the job list)', () => {
	const form = (fields, file) => {
		const body = new FormData();
		for (const [k, v] of Object.entries(fields)) body.append(k, v);
		if (file) body.append('input_reference', new Blob([file]), 'f.png');
		return body;
	};

	// What the job list shows of a create body is the server module's knowledge (servers listShows), read from the
	// body as sent; the fingerprint takes it from the job.
	const servers = require('../../dist/nodes/Sora/servers');
	const create = (server, body) => ({ kind: 'create', body, shows: servers.listShows(servers.dialectFromCredentials({ server }), body) });

	test('create: prompt, model, size, seconds — JSON or multipart; a new video shows no source', () => {
		const json = { prompt: 'a cat', model: 'sora-2', size: '720x1280', seconds: '8', input_reference: { image_url: 'https://x' } };
		const expected = { prompt: 'a cat', model: 'sora-2', size: '720x1280', seconds: ['8'], source: null };
		expect(fingerprintOf(create('openai', json))).toEqual(expected);
		expect(fingerprintOf(create('openai', form({ prompt: 'a cat', model: 'sora-2', size: '720x1280', seconds: '8' }, Buffer.from('png'))))).toEqual(expected);
	});

	test('gateways that send an integer duration', () => {
		expect(fingerprintOf(create('newapi', { prompt: 'p', model: 'kling', duration: 5 }))).toMatchObject({ prompt: 'p', model: 'kling', seconds: ['5'] });
		expect(fingerprintOf(create('openrouter', { prompt: 'p', model: 'google/veo-3.1', duration: 8, resolution: '720p', aspect_ratio: '9:16' }))).toEqual({
			prompt: 'p',
			model: 'google/veo-3.1',
			size: '720x1280',
			seconds: ['8'],
			source: null,
		});
	});

	test("remix and edit name their source and show its model, size and duration; an extension its size and the total or added seconds", () => {
		const shows = { model: 'sora-2', size: '1280x720', seconds: ['8'] };
		expect(fingerprintOf({ kind: 'remix', sourceId: 'video_1', body: { prompt: 'night' }, shows: { ...shows, prompt: 'night' } })).toEqual({ prompt: 'night', source: 'video_1', ...shows });
		expect(fingerprintOf({ kind: 'edit', sourceId: 'video_2', body: { prompt: 'red', video: { id: 'video_2' } }, shows: { ...shows, prompt: 'red' } })).toEqual({ prompt: 'red', source: 'video_2', ...shows });
		const extension = fingerprintOf({ kind: 'extend', body: { prompt: 'more', seconds: '4', video: { id: 'video_3' } }, shows: { ...shows, prompt: 'more', seconds: ['12', '4'] } });
		expect(extension).toEqual({ prompt: 'more', model: 'sora-2', size: '1280x720', seconds: ['12', '4'] });
	});

	test('a listed job matches where the server shows a field, and never with another value', () => {
		const fingerprint = { prompt: 'a cat', model: 'sora-2', size: '720x1280', seconds: ['8'], source: null };
		const video = { id: 'v', prompt: 'a cat', model: 'sora-2', size: '720x1280', seconds: '8', remixed_from_video_id: null };
		expect(matches(video, fingerprint)).toBe(true);
		expect(matches({ ...video, model: null, size: null, seconds: null }, fingerprint)).toBe(true);
		expect(matches({ ...video, size: '1280x720' }, fingerprint)).toBe(false);
		expect(matches({ ...video, seconds: '4' }, fingerprint)).toBe(false);
		expect(matches({ ...video, prompt: 'a dog' }, fingerprint)).toBe(false);
		expect(matches({ ...video, remixed_from_video_id: 'video_9' }, fingerprint)).toBe(false); // a remix is not a new video
		expect(matches({ ...video, seconds: '4' }, { ...fingerprint, seconds: ['12', '4'] })).toBe(true);
	});
});

describe('digests: what the job list does not show still tells requests apart', () => {
	const form = (prompt, bytes, name = 'f.png') => {
		const body = new FormData();
		body.append('prompt', prompt);
		body.append('input_reference', new Blob([bytes], { type: 'image/png' }), name);
		return body;
	};

	test('the first frame counts by its bytes, not its file name', async () => {
		const a = await digestOf({ kind: 'create', body: form('same', Buffer.from('red')) });
		expect(await digestOf({ kind: 'create', body: form('same', Buffer.from('red'), 'other-name.png') })).toBe(a);
		expect(await digestOf({ kind: 'create', body: form('same', Buffer.from('blue')) })).not.toBe(a);
	});

	test('characters, image URLs and extra fields count; key order does not', async () => {
		const base = { prompt: 'p', model: 'sora-2', characters: [{ id: 'char_1' }] };
		const digest = await digestOf({ kind: 'create', body: base });
		expect(await digestOf({ kind: 'create', body: { characters: [{ id: 'char_1' }], model: 'sora-2', prompt: 'p' } })).toBe(digest);
		expect(await digestOf({ kind: 'create', body: { ...base, characters: [{ id: 'char_2' }] } })).not.toBe(digest);
		expect(await digestOf({ kind: 'create', body: { ...base, input_reference: { image_url: 'https://a/1.png' } } })).not.toBe(digest);
		expect(await digestOf({ kind: 'create', body: { ...base, seed: 7 } })).not.toBe(digest);
	});

	test('the source video and the kind of request count', async () => {
		const remix = await digestOf({ kind: 'remix', sourceId: 'video_1', body: { prompt: 'p' } });
		expect(await digestOf({ kind: 'remix', sourceId: 'video_2', body: { prompt: 'p' } })).not.toBe(remix);
		expect(await digestOf({ kind: 'extend', body: { prompt: 'p', video: { id: 'video_1' } } })).not.toBe(await digestOf({ kind: 'extend', body: { prompt: 'p', video: { id: 'video_2' } } }));
	});
});
