/**
 * What real servers answer that the contract does not foresee, and the exact sentence the user sees. A
 * proxy in front of the emulator rewrites its answers the way each server's own code does (the file is
 * named at each case); the node must follow the job, never abandon it, and never store a wrong file.
 */
const { startServer, byId, runSora, expectNoKey, API_KEY, textToVideo: baseTextToVideo } = require('./setup');
const { startProxy } = require('../faults/servers');

let server;
beforeAll(async () => {
	server = await startServer({ jobMs: 600, pollAfterMs: 100 });
});
afterAll(async () => server.emulator.close());

const credentialsFor = (baseUrl, extra = {}) => ({ soraApi: { ...server.credentials.soraApi, baseUrl, ...extra } });

const textToVideo = (overrides = {}) => baseTextToVideo({ prompt: `A kite over a beach ${Math.random()}`, size: '1280x720', ...overrides });

const isStatus = (req) => req.method === 'GET' && /^\/v1\/videos\/[^/?]+$/.test(req.url);
const isContent = (req) => req.method === 'GET' && /^\/v1\/videos\/[^/]+\/content/.test(req.url);

/** Forwards and hands the JSON answer to `rewrite` before it reaches the node. */
async function rewriteJson(res, ctx, rewrite, headers = {}) {
	const upstream = await ctx.forward();
	const chunks = [];
	for await (const chunk of upstream) chunks.push(chunk);
	const body = JSON.stringify(rewrite(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
	res.writeHead(upstream.statusCode, { 'content-type': 'application/json', ...headers });
	res.end(body);
}

async function withProxy(intercept, run) {
	const proxy = await startProxy(server.emulator.origin, intercept);
	try {
		return await run(credentialsFor(`${proxy.origin}/v1`), proxy);
	} finally {
		await proxy.close();
	}
}

async function finishedJob() {
	const result = await runSora(server.credentials, textToVideo({ waitForCompletion: false }));
	const { id } = result.items[0].json;
	for (let i = 0; i < 100; i++) {
		const got = await runSora(server.credentials, { resource: 'video', operation: 'get', videoId: byId(id) });
		if (got.items[0].json.status === 'completed') return id;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error(`job ${id} did not finish`);
}

describe('status words and null fields', () => {
	test('new-api: "unknown" until its sweep picks the task up, completed_at set early: followed to the end', async () => {
		// QuantumNous/new-api model/task.go: ToVideoStatus maps a task not yet swept to "unknown" (progress 0).
		let polls = 0;
		const result = await withProxy(async (req, res, ctx) => {
			if (!isStatus(req) || ++polls > 3) return false;
			await rewriteJson(res, ctx, (video) => ({ ...video, status: 'unknown', progress: 0, completed_at: 1767225600 }));
			return true;
		}, (credentials) => runSora(credentials, textToVideo()));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('completed');
		expect(result.items[0].binary.data.mimeType).toBe('video/mp4');
		expect(polls).toBeGreaterThan(3);
	});

	test('a status word nobody knows is waited out with a warning, never an error that abandons the job', async () => {
		let polls = 0;
		const result = await withProxy(async (req, res, ctx) => {
			if (!isStatus(req) || ++polls > 2) return false;
			await rewriteJson(res, ctx, (video) => ({ ...video, status: 'rendering_frames' }));
			return true;
		}, (credentials) => runSora(credentials, textToVideo()));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('completed');
		const hints = (result.runData['Node Under Test'][0].hints ?? []).map((hint) => hint.message);
		expect(hints).toContainEqual(expect.stringMatching(/reports the status "rendering_frames", which this node does not know; it is treated as still waiting/));
	});

	test('Veo behind LiteLLM: processing, every unset field explicitly null, the poll hint under llm_provider-', async () => {
		// BerriAI/litellm litellm/llms/gemini/videos/transformation.py; headers prefixed by the proxy.
		const result = await withProxy(async (req, res, ctx) => {
			if (!isStatus(req)) return false;
			await rewriteJson(
				res,
				ctx,
				(video) =>
					video.status === 'completed'
						? video
						: { ...video, status: 'processing', progress: null, model: null, seconds: null, size: null, created_at: null },
				{ 'llm_provider-openai-poll-after-ms': '150' },
			);
			return true;
		}, (credentials) => runSora(credentials, textToVideo()));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ status: 'completed', seconds: '4', size: '1280x720' });
	});
});

describe('error bodies keep the server\'s own message', () => {
	test('new-api: an unknown task is 400 task_not_exist without an error key', async () => {
		// QuantumNous/new-api relay/relay_task.go: TaskErrorWrapperLocal → {"code","message","data"}.
		const result = await withProxy(async (req, res) => {
			if (!isStatus(req)) return false;
			res.writeHead(400, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ code: 'task_not_exist', message: 'task_not_exist', data: null }));
			return true;
		}, (credentials) => runSora(credentials, { resource: 'video', operation: 'get', videoId: byId('task_missing') }));
		expect(result.error.message).toBe('The server answered 400: task_not_exist');
		expect(result.error.description).toBe(
			'The gateway has no job with this ID. Check the ID (map it from the node that created the video); jobs of another gateway or key are not visible.',
		);
	});

	test('LiteLLM: a JSON error served as 200 video/mp4 is an error with its message, nothing stored', async () => {
		// BerriAI/litellm#32602: /content can pass an upstream 404 on as a JSON body with status 200 and video/mp4.
		const id = await finishedJob();
		const result = await withProxy(async (req, res) => {
			if (!isContent(req)) return false;
			const body = JSON.stringify({ error: { message: 'Video not found upstream', type: 'invalid_request_error', code: '404' } });
			res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': Buffer.byteLength(body) });
			res.end(body);
			return true;
		}, (credentials) =>
			runSora(credentials, { resource: 'video', operation: 'download', videoId: byId(id), variant: 'video', binaryPropertyOutput: 'data' }, { continueOnFail: true }),
		);
		expect(result.items[0].binary).toBeUndefined();
		expect(result.items[0].json.error).toBe(
			`Could not download the MP4 of video ${id}: the server sent a JSON body instead of an MP4: Video not found upstream`,
		);
		expect(result.items[0].json.errorDescription).toContain(`using id ${id}`);
		expectNoKey(result);
	});

	test('an HTML page with status 200 instead of the thumbnail is refused the same way', async () => {
		const id = await finishedJob();
		const result = await withProxy(async (req, res) => {
			if (!isContent(req)) return false;
			res.writeHead(200, { 'content-type': 'image/webp' });
			res.end(`<html><body><h1>Sign in</h1><p>key ${API_KEY}</p></body></html>`);
			return true;
		}, (credentials) =>
			runSora(credentials, { resource: 'video', operation: 'download', videoId: byId(id), variant: 'thumbnail', binaryPropertyOutput: 'data' }, { continueOnFail: true }),
		);
		expect(result.items[0].binary).toBeUndefined();
		expect(result.items[0].json.error).toBe(
			`Could not download the thumbnail of video ${id}: the server sent a web page instead of a WebP image: Sign in key [redacted]`,
		);
		expectNoKey(result);
	});
});

describe('what a server lacks is refused before any request', () => {
	test('LiteLLM has no DELETE route (405): Delete is refused with its sentence', async () => {
		const result = await withProxy(async () => false, (credentials, proxy) =>
			runSora({ soraApi: { ...credentials.soraApi, server: 'litellm', litellmProvider: 'openai' } }, { resource: 'video', operation: 'delete', videoId: byId('video_x') }).then(
				(out) => ({ out, seen: proxy.seen.length }),
			),
		);
		expect(result.out.error.message).toBe('LiteLLM proxy cannot delete videos, so Delete cannot run against it');
		expect(result.seen).toBe(0);
	});

	test('LiteLLM with Veo behind it: Remix and Get Many are refused, naming the provider', async () => {
		const credentials = { soraApi: { ...server.credentials.soraApi, server: 'litellm', litellmProvider: 'gemini' } };
		const remix = await runSora(credentials, { resource: 'video', operation: 'remix', videoId: byId('video_x'), prompt: 'night' });
		expect(remix.error.message).toBe('LiteLLM proxy with provider gemini has no remix, so Remix cannot run against it');
		const many = await runSora(credentials, { resource: 'video', operation: 'getMany', returnAll: true });
		expect(many.error.message).toBe('LiteLLM proxy with provider gemini has no video list, so Get Many cannot run against it');
	});
});
