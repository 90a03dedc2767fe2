/**
 * Every named scenario (./scenarios: lost creates behind lagging lists and skewed clocks, same
 * prompts with different inputs, concurrent executions, honest deletes, …) as its own test.
 * `npm run test:faults -- --json out.json` runs the same scenarios and writes their figures.
 */
const { runScenario, scenarioNames } = require('./scenarios');

jest.setTimeout(240_000);

test.each(scenarioNames())('%s', async (name) => {
	const result = await runScenario(name, { timing: false });
	if (result.timing.length) console.log(`${name}: timing figures over their goal (not asserted here): ${result.timing.join('; ')}`);
	expect(result.problems).toEqual([]);
	expect({ lost: result.lost, duplicates: result.duplicates, extraCreates: result.extraCreates, wrong: result.wrong }).toEqual({ lost: 0, duplicates: 0, extraCreates: 0, wrong: 0 });
	expect(result.delivered).toBe(result.jobs);
	expect(result.passed).toBe(true);
});
