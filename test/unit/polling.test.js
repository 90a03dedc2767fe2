const { nextPollDelay, MIN_POLL_GAP_MS, MAX_POLL_GAP_MS } = require('../../dist/nodes/Sora/helpers/polling');

/** Simulates the scheduler against a job with linear progress and returns polls used and lag. */
function simulate(durationMs, { queuedMs = 0, hintMs } = {}) {
	const state = { submittedAt: 0, observations: [], hintMs };
	let now = nextPollDelay(state, 0);
	for (let polls = 1; polls < 200; polls++) {
		const running = now - queuedMs;
		if (running >= durationMs) return { polls, lag: now - queuedMs - durationMs };
		const status = running < 0 ? 'queued' : 'in_progress';
		const progress = status === 'queued' ? 0 : Math.floor((100 * running) / durationMs);
		state.observations.push({ at: now, status, progress });
		now += nextPollDelay(state, now);
	}
	throw new Error('never finished');
}

describe('poll scheduler', () => {
	test.each([8_000, 15_000, 25_000, 40_000])('a %i ms job is seen within a second using few requests', (duration) => {
		const { polls, lag } = simulate(duration);
		expect(lag).toBeLessThanOrEqual(1000);
		expect(polls).toBeLessThanOrEqual(8);
	});

	test('a job that waits in the queue first is still caught promptly', () => {
		const { lag } = simulate(10_000, { queuedMs: 6_000 });
		expect(lag).toBeLessThanOrEqual(1000);
	});

	test('respects the server hint as a floor and never waits past the cap', () => {
		const state = { submittedAt: 0, observations: [{ at: 1000, status: 'in_progress', progress: 1 }], hintMs: 3000 };
		expect(nextPollDelay(state, 1000)).toBeGreaterThanOrEqual(3000);
		expect(nextPollDelay(state, 1000)).toBeLessThanOrEqual(MAX_POLL_GAP_MS);
		expect(nextPollDelay({ submittedAt: 0, observations: [] }, 0)).toBeGreaterThanOrEqual(MIN_POLL_GAP_MS);
	});
});
