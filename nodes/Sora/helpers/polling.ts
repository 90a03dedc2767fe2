/**
 * The one polling routine: a single loop watches every pending job of an execution, so a hundred
 * items cost one timer, not a hundred. Jobs join the loop as soon as they are submitted, each is
 * polled when it is likely to have finished (estimated from its progress, within the bounds the
 * server asks for with `openai-poll-after-ms`), and each finished job is handed over at once, so
 * downloads overlap with the polling of the others.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { soraRequest } from '../transport';
import { createLimiter, DEFAULT_CONCURRENCY } from './pool';
import type { Video } from './schemas';
import { parseVideo } from './schemas';

export const MIN_POLL_GAP_MS = 250;
export const MAX_POLL_GAP_MS = 10_000;
/** The lag we aim for between a job's completion and the poll that sees it. */
export const TARGET_LAG_MS = 600;
/** The first look at a new job, before anything is known about it. */
const FIRST_POLL_MS = 1000;
/** How far past the latest possible completion the last poll goes. */
const MARGIN_MS = 100;
/** The Go SDK caps the server hint at 8 s; waiting longer only adds lag. */
const MAX_HINT_MS = 8_000;
const MAX_TRANSIENT_FAILURES = 20;
const MAX_OBSERVATIONS = 20;
/** Jobs of this run queued ahead of a job beyond which it counts as deep in the queue. */
const QUEUE_HEAD = 2;
/** A job deep in this run's own queue is looked at this rarely at most (after a long wait). */
const MAX_QUEUED_GAP_MS = 60_000;

export interface Observation {
	/** When the answer arrived (ms). */
	at: number;
	/** When the request was sent (ms); the server read the status somewhere in [sentAt, at]. */
	sentAt?: number;
	status: Video['status'];
	progress: number | null;
}

export interface PollState {
	submittedAt: number;
	observations: Observation[];
	hintMs?: number;
}

export interface QueueContext {
	/** Jobs of the same run, submitted earlier, last seen queued. */
	queuedAhead?: number;
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
	const floor = Math.max(MIN_POLL_GAP_MS, Math.min(state.hintMs ?? 0, MAX_HINT_MS));
	const observations = state.observations;
	const last = observations[observations.length - 1];
	if (!last) return clamp(FIRST_POLL_MS - (now - state.submittedAt), floor, MAX_POLL_GAP_MS);
	const running = observations.filter((o) => o.status === 'in_progress');
	if (last.status !== 'in_progress' || !running.some((o) => (o.progress ?? 0) > 0)) {
		// Nothing to extrapolate from: look again soon, backing off gently. A job deep in this run's
		// own queue starts only after those ahead of it (and the loop looks at the oldest queued job
		// whenever one of the run's jobs finishes), so it is looked at rarely.
		const waited = now - state.submittedAt;
		if (last.status === 'queued' && (context.queuedAhead ?? 0) >= QUEUE_HEAD) {
			return clamp(waited / 4, Math.max(floor, MAX_POLL_GAP_MS), MAX_QUEUED_GAP_MS);
		}
		return clamp(Math.max(1000, waited / 4), floor, MAX_POLL_GAP_MS);
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
		minGap = Math.max(500, (now - running[plateau].at) / 2);
	}
	const target = window ? Math.min(window.hi + MARGIN_MS, window.lo + TARGET_LAG_MS) : now;
	return clamp(Math.min(Math.max(target - now, minGap), maxGap), floor, MAX_POLL_GAP_MS);
}

function clamp(value: number, min: number, max: number): number {
	return Math.min(max, Math.max(min, value));
}

export interface PendingJob {
	video: Video;
	itemIndex: number;
	submittedAt: number;
	maxWaitMs: number;
}

export interface WaitHandlers {
	/** Called once per job when it reaches completed or failed; may download in the background. */
	onFinished(job: PendingJob, video: Video): Promise<void>;
	/** Called once per job that cannot be followed any more (timeout, 404, cancelled execution). */
	onError(job: PendingJob, error: Error): Promise<void>;
}

export interface VideoWatcher {
	/** Starts following a submitted job; polling begins while other items are still being submitted. */
	add(job: PendingJob): void;
	/** No more jobs will be added: resolves once every job is finished and handled. */
	finish(): Promise<void>;
}

function isTransient(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	const code = Number(error.httpCode);
	return !code || code === 408 || code === 409 || code === 429 || code >= 500;
}

interface Tracked extends PollState {
	job: PendingJob;
	order: number;
	nextAt: number;
	failures: number;
	busy: boolean;
}

/**
 * One polling loop for a whole node run. At most `concurrency` status requests are in flight; the
 * loop sleeps until the next job is due, and wakes early when a job is added, a poll returns or the
 * execution is cancelled.
 */
export function watchVideos(
	this: IExecuteFunctions,
	handlers: WaitHandlers,
	options: { concurrency?: number } = {},
): VideoWatcher {
	const signal = this.getExecutionCancelSignal?.();
	const limit = createLimiter(options.concurrency ?? DEFAULT_CONCURRENCY);
	const tracked = new Map<PendingJob, Tracked>();
	const handling: Array<Promise<void>> = [];
	let handlerError: unknown;
	let closed = false;
	let added = 0;
	let woken = false;
	let waker: AbortController | undefined;
	const wake = () => {
		woken = true;
		waker?.abort();
	};
	signal?.addEventListener('abort', wake, { once: true });

	const settle = (job: PendingJob, outcome: () => Promise<void>) => {
		tracked.delete(job);
		handling.push(
			outcome().catch((error) => {
				handlerError ??= error;
			}),
		);
		wake();
	};

	/** Earlier jobs of this run last seen queued, for each queued job. */
	const queuedAhead = (entry: Tracked) => {
		let count = 0;
		for (const other of tracked.values()) {
			if (other.order < entry.order && other.observations[other.observations.length - 1]?.status === 'queued') count++;
		}
		return count;
	};

	/** A job of this run finished: a server that caps running jobs now starts the oldest queued one. */
	const pullInQueued = (now: number) => {
		let oldest: Tracked | undefined;
		for (const entry of tracked.values()) {
			const last = entry.observations[entry.observations.length - 1];
			if (entry.busy || last?.status !== 'queued' || entry.nextAt <= now + FIRST_POLL_MS) continue;
			if (!oldest || entry.order < oldest.order) oldest = entry;
		}
		if (!oldest) return;
		const lastAt = oldest.observations[oldest.observations.length - 1].at;
		oldest.nextAt = Math.max(now, lastAt + Math.min(oldest.hintMs ?? 0, MAX_HINT_MS));
	};

	const poll = async (entry: Tracked) => {
		const { job } = entry;
		try {
			const sentAt = Date.now();
			const response = await soraRequest.call(this, 'GET', `/videos/${encodeURIComponent(job.video.id)}`, {
				itemIndex: job.itemIndex,
			});
			const video = parseVideo(response.body);
			const at = Date.now();
			// The latest state goes into any error about this job (status, progress).
			job.video = video;
			entry.failures = 0;
			entry.observations.push({ at, sentAt, status: video.status, progress: video.progress });
			if (entry.observations.length > MAX_OBSERVATIONS) entry.observations.splice(1, 1);
			const hint = Number(response.headers['openai-poll-after-ms']);
			entry.hintMs = Number.isFinite(hint) && hint > 0 ? hint : undefined;
			if (video.status === 'completed' || video.status === 'failed') {
				settle(job, async () => await handlers.onFinished(job, video));
				pullInQueued(at);
				return;
			}
			if (at - job.submittedAt > job.maxWaitMs) {
				settle(job, async () => await handlers.onError(job, timeoutError(this, job)));
				return;
			}
			entry.nextAt = at + nextPollDelay(entry, at, { queuedAhead: queuedAhead(entry) });
			// One last look when the time is up, not a full gap later.
			entry.nextAt = Math.min(entry.nextAt, Math.max(job.submittedAt + job.maxWaitMs + 1, at + MIN_POLL_GAP_MS));
		} catch (error) {
			if (signal?.aborted) {
				settle(job, async () => await handlers.onError(job, cancelledError(this, job)));
				return;
			}
			if (isTransient(error) && ++entry.failures < MAX_TRANSIENT_FAILURES) {
				// A flaky poll is not a failed job: look again later.
				entry.nextAt = Date.now() + clamp(2000 * entry.failures, 1000, MAX_POLL_GAP_MS);
				return;
			}
			settle(job, async () => await handlers.onError(job, error as Error));
		} finally {
			entry.busy = false;
			wake();
		}
	};

	const loop = async () => {
		for (;;) {
			woken = false;
			if (signal?.aborted) {
				for (const entry of [...tracked.values()]) {
					if (!entry.busy) settle(entry.job, async () => await handlers.onError(entry.job, cancelledError(this, entry.job)));
				}
			}
			if (closed && tracked.size === 0) break;
			const now = Date.now();
			let nextAt = Infinity;
			const due = [...tracked.values()].filter((entry) => !entry.busy).sort((a, b) => a.nextAt - b.nextAt);
			for (const entry of due) {
				if (entry.nextAt <= now && !signal?.aborted) {
					entry.busy = true;
					void limit(async () => await poll(entry));
				} else if (!signal?.aborted) {
					nextAt = Math.min(nextAt, entry.nextAt);
				}
			}
			if (woken) continue;
			waker = new AbortController();
			try {
				await sleep(Math.max(1, Math.min(nextAt - now, 60_000)), waker.signal);
			} catch {
				// Woken early: a job was added, a poll returned, or the execution was cancelled.
			}
			waker = undefined;
		}
		signal?.removeEventListener('abort', wake);
		await Promise.all(handling);
		if (handlerError) throw handlerError;
	};
	let running: Promise<void> | undefined;

	return {
		add: (job: PendingJob) => {
			if (job.video.status === 'completed' || job.video.status === 'failed') {
				settle(job, async () => await handlers.onFinished(job, job.video));
			} else {
				const entry: Tracked = {
					job,
					order: added++,
					submittedAt: job.submittedAt,
					observations: [],
					nextAt: 0,
					failures: 0,
					busy: false,
				};
				entry.nextAt = job.submittedAt + nextPollDelay(entry, job.submittedAt);
				tracked.set(job, entry);
			}
			running ??= loop();
			wake();
		},
		finish: async () => {
			closed = true;
			wake();
			running ??= loop();
			await running;
		},
	};
}

/** Follows every job until it finishes, fails or runs out of time; resolves when all are handled. */
export async function waitForVideos(
	this: IExecuteFunctions,
	jobs: PendingJob[],
	handlers: WaitHandlers,
	options: { concurrency?: number } = {},
): Promise<void> {
	const watcher = watchVideos.call(this, handlers, options);
	for (const job of jobs) watcher.add(job);
	await watcher.finish();
}

function timeoutError(ctx: IExecuteFunctions, job: PendingJob): NodeOperationError {
	const minutes = Math.round(job.maxWaitMs / 6000) / 10;
	return new NodeOperationError(
		ctx.getNode(),
		`Video ${job.video.id} was still running after ${minutes} min`,
		{
			itemIndex: job.itemIndex,
			description: `The job is not lost: fetch it later with Video → Get or Download using id ${job.video.id}, raise "Max Wait (Minutes)", or turn off "Wait for Completion" and use the Sora Trigger.`,
		},
	);
}

function cancelledError(ctx: IExecuteFunctions, job: PendingJob): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `Stopped waiting for video ${job.video.id}: the execution was cancelled`, {
		itemIndex: job.itemIndex,
		description: `The job keeps running on the server. Fetch it later with Video → Get or Download using id ${job.video.id}.`,
	});
}
