const { parseVideo, parseVideoList, parseApiError, parseCharacter } = require('../../dist/nodes/Sora/api/schemas');

// The server a video comes from: its module fills in the contract's field names from its own spelling.
const contract = { id: 'openai', name: 'OpenAI' };
const newapi = { id: 'newapi', name: 'new-api' };
const openrouter = { id: 'openrouter', name: 'OpenRouter' };

describe('video schema', () => {
	test('keeps the official shape and drops unknown fields', () => {
		const video = parseVideo({
			id: 'video_1', object: 'video', model: 'sora-2', status: 'in_progress', progress: 40,
			created_at: 1700000000, completed_at: null, expires_at: null, prompt: 'x', size: '720x1280',
			seconds: '8', remixed_from_video_id: null, error: null, quality: 'standard',
		}, contract);
		expect(video).toEqual({
			id: 'video_1', object: 'video', status: 'in_progress', progress: 40, model: 'sora-2', prompt: 'x',
			size: '720x1280', seconds: '8', created_at: 1700000000, completed_at: null, expires_at: null,
			remixed_from_video_id: null, error: null,
		});
	});

	test('normalises gateway dialects: numeric seconds, ISO dates, extra statuses, missing fields', () => {
		expect(parseVideo({ id: 'task_1', status: 'processing', seconds: 8 }, contract)).toMatchObject({ status: 'in_progress', seconds: '8', progress: null, model: null });
		expect(parseVideo({ id: 'a', status: 'succeeded', created_at: '2026-01-01T00:00:00Z' }, contract)).toMatchObject({ status: 'completed', progress: 100, created_at: 1767225600 });
		expect(parseVideo({ id: 'b', status: 'pending' }, contract).status).toBe('queued');
		expect(parseVideo({ id: 'c', status: 'cancelled' }, contract)).toMatchObject({ status: 'failed', error: { code: 'cancelled' } });
		expect(parseVideo({ id: 'd', status: 'expired' }, contract).error.code).toBe('expired');
		expect(parseVideo({ id: 'e', status: 'failed', error: 'boom' }, contract).error).toEqual({ code: 'error', message: 'boom' });
		expect(parseVideo({ id: 42, status: 'queued', created_at: 1767225600000 }, contract)).toMatchObject({ id: '42', created_at: 1767225600 });
	});

	test('an unknown status word is "not finished", with the word kept', () => {
		expect(parseVideo({ id: 'x', status: 'UPSCALING', progress: 98 }, contract)).toMatchObject({ status: 'in_progress', raw_status: 'UPSCALING', progress: 98 });
		expect(parseVideo({ id: 'y', status: 'completed' }, contract)).not.toHaveProperty('raw_status');
	});

	test('keeps an in-band failure with its code and message', () => {
		const video = parseVideo({ id: 'v', status: 'failed', error: { code: 'moderation_blocked', message: 'Blocked.' } }, contract);
		expect(video.error).toEqual({ code: 'moderation_blocked', message: 'Blocked.' });
	});

	test('new-api\'s "unknown" is a job still waiting, never an error (a paid job is not abandoned)', () => {
		// new-api: "unknown" until its sweep picks the task up, with completed_at already set; the status decides.
		expect(parseVideo({ id: 'task_1', status: 'unknown', progress: 0, completed_at: 1767225600 }, contract)).toMatchObject({ status: 'queued', progress: 0 });
		expect(parseVideo({ id: 'task_1', status: 'unknown' }, contract).raw_status).toBeUndefined();
	});

	test('Veo behind LiteLLM: every unset field explicitly null', () => {
		const video = parseVideo({ id: 'video_x', object: 'video', status: 'processing', progress: null, model: null, seconds: null, size: null, created_at: null, completed_at: null, expires_at: null, error: null }, contract);
		expect(video).toMatchObject({ status: 'in_progress', progress: null, model: null, seconds: null, size: null, created_at: null });
	});

	test('new-api: task_id, duration and the result URL in metadata.url (empty until done)', () => {
		expect(parseVideo({ task_id: 'task_2', status: 'in_progress', duration: 5, metadata: { url: '' } }, newapi)).toMatchObject({ id: 'task_2', seconds: '5' });
		expect(parseVideo({ id: 'task_2', status: 'in_progress', metadata: { url: '' } }, newapi).urls).toBeUndefined();
		expect(parseVideo({ id: 'task_2', status: 'completed', metadata: { url: 'https://gw/v1/videos/task_2/content' } }, newapi).urls).toEqual(['https://gw/v1/videos/task_2/content']);
	});

	test('OpenRouter: duration, resolution + aspect ratio as the size, usage.cost', () => {
		const video = parseVideo({ id: 'job-1', status: 'completed', duration: 8, resolution: '1080p', aspect_ratio: '9:16', usage: { cost: 0.42 } }, openrouter);
		expect(video).toMatchObject({ seconds: '8', size: '1080x1920', cost_usd: 0.42 });
	});

	test("another server's spelling is not read on a server that does not use it", () => {
		expect(() => parseVideo({ task_id: 'task_2', status: 'queued' }, contract)).toThrow();
		expect(parseVideo({ id: 'v', status: 'queued', resolution: '1080p', aspect_ratio: '9:16', usage: { cost: 1 } }, newapi)).toMatchObject({ size: null });
		expect(parseVideo({ id: 'v', status: 'queued', usage: { cost: 1 } }, newapi)).not.toHaveProperty('cost_usd');
	});

	test('rejects what is not a video', () => {
		expect(() => parseVideo({ status: 'queued' }, contract)).toThrow();
		expect(() => parseVideo('<html>', contract)).toThrow();
	});
});

test('list, character and error envelope', () => {
	const list = parseVideoList({ data: [{ id: 'a', status: 'queued' }, { id: 'b', status: 'completed' }], has_more: true }, contract);
	expect(list).toMatchObject({ last_id: 'b', has_more: true });
	expect(parseCharacter({ id: 'char_1', name: 'Mo', created_at: 5, extra: 1 })).toEqual({ id: 'char_1', object: 'character', name: 'Mo', created_at: 5 });
	expect(parseApiError({ error: { message: 'Bad', type: 'invalid_request_error', param: 'size', code: 'invalid_value' } })).toEqual({ message: 'Bad', type: 'invalid_request_error', param: 'size', code: 'invalid_value' });
	expect(parseApiError({ error: 'plain' })).toMatchObject({ message: 'plain' });
	expect(parseApiError('<html>502</html>')).toBeUndefined();
	// new-api's task errors carry no `error` key; FastAPI in front of LiteLLM answers {detail}.
	expect(parseApiError({ code: 'task_not_exist', message: 'task_not_exist', data: null })).toMatchObject({ message: 'task_not_exist', code: 'task_not_exist' });
	expect(parseApiError({ detail: 'Method Not Allowed' })).toMatchObject({ message: 'Method Not Allowed', code: null });
});
