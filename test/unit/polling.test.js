const {
	nextPollDelay,
	phaseOf,
	runTimeBand,
	startedAt,
	MIN_POLL_GAP_MS,
	MAX_POLL_GAP_MS,
	TARGET_LAG_MS,
} = require('../../dist/nodes/Sora/jobs/schedule');
const { createLimiter, runPool, normaliseConcurrency, DEFAULT_CONCURRENCY, MAX_CONCURRENCY } = require('../../dist/nodes/Sora/jobs/pool');

/** A small deterministic random source, so every run simulates the same latencies. */
function lcg(seed = 42) {
	let state = seed;
	return () => {
		state = (state * 1103515245 + 12345) % 2147483648;
		return state / 2147483648;
	};
}

/**
 * Simulates the scheduler against one job, in simulated time (no clock involved). The job is
 * created at 0, waits `queuedMs`, then runs `durationMs`; `progress(t)` gives the reported
 * progress after running t ms (linear by default, integer, capped at 99 like OpenAI's). Each
 * request takes `latency()` ms and the server reads the status half way. Returns the polls
 * used and the lag between completion and the answer that says so.
 */
function simulate(durationMs, { queuedMs = 0, hintMs, progress, latency = () => 20, maxPolls = 500, likeRuns } = {}) {
	const state = { submittedAt: 0, observations: [], hintMs };
	const report = progress ?? ((t) => Math.min(99, Math.floor((100 * t) / durationMs)));
	let now = nextPollDelay(state, 0);
	for (let polls = 1; polls <= maxPolls; polls++) {
		const took = latency();
		const serverTime = now + took / 2;
		const at = now + took;
		const running = serverTime - queuedMs;
		if (running >= durationMs) return { polls, lag: at - queuedMs - durationMs };
		const status = running < 0 ? 'queued' : 'in_progress';
		state.observations.push({ at, sentAt: now, status, progress: status === 'queued' ? 0 : report(running) });
		if (state.observations.length > 20) state.observations.splice(1, 1);
		const delay = nextPollDelay(state, at, { likeRuns });
		expect(delay).toBeGreaterThanOrEqual(MIN_POLL_GAP_MS);
		expect(delay).toBeLessThanOrEqual(MAX_POLL_GAP_MS);
		now = at + delay;
	}
	throw new Error('never saw the job finish');
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Progress profiles as the emulator's `progressProfile` reports them (share `f` of the job time spent). */
const PROFILES = {
	linear: (f) => Math.min(99, Math.floor(f * 100)),
	stall99: (f) => Math.min(99, Math.floor(f * 200)),
	jumps: (f) => (f < 0.25 ? 0 : f < 0.5 ? 10 : f < 0.75 ? 40 : 90),
	none: () => 0,
	null: () => null,
};

/**
 * A batch in simulated time: every job submitted at 0, polled as the watcher does, each finished job's run-time
 * bounds remembered as the watcher remembers them (the last ten). `prior` = bounds from an earlier batch; `learn`
 * false = progress alone, as before the scheduler learnt from like jobs.
 */
function simulateBatch(durations, progress, { prior = [], learn = true } = {}) {
	const runs = [...prior];
	const context = (job) => (learn ? { likeRuns: runTimeBand(runs.slice(-10)), phase: job.phase } : {});
	const jobs = durations.map((d, k) => ({ d, phase: phaseOf(k), state: { submittedAt: 0, observations: [] }, polls: 0 }));
	// The first look, as the watcher times it: for the window like jobs predict, when they predict one.
	for (const job of jobs) job.next = nextPollDelay(job.state, 0, context(job));
	const open = new Set(jobs);
	while (open.size) {
		const job = [...open].sort((a, b) => a.next - b.next)[0];
		const now = job.next;
		const at = now + 20;
		job.polls++;
		if (now + 10 >= job.d) {
			open.delete(job);
			job.lag = at - job.d;
			const last = job.state.observations[job.state.observations.length - 1];
			if (last) runs.push({ lo: last.sentAt, hi: at });
			continue;
		}
		job.state.observations.push({ at, sentAt: now, status: 'in_progress', progress: progress((now + 10) / job.d) });
		const delay = nextPollDelay(job.state, at, context(job));
		expect(delay).toBeLessThanOrEqual(MAX_POLL_GAP_MS);
		job.next = at + delay;
	}
	const lags = jobs.map((j) => j.lag).sort((a, b) => a - b);
	return { p95: lags[Math.ceil(0.95 * lags.length) - 1], polls: median(jobs.map((j) => j.polls)), maxPolls: Math.max(...jobs.map((j) => j.polls)), runs };
}

const spread = (n, from, to) => Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));

describe('poll scheduler', () => {
	test.each([8_000, 15_000, 25_000, 40_000])('a %i ms job is seen within the target lag using few requests', (duration) => {
		const { polls, lag } = simulate(duration);
		expect(lag).toBeLessThanOrEqual(TARGET_LAG_MS + 100);
		expect(polls).toBeLessThanOrEqual(6);
	});

	test('jobs of 8–40 s with jittery latency: lag under a second, a median of at most 6 requests', () => {
		const random = lcg();
		const lags = [];
		const polls = [];
		for (let i = 0; i < 400; i++) {
			const duration = 8_000 + random() * 32_000;
			const result = simulate(duration, { latency: () => 5 + random() * 80 });
			lags.push(result.lag);
			polls.push(result.polls);
		}
		expect(Math.max(...lags)).toBeLessThan(1000);
		expect(median(polls)).toBeLessThanOrEqual(6);
		expect(Math.max(...polls)).toBeLessThanOrEqual(8);
	});

	test('a job that waits in the queue first is still caught promptly', () => {
		for (const duration of [4_000, 10_000, 30_000]) {
			expect(simulate(duration, { queuedMs: 6_000 }).lag).toBeLessThanOrEqual(1000);
		}
	});

	test('a start the scheduler never saw (queued briefly before the first poll) is caught by the second reading', () => {
		for (const queuedMs of [300, 900, 1_500]) {
			for (const duration of [3_000, 10_000, 30_000]) {
				expect(simulate(duration, { queuedMs }).lag).toBeLessThanOrEqual(1000);
			}
		}
	});

	test('long jobs cost about what a fixed 10 s poller costs, never more than it lags', () => {
		const { polls, lag } = simulate(300_000);
		expect(polls).toBeLessThanOrEqual(36);
		expect(lag).toBeLessThanOrEqual(1000);
	});

	test('progress that is not linear does not make it poll in a frenzy, and it still lags less than the cap', () => {
		// Races to 99 % in 70 % of the time, then stands still.
		const stall = simulate(40_000, { progress: (t) => Math.min(99, Math.floor((100 * t) / 28_000)) });
		expect(stall.polls).toBeLessThanOrEqual(16);
		expect(stall.lag).toBeLessThanOrEqual(MAX_POLL_GAP_MS);
		// Fast first, slow later.
		const sqrt = simulate(40_000, { progress: (t) => Math.min(99, Math.floor(100 * Math.sqrt(t / 40_000))) });
		expect(sqrt.polls).toBeLessThanOrEqual(12);
		expect(sqrt.lag).toBeLessThanOrEqual(2000);
	});

	test('a server that reports no progress is polled with a gentle back-off, at most the cap apart', () => {
		const { polls, lag } = simulate(60_000, { progress: () => 0 });
		expect(polls).toBeLessThanOrEqual(20);
		expect(lag).toBeLessThanOrEqual(MAX_POLL_GAP_MS);
	});

	test.each([
		['no progress', () => 0],
		['null progress', () => null],
		['progress stuck at 99 from halfway', (t) => Math.min(99, Math.floor((200 * t) / 30_000))],
	])('with %s, like jobs of the run that took 29–31 s bring the lag of a 30 s job under 1.5 s', (_, progress) => {
		const unaided = simulate(30_000, { progress });
		const aided = simulate(30_000, { progress, likeRuns: { lo: 29_000, hi: 31_000 } });
		expect(aided.lag).toBeLessThanOrEqual(1500);
		expect(aided.lag).toBeLessThan(unaided.lag);
		expect(aided.polls).toBeLessThanOrEqual(12);
	});

	const LIKE_BATCHES = [
		[20_000, 22_000],
		[26_000, 28_000],
		[29_000, 31_000],
		[33_000, 35_000],
	];
	test.each(Object.keys(PROFILES).flatMap((profile) => LIKE_BATCHES.map(([from, to]) => [profile, from / 1000, to / 1000])))(
		'progress "%s": the second batch of ten like jobs (%i–%i s) is seen within 1.5 s at p95, with at most 10 looks for every job, also after an outlier',
		(profile, from, to) => {
			const durations = spread(10, from * 1000, to * 1000);
			const first = simulateBatch(durations, PROFILES[profile]);
			const second = simulateBatch(durations, PROFILES[profile], { prior: first.runs });
			expect(second.p95).toBeLessThanOrEqual(1500);
			expect(second.maxPolls).toBeLessThanOrEqual(10);
			// One like job of the first batch took twice the longest (issue 24): the next batch does not notice.
			const spoilt = simulateBatch([...durations, 2 * to * 1000], PROFILES[profile]);
			const after = simulateBatch(durations, PROFILES[profile], { prior: spoilt.runs });
			expect(after.p95).toBeLessThanOrEqual(1500);
			expect(after.maxPolls).toBeLessThanOrEqual(10);
		},
	);

	test.each(['none', 'stall99'])('progress "%s": like jobs started together are looked at out of step, so the first batch pins their run time', (profile) => {
		const durations = spread(10, 29_000, 31_000);
		const first = simulateBatch(durations, PROFILES[profile]);
		const band = runTimeBand(first.runs.slice(-10));
		// Looked at in step, every job would learn one gap of several seconds; out of step, together they pin ~30 s.
		expect(band.hi - band.lo).toBeLessThan(2_000);
		expect(band.lo).toBeGreaterThan(28_000);
		expect(band.hi).toBeLessThan(32_000);
	});

	test('the first look at a job whose like jobs are known lands, at most the cap apart, on the start of their window', () => {
		const likeRuns = { lo: 29_500, hi: 30_500 };
		const first = nextPollDelay({ submittedAt: 0, observations: [] }, 0, { likeRuns });
		expect(first).toBeGreaterThanOrEqual(1000);
		expect(first).toBeLessThanOrEqual(MAX_POLL_GAP_MS);
		// Whole steps of the cap from the first look reach the window's start (29.5 s less 6 %).
		expect((29_500 * 0.94 - first) % MAX_POLL_GAP_MS).toBeCloseTo(0, 0);
		// Nothing known: one second.
		expect(nextPollDelay({ submittedAt: 0, observations: [] }, 0, {})).toBe(1000);
	});

	test.each(LIKE_BATCHES)('no progress: what like jobs of %i–%i ms taught cuts the lag of the next batch', (from, to) => {
		const durations = spread(10, from, to);
		const unaided = simulateBatch(durations, PROFILES.none, { learn: false });
		const first = simulateBatch(durations, PROFILES.none);
		const second = simulateBatch(durations, PROFILES.none, { prior: first.runs });
		expect(second.p95).toBeLessThan(unaided.p95 / 2);
	});

	test('the watcher pins a job\'s start when it is first seen running: readings dropped later do not move it', () => {
		const state = {
			submittedAt: 0,
			startAt: 60_000,
			observations: [{ at: 1000, sentAt: 990, status: 'queued', progress: 0 }, { at: 250_000, sentAt: 249_990, status: 'in_progress', progress: 0 }],
		};
		expect(startedAt(state)).toBe(60_000);
		delete state.startAt;
		expect(startedAt(state)).toBe(990);
	});

	test.each(Object.keys(PROFILES))('progress "%s": a batch of unlike jobs (10–60 s) costs at most 2 more looks per job for what finished jobs teach', (profile) => {
		const durations = spread(10, 10_000, 60_000);
		const learning = simulateBatch(durations, PROFILES[profile]);
		const progressOnly = simulateBatch(durations, PROFILES[profile], { learn: false });
		expect(learning.polls).toBeLessThanOrEqual(progressOnly.polls + 2);
		expect(learning.p95).toBeLessThanOrEqual(MAX_POLL_GAP_MS);
	});

	test('like jobs that disagree (10–40 s) predict nothing: the back-off alone decides', () => {
		const alone = simulate(30_000, { progress: () => 0 });
		const likeRuns = runTimeBand([{ lo: 9_900, hi: 10_100 }, { lo: 39_900, hi: 40_100 }]);
		expect(simulate(30_000, { progress: () => 0, likeRuns })).toEqual(alone);
	});

	test('like jobs looked at rarely do not widen the band; tight readings pin it; a spread batch keeps its spread', () => {
		expect(runTimeBand([])).toBeUndefined();
		expect(runTimeBand([{ lo: 20_000, hi: 30_000 }])).toBeUndefined();
		expect(runTimeBand([{ lo: 20_000, hi: 30_000 }, { lo: 25_000, hi: 31_000 }])).toEqual({ lo: 25_000, hi: 30_000 });
		// Seen every 7 s: each bound is loose, but together they say ~30 s.
		expect(runTimeBand([{ lo: 23_000, hi: 30_500 }, { lo: 29_800, hi: 36_000 }, { lo: 25_000, hi: 31_000 }])).toEqual({ lo: 29_800, hi: 30_500 });
		// Identical loose bounds (jobs looked at on one timetable) agree: the band is those bounds.
		expect(runTimeBand([{ lo: 24_700, hi: 30_900 }, { lo: 24_700, hi: 30_900 }])).toEqual({ lo: 24_700, hi: 30_900 });
		// Tight readings of a batch spread over 29–31 s keep that spread.
		expect(runTimeBand([{ lo: 28_900, hi: 29_100 }, { lo: 30_900, hi: 31_100 }])).toEqual({ lo: 29_100, hi: 30_900 });
		// Run times that really differ (10 s and 15 s) predict nothing.
		expect(runTimeBand([{ lo: 9_900, hi: 10_100 }, { lo: 14_900, hi: 15_100 }])).toBeUndefined();
	});

	test('a job slower than its like jobs falls back to the back-off once past their window, at most the cap apart', () => {
		const { lag, polls } = simulate(60_000, { progress: () => 0, likeRuns: { lo: 20_000, hi: 22_000 } });
		expect(lag).toBeLessThanOrEqual(MAX_POLL_GAP_MS);
		expect(polls).toBeLessThanOrEqual(26);
	});

	test('respects the server hint as a floor and never waits past the cap', () => {
		const state = { submittedAt: 0, observations: [{ at: 1000, status: 'in_progress', progress: 1 }], hintMs: 3000 };
		expect(nextPollDelay(state, 1000)).toBeGreaterThanOrEqual(3000);
		expect(nextPollDelay(state, 1000)).toBeLessThanOrEqual(MAX_POLL_GAP_MS);
		expect(nextPollDelay({ submittedAt: 0, observations: [] }, 0)).toBeGreaterThanOrEqual(MIN_POLL_GAP_MS);
		// A 1 s hint (OpenAI-style) costs little lag.
		expect(simulate(25_000, { hintMs: 1000 }).lag).toBeLessThanOrEqual(1000);
	});

	test('a job deep in this run\'s own queue waits for the ones ahead of it', () => {
		const state = { submittedAt: 0, observations: [{ at: 1000, status: 'queued', progress: 0 }] };
		expect(nextPollDelay(state, 1000, { queuedAhead: 0 })).toBe(1000);
		expect(nextPollDelay(state, 1000, { queuedAhead: 5 })).toBe(MAX_POLL_GAP_MS);
		// After a long wait it is looked at rarely: once a minute at most.
		const longWait = { submittedAt: 0, observations: [{ at: 600_000, status: 'queued', progress: 0 }] };
		expect(nextPollDelay(longWait, 600_000, { queuedAhead: 5 })).toBe(60_000);
		expect(nextPollDelay(longWait, 600_000, { queuedAhead: 1 })).toBe(MAX_POLL_GAP_MS);
	});
});

describe('pool and limiter', () => {
	test('the limiter never runs more than its limit and serves tasks in arrival order', async () => {
		const limit = createLimiter(3);
		let active = 0;
		let peak = 0;
		const started = [];
		const gates = [];
		const tasks = Array.from({ length: 10 }, (_, i) =>
			limit(async () => {
				active++;
				peak = Math.max(peak, active);
				started.push(i);
				await new Promise((resolve) => gates.push(resolve));
				active--;
				return i;
			}),
		);
		while (started.length < 10) {
			await new Promise((resolve) => setImmediate(resolve));
			gates.shift()?.();
		}
		while (gates.length) gates.shift()();
		expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
		expect(peak).toBe(3);
		expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
	});

	test('a failing task frees its slot', async () => {
		const limit = createLimiter(1);
		await expect(limit(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
		expect(await limit(async () => 'next')).toBe('next');
	});

	test('runPool visits every index once with bounded lanes', async () => {
		const seen = [];
		let active = 0;
		let peak = 0;
		await runPool(25, 4, async (index) => {
			active++;
			peak = Math.max(peak, active);
			await new Promise((resolve) => setImmediate(resolve));
			seen.push(index);
			active--;
		});
		expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
		expect(peak).toBe(4);
	});

	test('the Concurrency option is a whole number from 1 to the maximum', () => {
		expect(normaliseConcurrency(undefined)).toBe(DEFAULT_CONCURRENCY);
		expect(normaliseConcurrency(0)).toBe(DEFAULT_CONCURRENCY);
		expect(normaliseConcurrency(7.9)).toBe(7);
		expect(normaliseConcurrency(5000)).toBe(MAX_CONCURRENCY);
		expect(normaliseConcurrency('12')).toBe(12);
	});
});
