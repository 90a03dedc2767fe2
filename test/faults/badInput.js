/**
 * Runs the bad-input corpus (badInput.cases.js) through the Sora node inside n8n's engine, each
 * case against the server it names, and checks the exact error, its item index and HTTP code,
 * that input refusable before sending cost nothing, and that the API key appears nowhere.
 */
const path = require('path');
const harness = require('../harness');
const { startEmulator } = require('../emulator');
const { image, clip } = require('../fixtures/media');
const { startHtmlServer, closedPort } = require('./servers');
const { countSecret, visibleParts } = require('./secrets');
const CASES = require('./badInput.cases');

const PKG = path.resolve(__dirname, '../..');
const API_KEY = 'sk-badinput-9f8e7d6c5b4a3210-secret';
const WRONG_KEY = 'sk-wrong-key-0000111122223333-leak';

const NGINX_PAGE =
	'<!DOCTYPE html><html><head><title>Welcome</title><style>body { width: 35em; }</style></head>' +
	'<body><h1>Welcome to nginx!</h1><p>If you see this page, the web server is running.</p></body></html>';

/** Duration of an MP4 from its mvhd box, rounded as the node rounds it. */
function clipSeconds(buffer) {
	const at = buffer.indexOf('mvhd', 0, 'latin1');
	const start = at + 4;
	const version = buffer[start];
	const timescale = buffer.readUInt32BE(start + (version === 1 ? 20 : 12));
	const duration = version === 1 ? Number(buffer.readBigUInt64BE(start + 24)) : buffer.readUInt32BE(start + 16);
	return Math.round((duration / timescale) * 100) / 100;
}

async function api(emulator, method, route, body) {
	const response = await fetch(`${emulator.baseUrl}${route}`, {
		method,
		headers: { authorization: `Bearer ${API_KEY}`, ...(body && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}) },
		body: body instanceof FormData ? body : body ? JSON.stringify(body) : undefined,
	});
	const json = await response.json();
	if (!response.ok) throw new Error(`${method} ${route}: ${JSON.stringify(json)}`);
	return json;
}

async function complete(emulator, id) {
	await fetch(`${emulator.origin}/__emulator/videos/${id}/complete`, { method: 'POST' });
}

/** Starts the servers the cases name and prepares the jobs and character they refer to. */
async function startEnv() {
	const base = { port: 0, jobMs: 300, pollAfterMs: 100, apiKey: API_KEY, mediaMode: 'lazy', captions: false };
	const main = await startEmulator(base);
	const held = await startEmulator({ ...base, maxRunning: 0 });
	const expiring = await startEmulator({ ...base, assetTtlSeconds: 0.001 });
	const aux = await startEmulator(base);
	const html = await startHtmlServer(NGINX_PAGE);
	const refusedPort = await closedPort();

	const form = new FormData();
	form.append('name', 'Captain Crunchy');
	form.append('video', new Blob([clip(1280, 720, 3)], { type: 'video/mp4' }), 'crunchy.mp4');
	const character = await api(main, 'POST', '/videos/characters', form);

	const queued = await api(held, 'POST', '/videos', { prompt: 'waiting forever' });
	const expired = await api(expiring, 'POST', '/videos', { prompt: 'gone soon' });
	await complete(expiring, expired.id);

	let long = await api(main, 'POST', '/videos', { prompt: 'a long walk', seconds: '20' });
	await complete(main, long.id);
	for (let i = 0; i < 5; i++) {
		long = await api(main, 'POST', '/videos/extensions', { prompt: `and on ${i}`, seconds: '20', video: { id: long.id } });
		await complete(main, long.id);
	}
	await new Promise((resolve) => setTimeout(resolve, 20));

	const credentials = (baseUrl, apiKey = API_KEY) => ({ soraApi: { apiKey, baseUrl, authHeader: 'bearer' } });
	const servers = {
		main: { emulator: main, credentials: credentials(main.baseUrl) },
		held: { emulator: held, credentials: credentials(held.baseUrl) },
		expiring: { emulator: expiring, credentials: credentials(expiring.baseUrl) },
		forbidden: { emulator: aux, config: { faults: { forceStatus: 403, scope: ['create'] } }, credentials: credentials(aux.baseUrl) },
		tooLarge: { emulator: aux, config: { faults: { forceStatus: 413, scope: ['create'] } }, credentials: credentials(aux.baseUrl) },
		tinyBody: { emulator: aux, config: { maxBodyBytes: 2048 }, credentials: credentials(aux.baseUrl) },
		rateLimited: { emulator: aux, config: { faults: { rate429: 1, retryAfterMs: 120_000, scope: ['create'] } }, credentials: credentials(aux.baseUrl) },
		html: { credentials: credentials(`${html.origin}/v1`) },
		typo: { emulator: main, credentials: credentials(`${main.origin}/v2`) },
		noScheme: { emulator: main, credentials: credentials(main.baseUrl.replace(/^http:\/\//, '')) },
		refused: { credentials: credentials(`http://127.0.0.1:${refusedPort}/v1`) },
		wrongKey: { emulator: main, credentials: credentials(main.baseUrl, WRONG_KEY) },
	};
	return {
		servers,
		main,
		characterId: character.id,
		queuedId: queued.id,
		expiredId: expired.id,
		longId: long.id,
		image,
		clip,
		clipSeconds,
		async close() {
			await Promise.all([main.close(), held.close(), expiring.close(), aux.close(), html.close()]);
		},
	};
}

const resolve = (value, env) => (typeof value === 'function' ? value(env) : value);

/** Runs one case; returns { name, passed, problems, error, keyHits }. */
async function runCase(testCase, env) {
	const server = env.servers[testCase.server ?? 'main'];
	const emulator = server.emulator;
	if (server.config) emulator.setConfig(server.config);
	const paid = () => (emulator ? emulator.stats.acceptedJobs : 0);
	const before = paid();
	const problems = [];
	let result;
	try {
		result = await harness.runNode({
			pkg: PKG,
			nodeType: 'sora',
			credentials: server.credentials,
			parameters: resolve(testCase.params, env),
			inputItems: resolve(testCase.items, env),
			continueOnFail: testCase.continueOnFail ?? false,
		});
	} catch (crash) {
		problems.push(`the run crashed: ${crash.stack ?? crash}`);
	} finally {
		if (server.config) {
			emulator.setConfig({ faults: {}, maxBodyBytes: 256 * 1024 * 1024 });
		}
	}
	const expect = testCase.expect;
	const error = result?.error;
	if (result && !error) problems.push(`no error; status ${result.status}, ${result.items.length} item(s)`);
	if (error) {
		const message = resolve(expect.message, env);
		if (error.message !== message) problems.push(`message ${JSON.stringify(error.message)} !== ${JSON.stringify(message)}`);
		if (error.itemIndex !== expect.itemIndex) problems.push(`itemIndex ${error.itemIndex} !== ${expect.itemIndex}`);
		if (expect.httpCode && String(error.httpCode) !== expect.httpCode) problems.push(`httpCode ${error.httpCode} !== ${expect.httpCode}`);
		if (expect.description && !String(error.description ?? '').includes(expect.description)) {
			problems.push(`description ${JSON.stringify(error.description)} lacks ${JSON.stringify(expect.description)}`);
		}
		if (!['NodeOperationError', 'NodeApiError'].includes(error.name)) problems.push(`error is a ${error.name}`);
	}
	if (expect.noCreate && paid() !== before) problems.push(`${paid() - before} job(s) were accepted (and paid for)`);
	const keyHits = result ? countSecret(visibleParts(result), API_KEY) + countSecret(visibleParts(result), WRONG_KEY) : 0;
	if (keyHits) problems.push(`the API key appears ${keyHits} time(s) in the output or error`);
	return { name: testCase.name, passed: problems.length === 0, problems, error: error && { message: error.message, itemIndex: error.itemIndex, httpCode: error.httpCode }, keyHits };
}

/** Runs the whole corpus; returns { cases, passed, results, keyHits }. */
async function runBadInputCorpus({ log = () => {} } = {}) {
	const env = await startEnv();
	const results = [];
	try {
		for (const testCase of CASES) {
			const outcome = await runCase(testCase, env);
			results.push(outcome);
			if (!outcome.passed) log(`bad input "${outcome.name}": ${outcome.problems.join('; ')}`);
		}
	} finally {
		await env.close();
	}
	return {
		cases: results.length,
		passed: results.filter((r) => r.passed).length,
		keyHits: results.reduce((sum, r) => sum + r.keyHits, 0),
		results,
	};
}

module.exports = { runBadInputCorpus, CASES, API_KEY, WRONG_KEY };
