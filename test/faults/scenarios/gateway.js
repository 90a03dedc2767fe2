/**
 * A gateway in front of the emulator that misbehaves the way real ones do, one request at a time:
 * it buffers each request, lets a scenario's hook answer it (or forward it, now or later), and can
 * rewrite what the emulator answers — list new jobs late, run a clock that is off. Scenarios build
 * their faults from the pieces below instead of each writing a proxy.
 */
const http = require('http');

function readAll(stream) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		stream.on('data', (chunk) => chunks.push(chunk));
		stream.on('end', () => resolve(Buffer.concat(chunks)));
		stream.on('error', reject);
	});
}

/** Sends a buffered request to `origin`; resolves with the whole answer. */
function send(origin, request) {
	return new Promise((resolve, reject) => {
		const target = new URL(request.url, origin);
		const upstream = http.request(target, { method: request.method, headers: { ...request.headers, host: target.host } }, async (res) => {
			try {
				resolve({ status: res.statusCode, headers: { ...res.headers }, body: await readAll(res) });
			} catch (error) {
				reject(error);
			}
		});
		upstream.on('error', reject);
		upstream.end(request.body);
	});
}

/** The route of an API request, as the emulator names it (create, remix, edit, extend, list, retrieve, delete, content, …). */
function routeOf(method, url) {
	const path = new URL(url, 'http://x').pathname.replace(/^\/v1/, '');
	if (path === '/videos') return method === 'POST' ? 'create' : 'list';
	if (method === 'POST' && path === '/videos/extensions') return 'extend';
	if (method === 'POST' && path === '/videos/edits') return 'edit';
	if (method === 'POST' && /^\/videos\/[^/]+\/remix$/.test(path)) return 'remix';
	if (/^\/videos\/[^/]+$/.test(path)) return method === 'DELETE' ? 'delete' : 'retrieve';
	if (/^\/videos\/[^/]+\/content$/.test(path)) return 'content';
	return 'other';
}

const json = (answer) => {
	try {
		return JSON.parse(answer.body.toString('utf8'));
	} catch {
		return undefined;
	}
};

const withJson = (answer, value) => ({ ...answer, body: Buffer.from(JSON.stringify(value)) });

/** A gateway's error page with `status` (504 Gateway Time-out, 503 Service Unavailable, …). */
function errorPage(status, title = { 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Time-out' }[status] ?? 'Error') {
	return { status, headers: { 'content-type': 'text/html' }, body: Buffer.from(`<html><head><title>${status} ${title}</title></head><body><h1>${status} ${title}</h1></body></html>`) };
}

/** The prompt of a buffered create (JSON or multipart). */
function promptOf(request) {
	const text = request.body.toString('latin1');
	if (/^\s*\{/.test(text)) return JSON.parse(text).prompt;
	return /name="prompt"\r\n\r\n([^\r]*)\r\n/.exec(text)?.[1];
}

/**
 * Starts the gateway. `hooks[route]({ request, forward, seen })` may return an answer
 * `{ status, headers, body }`, 'drop' (close the connection without an answer) or nothing (forward
 * as is). `hooks.answer(route, answer)` rewrites every answer the emulator gives before it is sent on.
 * `seen` records when the gateway first saw each job id come back from the emulator.
 */
async function startGateway(upstreamOrigin, hooks = {}) {
	const seen = new Map();
	const requests = [];
	const note = (answer) => {
		const body = json(answer);
		if (body?.object === 'video' && !seen.has(body.id)) seen.set(body.id, Date.now());
		return answer;
	};
	const forward = async (request) => note(await send(upstreamOrigin, request));
	const server = http.createServer(async (req, res) => {
		try {
			const request = { method: req.method, url: req.url, headers: { ...req.headers }, body: await readAll(req) };
			const route = routeOf(req.method, req.url);
			requests.push({ route, method: req.method, url: req.url });
			let answer = await hooks[route]?.({ request, forward: () => forward(request), seen });
			if (answer === 'drop') {
				res.socket.destroy();
				return;
			}
			answer ??= await forward(request);
			answer = hooks.answer ? hooks.answer(route, answer, seen) : answer;
			const headers = { ...answer.headers, 'content-length': String(answer.body.length) };
			delete headers['transfer-encoding'];
			res.writeHead(answer.status, headers);
			res.end(answer.body);
		} catch {
			res.destroy();
		}
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const origin = `http://127.0.0.1:${server.address().port}`;
	return {
		origin,
		baseUrl: `${origin}/v1`,
		seen,
		requests,
		/** Forwards a buffered request later (the upstream creates the job after the gateway gave up); resolves once it has. */
		forwardLater: (request, ms) => new Promise((resolve) => setTimeout(() => forward(request).then(resolve, resolve), ms)),
		close: () =>
			new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections?.();
			}),
	};
}

/** Answer rewrites: the list shows a job only `lagMs` after the gateway first saw it. */
function listLagging(lagMs) {
	return (route, answer, seen) => {
		if (route !== 'list' || answer.status !== 200) return answer;
		const body = json(answer);
		const data = body.data.filter((video) => !seen.has(video.id) || Date.now() - seen.get(video.id) >= lagMs);
		return withJson(answer, { ...body, data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
	};
}

/** Answer rewrites: every timestamp the server shows is `seconds` off (negative: its clock is behind). */
function clockShifted(seconds) {
	const shift = (video) => {
		const out = { ...video };
		for (const key of ['created_at', 'completed_at', 'expires_at']) if (typeof out[key] === 'number') out[key] += seconds;
		return out;
	};
	return (route, answer) => {
		const body = json(answer);
		if (!body || answer.status >= 300) return answer;
		if (body.object === 'video') return withJson(answer, shift(body));
		if (body.object === 'list') return withJson(answer, { ...body, data: body.data.map(shift) });
		return answer;
	};
}

/**
 * Answer rewrites for clocks that differ per job: each job keeps the shift (s) `shiftOf(video)` gives when it is first
 * seen (the replica that created it), in every answer, as a real job's stored created_at does. `then` rewrites
 * the result further (list lag, say).
 */
function stamped(shiftOf, then) {
	const shifts = new Map();
	const shift = (video) => {
		if (!video || typeof video !== 'object' || !video.id) return video;
		if (!shifts.has(video.id)) shifts.set(video.id, shiftOf(video));
		const s = shifts.get(video.id);
		const out = { ...video };
		for (const key of ['created_at', 'completed_at', 'expires_at']) if (typeof out[key] === 'number') out[key] += s;
		return out;
	};
	return (route, answer, seen) => {
		const body = json(answer);
		let out = answer;
		if (body && answer.status < 300 && body.object === 'video') out = { ...answer, body: Buffer.from(JSON.stringify(shift(body))) };
		if (body && answer.status < 300 && body.object === 'list') out = { ...answer, body: Buffer.from(JSON.stringify({ ...body, data: body.data.map(shift) })) };
		return then ? then(route, out, seen) : out;
	};
}

module.exports = { startGateway, errorPage, promptOf, listLagging, clockShifted, stamped, json };
