/**
 * Creates that never pay twice. A create whose answer was lost (reset, timeout, 5xx or a cut-off
 * body after the server may have accepted it) is not simply sent again:
 *
 * 1. every attempt carries the same `Idempotency-Key`, so a server that honours keys answers a
 *    repeated request with the job it already started;
 * 2. before repeating, the server's recent jobs (newest first) are searched for one with the same
 *    prompt (and model, size, seconds, source video where known), created after the first attempt
 *    and not owned by another item of this run: if there is one, it is this item's job;
 * 3. only when no such job exists is the request repeated. A 429 (and a connection refused before
 *    sending) was never processed and is repeated after the server's Retry-After.
 *
 * When the server has no usable list, an ambiguous create is reported, not repeated.
 * Items of one run with the same fingerprint coordinate through a lock: a search runs only while no
 * create with that fingerprint is on the wire, so it cannot mistake a sibling's fresh job for its own.
 */
import { randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { JobRequest, SoraClient } from '../api/client';
import { failureOf } from '../api/errors';
import { cancelSignal } from '../api/request';
import { isRetryable, retrying, settle } from '../api/retry';
import type { Video } from '../api/schemas';
import { parseVideo } from '../api/schemas';
import { supports } from '../servers';

/** Sends of one create; the server's Retry-After is honoured up to a minute, all waits together too. */
const CREATE_POLICY = { attempts: 5, totalWaitMs: 60_000, maxWaitMs: 60_000 };
/** Searches of the job list when it fails for now (each already retried by the request layer). */
const RECONCILE_POLICY = { attempts: 3, totalWaitMs: 30_000 };
/** Pages of 100 recent jobs searched for a lost create. */
const RECONCILE_PAGES = 3;
/** `created_at` is in whole seconds from the server's clock: allow this much earlier. */
const CLOCK_SLACK_S = 1;

/** What a created job shows of its request: enough to recognise it in the job list. */
export interface Fingerprint {
	prompt: string;
	model?: string;
	size?: string;
	seconds?: string;
	remixedFrom?: string;
}

/** Many readers (creates on the wire) or one writer (a search of the job list). */
class SharedLock {
	private readers = 0;

	private writer: Promise<void> | undefined;

	private idle: Array<() => void> = [];

	async shared<T>(work: () => Promise<T>): Promise<T> {
		while (this.writer) await this.writer;
		this.readers++;
		try {
			return await work();
		} finally {
			this.readers--;
			if (this.readers === 0) this.idle.splice(0).forEach((wake) => wake());
		}
	}

	async exclusive<T>(work: () => Promise<T>): Promise<T> {
		while (this.writer) await this.writer;
		let release: () => void = () => {};
		this.writer = new Promise<void>((resolve) => (release = resolve));
		try {
			while (this.readers > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
			return await work();
		} finally {
			this.writer = undefined;
			release();
		}
	}
}

interface RunState {
	/** Job ids that belong to an item of this run. */
	owned: Set<string>;
	locks: Map<string, SharedLock>;
}

/** Keyed by the node's execution context: one state per node run. */
const runs = new WeakMap<object, RunState>();

function runState(ctx: IExecuteFunctions): RunState {
	let state = runs.get(ctx);
	if (!state) {
		state = { owned: new Set(), locks: new Map() };
		runs.set(ctx, state);
	}
	return state;
}

function field(body: IDataObject | FormData, name: string): string | undefined {
	const value = body instanceof FormData ? body.get(name) : body[name];
	if (value === undefined || value === null || typeof value === 'object') return undefined;
	return String(value);
}

/** The fingerprint of a job-creating request, from its wire body. */
export function fingerprintOf(job: JobRequest): Fingerprint {
	const { body } = job;
	const prompt = field(body, 'prompt') ?? '';
	if (job.kind === 'remix') return { prompt, remixedFrom: job.sourceId };
	if (job.kind === 'extend') return { prompt }; // the result's seconds is the stitched total
	if (job.kind === 'edit') {
		const source = body instanceof FormData ? field(body, 'video[id]') : ((body.video as IDataObject)?.id as string);
		return source ? { prompt, remixedFrom: String(source) } : { prompt, model: field(body, 'model') };
	}
	const seconds = field(body, 'seconds') ?? field(body, 'duration');
	return { prompt, model: field(body, 'model'), size: field(body, 'size'), seconds };
}

function sameWhenKnown(wanted: string | undefined, seen: string | null): boolean {
	return wanted === undefined || seen === null || wanted === seen;
}

function matches(video: Video, fingerprint: Fingerprint): boolean {
	return (
		video.prompt === fingerprint.prompt &&
		sameWhenKnown(fingerprint.model, video.model) &&
		sameWhenKnown(fingerprint.size, video.size) &&
		sameWhenKnown(fingerprint.seconds, video.seconds) &&
		sameWhenKnown(fingerprint.remixedFrom, video.remixed_from_video_id)
	);
}

/** The job list cannot settle what a lost create did, for the reason given. */
class Unverifiable extends Error {}

/**
 * Searches the recent jobs for the one a lost create started; undefined when there is none. Runs
 * under the exclusive lock. Throws Unverifiable when the server cannot be checked at all (no list,
 * no prompts), and the list's own error when it fails for now.
 */
async function findLostJob(
	client: SoraClient,
	itemIndex: number,
	fingerprint: Fingerprint,
	submittedAt: number,
	owned: Set<string>,
): Promise<Video | undefined> {
	const { dialect } = client.server;
	if (!supports(dialect, 'list')) throw new Unverifiable(`${dialect.name} has no job list to check`);
	const since = Math.floor(submittedAt / 1000) - CLOCK_SLACK_S;
	const candidates: Video[] = [];
	const pages = client.listVideos('the check for a lost create', { order: 'desc', limit: 100, itemIndex });
	let read = 0;
	let failure: unknown;
	try {
		for await (const page of pages) {
			let older = false;
			for (const video of page.data) {
				if (video.created_at === null || video.prompt === null) {
					throw new Unverifiable('the job list does not show when and with which prompt jobs were created');
				}
				if (video.created_at < since) {
					older = true;
					continue;
				}
				if (!owned.has(video.id) && matches(video, fingerprint)) candidates.push(video);
			}
			if (older || ++read >= RECONCILE_PAGES) break;
		}
	} catch (error) {
		failure = error;
	}
	if (failure instanceof Unverifiable || isRetryable(failure)) throw failure;
	// Refused before any request (LiteLLM without a provider), or a lasting failure (404: no list).
	if (failure instanceof NodeOperationError) throw new Unverifiable(failure.message);
	if (failure) throw new Unverifiable(`the job list could not be read (${(failure as Error).message})`);
	// The earliest match is the one closest to this item's first attempt.
	candidates.sort((a, b) => (a.created_at ?? 0) - (b.created_at ?? 0) || (a.id < b.id ? -1 : 1));
	return candidates[0];
}

function notAVideo(ctx: IExecuteFunctions, itemIndex: number, error: Error): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		`The server accepted the request but its answer is not a video job: ${error.message}`,
		{ itemIndex, description: 'Check that the base URL points at a server that speaks the Sora 2 Videos API.' },
	);
}

/** Adds what happened to the job to the error of a create that may have reached the server. */
function explain(error: Error, sentence: string): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.description = `${error.description ? `${error.description} ` : ''}${sentence}`;
	}
	return error;
}

/**
 * Sends a job-creating request (create, remix, edit, extend) so that at most one job is started,
 * however the connection behaves. Returns the job and when the first attempt was sent.
 */
export async function createJobOnce(
	this: IExecuteFunctions,
	client: SoraClient,
	itemIndex: number,
	job: JobRequest,
): Promise<{ video: Video; submittedAt: number }> {
	const run = runState(this);
	const signal = cancelSignal(this);
	const fingerprint = fingerprintOf(job);
	const lockKey = JSON.stringify(fingerprint);
	let lock = run.locks.get(lockKey);
	if (!lock) {
		lock = new SharedLock();
		run.locks.set(lockKey, lock);
	}
	const headers = { 'idempotency-key': `n8n-sora-${randomUUID()}` };
	const submittedAt = Date.now();

	/** Set when the create must not be sent again: the list cannot tell whether the job exists. */
	let unverifiable = false;
	/** The job a lost create started, if the list shows it (a list that fails for now is asked again). */
	const recover = async (failure: Error): Promise<Video | undefined> => {
		const outcome = await settle(
			retrying(signal, RECONCILE_POLICY, async () =>
				await lock.exclusive(async () => {
					const found = await findLostJob(client, itemIndex, fingerprint, submittedAt, run.owned);
					if (found) run.owned.add(found.id);
					return found;
				}),
			),
		);
		if (outcome.ok) return outcome.value;
		if (signal?.aborted) throw outcome.error;
		unverifiable = true;
		throw explain(
			failure,
			`The server may have started this job before its answer was lost, and it cannot be checked: ${
				outcome.error instanceof Unverifiable ? outcome.error.message : `the job list could not be read (${outcome.error.message})`
			}. The request was not sent again so that you are not charged twice; look for a new job on the server before running this item again.`,
		);
	};

	let sends = 0;
	const send = async (): Promise<Video> =>
		await lock.shared(async () => {
			sends++;
			const response = await client.startJob(job, { itemIndex, headers });
			let video: Video;
			try {
				video = parseVideo(response.body);
			} catch (error) {
				throw notAVideo(this, itemIndex, error as Error);
			}
			run.owned.add(video.id); // before the lock is released, so no search can take it
			return video;
		});

	// The one retry loop: a lost answer is looked for in the job list before anything is sent again.
	let lost: Error | undefined;
	const attempt = async (): Promise<Video> => {
		const found = lost && (await recover(lost));
		if (found) return found;
		const sent = await settle(send());
		if (sent.ok) return sent.value;
		lost = failureOf(sent.error)?.maybeProcessed ? sent.error : undefined;
		throw sent.error;
	};
	const outcome = await settle(retrying(signal, CREATE_POLICY, attempt, (error) => !unverifiable && isRetryable(error)));
	if (outcome.ok) return { video: outcome.value, submittedAt };
	const { error } = outcome;
	// Rejected (4xx), not a Sora server, cancelled, or a lost job that cannot be checked.
	if (unverifiable || signal?.aborted || !isRetryable(error)) throw error;
	// Out of attempts: one last look, so a job the server did start is never reported as missing.
	const found = lost && (await recover(lost));
	if (found) return { video: found, submittedAt };
	throw explain(
		error,
		`No job was started for this item (it was sent ${sends === 1 ? 'once' : `${sends} times`}${lost ? " and the server's job list shows none" : ''}).`,
	);
}
