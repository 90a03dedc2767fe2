/**
 * Smoke test of `npm run bench`: runs every scenario with tiny sizes (`--quick`) so CI exercises
 * the bench code path cheaply. It checks the shape of the JSON, never the figures: timings on a
 * shared CI machine prove nothing, and the quick sizes are too small to mean anything.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFile } = require('child_process');

const ROOT = path.resolve(__dirname, '..');

function runBench(args) {
	return new Promise((resolve, reject) => {
		execFile(process.execPath, [path.join(ROOT, 'scripts/bench.js'), ...args], { cwd: ROOT, timeout: 150_000 }, (error, stdout, stderr) => {
			if (error) reject(new Error(`${error.message}\n${stdout}\n${stderr}`));
			else resolve({ stdout, stderr });
		});
	});
}

/** The same keys, recursively, with a finite number at every leaf. */
function shapeOf(value) {
	if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((key) => [key, shapeOf(value[key])]));
	return Number.isFinite(value) ? 'number' : `not a number: ${value}`;
}

test('npm run bench --quick runs every scenario and writes the figures as JSON', async () => {
	const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sora-bench-')), 'bench.json');
	const { stdout } = await runBench(['--quick', '--json', file]);
	expect(stdout).toMatch(/\| scenario +\| figure/);
	const figures = JSON.parse(fs.readFileSync(file, 'utf8'));
	expect(shapeOf(figures)).toEqual(
		shapeOf({
			memory: { fileMb: 1, peakRssDeltaMb: 1, baselinePeakRssDeltaMb: 1 },
			lag: {
				p50Ms: 1,
				p95Ms: 1,
				requestsPerJobMedian: 1,
				baselines: { fixed10s: { p95Ms: 1, requestsPerJobMedian: 1 }, fixed1s: { p95Ms: 1, requestsPerJobMedian: 1 } },
			},
			profiles: Object.fromEntries(
				['linear', 'stall99', 'jumps', 'none', 'null']
					.flatMap((profile) => [profile, `${profile}, like jobs`, `${profile}, like jobs after an outlier`])
					.map((profile) => [profile, { p50Ms: 1, p95Ms: 1, readyP95Ms: 1, requestsPerJobMedian: 1, requestsPerJobMax: 1, maxGapMs: 1 }]),
			),
			throughput: {
				jobSeconds: 1,
				wallSeconds: 1,
				sequentialWallSeconds: 1,
				capped: { cap: 1, wallSeconds: 1, limitSeconds: 1, failedItems: 1 },
			},
			trigger: { listed: 1, newlyFinished: 1, requestsPerPoll: 1, pollWallSeconds: 1, idlePollRequests: 1, afterBurstRequests: 1 },
		}),
	);
	// Counts, not timings: every item came through and an idle trigger poll is one request.
	expect(figures.throughput.capped.failedItems).toBe(0);
	expect(figures.trigger.idlePollRequests).toBe(1);
}, 170_000);
