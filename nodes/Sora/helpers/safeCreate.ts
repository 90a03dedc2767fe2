/**
 * Creates that never pay twice. A create whose answer was lost (reset, timeout, 5xx or a cut-off
 * body after the server may have accepted it) is not simply sent again:
 *
 * 1. every attempt carries the same `Idempotency-Key`, so a server that honours keys answers a
 *    repeated request with the job it already started;
 * 2. before repeating, the server's recent jobs (`GET /videos?order=desc`) are searched for one with
 *    the same prompt (and model, size, seconds, source video where known), created after the first
 *    attempt and not owned by another item of this run: if there is one, it is this item's job;
 * 3. only when no such job exists is the request repeated. A 429 (and a connection refused before
 *    sending) was never processed and is repeated after the server's Retry-After.
 *
 * When the server has no usable list, an ambiguous create is reported, not repeated.
 * Items of one run with the same fingerprint coordinate through a lock: a search runs only while no
 * create with that fingerprint is on the wire, so it cannot mistake a sibling's fresh job for its own.
 */
import { randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import type { ApiResponse } from '../transport';
import { backoffMs, failureOf, getServer, soraRequest } from '../transport';
import { listHeaders, supports } from './dialects';
import type { Video } from './schemas';
import { parseVideo, parseVideoList } from './schemas';

const MAX_CREATE_ATTEMPTS = 5;
/** The server's Retry-After is honoured up to this; longer asks end the attempts. */
const MAX_SINGLE_WAIT_MS = 60_000;
/** All waits of one create together stay below this. */
const MAX_CREATE_WAIT_MS = 60_000;
/** Pages of 100 recent jobs searched for a lost create. */
const RECONCILE_PAGES = 3;
/** Searches of the job list when it fails for now (each already retried by the transport). */
const RECONCILE_CHECKS = 3;
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

/** The fingerprint of a job-creating request, from its path and body. */
export function fingerprintOf(path: string, body: IDataObject | FormData): Fingerprint {
	const prompt = field(body, 'prompt') ?? '';
	const remix = /^\/videos\/([^/]+)\/remix$/.exec(path);
	if (remix) return { prompt, remixedFrom: decodeURIComponent(remix[1]) };
	if (path === '/videos/extensions') return { prompt }; // the result's seconds is the stitched total
	if (path === '/videos/edits') {
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

/** `lasting`: the server cannot be checked at all (no list, no prompts); otherwise the list failed for now. */
type Reconciled = { found: Video | undefined } | { unavailable: string; lasting: boolean };

/** Searches the recent jobs for the one a lost create started. Runs under the exclusive lock. */
async function reconcile(
	this: IExecuteFunctions,
	itemIndex: number,
	fingerprint: Fingerprint,
	submittedAt: number,
	owned: Set<string>,
): Promise<Reconciled> {
	const { dialect } = await getServer.call(this, itemIndex);
	if (!supports(dialect, 'list')) return { unavailable: `${dialect.name} has no job list to check`, lasting: true };
	let headers: IDataObject;
	try {
		headers = listHeaders(this, dialect, 'the check for a lost create');
	} catch (error) {
		return { unavailable: (error as Error).message, lasting: true };
	}
	const since = Math.floor(submittedAt / 1000) - CLOCK_SLACK_S;
	const candidates: Video[] = [];
	let after: string | undefined;
	for (let page = 0; page < RECONCILE_PAGES; page++) {
		let videos: Video[];
		let hasMore: boolean;
		try {
			const response = await soraRequest.call(this, 'GET', '/videos', {
				qs: { order: 'desc', limit: 100, ...(after ? { after } : {}) },
				headers,
				itemIndex,
			});
			const list = parseVideoList(response.body);
			videos = list.data;
			hasMore = list.has_more;
			after = list.last_id ?? undefined;
		} catch (error) {
			const lasting = !failureOf(error)?.retryable; // e.g. 404: this server has no list
			return { unavailable: `the job list could not be read (${(error as Error).message})`, lasting };
		}
		let older = false;
		for (const video of videos) {
			if (video.created_at === null || video.prompt === null) {
				return { unavailable: 'the job list does not show when and with which prompt jobs were created', lasting: true };
			}
			if (video.created_at < since) {
				older = true;
				continue;
			}
			if (!owned.has(video.id) && matches(video, fingerprint)) candidates.push(video);
		}
		if (older || !hasMore || !after) break;
	}
	// The earliest match is the one closest to this item's first attempt.
	candidates.sort((a, b) => (a.created_at ?? 0) - (b.created_at ?? 0) || (a.id < b.id ? -1 : 1));
	return { found: candidates[0] };
}

function cancelSignal(ctx: IExecuteFunctions): AbortSignal | undefined {
	return ctx.getExecutionCancelSignal?.();
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
	itemIndex: number,
	path: string,
	body: IDataObject | FormData,
): Promise<{ video: Video; submittedAt: number }> {
	const run = runState(this);
	const fingerprint = fingerprintOf(path, body);
	const lockKey = JSON.stringify(fingerprint);
	let lock = run.locks.get(lockKey);
	if (!lock) {
		lock = new SharedLock();
		run.locks.set(lockKey, lock);
	}
	const idempotencyKey = `n8n-sora-${randomUUID()}`;
	const submittedAt = Date.now();
	let waited = 0;
	for (let attempt = 0; ; attempt++) {
		let failure: Error | undefined;
		const created = await lock.shared(async () => {
			let response: ApiResponse;
			try {
				response = await soraRequest.call(this, 'POST', path, {
					body,
					itemIndex,
					retry: false,
					headers: { 'idempotency-key': idempotencyKey },
				});
			} catch (error) {
				failure = error as Error;
				return undefined;
			}
			let video: Video;
			try {
				video = parseVideo(response.body);
			} catch (error) {
				throw notAVideo(this, itemIndex, error as Error);
			}
			run.owned.add(video.id); // before the lock is released, so no search can take it
			return video;
		});
		if (created) return { video: created, submittedAt };

		const error = failure as Error;
		const info = failureOf(error);
		if (!info?.retryable) throw error; // rejected (4xx), or not a Sora server at all
		if (info.maybeProcessed) {
			let result: Reconciled;
			for (let check = 0; ; check++) {
				result = await lock.exclusive(async () => {
					const outcome = await reconcile.call(this, itemIndex, fingerprint, submittedAt, run.owned);
					if ('found' in outcome && outcome.found) run.owned.add(outcome.found.id);
					return outcome;
				});
				// A list that fails for now is asked again; the create is never repeated unchecked.
				if (!('unavailable' in result) || result.lasting || check >= RECONCILE_CHECKS - 1) break;
				await sleep(backoffMs(check + 1), cancelSignal(this));
			}
			if ('unavailable' in result) {
				throw explain(
					error,
					`The server may have started this job before its answer was lost, and it cannot be checked: ${result.unavailable}. The request was not sent again so that you are not charged twice; look for a new job on the server before running this item again.`,
				);
			}
			if (result.found) return { video: result.found, submittedAt };
		}
		const wait = info.retryAfterMs ?? backoffMs(attempt);
		if (attempt + 1 >= MAX_CREATE_ATTEMPTS || wait > MAX_SINGLE_WAIT_MS || waited + wait > MAX_CREATE_WAIT_MS) {
			throw explain(
				error,
				`No job was started for this item (it was sent ${attempt === 0 ? 'once' : `${attempt + 1} times`}${info.maybeProcessed ? " and the server's job list shows none" : ''}).`,
			);
		}
		waited += wait;
		await sleep(wait, cancelSignal(this));
	}
}
