/**
 * The Sora Trigger's state and its rules: which finished videos a poll may lease, what it records
 * when it hands them out, and how far the floor may rise. Everything here is synchronous, so each
 * step runs whole between two awaits of a poll: polls that overlap on the same static data object
 * see each other's leases, and none can undo another's.
 *
 * The promise (README "Sora Trigger: exactly once"): every video that completes and can be downloaded
 * is emitted exactly once, with its MP4, whatever the server's clocks do within CLOCK_SLACK_S (a
 * constant offset, replicas whose clocks differ, steps back and forth), however long the trigger was
 * off and however the list pages. The state stays bounded (what finished within the slack, plus
 * leases); once caught up an idle poll is one request. A video listed completed whose download says
 * "not ready" is tried again, and emitted with download_error only after NOT_READY_MS.
 *
 * Invariants, for every video the server lists:
 * - created before `floor`: settled (emitted, filtered out, or made before activation); never looked at again;
 * - in `done`: emitted; never emitted again while it stays there, and it stays while it is at or above the floor;
 * - in `leases`: being delivered by the poll named there, until `until`; nobody else takes it meanwhile,
 *   and the floor does not pass it. A lease of a poll that died (crash, restart, abandoned) simply expires.
 * The floor rises only past videos that are settled: never past one that is running, leased, finished
 * and not yet emitted, or possibly not yet shown by a list that lags (LIST_LAG_S) or stamped by a
 * server clock that is behind the one read (CLOCK_SLACK_S). The server's clock is never remembered as a
 * maximum for good (OFFSET_TTL_MS): a clock that was fast and is corrected, or one replica that runs
 * ahead of another, must not carry the floor past videos the slower clock stamps.
 */
import type { Video } from '../api/schemas';
import type { Seen, Walk } from './walk';

interface Lease {
	/** The poll that holds it. */
	by: string;
	/** Local time (ms) after which it is void. */
	until: number;
	/** created_at is at least this (unix s); null if unknown (the floor then waits). */
	t: number | null;
}

export interface TriggerState {
	v: 2;
	/** Unix s: every video created before it is settled. */
	floor: number;
	/** Emitted videos at or above the floor: id → created_at at most this (null if unknown). */
	done: Record<string, number | null>;
	leases: Record<string, Lease>;
	/** The server clock against ours (see Walk.offset): the greatest reading of the last OFFSET_TTL_MS. */
	offset?: number;
	/** Local ms when `offset` was last read (or confirmed) by a walk. */
	offsetAt?: number;
	/** Downloads that failed in a way worth another try, per video, so one cannot hold the trigger forever. */
	tries?: Record<string, number>;
	/** Videos listed completed whose download said "not ready": local ms of the first such answer. */
	notReady?: Record<string, number>;
}

export interface TriggerFilters {
	events: Set<string>;
	model: string;
	promptContains: string;
}

/** A job may still show up in the list this long after it was created (replicas, indexes). */
const LIST_LAG_S = 10;
/**
 * How far a server clock that stamps a new job may be behind the clock this walk read: replicas whose
 * clocks differ, or a clock corrected after running fast. The floor stays this much further back.
 */
const CLOCK_SLACK_S = 60;
/**
 * How long the greatest reading of the server clock is kept when later walks read less. A walk reads
 * a lower bound (the newest stamp it sees), which on an idle server lags far behind; keeping the
 * greatest lets the floor catch up. Kept forever, a clock that ran fast and was corrected (or one fast
 * replica) would hold it too high, so it expires; within CLOCK_SLACK_S that is harmless meanwhile.
 */
const OFFSET_TTL_MS = 10 * 60_000;
/** A video listed completed but not downloadable ("not ready") is tried again for this long (local ms). */
export const NOT_READY_MS = 10 * 60_000;
/** A job still unfinished this long after it was created no longer holds the floor back. */
const STALE_S = 24 * 3600;
/** Emitted ids without any known time are kept up to this many (the newest). */
const MAX_UNTIMED = 1000;
/** Failed download attempts after which the video is emitted with the error instead. */
export const MAX_TRIES = 3;

/** The state of an earlier version: a floor, the ids emitted (or reserved) at or above it, a stop id. */
interface StateV1 {
	floor: number;
	emitted: Record<string, number>;
}

/** The state in the node's static data, in the current shape; undefined before the first poll. */
export function readState(raw: unknown): TriggerState | undefined {
	if (!raw || typeof raw !== 'object') return undefined;
	const state = raw as TriggerState | StateV1;
	if ('v' in state && state.v === 2) return state;
	const old = state as StateV1;
	// A reservation of the old version looks like an emission: better not to emit it twice.
	return { v: 2, floor: Number(old.floor) || 0, done: { ...(old.emitted ?? {}) }, leases: {} };
}

/**
 * How far back the activation walk must reach: the newest time it shows, less the lag and the clock
 * slack, so every video listed at activation that a later floor could still reach is recorded as made before.
 */
export function activationReach(seen: Seen[]): boolean {
	const times = seen.map((one) => one.upper).filter((t): t is number => t !== null);
	if (times.length === 0) return false;
	return Math.min(...times) < Math.max(...times) - LIST_LAG_S - CLOCK_SLACK_S;
}

/**
 * The state of a new trigger: all that the list shows now counts as made before activation. The floor
 * starts LIST_LAG_S + CLOCK_SLACK_S below the newest time shown, with every listed video above it
 * recorded as settled, so a video a slower clock stamps after activation (a second replica, a corrected
 * clock, the same second) is still ahead of the floor and gets emitted.
 */
export function baselineState(walk: Walk | undefined): TriggerState {
	const state: TriggerState = { v: 2, floor: 0, done: {}, leases: {} };
	if (!walk) return state;
	readClock(state, walk);
	let newest: number | null = null;
	for (const { video, upper } of walk.seen) {
		if (upper === null) state.done[video.id] = null;
		else newest = Math.max(newest ?? upper, upper);
	}
	if (newest !== null) {
		state.floor = newest - LIST_LAG_S - CLOCK_SLACK_S;
		for (const { video, upper } of walk.seen) if (upper !== null && upper >= state.floor) state.done[video.id] = upper;
	}
	return state;
}

function isFinished(video: Video): boolean {
	return video.status === 'completed' || video.status === 'failed';
}

function matches(video: Video, filters: TriggerFilters): boolean {
	if (!filters.events.has(video.status)) return false;
	if (filters.model && video.model !== filters.model) return false;
	if (filters.promptContains && !(video.prompt ?? '').toLowerCase().includes(filters.promptContains)) return false;
	return true;
}

/** Settled by the floor: made before it, as far as the list tells. */
function belowFloor(seen: Seen, floor: number): boolean {
	return seen.upper !== null && seen.upper < floor;
}

function leaseIsLive(lease: Lease | undefined, now: number): lease is Lease {
	return lease !== undefined && lease.until > now;
}

/** Finished, matching, not emitted, not settled by the floor and not held by another poll: the video is up for grabs. */
function isCandidate(state: TriggerState, seen: Seen, filters: TriggerFilters, now: number): boolean {
	const { id } = seen.video;
	return (
		isFinished(seen.video) &&
		matches(seen.video, filters) &&
		!(id in state.done) &&
		!belowFloor(seen, state.floor) &&
		!leaseIsLive(state.leases[id], now)
	);
}

/** The videos a poll may hand out, newest first (manual runs pick from these without leasing). */
export function candidates(state: TriggerState, seen: Seen[], filters: TriggerFilters, now: number): Seen[] {
	return seen.filter((one) => isCandidate(state, one, filters, now));
}

/**
 * Leases up to `limit` candidates to poll `by`, oldest first (the list is newest first, ties in the
 * server's order), each with a lease until `until`. The rest wait for the next polls and hold the floor.
 */
export function lease(
	state: TriggerState,
	walk: Walk,
	filters: TriggerFilters,
	options: { by: string; until: number; limit: number; now: number },
): Seen[] {
	readClock(state, walk);
	const leased = candidates(state, walk.seen, filters, options.now).reverse().slice(0, options.limit);
	for (const seen of leased) state.leases[seen.video.id] = { by: options.by, until: options.until, t: seen.lower };
	return leased;
}

/** Takes this walk's reading of the server clock: the greatest of the last OFFSET_TTL_MS (never one kept forever). */
function readClock(state: TriggerState, walk: Walk): void {
	if (walk.offset === undefined) return;
	const stale = state.offsetAt === undefined || walk.startedAt - state.offsetAt > OFFSET_TTL_MS;
	if (state.offset === undefined || walk.offset >= state.offset || stale) {
		state.offset = walk.offset;
		state.offsetAt = walk.startedAt;
	}
}

/** Gives up every lease of poll `by` (it could not finish in time). */
export function release(state: TriggerState, by: string): void {
	for (const [id, lease] of Object.entries(state.leases)) if (lease.by === by) delete state.leases[id];
}

export interface Outcome {
	/** Delivered, to be emitted if the lease still stands. */
	delivered: Seen[];
	/**
	 * Not delivered: handed back to the next polls; `attempted` when a download was tried and failed,
	 * `notReady` when it failed because the server said the MP4 is not ready yet.
	 */
	handedBack: Array<{ seen: Seen; attempted: boolean; notReady?: number }>;
}

/**
 * Records what poll `by` did and returns what it may emit: each delivered video whose lease is still
 * its own. Then, after a complete walk, raises the floor as far as is safe and prunes what lies below it.
 */
export function commit(state: TriggerState, walk: Walk, filters: TriggerFilters, by: string, outcome: Outcome, now: number): Seen[] {
	const emit: Seen[] = [];
	for (const seen of outcome.delivered) {
		const { id } = seen.video;
		// Only on its own lease: a lease taken over (it had expired) or gone (its video settled meanwhile) is not.
		if (state.leases[id]?.by !== by || id in state.done) continue;
		// Without created_at, completed_at: unlike a neighbour's time it cannot change when the neighbour is deleted.
		state.done[id] = seen.video.created_at ?? seen.video.completed_at ?? null;
		delete state.leases[id];
		if (state.tries) delete state.tries[id];
		if (state.notReady) delete state.notReady[id];
		emit.push(seen);
	}
	for (const { seen, attempted, notReady } of outcome.handedBack) {
		const { id } = seen.video;
		if (state.leases[id]?.by === by) delete state.leases[id];
		if (notReady !== undefined) state.notReady = { ...(state.notReady ?? {}), [id]: state.notReady?.[id] ?? notReady };
		else if (attempted) state.tries = { ...(state.tries ?? {}), [id]: (state.tries?.[id] ?? 0) + 1 };
	}
	if (walk.complete) raiseFloor(state, walk, filters, now);
	capUntimed(state);
	return emit;
}

/**
 * The floor becomes the oldest of: every video the walk saw that is not settled (running, or finished
 * and not emitted), every lease, and the newest time the list may still be missing (LIST_LAG_S and
 * CLOCK_SLACK_S before the server's clock, as this walk read it, at the start of the walk). It never goes beyond the newest video seen, nor down.
 */
function raiseFloor(state: TriggerState, walk: Walk, filters: TriggerFilters, now: number): void {
	if (state.offset === undefined) return;
	const serverNow = Math.floor((walk.startedAt + state.offset) / 1000);
	let next = serverNow - LIST_LAG_S - CLOCK_SLACK_S;
	let newest = -Infinity;
	const seenIds = new Set<string>();
	const hold = (t: number | null) => {
		next = t === null ? -Infinity : Math.min(next, t);
	};
	for (const seen of walk.seen) {
		const { video } = seen;
		seenIds.add(video.id);
		if (seen.upper !== null) newest = Math.max(newest, seen.upper);
		// Settled below the floor, as it is now (another poll may have raised it since this walk).
		if (belowFloor(seen, state.floor)) continue;
		if (!isFinished(video)) {
			if (!(seen.lower !== null && seen.lower < serverNow - STALE_S)) hold(seen.lower);
		} else if (matches(video, filters) && !(video.id in state.done)) {
			hold(seen.lower);
		}
	}
	for (const [id, lease] of Object.entries(state.leases)) {
		// A void lease of a video the complete walk no longer shows (deleted) has nothing left to hold.
		if (!leaseIsLive(lease, now) && !seenIds.has(id)) delete state.leases[id];
		else hold(lease.t);
	}
	next = Math.min(next, newest + 1);
	for (const record of [state.tries, state.notReady]) {
		if (record) for (const id of Object.keys(record)) if (!seenIds.has(id) || id in state.done) delete record[id];
	}
	if (!(next > state.floor)) return;
	state.floor = next;
	for (const [id, t] of Object.entries(state.done)) if (t !== null && t < next) delete state.done[id];
}

/**
 * Ids emitted without any known time cannot be pruned by the floor; only a server that gives neither
 * created_at nor completed_at makes them, and the newest MAX_UNTIMED are kept.
 */
function capUntimed(state: TriggerState): void {
	const untimed = Object.keys(state.done).filter((id) => state.done[id] === null);
	for (const id of untimed.slice(0, Math.max(0, untimed.length - MAX_UNTIMED))) delete state.done[id];
}
