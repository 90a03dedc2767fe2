/**
 * `npm test` runs the fault suite (see suite.js; `npm run test:faults` prints its table): ≥ 100 jobs
 * through the Sora node in n8n's engine under mixed faults, and the bad-input corpus.
 */
const { runFaultSuite, formatTable } = require('./suite');

jest.setTimeout(180_000);

test('≥ 100 jobs under mixed faults: none lost, none doubled, none corrupt, no leak; every bad input refused as intended', async () => {
	const summary = await runFaultSuite();
	const table = formatTable(summary);
	expect(summary.details.problems).toEqual([]);
	expect(summary.jobs).toBeGreaterThanOrEqual(100);
	expect(summary.acceptedCreates).toBe(summary.jobs);
	expect(summary.itemErrors).toBe(summary.details.expectedItemErrors);
	expect(summary.delivered).toBe(summary.jobs - summary.itemErrors);
	expect(summary.byteIdentical).toBe(summary.delivered);
	expect(summary.unhandled).toBe(0);
	expect(summary.keyLeaks).toBe(0);
	expect(summary.badInputCases).toBeGreaterThanOrEqual(40);
	expect(summary.badInputPassed).toBe(summary.badInputCases);
	expect(Object.keys(summary.details.faultsInjected).sort()).toEqual(
		['acceptedThen5xx', 'createLostResponse', 'malformedJson', 'rate429', 'rate5xx', 'resetBeforeBody', 'resetDuringBody', 'slow'].sort(),
	);
	expect(table).toContain('total');
});
