/**
 * Named scenarios: each puts the nodes, inside n8n's real engine, in one situation a real server or
 * gateway creates (a list that shows new jobs late, a clock that is off, two executions at once, …)
 * against the emulator behind a misbehaving gateway (./gateway.js), and reports the same figures:
 *
 *   { passed, jobs, delivered, lost, duplicates, extraCreates, itemErrors, wrong, problems, seconds }
 *
 * jobs: videos the items asked for (or items, for scenarios that create nothing); delivered: items
 * that ended as they should (their own video, or the promised outcome); lost: jobs paid for that no
 * item received or named; duplicates: jobs handed to more than one item; extraCreates: jobs the
 * server accepted beyond one per item; wrong: items handed a video made from another item's input.
 * A scenario passes when it reports no problem and none of lost, duplicates, extraCreates, wrong.
 *
 * Adding scenarios: write a module next to this one exporting an array of
 * `{ name, description, run(env) }` and add it to MODULES. `run` receives an Env (below: emulators,
 * gateways and credentials that are closed afterwards, `runSora`, `runPoll`, and `activeWorkflow` for
 * polls, overlapping ones included, that share one live static data object) and returns its
 * figures; unset ones count 0. For a trigger scenario, jobs are the videos that must be emitted,
 * delivered those emitted exactly once, duplicates those emitted more than once, lost those never
 * emitted. ./create.js shows the pattern (and `judge()` for creates), ./trigger.js the trigger's.
 * `npm run test:faults -- --json out.json` writes every scenario under `scenarios`, and
 * test/faults/scenarios.test.js runs each as its own test.
 */
const path = require('path');
const harness = require('../../harness');
const { startEmulator } = require('../../emulator');
const { startGateway } = require('./gateway');

const PKG = path.resolve(__dirname, '../../..');
const API_KEY = 'sk-scenarios-7c2d9e4b1a6f3058-secret';

const MODULES = [require('./create'), require('./trigger'), require('./invariants')];

/** Everything a scenario starts, closed when it ends. */
class Env {
	constructor() {
		this.closers = [];
		this.apiKey = API_KEY;
	}

	/** An emulator (short jobs, media made on demand) with `options` on top. */
	async emulator(options = {}) {
		const emulator = await startEmulator({ port: 0, apiKey: API_KEY, jobMs: 300, pollAfterMs: 100, mediaMode: 'lazy', captions: false, ...options });
		this.closers.push(() => emulator.close());
		return emulator;
	}

	/** A gateway in front of `emulator` (see gateway.js for the hooks). */
	async gateway(emulator, hooks) {
		const gateway = await startGateway(emulator.origin, hooks);
		this.closers.push(() => gateway.close());
		return gateway;
	}

	credentials(baseUrl) {
		return { soraApi: { apiKey: API_KEY, baseUrl, authHeader: 'bearer' } };
	}

	/** One execution of the Sora node (Continue On Fail on, so every item reports). */
	async runSora(baseUrl, parameters, extra = {}) {
		return await harness.runNode({ pkg: PKG, nodeType: 'sora', credentials: this.credentials(baseUrl), parameters, continueOnFail: true, ...extra });
	}

	/**
	 * One poll of the Sora Trigger through n8n's PollContext; `staticData` is the workflow's static
	 * data, updated in place (JSON round-trip it to simulate a restart). Resolves to what poll() returned.
	 */
	async runPoll(baseUrl, parameters, staticData, extra = {}) {
		return await harness.runPoll({ pkg: PKG, nodeType: 'soraTrigger', credentials: this.credentials(baseUrl), parameters, staticData, ...extra });
	}

	/**
	 * An active workflow with the Sora Trigger (test/harness `activeWorkflow`): its `poll()`s, overlapping
	 * ones too, share one live static data object as in n8n; closed afterwards.
	 */
	async activeWorkflow(baseUrl, parameters, staticData = {}) {
		const trigger = await harness.activeWorkflow({ pkg: PKG, nodeType: 'soraTrigger', credentials: this.credentials(baseUrl), parameters, staticData });
		this.closers.push(async () => trigger.close());
		return trigger;
	}

	async close() {
		for (const close of this.closers.reverse()) await close().catch(() => {});
	}
}

const FIGURES = { jobs: 0, delivered: 0, lost: 0, duplicates: 0, extraCreates: 0, itemErrors: 0, wrong: 0 };

function allScenarios() {
	return MODULES.flat();
}

/** Runs one scenario by name; never throws (a scenario that throws fails with that problem). */
/**
 * Runs one scenario. `timing: false` (jest) reports a scenario's wall-clock problems (`timing`) without failing on
 * them: on a shared, noisy machine they are figures, not assertions.
 */
async function runScenario(name, { timing = true } = {}) {
	const scenario = allScenarios().find((s) => s.name === name);
	if (!scenario) throw new Error(`no scenario named ${name}`);
	const started = Date.now();
	const env = new Env();
	let figures;
	try {
		figures = await scenario.run(env);
	} catch (error) {
		figures = { problems: [`the scenario threw: ${error?.stack ?? error}`] };
	} finally {
		await env.close();
	}
	const result = { ...FIGURES, ...figures, problems: [...(figures.problems ?? []), ...(timing ? (figures.timing ?? []) : [])], timing: figures.timing ?? [] };
	result.passed = result.problems.length === 0 && ['lost', 'duplicates', 'extraCreates', 'wrong'].every((key) => result[key] === 0);
	result.seconds = Math.round((Date.now() - started) / 100) / 10;
	return result;
}

/** Runs every scenario (or those named in `only`), one after the other. */
async function runScenarios({ only, log = () => {} } = {}) {
	const results = {};
	for (const { name } of allScenarios()) {
		if (only && !only.includes(name)) continue;
		results[name] = await runScenario(name);
		const r = results[name];
		log(`scenario ${name}: ${r.passed ? 'passed' : 'FAILED'} (${r.delivered}/${r.jobs} delivered, ${r.extraCreates} extra creates, ${r.seconds} s)`);
		for (const problem of r.problems) log(`  problem: ${problem}`);
	}
	return results;
}

/** The figures each scenario reports, in the order of the JSON output. */
function scenarioFigures(result) {
	const { passed, jobs, delivered, lost, duplicates, extraCreates, itemErrors, wrong, seconds, problems } = result;
	return { passed, jobs, delivered, lost, duplicates, extraCreates, itemErrors, wrong, seconds, problems };
}

module.exports = { runScenario, runScenarios, scenarioFigures, scenarioNames: () => allScenarios().map((s) => s.name) };
