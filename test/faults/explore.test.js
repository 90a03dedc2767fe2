/**
 * A bounded run of the counterexample search (./explore.js, `npm run explore` for long runs): a few
 * cases of each property with a fixed seed (SORA_EXPLORE_SEED to try another; `npm run explore` draws new ones), so
 * the same commit gives the same result on any day, on the real nodes inside n8n-core
 * against the emulator. Each case is a whole engine run (2–8 s here), so this is a smoke run of the
 * search, not the search itself; a failure prints the seed, path and shrunk counterexample to replay.
 */
const { explore } = require('./explore');

jest.setTimeout(600_000);

const seed = Number(process.env.SORA_EXPLORE_SEED || 20793);

test.each([
	['creates', 6],
	['trigger', 4],
])('no counterexample to the %s invariants in %i cases (fixed seed)', async (name, runs) => {
	const result = (await explore({ runs, seed, only: [name] }))[name];
	const replay = `npm run explore -- --only ${name} --seed ${result.seed} --path ${result.path} : ${JSON.stringify(result.counterexample)} → ${result.error}`;
	expect(result.violations === 0 ? 'none' : replay).toBe('none');
	expect(result.runs).toBe(runs);
});
