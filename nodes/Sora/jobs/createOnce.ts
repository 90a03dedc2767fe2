/**
 * Creates that never pay twice. The invariants this module keeps (README "Exactly once"):
 *
 * 1. A create is sent again only when the server's own job list proves, on the server's clock, that
 *    no job of this request exists after the send. Otherwise the item fails with an error naming
 *    every job that may be it. Never our clock, never an allowance that lets a job pass: "after the send" is "not listed
 *    in the baseline read right before that send, and created at or after the newest job that read
 *    showed of another prompt and held by no item of this process" (both the server's own figures;
 *    without such a job: the oldest job it showed, or any time when the list ended within it). A job
 *    with this prompt stamped before that line but not listed by the read and not older than all it
 *    showed (a job listed late, or this send's own behind replicas that disagree) is named, never
 *    adopted, and proves nothing absent. Every send of every item (the first, and one sent again
 *    after the list proved the last started nothing) reads its own baseline, once its turn has come
 *    and before the request leaves: one GET of the newest BASELINE_PAGE jobs, BASELINE_READS reads
 *    with the retries of any read. A recovery uses the baseline of the send it recovers, and the list
 *    proves absence only once it reaches CLOCK_SLACK_S below the oldest job that read showed (or its
 *    end). When that read fails there is no baseline, and absence is proven only by a list read to its
 *    end that shows no unclaimed job with this prompt at all. No older baseline stands in for a failed read: it would let a job someone else made with
 *    the same request between that older read and this send pass for this send's. A job without
 *    created_at proves nothing: it may be named, never adopted.
 * 2. A job goes to an item only if the server made it after that item's send (as in 1: after the
 *    read made just before it) and no other item, in any execution of this n8n process, holds it
 *    (./claims: a claim is taken the moment a create is answered or a recovery adopts a job, keyed by
 *    the normalised server, so two credentials that spell one server differently share claims). The
 *    read is made inside the send's share of the turn lock, so no look runs between it and the send.
 *
 * Where these hold, and where not (README "Where the rules still fall short"): the server's clocks
 * (replicas) may disagree by up to CLOCK_SLACK_S; a job someone else makes with this request between
 * the read and the send, or before the read but listed only after it, cannot be told from the send's
 * own; alike creates of the turn may send between one's read and its send, and any of their jobs is
 * as good as another.
 *
 * How: every attempt carries the same `Idempotency-Key` (servers that honour it answer a repeated
 * request with the job they started); a lost answer (reset, timeout, 5xx, a cut-off body) is looked
 * for in the job list again and again over the "Lost Job Search" window (45 s by default), since
 * gateways list a new job late or create it upstream seconds after giving up; a 429 (and a connection
 * refused before sending) was never processed and is sent again after the server's Retry-After.
 * Creates that look alike in the list but differ in what it does not show (another first frame,
 * other characters, another execution) take turns (./claims Turns), so a recovery never guesses
 * between them; alike creates of one execution send together, each after its own read, and any of
 * their jobs is as good as another. An execution cancelled while a create is on the wire names what
 * may exist.
 */
import { randomUUID } from 'crypto';
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import type { JobRequest, SoraClient } from '../api/client';
import { failureOf } from '../api/errors';
import { cancelSignal } from '../api/request';
import { isRetryable, retrying, settle } from '../api/retry';
import type { Video } from '../api/schemas';
import { parseVideo } from '../api/schemas';
import { supports } from '../servers';
import type { Turns } from './claims';
import { claimJob, isClaimed, serverKey, turnsFor } from './claims';
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
/**
 * How far apart the clocks of one server's replicas may stamp jobs (s), as the Sora Trigger allows (trigger/state
 * CLOCK_SLACK_S): the job list must reach this far below the read before a send counts as having made no job.
 */
const CLOCK_SLACK_S = 60;
/** Jobs read before each send, to know where "after it" begins on the server's clock. */
const BASELINE_PAGE = 20;
/**
 * Reads of that list (each with the retries of every read: 4 attempts) before giving up on it. It is
 * read before anything is sent, so trying again costs nothing but time; and since every send reads
 * it, a run of many items under a flaky list would otherwise leave some without a baseline.
 */
const BASELINE_READS = 2;

/**
 * Where "made after this send" starts in the job list, on the server's clock only: the jobs listed,
 * and a time line (readBaseline), read right before the send. `known: false` when the list could not
 * be read then: no job with this prompt can be told apart from an older one, so nothing is adopted,
 * and absence is proven only by a list read to its end that shows no unclaimed job with this prompt.
 */
type Baseline = { known: true; createdAt: number; floor: number; before: Set<string> } | { known: false };

/**
 * The baselines of the creates inside each turn (one kind: identical creates of one execution), by
 * create, while they run. A job one of them may adopt but another one's baseline lists is of no use
 * to that other: a recovery takes such a job first, so that alike creates whose answers were both
 * lost never leave one of them with only jobs it may not take (and a job of theirs to nobody).
 */
const insideTurns = new WeakMap<Turns, Map<object, Baseline>>();

function baselinesInside(turns: Turns): Map<object, Baseline> {
	let inside = insideTurns.get(turns);
	if (!inside) {
		inside = new Map();
		insideTurns.set(turns, inside);
	}
	return inside;
}

async function readBaseline(client: SoraClient, itemIndex: number, prompt: string, signal: AbortSignal | undefined): Promise<Baseline> {
	// Without a list that shows prompts nothing is ever looked for (look() says so), so the read would only cost a
	// request per create (LiteLLM forwards it upstream).
	if (!supports(client.server, 'list') || !supports(client.server, 'listPrompts')) return { known: false };
	const first = async () => {
		for await (const page of client.listVideos('the check for lost creates', { order: 'desc', limit: BASELINE_PAGE, itemIndex })) {
			return { listed: page.data, ended: !page.next };
		}
		return { listed: [], ended: true };
	};
	for (let read = 1; ; read++) {
		const outcome = await settle(first());
		if (outcome.ok) {
			const { listed, ended } = outcome.value;
			// Every job listed now is "before" by its id (timed or not). The time line, below which the list holds only
			// older jobs, comes from the timed jobs that are neither of this prompt nor held by an item of this process:
			// those may be fresh jobs of our own items (an alike create on the wire, an earlier item of this run), stamped
			// ahead by another replica than the one that makes this send's job; as the time line they would hide this
			// send's job (and the list would "prove" there is none). Without such a job: nothing is older than a list
			// that ended here; else the oldest job listed bounds the ones not listed.
			const server = serverKey(client.server.baseUrl);
			const timed = listed.filter((video) => video.created_at !== null);
			const strangers = timed.filter((video) => video.prompt !== prompt && !isClaimed(server, video.id)).map((video) => video.created_at as number);
			const oldest = timed.length ? Math.min(...timed.map((video) => video.created_at as number)) : -Infinity;
			const createdAt = strangers.length ? Math.max(...strangers) : ended ? -Infinity : oldest;
			// Below `floor` only jobs older than the read can be listed (none, when the list ended within it). It lies
			// CLOCK_SLACK_S below the oldest job the read showed: on a busy server the newest jobs span a second or two,
			// and a job of this send stamped a few seconds back by another replica would sit below their oldest; taken for
			// "older than the read", it would let the list prove there is none (two paid jobs). Reading further back only
			// asks more of the list before it proves absence; a list that does not reach that far proves nothing.
			return { known: true, createdAt, floor: ended ? -Infinity : oldest - CLOCK_SLACK_S, before: new Set(listed.map((video) => video.id)) };
		}
		if (read >= BASELINE_READS || signal?.aborted) return { known: false };
		await sleep(FIRST_GAP_MS * 2 ** (read - 1), signal).catch(() => {});
	}
}

/** The "Lost Job Search (Seconds)" option as a window in ms, kept within 5–600 s (the default when unset or not a number). */
export function lostJobSearchMs(option: unknown): number {
	const seconds = Number(option ?? DEFAULT_SEARCH_SECONDS);
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
	/** The list reached back past the baseline (or, without one, to its end): a job this create started would be in it. */
	complete: boolean;
	/** Unclaimed jobs with this prompt that differ in model, size or duration, made since the baseline. */
	lookalikes: number;
	/** Every unclaimed job this look saw that may be this create's (named in the item's error if it fails). */
	mayBe: string[];
}

/**
 * Reads the recent jobs once. Throws Unverifiable when the server cannot be checked at all (no
 * list, no prompts), and the list's own error when it fails. A job is adopted only when the
 * server's own clock puts it at or after the baseline of the send being recovered and that read did
 * not list it; a job without created_at, or any job when there is no baseline, may be it but is
 * never adopted (it could be older, or someone else's). `self` is the create looking (its entry
 * among the baselines inside the turn).
 */
async function look(
	client: SoraClient,
	itemIndex: number,
	fingerprint: Fingerprint,
	baseline: Baseline,
	turns: Turns,
	kind: string,
	self: object,
): Promise<Look> {
	const { baseUrl } = client.server;
	const server = serverKey(baseUrl);
	if (!supports(client.server, 'list')) throw new Unverifiable(`${client.server.name} has no job list to check`);
	const matching: Video[] = [];
	/** Where each job stood in the list (newest first): the server's own order within a second. */
	const position = new Map<string, number>();
	const mayBe: string[] = [];
	let undatable = false;
	let lookalikes = 0;
	let complete = false;
	let read = 0;
	const pages = client.listVideos('the check for a lost create', { order: 'desc', limit: 100, itemIndex, retry: false });
	for await (const page of pages) {
		for (const video of page.data) {
			position.set(video.id, position.size);
			if (video.prompt === null) throw new Unverifiable('the job list does not show with which prompt jobs were created');
			if (baseline.known && video.created_at !== null && video.created_at < baseline.createdAt) {
				if (video.created_at < baseline.floor) {
					complete = true;
					break;
				}
				// Stamped before the time line, yet not listed by the read and not older than what it showed: on one clock a
				// job listed late; behind replicas that disagree, possibly this send's own job. Named, never adopted, and
				// the list then proves nothing (so the create is not sent again).
				if (!baseline.before.has(video.id) && video.prompt === fingerprint.prompt && !isClaimed(server, video.id)) {
					mayBe.push(video.id);
					undatable = true;
				}
				continue;
			}
			if ((baseline.known && baseline.before.has(video.id)) || video.prompt !== fingerprint.prompt || isClaimed(server, video.id)) continue;
			mayBe.push(video.id);
			if (!baseline.known || video.created_at === null) undatable = true;
			else if (matches(video, fingerprint)) matching.push(video);
			else lookalikes++;
		}
		if (complete || !page.next) {
			complete = true;
			break;
		}
		if (++read >= RECONCILE_PAGES) break;
	}
	if (undatable) return { ambiguous: true, complete, lookalikes, mayBe };
	// First a match that an alike create inside the turn may not take (its own baseline lists it, so the job came
	// before its send): left to it, such a job would go to nobody while this create took the only one the other may
	// take, whatever order the server's clocks (replicas) put them in. Then the earliest, the one closest to this
	// send; within a second, the one the server lists as older.
	const others = [...baselinesInside(turns)].filter(([create]) => create !== self).map(([, other]) => other);
	const usableByOthers = (video: Video) => (others.some((other) => other.known && other.before.has(video.id)) ? 0 : 1);
	matching.sort(
		(a, b) =>
			usableByOthers(a) - usableByOthers(b) ||
			(a.created_at ?? 0) - (b.created_at ?? 0) ||
			(position.get(b.id) ?? 0) - (position.get(a.id) ?? 0) ||
			(a.id < b.id ? -1 : 1),
	);
	const [found] = matching;
	if (found && turns.couldBeOrphan(kind, found)) return { ambiguous: true, complete, lookalikes, mayBe };
	if (found && !claimJob(server, found.id)) return { ambiguous: true, complete, lookalikes, mayBe };
	return { found, ambiguous: false, complete, lookalikes, mayBe };
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
function explain(ctx: IExecuteFunctions, itemIndex: number, error: Error, sentence: string): Error {
	// A cancelled wait or request rejects with a plain error (the abort reason): it becomes an item error too, so
	// the sentence naming the job that may exist is never dropped.
	const explained =
		error instanceof NodeApiError || error instanceof NodeOperationError ? error : new NodeOperationError(ctx.getNode(), error.message, { itemIndex });
	explained.description = `${explained.description ? `${explained.description} ` : ''}${sentence}`;
	return explained;
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
	turns: Turns;
	/** This create among those inside the turn (their baselines steer a recovery's choice among alike jobs). */
	self: object;
	signal: AbortSignal | undefined;
	/** How long the job list is searched for a lost answer's job before the create may be sent again (ms). */
	windowMs: number;
}

/** "Jobs that may be it: …", for an error that must name every job a create may have started. */
function naming(ids: Iterable<string>): string {
	const all = [...new Set(ids)];
	if (all.length === 0) return '';
	const shown = all.slice(0, 20);
	return ` The server lists ${all.length === 1 ? 'a job that may be it' : `${all.length} jobs that may be it`}: ${shown.join(', ')}${all.length > shown.length ? ` and ${all.length - shown.length} more` : ''}.`;
}

async function createInTurn(
	this: IExecuteFunctions,
	client: SoraClient,
	itemIndex: number,
	job: JobRequest,
	{ fingerprint, kind, turns, self, signal, windowMs }: CreateContext,
): Promise<{ video: Video; submittedAt: number }> {
	const headers = { 'idempotency-key': `n8n-sora-${randomUUID()}` };
	const submittedAt = Date.now();
	/** The answer of the last send was lost: a job may exist that is not found yet. */
	let lost: Error | undefined;
	/** A job may exist for other reasons (an answer that is not a video). */
	let mayExist = false;
	/** The outcome is final: a job that may exist could be neither found nor ruled out. */
	let gaveUp = false;
	/** The job list proved at least once that a lost send had started nothing. */
	let ruledOut = false;
	/** A send is on the wire: if the execution is cancelled now, the server may still make its job. */
	let onTheWire = false;
	/** Every job any look saw that may be this create's: an error names them all. */
	const mayBe = new Set<string>();
	/** What the list showed right before the last send (invariant 1): a recovery of that send looks only past it. */
	let baseline: Baseline = { known: false };

	const giveUp = (failure: Error, reason: string): Error => {
		gaveUp = true;
		turns.addOrphan(kind, fingerprint);
		return explain(
			this,
			itemIndex,
			failure,
			`The server may have started this job before its answer was lost, and ${reason}. The request was not sent again so that you are not charged twice; look for ${whatMayExist(fingerprint, submittedAt)} on the server (for example with Get Many) before running this item again.${naming(mayBe)}`,
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
		let ambiguous = false;
		for (;;) {
			const seen = await settle(turns.lock.exclusive(async () => await look(client, itemIndex, fingerprint, baseline, turns, kind, self)));
			if (signal?.aborted) throw seen.ok ? failure : seen.error;
			if (seen.ok) {
				if (seen.value.found) return seen.value.found;
				seen.value.mayBe.forEach((id) => mayBe.add(id));
				// Not adopted: the job may still show up later, so the whole window is searched and every candidate named.
				ambiguous ||= seen.value.ambiguous;
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
		if (ambiguous) {
			throw giveUp(
				failure,
				baseline.known
					? 'the job list cannot tell it apart from another job with the same prompt (one that shows no creation time, one stamped before it was sent yet not listed then, or the job of another create with the same prompt, model, size and duration that was given up on: they differ only in what the list does not show)'
					: "the job list could not be read right before it was sent, so on the server's clock nothing tells this job from an older one with the same prompt",
			);
		}
		if (!last.complete) {
			throw giveUp(
				failure,
				baseline.known
					? `after ${searched} the job list still does not reach back to when it was sent (too many newer jobs), so it cannot be ruled out`
					: `the job list could not be read right before it was sent, and after ${searched} it does not end within the pages read, so it cannot be ruled out`,
			);
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
	const send = async (): Promise<{ video: Video; mine: boolean }> =>
		await turns.lock.shared(async () => {
			// This send's own baseline, read in its share of the lock: no look runs meanwhile, and nothing but this
			// one request lies between the read and the send. Never an older baseline (see the top of this file).
			baseline = await readBaseline(client, itemIndex, fingerprint.prompt, signal);
			baselinesInside(turns).set(self, baseline);
			if (signal?.aborted) throw new NodeOperationError(this.getNode(), 'The execution was cancelled', { itemIndex });
			sends++;
			sentAt = Date.now();
			onTheWire = true;
			const answered = await settle(client.startJob(job, { itemIndex, headers }));
			// A cancellation ends the wait, not the server's work: the send stays "on the wire" then.
			if (!signal?.aborted) onTheWire = false;
			if (!answered.ok) throw answered.error;
			const response = answered.value;
			let video: Video;
			try {
				video = parseVideo(response.body, client.server);
			} catch (error) {
				mayExist = true;
				throw notAVideo(this, itemIndex, error as Error);
			}
			// Claimed before the lock is released, so no look can take it. It may be held already: a server that honours
			// the key answers a repeat with the job it made, which a recovery of an identical create may have adopted.
			return { video, mine: claimJob(serverKey(client.server.baseUrl), video.id) };
		});
	/** Times this item's key was answered with a job another item holds (then it creates under a new key). */
	let rekeyed = 0;

	// The one retry loop: a lost answer is looked for in the job list before anything is sent again.
	const attempt = async (): Promise<Video> => {
		if (lost) {
			const found = await recover(lost);
			if (found) return found;
			[lost, ruledOut] = [undefined, true]; // the list proves the last send started nothing
		}
		const sent = await settle(send());
		if (sent.ok && sent.value.mine) return sent.value.video;
		if (sent.ok) {
			// Its job went to an identical create of this execution (any of their jobs is as good as another), so this
			// item has none yet: it is looked for like a lost answer (a job of the other's may exist), then, if the list
			// proves there is none, created under a new key, since the server would answer the old one with the same job.
			const held = new NodeOperationError(this.getNode(), `The server answered with job ${sent.value.video.id}, which another item of this execution already holds`, { itemIndex });
			if (++rekeyed > 2) throw giveUp(held, 'the server keeps answering with jobs other items hold');
			headers['idempotency-key'] = `n8n-sora-${randomUUID()}`;
			lost = held;
			return await attempt();
		}
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
	if (signal?.aborted && (onTheWire || lost)) {
		// Cancelled while the server may have been making the job: say what may exist, keep it counted.
		turns.addOrphan(kind, fingerprint);
		throw explain(
			this,
			itemIndex,
			error,
			`The execution was cancelled while this item's create was on its way; the server may have started the job and charged for it. Look for ${whatMayExist(fingerprint, sentAt)} on the server (for example with Get Many) before running this item again.${naming(mayBe)}`,
		);
	}
	if (gaveUp || lost || mayExist) {
		if (!gaveUp) turns.addOrphan(kind, fingerprint);
		throw error;
	}
	notStarted.add(error);
	// Rejected (4xx), cancelled before sending, or out of attempts with nothing started.
	if (signal?.aborted || !isRetryable(error)) throw error;
	throw explain(
		this,
		itemIndex,
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
	/** Lost Job Search, read once with the item's options (lostJobSearchMs). */
	windowMs: number,
): Promise<{ video: Video; submittedAt: number }> {
	const signal = cancelSignal(this);
	const fingerprint = fingerprintOf(job);
	const kind = `${executionKey(this)}\n${await digestOf(job)}`;
	const turns = turnsFor(serverKey(client.server.baseUrl), fingerprint.prompt);
	await turns.enter(kind, signal, () => new NodeOperationError(this.getNode(), 'The execution was cancelled', { itemIndex }));
	const self = {};
	const outcome = await settle(createInTurn.call(this, client, itemIndex, job, { fingerprint, kind, turns, self, signal, windowMs }));
	baselinesInside(turns).delete(self);
	turns.leave();
	if (outcome.ok) return outcome.value;
	throw outcome.error;
}
