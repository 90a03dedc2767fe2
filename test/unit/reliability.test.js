const { retryAfterMs, failureOf, redact } = require('../../dist/nodes/Sora/api/errors');
const { backoffMs } = require('../../dist/nodes/Sora/api/retry');
const { fingerprintOf } = require('../../dist/nodes/Sora/jobs/createOnce');

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
	test('create: prompt, model, size, seconds — JSON or multipart', () => {
		const json = { prompt: 'a cat', model: 'sora-2', size: '720x1280', seconds: '8', input_reference: { image_url: 'https://x' } };
		expect(fingerprintOf({ kind: 'create', body: json })).toEqual({ prompt: 'a cat', model: 'sora-2', size: '720x1280', seconds: '8' });
		const form = new FormData();
		for (const [k, v] of Object.entries({ prompt: 'a cat', model: 'sora-2', size: '720x1280', seconds: '8' })) form.append(k, v);
		form.append('input_reference', new Blob([Buffer.from('png')]), 'f.png');
		expect(fingerprintOf({ kind: 'create', body: form })).toEqual({ prompt: 'a cat', model: 'sora-2', size: '720x1280', seconds: '8' });
	});

	test('gateways that send an integer duration', () => {
		expect(fingerprintOf({ kind: 'create', body: { prompt: 'p', model: 'kling', duration: 5 } })).toEqual({ prompt: 'p', model: 'kling', size: undefined, seconds: '5' });
	});

	test('remix and edit name their source; an extension only its prompt (its seconds become the total)', () => {
		expect(fingerprintOf({ kind: 'remix', sourceId: 'video_1', body: { prompt: 'night' } })).toEqual({ prompt: 'night', remixedFrom: 'video_1' });
		expect(fingerprintOf({ kind: 'edit', body: { prompt: 'red', video: { id: 'video_2' } } })).toEqual({ prompt: 'red', remixedFrom: 'video_2' });
		expect(fingerprintOf({ kind: 'extend', body: { prompt: 'more', seconds: '4', video: { id: 'video_3' } } })).toEqual({ prompt: 'more' });
	});
});
