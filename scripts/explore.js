#!/usr/bin/env node
/**
 * npm run explore — searches for counterexamples to the invariants of issue 24 with fast-check
 * (test/faults/explore.js): creates never paid twice nor handed to the wrong item, every finished
 * video emitted by the trigger exactly once. Runs the real nodes inside n8n-core against the emulator.
 *   node scripts/explore.js [--runs N] [--minutes M] [--seed S] [--path P] [--only creates|trigger] [--json out.json]
 * `--minutes` stops each property after that share of time (the runs done are reported). A violation
 * prints its seed, path and shrunk counterexample; `--seed S --path P` replays it. Exits 1 on a violation.
 * Build first (npm run build).
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
	const { explore } = require('../test/faults/explore');
	const only = option('--only') ? option('--only').split(',') : undefined;
	const minutes = option('--minutes') ? Number(option('--minutes')) : undefined;
	const properties = only?.length ?? 2;
	const started = Date.now();
	const results = await explore({
		runs: Number(option('--runs') ?? 50),
		seed: option('--seed') !== undefined ? Number(option('--seed')) : undefined,
		path: option('--path'),
		only,
		timeLimitMs: minutes ? (minutes * 60_000) / properties : undefined,
		log: (line) => console.error(line),
	});
	const output = {
		runs: Object.values(results).reduce((sum, r) => sum + r.runs, 0),
		violations: Object.values(results).reduce((sum, r) => sum + r.violations, 0),
		wallSeconds: Math.round((Date.now() - started) / 1000),
		properties: results,
	};
	console.log(JSON.stringify(output, null, 2));
	if (option('--json')) fs.writeFileSync(option('--json'), JSON.stringify(output, null, 2) + '\n');
	process.exit(output.violations ? 1 : 0);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
