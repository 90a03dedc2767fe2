/**
 * The one polling routine: a single loop watches every pending job of an execution, so a hundred
 * items cost one timer, not a hundred. Jobs join the loop as soon as they are submitted, each is
 * polled when it is likely to have finished (./schedule), and each finished job is handed over at
 * once, so downloads overlap with the polling of the others.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import type { SoraClient } from '../api/client';
import { cancelSignal } from '../api/request';
import type { Video } from '../api/schemas';
import { remember } from './memory';
import { createLimiter, DEFAULT_CONCURRENCY } from './pool';
import type { PollState } from './schedule';
import { FIRST_POLL_MS, MAX_HINT_MS, MAX_POLL_GAP_MS, MIN_POLL_GAP_MS, clamp, nextPollDelay, phaseOf, runTimeBand, startedAt } from './schedule';

const MAX_TRANSIENT_FAILURES = 20;
const MAX_OBSERVATIONS = 20;

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

/**
 * How long finished jobs ran, by server, model, seconds and size: the latest few per kind, kept for the life of
 * the n8n process (./memory) so the next run (a schedule making the same clips) starts with them. A server renders like
 * requests in like times, and under changing load the latest runs tell best, so only RECENT_RUNS are kept.
 */
const RECENT_RUNS = 10;
const MAX_KINDS = 200;
const runTimes = remember<Array<{ lo: number; hi: number }>>('runTimes');

function rememberRunTime(key: string, lo: number, hi: number): void {
	const runs = runTimes.get(key) ?? [];
	runs.push({ lo, hi });
	if (runs.length > RECENT_RUNS) runs.shift();
	runTimes.delete(key);
	runTimes.set(key, runs);
	// The oldest kind goes first (a Map keeps insertion order).
	if (runTimes.size > MAX_KINDS) runTimes.delete(runTimes.keys().next().value as string);
}

function likeRunTimes(key: string): { lo: number; hi: number } | undefined {
	return runTimeBand(runTimes.get(key) ?? []);
}

interface Tracked extends PollState {
	job: PendingJob;
	/** Model, seconds and size as asked: jobs with the same key are "like jobs". */
	key: string;
	/** Its place among the run's like jobs (QueueContext.phase): like jobs are looked at out of step. */
	phase: number;
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
	client: SoraClient,
	handlers: WaitHandlers,
	options: { concurrency?: number } = {},
): VideoWatcher {
	const signal = cancelSignal(this);
	const limit = createLimiter(options.concurrency ?? DEFAULT_CONCURRENCY);
	const tracked = new Map<PendingJob, Tracked>();
	const likeKey = (video: Video) => `${client.server.baseUrl}|${video.model ?? ''}|${video.seconds ?? ''}|${video.size ?? ''}`;
	/** A job seen completed ran at least until its last look that found it running, at most until this look. */
	const learnRunTime = (entry: Tracked, at: number) => {
		const start = startedAt(entry);
		const lastRunning = [...entry.observations].reverse().find((o) => o.status !== 'completed');
		const lo = Math.max(0, lastRunning ? (lastRunning.sentAt ?? lastRunning.at) - start : 0);
		rememberRunTime(entry.key, lo, at - start);
	};
	const handling: Array<Promise<void>> = [];
	const warned = new Set<string>();
	let handlerError: unknown;
	let closed = false;
	let added = 0;
	/** Like jobs added so far, by key (their phases). */
	const likeCount = new Map<string, number>();
	let woken = false;
	let waker: AbortController | undefined;
	const wake = () => {
		woken = true;
		waker?.abort();
	};
	signal?.addEventListener('abort', wake, { once: true });

	/** A job is done with: it leaves the watch list and its handler (finished, failed, timed out, cancelled) runs. */
	const conclude = (job: PendingJob, outcome: () => Promise<void>) => {
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
			const { video, pollAfterMs } = await client.pollVideo(job.video.id, job.itemIndex);
			const at = Date.now();
			// The latest state goes into any error about this job (status, progress).
			job.video = video;
			if (video.raw_status && !warned.has(video.raw_status)) {
				// A word we do not know: the job is followed on as waiting, and the user is told once.
				warned.add(video.raw_status);
				this.addExecutionHints({
					message: `Video ${video.id} reports the status "${video.raw_status}", which this node does not know; it is treated as still waiting until the server reports completed or failed.`,
					type: 'warning',
					location: 'outputPane',
				});
			}
			entry.failures = 0;
			entry.observations.push({ at, sentAt, status: video.status, progress: video.progress });
			// Pinned before old readings are dropped: the start is what like jobs' run times are measured from.
			if (video.status !== 'queued' && entry.startAt === undefined) entry.startAt = startedAt(entry);
			if (entry.observations.length > MAX_OBSERVATIONS) entry.observations.splice(1, 1);
			entry.hintMs = pollAfterMs;
			if (video.status === 'completed' || video.status === 'failed') {
				if (video.status === 'completed' && entry.observations.length > 1) learnRunTime(entry, at);
				conclude(job, async () => await handlers.onFinished(job, video));
				pullInQueued(at);
				return;
			}
			if (at - job.submittedAt > job.maxWaitMs) {
				conclude(job, async () => await handlers.onError(job, timeoutError(this, job)));
				return;
			}
			entry.nextAt = at + nextPollDelay(entry, at, { queuedAhead: queuedAhead(entry), likeRuns: likeRunTimes(entry.key), phase: entry.phase });
			// One last look when the time is up, not a full gap later.
			entry.nextAt = Math.min(entry.nextAt, Math.max(job.submittedAt + job.maxWaitMs + 1, at + MIN_POLL_GAP_MS));
		} catch (error) {
			if (signal?.aborted) {
				conclude(job, async () => await handlers.onError(job, cancelledError(this, job)));
				return;
			}
			if (isTransient(error) && ++entry.failures < MAX_TRANSIENT_FAILURES) {
				// A flaky poll is not a failed job: look again later.
				entry.nextAt = Date.now() + clamp(2000 * entry.failures, 1000, MAX_POLL_GAP_MS);
				return;
			}
			conclude(job, async () => await handlers.onError(job, error as Error));
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
					if (!entry.busy) conclude(entry.job, async () => await handlers.onError(entry.job, cancelledError(this, entry.job)));
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
				conclude(job, async () => await handlers.onFinished(job, job.video));
			} else {
				const key = likeKey(job.video);
				const likeAdded = (likeCount.get(key) ?? 0) + 1;
				likeCount.set(key, likeAdded);
				const entry: Tracked = {
					job,
					key,
					phase: phaseOf(likeAdded - 1),
					order: added++,
					submittedAt: job.submittedAt,
					observations: [],
					nextAt: 0,
					failures: 0,
					busy: false,
				};
				// Like jobs known: the first look is timed for the window they predict (firstLookDelay).
				entry.nextAt = job.submittedAt + nextPollDelay(entry, job.submittedAt, { likeRuns: likeRunTimes(entry.key) });
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
