/**
 * The fault suite: ≥ 100 video jobs through the Sora node inside n8n's real engine (WorkflowExecute,
 * Continue On Fail on) against emulators over HTTP that throw every fault they know — 429 with
 * Retry-After, HTML 5xx, resets before and during the body, cut-off JSON, lost create responses,
 * 502 after acceptance, slow answers, expired assets — one of them ignoring idempotency keys.
 * Then the bad-input corpus. Used by test/faults/faults.test.js and scripts/faults.js.
 *
 * Result: { jobs, delivered, itemErrors, acceptedCreates, byteIdentical, unhandled, badInputCases,
 * badInputPassed, keyLeaks } plus details (batches, problems, faults injected, timings).
 */
const path = require('path');
const harness = require('../harness');
const { startEmulator } = require('../emulator');
const { runBadInputCorpus } = require('./badInput');
const { textToVideo } = require('../engine/setup');
const { countSecret, visibleParts } = require('./secrets');

const PKG = path.resolve(__dirname, '../..');
const API_KEY = 'sk-faults-5b1e0c9a7d3f4e2b-secret';
const NODE_NAME = 'Node Under Test';

/** Deterministic random numbers (mulberry32), so a failing run can be repeated. */
function seeded(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const MIXED = {
	rate429: 0.06,
	rate5xx: 0.06,
	resetBeforeBody: 0.04,
	malformedJson: 0.04,
	createLostResponse: 0.12,
	acceptedThen5xx: 0.05,
	resetDuringBody: 0.3,
	slowMs: 300,
	rateSlow: 0.1,
	retryAfterMs: 250,
};

const LOST_CREATES = { createLostResponse: 0.35, acceptedThen5xx: 0.15, malformedJson: 0.15, rate429: 0.1, retryAfterMs: 200, scope: ['create'] };

const BROKEN_DOWNLOADS = { resetDuringBody: 0.6, rate429: 0.1, rate5xx: 0.1, resetBeforeBody: 0.05, retryAfterMs: 200, scope: ['content'] };

/**
 * The batches: each is one execution of the node with `items` input items. `prompt(i)` makes each
 * item's prompt; `expectErrors` is how many item errors the batch must end with (moderation,
 * expired assets) — every other job must be delivered.
 */
function batches() {
	return [
		{ name: 'mixed faults, idempotency keys honoured', server: 'honours', items: 30, faults: MIXED },
		{ name: 'mixed faults, idempotency keys ignored', server: 'ignores', items: 30, faults: MIXED },
		{
			name: 'lost creates, keys ignored, repeated prompts',
			server: 'ignores',
			items: 20,
			faults: LOST_CREATES,
			prompt: (i) => `Repeated prompt group ${i % 4}`,
		},
		{
			name: 'broken downloads, 2 moderated',
			server: 'honours',
			items: 16,
			faults: BROKEN_DOWNLOADS,
			prompt: (i) => (i % 8 === 3 ? `BLOCKED_BY_MODERATION clip ${i}` : undefined),
			expectErrors: 2,
		},
		{ name: 'assets expired before download', server: 'expiring', items: 4, faults: { rate429: 0.2, retryAfterMs: 200 }, expectErrors: 4 },
	];
}

async function sha256OnServer(emulator, id) {
	const response = await fetch(`${emulator.origin}/__emulator/videos/${encodeURIComponent(id)}/sha256`);
	return (await response.json()).sha256;
}

async function runBatch(batch, emulator, index) {
	const credentials = { soraApi: { apiKey: API_KEY, baseUrl: emulator.baseUrl, authHeader: 'bearer' } };
	const before = emulator.stats.acceptedCreates;
	emulator.setConfig({ faults: batch.faults });
	const inputItems = Array.from({ length: batch.items }, (_, i) => ({
		json: { prompt: batch.prompt?.(i) ?? `Fault suite batch ${index} clip ${i}: a paper boat in the rain` },
	}));
	const started = Date.now();
	const result = await harness.runNode({
		pkg: PKG,
		nodeType: 'sora',
		nodeName: NODE_NAME,
		credentials,
		continueOnFail: true,
		inputItems,
		parameters: textToVideo({
			// The emulator lists a job the moment it exists, so a lost create is found on the first look;
			// the window matters only for creates a fault refused before processing, which wait all of
			// it before they are sent again. 10 s keeps the suite quick; the 45 s default, for gateways
			// that list late, is exercised by the scenarios (./scenarios).
			options: { maxWaitMinutes: 3, lostJobSearchSeconds: 10 },
		}),
	});
	emulator.setConfig({ faults: {} });
	const ms = Date.now() - started;

	const problems = [];
	let delivered = 0;
	let itemErrors = 0;
	let byteIdentical = 0;
	const ids = new Map();
	const errorTexts = [];
	if (result.status !== 'success' || result.error) problems.push(`the run ended with ${result.status}: ${result.error?.message}`);
	if (result.items.length !== batch.items) problems.push(`${result.items.length} output items for ${batch.items} input items`);
	for (const [position, item] of result.items.entries()) {
		const itemIndex = item.pairedItem?.item;
		if (itemIndex !== position) problems.push(`output ${position} is paired with item ${itemIndex}`);
		const id = item.json.id;
		if (id) {
			if (ids.has(id)) problems.push(`items ${ids.get(id)} and ${position} got the same job ${id}`);
			ids.set(id, position);
		}
		if (item.json.error) {
			itemErrors++;
			const text = typeof item.json.error === 'string' ? item.json.error : JSON.stringify(item.json.error);
			errorTexts.push(`item ${position}: ${text}`);
			// A job that was paid for is never lost: the item carries its id, and a failed download names it.
			if (id && item.json.status === 'completed' && !`${text} ${item.json.errorDescription ?? ''}`.includes(id)) {
				problems.push(`item ${position}: error does not name video ${id}: ${text}`);
			}
			if (!id) problems.push(`item ${position}: failed without a job: ${text} ${item.json.errorDescription ?? ''}`);
			continue;
		}
		const binary = item.binary?.data;
		if (item.json.status !== 'completed' || !binary) {
			problems.push(`item ${position}: neither delivered nor an error (${item.json.status})`);
			continue;
		}
		delivered++;
		const [stored, served] = await Promise.all([harness.sha256OfBinary(binary), sha256OnServer(emulator, id)]);
		if (stored.sha256 === served) byteIdentical++;
		else problems.push(`item ${position}: video ${id} differs from the server's bytes (${stored.size} bytes stored)`);
	}
	const expectErrors = batch.expectErrors ?? 0;
	if (itemErrors !== expectErrors) problems.push(`${itemErrors} item errors, expected ${expectErrors}: ${errorTexts.join(' | ')}`);
	const acceptedCreates = emulator.stats.acceptedCreates - before;
	if (acceptedCreates !== batch.items) problems.push(`${acceptedCreates} jobs were accepted for ${batch.items} items`);
	return {
		name: batch.name,
		jobs: batch.items,
		delivered,
		itemErrors,
		acceptedCreates,
		byteIdentical,
		ms,
		problems,
		keyHits: countSecret(visibleParts(result), API_KEY),
		topLevelError: result.status !== 'success',
	};
}

/** Runs the batches and the bad-input corpus; `log` receives progress lines. */
async function runFaultSuite({ seed = 20260924, log = () => {}, badInput = true } = {}) {
	const unhandled = [];
	const onUnhandled = (error) => unhandled.push(error);
	process.on('unhandledRejection', onUnhandled);
	process.on('uncaughtException', onUnhandled);
	const logs = harness.captureLogs();
	const emulatorLog = [];
	const random = seeded(seed);
	const jobRandom = seeded(seed + 1);
	const common = {
		port: 0,
		apiKey: API_KEY,
		mediaMode: 'lazy',
		captions: false,
		pollAfterMs: 200,
		jobMs: () => 300 + Math.floor(jobRandom() * 900),
		random,
		log: (...args) => emulatorLog.push(args.join(' ')),
	};
	const emulators = {
		honours: await startEmulator(common),
		ignores: await startEmulator({ ...common, ignoreIdempotencyKeys: true }),
		expiring: await startEmulator({ ...common, assetTtlSeconds: 0.001 }),
	};
	const started = Date.now();
	const results = [];
	let corpus = { cases: 0, passed: 0, keyHits: 0, results: [] };
	try {
		for (const [index, batch] of batches().entries()) {
			const outcome = await runBatch(batch, emulators[batch.server], index);
			results.push(outcome);
			log(`${outcome.name}: ${outcome.delivered}/${outcome.jobs} delivered in ${(outcome.ms / 1000).toFixed(1)} s`);
			for (const problem of outcome.problems) log(`  problem: ${problem}`);
		}
		if (badInput) {
			corpus = await runBadInputCorpus({ log });
			log(`bad input: ${corpus.passed}/${corpus.cases} cases passed`);
		}
	} finally {
		logs.stop();
		process.off('unhandledRejection', onUnhandled);
		process.off('uncaughtException', onUnhandled);
		await Promise.all(Object.values(emulators).map((emulator) => emulator.close()));
	}
	const sum = (key) => results.reduce((total, r) => total + r[key], 0);
	const faultsInjected = {};
	for (const emulator of Object.values(emulators)) {
		for (const [kind, count] of Object.entries(emulator.stats.faultsInjected)) faultsInjected[kind] = (faultsInjected[kind] ?? 0) + count;
	}
	const logHits = countSecret(logs.lines, API_KEY) + countSecret(emulatorLog, API_KEY);
	return {
		jobs: sum('jobs'),
		delivered: sum('delivered'),
		itemErrors: sum('itemErrors'),
		acceptedCreates: sum('acceptedCreates'),
		byteIdentical: sum('byteIdentical'),
		unhandled: unhandled.length + results.filter((r) => r.topLevelError).length,
		badInputCases: corpus.cases,
		badInputPassed: corpus.passed,
		keyLeaks: sum('keyHits') + corpus.keyHits + logHits,
		details: {
			seed,
			seconds: Math.round((Date.now() - started) / 100) / 10,
			expectedItemErrors: batches().reduce((total, b) => total + (b.expectErrors ?? 0), 0),
			batches: results,
			faultsInjected,
			logLinesScanned: logs.lines.length + emulatorLog.length,
			unhandled: unhandled.map((error) => String(error?.stack ?? error)),
			badInput: corpus.results,
			problems: results.flatMap((r) => r.problems.map((p) => `${r.name}: ${p}`)).concat(corpus.results.filter((r) => !r.passed).map((r) => `bad input "${r.name}": ${r.problems.join('; ')}`)),
		},
	};
}

/** The table printed by scripts/faults.js. */
function formatTable(summary) {
	const rows = [['batch', 'jobs', 'delivered', 'item errors', 'accepted creates', 'byte-identical', 'seconds']];
	for (const b of summary.details.batches) {
		rows.push([b.name, b.jobs, b.delivered, b.itemErrors, b.acceptedCreates, b.byteIdentical, (b.ms / 1000).toFixed(1)]);
	}
	rows.push(['total', summary.jobs, summary.delivered, summary.itemErrors, summary.acceptedCreates, summary.byteIdentical, summary.details.seconds]);
	const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
	const line = (r) => r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ');
	const out = [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1, -1).map(line), widths.map((w) => '-'.repeat(w)).join('  '), line(rows[rows.length - 1])];
	out.push('');
	out.push(`expected item errors (moderation, expired assets): ${summary.details.expectedItemErrors}`);
	out.push(`accepted creates = jobs: ${summary.acceptedCreates === summary.jobs ? 'yes' : 'NO'}`);
	out.push(`unhandled exceptions: ${summary.unhandled}`);
	out.push(`bad-input cases passed: ${summary.badInputPassed}/${summary.badInputCases}`);
	out.push(`API key found in outputs, errors, hints and ${summary.details.logLinesScanned} log lines: ${summary.keyLeaks}`);
	out.push(`faults injected: ${Object.entries(summary.details.faultsInjected).map(([k, v]) => `${k} ${v}`).join(', ')}`);
	if (summary.details.problems.length) out.push('', 'problems:', ...summary.details.problems.map((p) => `  - ${p}`));
	return out.join('\n');
}

module.exports = { runFaultSuite, formatTable, API_KEY };
