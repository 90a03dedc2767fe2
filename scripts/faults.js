#!/usr/bin/env node
/**
 * npm run test:faults — ≥ 100 jobs through the Sora node inside n8n's engine against emulators that
 * inject every fault they know, the bad-input corpus, then the named scenarios (test/faults/scenarios:
 * lagging lists, skewed clocks, look-alike creates, concurrent executions, …); prints tables.
 *   node scripts/faults.js [--json out.json] [--seed N] [--no-bad-input] [--no-scenarios]
 *                          [--scenario NAME ...] [--quiet]
 * `--scenario` runs only the named scenarios (repeat it for several) and skips the 100 jobs.
 * Exits 1 when any promise is broken (lost or doubled jobs, corrupt downloads, unhandled exceptions,
 * failed bad-input cases, a leaked key, a failed scenario). Build first (npm run build).
 */
const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
const option = (name) => {
	const at = args.indexOf(name);
	return at >= 0 ? args[at + 1] : undefined;
};
const options = (name) => args.flatMap((arg, at) => (arg === name && args[at + 1] ? [args[at + 1]] : []));

function scenarioTable(scenarios) {
	const rows = [['scenario', 'passed', 'jobs', 'delivered', 'lost', 'duplicates', 'extra creates', 'seconds']];
	for (const [name, r] of Object.entries(scenarios)) {
		rows.push([name, r.passed ? 'yes' : 'NO', r.jobs, r.delivered, r.lost, r.duplicates, r.extraCreates, r.seconds]);
	}
	const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
	const line = (r) => r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ');
	const out = [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
	for (const [name, r] of Object.entries(scenarios)) for (const problem of r.problems) out.push(`  ${name}: ${problem}`);
	return out.join('\n');
}

async function main() {
	if (!fs.existsSync(path.join(__dirname, '..', 'dist', 'nodes', 'Sora', 'Sora.node.js'))) {
		console.error('dist/ is missing: run `npm run build` first');
		process.exit(2);
	}
	const { runFaultSuite, formatTable } = require('../test/faults/suite');
	const { runScenarios, scenarioFigures } = require('../test/faults/scenarios');
	const quiet = args.includes('--quiet');
	const log = quiet ? () => {} : (line) => console.error(line);
	const only = options('--scenario');
	const output = {};
	let ok = true;

	if (only.length === 0) {
		const summary = await runFaultSuite({
			seed: option('--seed') ? Number(option('--seed')) : undefined,
			badInput: !args.includes('--no-bad-input'),
			log,
		});
		console.log(formatTable(summary));
		const { jobs, delivered, itemErrors, acceptedCreates, byteIdentical, unhandled, badInputCases, badInputPassed, keyLeaks } = summary;
		Object.assign(output, { jobs, delivered, itemErrors, acceptedCreates, byteIdentical, unhandled, badInputCases, badInputPassed, keyLeaks });
		ok =
			summary.jobs >= 100 &&
			summary.acceptedCreates === summary.jobs &&
			summary.byteIdentical === summary.delivered &&
			summary.delivered + summary.itemErrors === summary.jobs &&
			summary.unhandled === 0 &&
			summary.keyLeaks === 0 &&
			summary.badInputPassed === summary.badInputCases &&
			summary.details.problems.length === 0;
	}

	if (!args.includes('--no-scenarios')) {
		const results = await runScenarios({ only: only.length ? only : undefined, log });
		output.scenarios = Object.fromEntries(Object.entries(results).map(([name, result]) => [name, scenarioFigures(result)]));
		console.log(`\n${scenarioTable(output.scenarios)}`);
		ok &&= Object.values(results).every((result) => result.passed);
		if (only.length && Object.keys(results).length !== only.length) {
			console.error(`unknown scenario among: ${only.join(', ')}`);
			ok = false;
		}
	}

	const jsonFile = option('--json');
	if (jsonFile) fs.writeFileSync(jsonFile, JSON.stringify(output, null, 2) + '\n');
	process.exit(ok ? 0 : 1);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
