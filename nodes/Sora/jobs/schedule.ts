/**
 * When to look at a running job again. Completion is extrapolated from the job's progress readings
 * (assuming progress rises linearly), within the bounds the server asks for with
 * `openai-poll-after-ms`, so a finished job is seen within about TARGET_LAG_MS without polling a
 * long job every second.
 */
import type { Video } from '../api/schemas';

export const MIN_POLL_GAP_MS = 250;
export const MAX_POLL_GAP_MS = 10_000;
/** The lag we aim for between a job's completion and the poll that sees it. */
export const TARGET_LAG_MS = 600;
/** The first look at a new job, before anything is known about it. */
export const FIRST_POLL_MS = 1000;
/** How far past the latest possible completion the last poll goes. */
const MARGIN_MS = 100;
/** The Go SDK caps the server hint at 8 s; waiting longer only adds lag. */
export const MAX_HINT_MS = 8_000;
/** Jobs of this run queued ahead of a job beyond which it counts as deep in the queue. */
const QUEUE_HEAD = 2;
/** A job deep in this run's own queue is looked at this rarely at most (after a long wait). */
const MAX_QUEUED_GAP_MS = 60_000;

interface Observation {
	/** When the answer arrived (ms). */
	at: number;
	/** When the request was sent (ms); the server read the status somewhere in [sentAt, at]. */
	sentAt?: number;
	status: Video['status'];
	progress: number | null;
}

export interface PollState {
	submittedAt: number;
	/** When the job started to run (see startedAt), pinned once it is first seen running. */
	startAt?: number;
	observations: Observation[];
	hintMs?: number;
}

export interface QueueContext {
	/** Jobs of the same run, submitted earlier, last seen queued. */
	queuedAhead?: number;
	/**
	 * How long like jobs (same server, model, seconds and size) recently ran, from their start to their
	 * completion: the shortest and the longest (ms). A server renders like requests in like times, so where progress says
	 * nothing (none, null, stalled at 99, uneven jumps) this is the best guess of when a job ends.
	 */
	likeRuns?: { lo: number; hi: number };
	/**
	 * This job's place among like jobs of the run, in [0, 1) (spread evenly: see `phaseOf`): it stretches the back-off
	 * of a job nothing predicts by up to ±STAGGER, so like jobs that started together are not all looked at on one
	 * timetable. Looked at in step, every one of them would learn the same loose bounds (a completion somewhere in
	 * one gap of several seconds), and the next like jobs would have to spread their looks over that whole gap; looked
	 * at out of step, their bounds interleave and together pin the run time (runTimeBand) at no extra cost.
	 */
	phase?: number;
}

const STAGGER = 0.15;

/** An evenly spread phase for the k-th like job of a run (golden-ratio steps: any first n of them interleave). */
export function phaseOf(k: number): number {
	return (0.5 + k * 0.618_033_988_75) % 1;
}

/** The back-off stretched by the job's phase (QueueContext.phase). */
function staggered(delay: number, context: QueueContext): number {
	return delay * (1 + STAGGER * (2 * (context.phase ?? 0.5) - 1));
}

/**
 * A like job may end this much sooner than the start of the band of like jobs' runs, or later than that start (shares
 * of it, at least LIKE_MIN_SLACK_MS): a batch of like requests varies by a few per cent either way, and a band pinned
 * by the intersection of their bounds (runTimeBand) may sit anywhere in that spread. A band wider than that (like jobs
 * looked at rarely, so each run is known only loosely) already holds the late side: no slack is added past its end.
 */
const LIKE_EARLY = 0.06;
const LIKE_LATE = 0.06;
const LIKE_MIN_SLACK_MS = 500;
/** Looks at most this many times inside the window like jobs predict, and at least this far apart. */
const LIKE_LOOKS = 8;
/**
 * Status requests a like job is meant to cost in all (issue 24: at most 10): the looks left of it once the job reaches
 * the window are spread over the window, so a wide window costs no more looks, and a job that reached it with looks to
 * spare is looked at more densely. One is kept for a job that ends just past the window; one still running later
 * (slower than every like job) costs more.
 */
const LIKE_LOOK_BUDGET = 10;
/**
 * Like jobs whose run times spread wider than this share of the longest do not agree (the same parameters, but other
 * prompts, load or queueing): they predict nothing, and following them would cost looks for no gain.
 */
const LIKE_MAX_SPREAD = 0.2;
const LIKE_MIN_GAP_MS = 500;
/**
 * Never further apart inside the window: the lag a like job is meant to be seen within (issue 24: 1.5 s) less a
 * request's time. A window too long for the looks left (jobs of a minute and more: the approach alone costs six looks
 * at most MAX_POLL_GAP_MS apart) costs looks beyond LIKE_LOOK_BUDGET rather than lag.
 */
const LIKE_MAX_GAP_MS = 1000;

/** When like jobs' runs predict a job started at `startedAt` ends: [from, to] (ms, same clock). */
function likeWindow(likeRuns: { lo: number; hi: number }, startedAt: number): { from: number; to: number } {
	const from = likeRuns.lo - Math.max(LIKE_MIN_SLACK_MS, likeRuns.lo * LIKE_EARLY);
	const to = Math.max(likeRuns.hi, likeRuns.lo + Math.max(LIKE_MIN_SLACK_MS, likeRuns.lo * LIKE_LATE));
	return { from: startedAt + from, to: startedAt + to };
}

/**
 * The first look at a job whose like jobs are known, in ms after its submission: timed so that looks at most
 * MAX_POLL_GAP_MS apart land on the start of the window like jobs predict, not one look early in the window's
 * approach (a first look after a fixed second would cost one of the job's looks for nothing). Never sooner than
 * FIRST_POLL_MS.
 */
function firstLookDelay(likeRuns: QueueContext['likeRuns']): number {
	if (!likeRuns) return FIRST_POLL_MS;
	const { from } = likeWindow(likeRuns, 0);
	if (from <= MAX_POLL_GAP_MS) return Math.max(FIRST_POLL_MS, from);
	const rest = from % MAX_POLL_GAP_MS;
	return rest >= FIRST_POLL_MS ? rest : rest + MAX_POLL_GAP_MS / 2;
}

/**
 * The next look at a running job whose progress cannot be extrapolated, from how long like jobs took: not before
 * the window they predict (but never more than MAX_POLL_GAP_MS apart, nor sooner than `before`), inside it as densely
 * as the job's remaining looks allow (LIKE_LOOK_BUDGET, less the `observations` made so far), and past it with gaps
 * that grow with the overshoot (a job just outside the window likely ends soon) until they reach `after`, the caller's
 * own back-off.
 */
function likeJobsDelay(
	likeRuns: QueueContext['likeRuns'],
	startedAt: number,
	now: number,
	observations: Observation[],
	{ before, after }: { before: number; after: number },
): number | undefined {
	if (!likeRuns) return undefined;
	const { from, to } = likeWindow(likeRuns, startedAt);
	// A job that spent its looks before the window (it ran long before like jobs were known: the first of its kind,
	// or one unlike the few that agree) keeps its own back-off: dense looks now would only add to them.
	if (observations.filter((o) => (o.sentAt ?? o.at) < from).length >= LIKE_LOOK_BUDGET - 1) return undefined;
	const widest = clamp((to - from) / LIKE_LOOKS, LIKE_MIN_GAP_MS, MAX_POLL_GAP_MS);
	if (now < from) return Math.max(before, Math.min(from - now, MAX_POLL_GAP_MS));
	if (now < to) {
		// The looks left cover what is left of the window, the last on its end; one is kept for a job just past it.
		const left = LIKE_LOOK_BUDGET - 1 - observations.length;
		const gap = left > 0 ? clamp((to - now) / left, LIKE_MIN_GAP_MS, LIKE_MAX_GAP_MS) : Math.min(widest, LIKE_MAX_GAP_MS);
		return Math.min(to - now, gap);
	}
	return Math.min(after, Math.max(widest, now - to));
}

/**
 * The band of runs that agree with each other: bounds that overlap are consistent with one run time (the band is
 * their intersection); bounds that do not overlap give the band between them, if that spread stays within
 * LIKE_MAX_SPREAD; wider, they disagree.
 */
function agreedBand(runs: Array<{ lo: number; hi: number }>): { lo: number; hi: number } | undefined {
	const leastHi = Math.min(...runs.map((r) => r.hi));
	const greatestLo = Math.max(...runs.map((r) => r.lo));
	if (greatestLo <= leastHi) return { lo: greatestLo, hi: leastHi };
	return greatestLo - leastHi <= LIKE_MAX_SPREAD * greatestLo ? { lo: leastHi, hi: greatestLo } : undefined;
}

/**
 * What like jobs' run times say about the next one: the band of the largest group of them that agree (agreedBand),
 * when that group holds at least three runs and two thirds of all. One slow job among like ones (a retry upstream,
 * a busy moment) is outvoted instead of making the whole kind predict nothing; kinds whose runs scatter predict nothing.
 */
export function runTimeBand(runs: Array<{ lo: number; hi: number }>): { lo: number; hi: number } | undefined {
	// One job is no evidence that like jobs agree: following it would cost every other job of a mixed batch looks.
	if (runs.length < 2) return undefined;
	const whole = agreedBand(runs);
	if (whole) return whole;
	let best: { size: number; band: { lo: number; hi: number } } | undefined;
	for (const anchor of runs) {
		const group = runs.filter((run) => agreedBand([anchor, run]) !== undefined);
		const band = group.length >= 3 ? agreedBand(group) : undefined;
		if (band && (!best || group.length > best.size)) best = { size: group.length, band };
	}
	return best && best.size * 3 >= runs.length * 2 ? best.band : undefined;
}

/**
 * When a job started to run, as far as its readings tell: after its last queued reading, else on submission. The
 * watcher pins it (`startAt`) at the first running reading, before old readings are dropped.
 */
export function startedAt(state: PollState): number {
	if (state.startAt !== undefined) return state.startAt;
	const firstRunning = state.observations.findIndex((o) => o.status !== 'queued');
	const queued = firstRunning === -1 ? undefined : state.observations.slice(0, firstRunning).reverse()[0];
	return queued ? (queued.sentAt ?? queued.at) : state.submittedAt;
}

/** a·s + b·d ≤ c over the job's start s and duration d (ms, relative to submission). */
type Constraint = [number, number, number];

/**
 * Least and greatest completion time s + d over every start s and duration d that fit all the
 * constraints (a convex polygon: the extremes are at its corners), or undefined when none fit.
 */
function completionBounds(constraints: Constraint[]): { lo: number; hi: number } | undefined {
	let lo = Infinity;
	let hi = -Infinity;
	for (let i = 0; i < constraints.length; i++) {
		const [a1, b1, c1] = constraints[i];
		for (let j = i + 1; j < constraints.length; j++) {
			const [a2, b2, c2] = constraints[j];
			const det = a1 * b2 - a2 * b1;
			if (Math.abs(det) < 1e-9) continue;
			const s = (c1 * b2 - c2 * b1) / det;
			const d = (a1 * c2 - a2 * c1) / det;
			if (!constraints.every(([a, b, c]) => a * s + b * d <= c + 1e-6 * Math.max(1, Math.abs(c)))) continue;
			lo = Math.min(lo, s + d);
			hi = Math.max(hi, s + d);
		}
	}
	return lo <= hi ? { lo, hi } : undefined;
}

const BOX = 1e9;

/**
 * What linear progress says about completion: a reading p (an integer, so the truth lies in
 * [p, p+1)) taken while the server was between `sentAt` and `at` means p ≤ 100·(τ−s)/d < p+1.
 * Times are relative to `origin`. `start` bounds the start of the job (or of the linear stretch).
 */
function linearWindow(
	readings: Observation[],
	origin: number,
	start: { min: number; max: number },
	notDoneAt: number,
): { lo: number; hi: number } | undefined {
	const constraints: Constraint[] = [
		[-1, 0, -(start.min - origin)],
		[1, 0, start.max - origin],
		[0, -1, -1],
		[0, 1, BOX],
		// Not completed when last seen.
		[-1, -1, -(notDoneAt - origin)],
	];
	for (const reading of readings) {
		const p = reading.progress ?? 0;
		const at = reading.at - origin;
		const sent = (reading.sentAt ?? reading.at) - origin;
		constraints.push([100, p, 100 * at]);
		constraints.push([-100, -(p + 1), -100 * sent]);
	}
	const bounds = completionBounds(constraints);
	return bounds && { lo: bounds.lo + origin, hi: bounds.hi + origin };
}

/**
 * When to look at a job again, in ms from `now`.
 *
 * While a job reports progress, the readings pin its completion inside a window [lo, hi], assuming
 * progress rises linearly: first assuming it started when it was submitted (if it was never seen
 * queued), else allowing any start between its last queued and first running reading, else (the
 * progress is not linear) from the latest two readings only. The next poll goes
 * at lo + TARGET_LAG_MS, so a completion in the window is seen within the target lag, or just past
 * hi once the window is that narrow; a poll that finds it still running narrows the window. Without
 * progress (queued, or a server that reports none) it backs off gently. Never sooner than the
 * server's hint (capped at 8 s), never later than MAX_POLL_GAP_MS.
 */
export function nextPollDelay(state: PollState, now: number, context: QueueContext = {}): number {
	const soonest = Math.max(MIN_POLL_GAP_MS, Math.min(state.hintMs ?? 0, MAX_HINT_MS));
	const observations = state.observations;
	const last = observations[observations.length - 1];
	if (!last) return clamp(firstLookDelay(context.likeRuns) - (now - state.submittedAt), soonest, MAX_POLL_GAP_MS);
	const running = observations.filter((o) => o.status === 'in_progress');
	if (last.status !== 'in_progress' || !running.some((o) => (o.progress ?? 0) > 0)) {
		// Nothing to extrapolate from: look again soon, backing off gently. A job deep in this run's
		// own queue starts only after those ahead of it (and the loop looks at the oldest queued job
		// whenever one of the run's jobs finishes), so it is looked at rarely.
		const waited = now - state.submittedAt;
		if (last.status === 'queued' && (context.queuedAhead ?? 0) >= QUEUE_HEAD) {
			return clamp(waited / 4, Math.max(soonest, MAX_POLL_GAP_MS), MAX_QUEUED_GAP_MS);
		}
		const backoff = staggered(Math.max(1000, waited / 4), context);
		const like = last.status === 'queued' ? undefined : likeJobsDelay(context.likeRuns, startedAt(state), now, observations, { before: Math.min(backoff, 2000), after: backoff });
		return clamp(like ?? backoff, soonest, MAX_POLL_GAP_MS);
	}

	const lastQueued = [...observations].reverse().find((o) => o.status === 'queued' && o.at <= running[0].at);
	const startMin = lastQueued ? (lastQueued.sentAt ?? lastQueued.at) : state.submittedAt;
	const startMax = running[0].at;
	const notDoneAt = last.sentAt ?? last.at;
	const origin = state.submittedAt;
	// Never seen queued: assume it started on submission, as most servers do. One reading cannot
	// prove that, so the next comes soon enough to catch a late start (two readings then disagree).
	const pinned = lastQueued ? undefined : linearWindow(running, origin, { min: startMin, max: startMin }, notDoneAt);
	let window = pinned ?? linearWindow(running, origin, { min: startMin, max: startMax }, notDoneAt);
	let maxGap = MAX_POLL_GAP_MS;
	if (pinned && running.filter((o) => (o.progress ?? 0) > 0).length < 2) maxGap = Math.max(1000, now - startMin);
	let minGap = 0;
	if (!window) {
		// Progress is not linear (or the job is overdue): trust the latest stretch only, and back
		// off the longer the progress has stood still.
		const lastProgress = last.progress ?? 0;
		let plateau = running.length - 1;
		while (plateau > 0 && (running[plateau - 1].progress ?? 0) === lastProgress) plateau--;
		const before = plateau > 0 ? running[plateau - 1] : undefined;
		if (before) {
			window = linearWindow([before, last], origin, { min: origin - BOX, max: before.at }, notDoneAt);
		}
		minGap = staggered(Math.max(500, (now - running[plateau].at) / 2), context);
		// Stalled (at 99, say) or jumping: like jobs of the run tell better than the back-off when it ends.
		const like = likeJobsDelay(context.likeRuns, startedAt(state), now, observations, { before: 500, after: minGap });
		if (like !== undefined) return clamp(like, soonest, MAX_POLL_GAP_MS);
	}
	const target = window ? Math.min(window.hi + MARGIN_MS, window.lo + TARGET_LAG_MS) : now;
	const delay = Math.min(Math.max(target - now, minGap), maxGap);
	// Progress not linear from the start is weak evidence when two readings are all that fit a line (any two do:
	// uneven jumps read as a late start): like jobs then have a say until their window has passed (whichever looks
	// sooner), as a like job most likely ends in it. Progress linear from the start, or along three readings, is
	// followed: it tells this job's end better than other jobs do.
	const fitted = running.filter((o) => (o.progress ?? 0) > 0).length;
	if (!pinned && context.likeRuns && fitted < 3) {
		const like = likeJobsDelay(context.likeRuns, startedAt(state), now, observations, { before: 500, after: delay });
		if (like !== undefined) return clamp(Math.min(delay, like), soonest, MAX_POLL_GAP_MS);
	}
	return clamp(delay, soonest, MAX_POLL_GAP_MS);
}

export function clamp(value: number, min: number, max: number): number {
	return Math.min(max, Math.max(min, value));
}
