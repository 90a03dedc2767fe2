/**
 * What the Sora Trigger's engine tests (./trigger.test.js) and its fault scenarios
 * (../faults/scenarios/trigger.js) share: making jobs, holding chosen emulator requests, counting
 * what the polls emitted, n8n's poll timeout, and polling until every job came.
 */
const fs = require('fs');
const { request } = require('undici');
const harness = require('../harness');
const { API_KEY } = require('./setup');

/** Creates a job on the emulator at `baseUrl` (with the engine tests' key unless told another). */
async function createJob(baseUrl, prompt, { apiKey = API_KEY, model = 'sora-2' } = {}) {
	const response = await request(`${baseUrl}/videos`, {
		method: 'POST',
		headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
		body: JSON.stringify({ prompt, model, seconds: '4', size: '720x1280' }),
	});
	const body = await response.body.json();
	if (response.statusCode !== 200) throw new Error(JSON.stringify(body));
	return body;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Holds chosen emulator requests (its `gate` option) until the test lets them go: `hold(match)` arms
 * a hold for the next request `match` accepts; `caught` resolves when one arrives, `release()` lets it
 * go, `cancel()` disarms a hold nothing has hit.
 */
function makeGate() {
	const holds = [];
	const gate = async (req) => {
		const hold = holds.find((h) => h.armed && h.match(req));
		if (!hold) return;
		hold.armed = false;
		hold.hit(req);
		await hold.released;
	};
	const hold = (match) => {
		const h = { match, armed: true };
		h.caught = new Promise((resolve) => (h.hit = resolve));
		h.released = new Promise((resolve) => (h.release = resolve));
		h.cancel = () => {
			h.armed = false;
		};
		holds.push(h);
		return h;
	};
	const releaseAll = () => holds.forEach((h) => (h.cancel(), h.release()));
	return { gate, hold, releaseAll };
}

const heldDownload = (req) => req.route === 'content' && req.phase === 'body';
const heldFirstPage = (req) => req.route === 'list' && !req.url.searchParams.has('after');
const heldLaterPage = (req) => req.route === 'list' && req.url.searchParams.has('after');

/** Counts emissions per id; removes the MP4s from the binary store as it goes (1,000 of them would fill /tmp). */
function recorder() {
	const emitted = new Map();
	const withoutBinary = [];
	const record = (result) => {
		for (const item of result?.[0] ?? []) {
			emitted.set(item.json.id, (emitted.get(item.json.id) ?? 0) + 1);
			if (item.json.status === 'completed' && !item.binary?.data) withoutBinary.push(item.json);
			for (const binary of Object.values(item.binary ?? {})) {
				const file = harness.binaryFilePath(binary);
				if (file) fs.rmSync(file, { force: true });
			}
		}
		return result;
	};
	const figures = (created) => ({
		emitted: emitted.size,
		duplicates: [...emitted.values()].filter((n) => n > 1).length,
		missed: [...created.keys()].filter((id) => !emitted.has(id)).length,
		unknown: [...emitted.keys()].filter((id) => !created.has(id)).length,
	});
	return { emitted, withoutBinary, record, figures };
}

/** What n8n's durable scheduler does with a poll: it waits 45 s, then abandons it and drops its result. */
const N8N_POLL_TIMEOUT_MS = 45_000;
async function withN8nTimeout(promise) {
	let timer;
	const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve({ abandoned: true }), N8N_POLL_TIMEOUT_MS)));
	const outcome = await Promise.race([promise.then((items) => ({ items })), timedOut]);
	clearTimeout(timer);
	return outcome;
}

/**
 * Polls an active workflow until every job in `created` was emitted (or `maxPolls`), making `more()`
 * jobs between polls while it returns any. Returns the emission figures and what each poll saw.
 */
async function pollUntilDelivered(trigger, created, { more = async () => [], maxPolls = 200, pauseMs = 150, rec = recorder() } = {}) {
	const perPoll = [];
	for (let n = 0; n < maxPolls; n++) {
		for (const job of await more(n)) created.set(job.id, job);
		const items = rec.record(await trigger.poll())?.[0] ?? [];
		perPoll.push(items.map((item) => item.json.id));
		if (created.size && [...created.keys()].every((id) => rec.emitted.has(id))) break;
		await sleep(pauseMs);
	}
	return { ...rec.figures(created), perPoll, withoutBinary: rec.withoutBinary, rec };
}

/**
 * The figures of a trigger run: `created` (a Set of ids, or a Map id → job) the videos that must each be emitted
 * exactly once, `rec` (recorder()) what the polls emitted. A video emitted that is not among them is a problem, and
 * so, when the trigger downloads (`download`), is a completed video emitted without its MP4.
 */
function figures(rec, created, problems = [], { download = false } = {}) {
	const counts = [...created.keys()].map((id) => rec.emitted.get(id) ?? 0);
	const unknown = [...rec.emitted.keys()].filter((id) => !created.has(id));
	if (unknown.length) problems.push(`emitted ${unknown.length} video(s) not expected: ${unknown.slice(0, 3).join(', ')}`);
	if (download && rec.withoutBinary.length) {
		problems.push(`${rec.withoutBinary.length} completed video(s) emitted without their MP4: ${rec.withoutBinary.map((v) => v.download_error ?? '').slice(0, 1)}`);
	}
	const result = {
		jobs: created.size,
		delivered: counts.filter((n) => n === 1).length,
		duplicates: counts.filter((n) => n > 1).length,
		lost: counts.filter((n) => n === 0).length,
		problems,
	};
	if (result.lost) problems.push(`${result.lost} of ${created.size} video(s) never emitted`);
	if (result.duplicates) problems.push(`${result.duplicates} video(s) emitted more than once`);
	return result;
}

module.exports = { createJob, sleep, makeGate, heldDownload, heldFirstPage, heldLaterPage, recorder, figures, N8N_POLL_TIMEOUT_MS, withN8nTimeout, pollUntilDelivered };
