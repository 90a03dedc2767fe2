/**
 * The one polling routine: a single loop watches every pending job of an execution, so a hundred
 * items cost one timer, not a hundred. Each job is polled when it is likely to have finished,
 * estimated from its progress, within the bounds the server asks for (`openai-poll-after-ms`).
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { soraRequest } from '../transport';
import { runPool } from './pool';
import type { Video } from './schemas';
import { parseVideo } from './schemas';

export const MIN_POLL_GAP_MS = 250;
export const MAX_POLL_GAP_MS = 10_000;
/** The Go SDK caps the server hint at 8 s; waiting longer only adds lag. */
const MAX_HINT_MS = 8_000;
const STATUS_CONCURRENCY = 8;
const MAX_TRANSIENT_FAILURES = 20;

export interface Observation {
	at: number;
	status: Video['status'];
	progress: number | null;
}

export interface PollState {
	submittedAt: number;
	observations: Observation[];
	hintMs?: number;
}

/**
 * When to look again, in ms from `now`. With linear progress p (an integer, so the truth lies in
 * [p, p+1)) after t ms of running, completion lies between t·100/(p+1) and t·100/p: poll at the
 * early bound while it is far, and just after the late bound once the two are close, so the
 * poll that sees "completed" comes less than a second after completion with a handful of requests.
 */
export function nextPollDelay(state: PollState, now: number): number {
	const floor = Math.max(MIN_POLL_GAP_MS, Math.min(state.hintMs ?? 0, MAX_HINT_MS));
	const running = state.observations.filter((o) => o.status === 'in_progress' && (o.progress ?? 0) > 0);
	const lastQueued = [...state.observations].reverse().find((o) => o.status === 'queued');
	if (running.length === 0) {
		// Nothing to extrapolate from yet: look again soon, backing off gently while queued.
		const waited = now - state.submittedAt;
		return clamp(Math.max(1000, waited / 4), floor, MAX_POLL_GAP_MS);
	}
	const latest = running[running.length - 1];
	const first = running[0];
	let start = lastQueued && lastQueued.at < first.at ? lastQueued.at : state.submittedAt;
	let progressAtStart = 0;
	if (latest !== first && (latest.progress ?? 0) > (first.progress ?? 0)) {
		// Two samples measure the rate without knowing when the job started running.
		start = first.at;
		progressAtStart = first.progress ?? 0;
	}
	const elapsed = Math.max(1, latest.at - start);
	const done = (latest.progress ?? 0) - progressAtStart;
	const remaining = 100 - progressAtStart;
	const earliest = start + (elapsed * remaining) / (done + 1);
	const latestEta = start + (elapsed * remaining) / done;
	const target = latestEta - earliest < 1000 ? latestEta + 100 : earliest;
	return clamp(target - now, floor, MAX_POLL_GAP_MS);
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

function isTransient(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	const code = Number(error.httpCode);
	return !code || code === 408 || code === 409 || code === 429 || code >= 500;
}

/** Follows every job until it finishes, fails or runs out of time; resolves when all are handled. */
export async function waitForVideos(
	this: IExecuteFunctions,
	jobs: PendingJob[],
	handlers: WaitHandlers,
): Promise<void> {
	const signal = this.getExecutionCancelSignal?.();
	const handling: Array<Promise<void>> = [];
	const states = new Map<PendingJob, PollState & { nextAt: number; failures: number }>();
	for (const job of jobs) {
		if (job.video.status === 'completed' || job.video.status === 'failed') {
			handling.push(handlers.onFinished(job, job.video));
			continue;
		}
		const state = { submittedAt: job.submittedAt, observations: [], nextAt: 0, failures: 0 };
		state.nextAt = job.submittedAt + nextPollDelay(state, job.submittedAt);
		states.set(job, state);
	}
	const settle = (job: PendingJob, outcome: Promise<void>) => {
		states.delete(job);
		handling.push(outcome);
	};

	while (states.size > 0) {
		if (signal?.aborted) {
			for (const job of [...states.keys()]) {
				settle(job, handlers.onError(job, cancelledError(this, job)));
			}
			break;
		}
		const now = Date.now();
		const due = [...states.entries()].filter(([, state]) => state.nextAt <= now);
		await runPool(due.length, STATUS_CONCURRENCY, async (index) => {
			const [job, state] = due[index];
			try {
				const response = await soraRequest.call(this, 'GET', `/videos/${encodeURIComponent(job.video.id)}`, {
					itemIndex: job.itemIndex,
				});
				const video = parseVideo(response.body);
				const at = Date.now();
				state.failures = 0;
				state.observations.push({ at, status: video.status, progress: video.progress });
				if (state.observations.length > 20) state.observations.splice(1, 1);
				const hint = Number(response.headers['openai-poll-after-ms']);
				state.hintMs = Number.isFinite(hint) && hint > 0 ? hint : undefined;
				if (video.status === 'completed' || video.status === 'failed') {
					settle(job, handlers.onFinished(job, video));
					return;
				}
				state.nextAt = at + nextPollDelay(state, at);
			} catch (error) {
				if (isTransient(error) && ++state.failures < MAX_TRANSIENT_FAILURES) {
					// A flaky poll is not a failed job: look again later.
					state.nextAt = Date.now() + clamp(2000 * state.failures, 1000, MAX_POLL_GAP_MS);
					return;
				}
				settle(job, handlers.onError(job, error as Error));
				return;
			}
			if (Date.now() - job.submittedAt > job.maxWaitMs) {
				settle(job, handlers.onError(job, timeoutError(this, job)));
			}
		});
		if (states.size === 0) break;
		const nextAt = Math.min(...[...states.values()].map((state) => state.nextAt));
		const wait = nextAt - Date.now();
		if (wait > 0) {
			try {
				await sleep(wait, signal);
			} catch {
				// Cancelled: handled at the top of the loop.
			}
		}
	}
	await Promise.all(handling);
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
