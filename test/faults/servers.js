/**
 * Tiny local HTTP servers for the reliability tests: a proxy in front of the emulator that can
 * rewrite answers (redirects, cut bodies, ignored ranges, a missing list), a "CDN" on another
 * origin that records the headers it receives, a web page, and a closed port.
 */
const http = require('http');

function listen(server) {
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function close(server) {
	return new Promise((resolve) => {
		server.close(() => resolve());
		server.closeAllConnections?.();
	});
}

/** Forwards a request to `targetOrigin` and returns the upstream response (not yet consumed). */
function forward(targetOrigin, req, { headers = {}, path } = {}) {
	return new Promise((resolve, reject) => {
		const target = new URL(path ?? req.url, targetOrigin);
		const upstream = http.request(
			target,
			{ method: req.method, headers: { ...req.headers, host: target.host, ...headers } },
			resolve,
		);
		upstream.on('error', reject);
		req.pipe(upstream);
	});
}

/**
 * A proxy in front of `targetOrigin`. `intercept(req, res, ctx)` may answer a request itself and
 * return true; otherwise the request is forwarded unchanged. `ctx.forward(opts)` forwards by hand.
 */
async function startProxy(targetOrigin, intercept = async () => false) {
	const seen = [];
	const server = http.createServer(async (req, res) => {
		seen.push({ method: req.method, url: req.url, headers: { ...req.headers } });
		try {
			const ctx = { forward: (opts) => forward(targetOrigin, req, opts) };
			if (await intercept(req, res, ctx)) return;
			const upstream = await ctx.forward();
			res.writeHead(upstream.statusCode, upstream.headers);
			upstream.pipe(res);
		} catch {
			res.destroy();
		}
	});
	await listen(server);
	const origin = `http://127.0.0.1:${server.address().port}`;
	return { origin, seen, server, close: () => close(server) };
}

/** A server that answers every request with the same HTML page and status. */
async function startHtmlServer(html, status = 200) {
	const server = http.createServer((req, res) => {
		req.resume();
		res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
		res.end(html);
	});
	await listen(server);
	return { origin: `http://127.0.0.1:${server.address().port}`, close: () => close(server) };
}

/** A port on which nothing listens (connection refused). */
async function closedPort() {
	const server = await listen(http.createServer());
	const { port } = server.address();
	await close(server);
	return port;
}

module.exports = { startProxy, startHtmlServer, closedPort, forward };
