#!/usr/bin/env node
/**
 * npm run test:faults — ≥ 100 jobs through the Sora node inside n8n's engine against emulators that
 * inject every fault they know, plus the bad-input corpus; prints a table.
 *   node scripts/faults.js [--json out.json] [--seed N] [--no-bad-input] [--quiet]
 * Exits 1 when any promise of the suite is broken (lost or doubled jobs, corrupt downloads,
 * unhandled exceptions, failed bad-input cases, a leaked key). Build first (npm run build).
 */
const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
const option = (name) => {
	const at = args.indexOf(name);
	return at >= 0 ? args[at + 1] : undefined;
};

async function main() {
	if (!fs.existsSync(path.join(__dirname, '..', 'dist', 'nodes', 'Sora', 'Sora.node.js'))) {
		console.error('dist/ is missing: run `npm run build` first');
		process.exit(2);
	}
	const { runFaultSuite, formatTable } = require('../test/faults/suite');
	const quiet = args.includes('--quiet');
	const summary = await runFaultSuite({
		seed: option('--seed') ? Number(option('--seed')) : undefined,
		badInput: !args.includes('--no-bad-input'),
		log: quiet ? () => {} : (line) => console.error(line),
	});
	console.log(formatTable(summary));
	const jsonFile = option('--json');
	if (jsonFile) {
		const { jobs, delivered, itemErrors, acceptedCreates, byteIdentical, unhandled, badInputCases, badInputPassed, keyLeaks } = summary;
		fs.writeFileSync(
			jsonFile,
			JSON.stringify({ jobs, delivered, itemErrors, acceptedCreates, byteIdentical, unhandled, badInputCases, badInputPassed, keyLeaks }, null, 2) + '\n',
		);
	}
	const ok =
		summary.jobs >= 100 &&
		summary.acceptedCreates === summary.jobs &&
		summary.byteIdentical === summary.delivered &&
		summary.delivered + summary.itemErrors === summary.jobs &&
		summary.unhandled === 0 &&
		summary.keyLeaks === 0 &&
		summary.badInputPassed === summary.badInputCases &&
		summary.details.problems.length === 0;
	process.exit(ok ? 0 : 1);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
