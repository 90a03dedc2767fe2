/**
 * Creates that never pay twice. A create whose answer was lost (reset, timeout, 5xx or a cut-off
 * body after the server may have accepted it) is not simply sent again:
 *
 * 1. every attempt carries the same `Idempotency-Key`, so a server that honours keys answers a
 *    repeated request with the job it already started;
 * 2. the server's job list is searched for the job, again and again with growing gaps for the
 *    "Lost Job Search" window (45 s by default), since gateways list a new job late or create it
 *    upstream seconds after they gave up. A job counts when it shows this request's fingerprint
 *    (./fingerprint), was made after the newest job the list showed before this run's first create
 *    (the server's own clock on both sides, so a skewed clock cannot hide it), and belongs to no
 *    item or execution yet (./claims);
 * 3. only when the window has passed, the list reaches back past that point, and it shows no job
 *    with this prompt is the request sent again. Otherwise the item fails with an error that says
 *    what may exist and that nothing was sent again. A 429 (and a connection refused before
 *    sending) was never processed and is sent again after the server's Retry-After.
 *
 * Creates that look alike in the list but differ in what it does not show (another first frame,
 * other characters, another execution) take turns (./claims lanes), so a recovery never has to
 * guess between them.
 */
import { randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import type { JobRequest, SoraClient } from '../api/client';
import { failureOf } from '../api/errors';
import { cancelSignal } from '../api/request';
import { isRetryable, retrying, settle } from '../api/retry';
import type { Video } from '../api/schemas';
import { parseVideo } from '../api/schemas';
import { supports } from '../servers';
import type { Lane } from './claims';
import { claimJob, isClaimed, laneFor } from './claims';
import { executionKey } from './execution';
import type { Fingerprint } from './fingerprint';
import { digestOf, fingerprintOf, matches } from './fingerprint';

/** Sends of one create; the server's Retry-After is honoured up to a minute, all waits together too. */
const CREATE_POLICY = { attempts: 5, totalWaitMs: 60_000, maxWaitMs: 60_000 };
/**
 * Default of the "Lost Job Search (Seconds)" option: how long the job list is searched for a job
 * whose answer was lost before the create may be sent again. Gateways seen in the wild list a new
 * job within seconds, or create it upstream a few seconds after answering 504; 45 s covers them
 * with room to spare and stays well inside n8n's patience for one item.
 */
export const DEFAULT_SEARCH_SECONDS = 45;
const MIN_SEARCH_SECONDS = 5;
const MAX_SEARCH_SECONDS = 600;
/** Gaps between looks: 0.5 s doubling to 10 s, so a job listed late is seen soon after it appears. */
const FIRST_GAP_MS = 500;
const MAX_GAP_MS = 10_000;
/** Looks after the window when the list could not be read at its end. */
const EXTRA_LOOKS = 3;
/** Pages of 100 recent jobs read per look. */
const RECONCILE_PAGES = 3;
/** Jobs read before a run's first create, to know where "after it" begins on the server's clock. */
const FLOOR_PAGE = 20;
/** When the server could not tell us its newest job, jobs up to this much older than our clock count. */
const CLOCK_ALLOWANCE_S = 300;

/** Where "made after this run began creating" starts, in the job list. */
interface Floor {
	/** Jobs made before it show a created_at below this (server seconds). */
	createdAt: number;
	/** Jobs listed before the run's first create, at that second. */
	before: Set<string>;
}

/** One floor per node run and server, taken before the run's first create. */
const floors = new WeakMap<object, Map<string, Promise<Floor>>>();

async function readFloor(client: SoraClient): Promise<Floor> {
	const byClock: Floor = { createdAt: Math.floor(Date.now() / 1000) - CLOCK_ALLOWANCE_S, before: new Set() };
	if (!supports(client.server, 'list')) return byClock;
	const first = async () => {
		for await (const page of client.listVideos('the check for lost creates', { order: 'desc', limit: FLOOR_PAGE, retry: false })) {
			return page.data;
		}
		return [];
	};
	// One request, not retried: without it, lost creates fall back to our clock with a wide allowance.
	const outcome = await settle(first());
	if (!outcome.ok || outcome.value.some((video) => video.created_at === null)) return byClock;
	const listed = outcome.value;
	if (listed.length === 0) return { createdAt: -Infinity, before: new Set() };
	const newest = Math.max(...listed.map((video) => video.created_at ?? 0));
	return { createdAt: newest, before: new Set(listed.map((video) => video.id)) };
}

async function floorFor(ctx: IExecuteFunctions, client: SoraClient): Promise<Floor> {
	let byServer = floors.get(ctx);
	if (!byServer) {
		byServer = new Map();
		floors.set(ctx, byServer);
	}
	let floor = byServer.get(client.server.baseUrl);
	if (!floor) {
		floor = readFloor(client);
		byServer.set(client.server.baseUrl, floor);
	}
	return await floor;
}

function searchWindowMs(ctx: IExecuteFunctions, itemIndex: number): number {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const seconds = Number(options.lostJobSearchSeconds ?? DEFAULT_SEARCH_SECONDS);
	if (!Number.isFinite(seconds)) return DEFAULT_SEARCH_SECONDS * 1000;
	return Math.min(Math.max(seconds, MIN_SEARCH_SECONDS), MAX_SEARCH_SECONDS) * 1000;
}

/** The job list cannot settle what a lost create did, for the reason given. */
class Unverifiable extends Error {}

/** What one look at the job list saw. */
interface Look {
	/** The job, claimed for the caller. */
	found?: Video;
	/** A match that may also be the job of a look-alike create given up on earlier. */
	ambiguous: boolean;
	/** The list reached back past the floor: a job this create started would be in it. */
	complete: boolean;
	/** Unclaimed jobs with this prompt made since the floor that differ in model, size or duration. */
	lookalikes: number;
}

/**
 * Reads the recent jobs once. Throws Unverifiable when the server cannot be checked at all (no
 * list, no prompts or times), and the list's own error when it fails.
 */
async function look(
	client: SoraClient,
	itemIndex: number,
	fingerprint: Fingerprint,
	floor: Floor,
	lane: Lane,
	kind: string,
): Promise<Look> {
	const { server } = client;
	const { baseUrl } = server;
	if (!supports(server, 'list')) throw new Unverifiable(`${server.name} has no job list to check`);
	const matching: Video[] = [];
	let lookalikes = 0;
	let complete = false;
	let read = 0;
	const pages = client.listVideos('the check for a lost create', { order: 'desc', limit: 100, itemIndex, retry: false });
	for await (const page of pages) {
		for (const video of page.data) {
			if (video.created_at === null || video.prompt === null) {
				throw new Unverifiable('the job list does not show when and with which prompt jobs were created');
			}
			if (video.created_at < floor.createdAt) {
				complete = true;
				break;
			}
			if (floor.before.has(video.id) || video.prompt !== fingerprint.prompt || isClaimed(baseUrl, video.id)) continue;
			if (matches(video, fingerprint)) matching.push(video);
			else lookalikes++;
		}
		if (complete || !page.next) {
			complete = true;
			break;
		}
		if (++read >= RECONCILE_PAGES) break;
	}
	// The earliest match is the one closest to this item's first attempt.
	matching.sort((a, b) => (a.created_at ?? 0) - (b.created_at ?? 0) || (a.id < b.id ? -1 : 1));
	const [found] = matching;
	if (found && lane.couldBeOrphan(kind, found)) return { ambiguous: true, complete, lookalikes };
	if (found && !claimJob(baseUrl, found.id)) return { ambiguous: true, complete, lookalikes };
	return { found, ambiguous: false, complete, lookalikes };
}

/** Why the list cannot be used at all (no list, a refused or lasting failure); undefined when it may work later. */
function unusable(error: Error): string | undefined {
	if (error instanceof Unverifiable) return error.message;
	if (isRetryable(error)) return undefined;
	// Refused before any request (LiteLLM without a provider), or a lasting failure (404: no list).
	if (error instanceof NodeOperationError) return error.message;
	return `the job list could not be read (${error.message})`;
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

/** What to look for on the server: the job a create whose answer was lost may have started. */
function whatMayExist(fingerprint: Fingerprint, sentAt: number): string {
	const prompt = fingerprint.prompt.length > 80 ? `${fingerprint.prompt.slice(0, 77)}...` : fingerprint.prompt;
	const details = [
		fingerprint.model,
		fingerprint.size,
		fingerprint.seconds ? `${fingerprint.seconds.join(' or ')} s` : undefined,
		fingerprint.source ? `from ${fingerprint.source}` : undefined,
	].filter(Boolean);
	return `a job with the prompt "${prompt}"${details.length ? ` (${details.join(', ')})` : ''} made since ${new Date(sentAt).toISOString()}`;
}

/** Creates whose failure proves no job was started, so nothing was spent (../jobs/submit releases their budget). */
const notStarted = new WeakSet<Error>();

export function startedNoJob(error: unknown): boolean {
	return typeof error === 'object' && error !== null && notStarted.has(error as Error);
}

interface CreateContext {
	fingerprint: Fingerprint;
	kind: string;
	floor: Floor;
	lane: Lane;
	signal: AbortSignal | undefined;
}

async function createInLane(
	this: IExecuteFunctions,
	client: SoraClient,
	itemIndex: number,
	job: JobRequest,
	{ fingerprint, kind, floor, lane, signal }: CreateContext,
): Promise<{ video: Video; submittedAt: number }> {
	const headers = { 'idempotency-key': `n8n-sora-${randomUUID()}` };
	const submittedAt = Date.now();
	const windowMs = searchWindowMs(this, itemIndex);
	/** The answer of the last send was lost: a job may exist that is not found yet. */
	let lost: Error | undefined;
	/** A job may exist for other reasons (an answer that is not a video). */
	let mayExist = false;
	/** The outcome is final: a job that may exist could be neither found nor ruled out. */
	let gaveUp = false;
	/** The job list proved at least once that a lost send had started nothing. */
	let ruledOut = false;

	const giveUp = (failure: Error, reason: string): Error => {
		gaveUp = true;
		lane.addOrphan(kind, fingerprint);
		return explain(
			failure,
			`The server may have started this job before its answer was lost, and ${reason}. The request was not sent again so that you are not charged twice; look for ${whatMayExist(fingerprint, submittedAt)} on the server (for example with Get Many) before running this item again.`,
		);
	};

	/**
	 * Looks for the job a lost create started over the search window. Returns it, or undefined when
	 * the list proves there is none (so the create may be sent again); throws the item error otherwise.
	 */
	const recover = async (failure: Error): Promise<Video | undefined> => {
		const deadline = Date.now() + windowMs;
		let gap = FIRST_GAP_MS;
		let extra = 0;
		let last: Look | undefined;
		let unreadable: Error | undefined;
		for (;;) {
			const seen = await settle(lane.lock.exclusive(async () => await look(client, itemIndex, fingerprint, floor, lane, kind)));
			if (signal?.aborted) throw seen.ok ? failure : seen.error;
			if (seen.ok) {
				if (seen.value.found) return seen.value.found;
				if (seen.value.ambiguous) {
					throw giveUp(
						failure,
						'the job list cannot tell it apart from the job of another create with the same prompt, model, size and duration that was given up on (they differ only in what the list does not show: the first frame, characters, an uploaded file, or the execution that sent it)',
					);
				}
				[last, unreadable] = [seen.value, undefined];
			} else {
				const why = unusable(seen.error);
				if (why) throw giveUp(failure, `it cannot be checked: ${why}`);
				[last, unreadable] = [undefined, seen.error];
			}
			const left = deadline - Date.now();
			if (left <= 0) {
				// The window is over: only a list that failed on the last look gets a few quick retries.
				if (!unreadable || ++extra > EXTRA_LOOKS) break;
				await sleep(FIRST_GAP_MS * 2 ** (extra - 1), signal);
				continue;
			}
			await sleep(Math.min(gap, left), signal);
			gap = Math.min(gap * 2, MAX_GAP_MS);
		}
		const searched = `${Math.round(windowMs / 1000)} s`;
		if (unreadable || !last) {
			throw giveUp(failure, `it cannot be checked: the job list could not be read (${unreadable?.message ?? 'no answer'})`);
		}
		if (!last.complete) {
			throw giveUp(failure, `after ${searched} the job list still does not reach back to when it was sent (too many newer jobs), so it cannot be ruled out`);
		}
		if (last.lookalikes > 0) {
			throw giveUp(
				failure,
				`after ${searched} the job list shows ${last.lookalikes === 1 ? 'a job' : `${last.lookalikes} jobs`} with the same prompt made since then that does not match this request exactly; it may be this one`,
			);
		}
		return undefined;
	};

	let sends = 0;
	/** When the last attempt was sent: the job it started (found or answered) began about then. */
	let sentAt = submittedAt;
	const send = async (): Promise<Video> =>
		await lane.lock.shared(async () => {
			sends++;
			sentAt = Date.now();
			const response = await client.startJob(job, { itemIndex, headers });
			let video: Video;
			try {
				video = parseVideo(response.body);
			} catch (error) {
				mayExist = true;
				throw notAVideo(this, itemIndex, error as Error);
			}
			claimJob(client.server.baseUrl, video.id); // before the lock is released, so no look can take it
			return video;
		});

	// The one retry loop: a lost answer is looked for in the job list before anything is sent again.
	const attempt = async (): Promise<Video> => {
		if (lost) {
			const found = await recover(lost);
			if (found) return found;
			[lost, ruledOut] = [undefined, true]; // the list proves the last send started nothing
		}
		const sent = await settle(send());
		if (sent.ok) return sent.value;
		if (failureOf(sent.error)?.maybeProcessed) lost = sent.error;
		throw sent.error;
	};
	const outcome = await settle(retrying(signal, CREATE_POLICY, attempt, (error) => !gaveUp && isRetryable(error)));
	if (outcome.ok) return { video: outcome.value, submittedAt: sentAt };
	let { error } = outcome;
	// Out of attempts: one last search, so a job the server did start is never reported as missing.
	if (!gaveUp && !signal?.aborted && isRetryable(error) && lost) {
		const last = await settle(recover(lost));
		if (last.ok && last.value) return { video: last.value, submittedAt: sentAt };
		if (last.ok) [lost, ruledOut] = [undefined, true];
		else error = last.error;
	}
	if (gaveUp || lost || mayExist) {
		if (!gaveUp) lane.addOrphan(kind, fingerprint);
		throw error;
	}
	notStarted.add(error);
	// Rejected (4xx), cancelled before sending, or out of attempts with nothing started.
	if (signal?.aborted || !isRetryable(error)) throw error;
	throw explain(
		error,
		`No job was started for this item (it was sent ${sends === 1 ? 'once' : `${sends} times`}${ruledOut ? " and the server's job list shows none" : ''}).`,
	);
}

/**
 * Sends a job-creating request (create, remix, edit, extend) so that at most one job is started
 * and it goes to this item only, however the connection behaves. Returns the job and when the
 * attempt that started it was sent (the watcher's estimates start there).
 */
export async function createJobOnce(
	this: IExecuteFunctions,
	client: SoraClient,
	itemIndex: number,
	job: JobRequest,
): Promise<{ video: Video; submittedAt: number }> {
	const signal = cancelSignal(this);
	const fingerprint = fingerprintOf(job);
	const kind = `${executionKey(this)}\n${await digestOf(job)}`;
	const floor = await floorFor(this, client);
	const lane = laneFor(client.server.baseUrl, fingerprint.prompt);
	await lane.enter(kind, signal, () => new NodeOperationError(this.getNode(), 'The execution was cancelled', { itemIndex }));
	const outcome = await settle(createInLane.call(this, client, itemIndex, job, { fingerprint, kind, floor, lane, signal }));
	lane.leave();
	if (outcome.ok) return outcome.value;
	throw outcome.error;
}
