/**
 * What every execution in this n8n process shares about creates (process-wide memory, ./memory,
 * bounded in size and time), so that recovering a lost create can never hand one job to two items or two executions:
 *
 * - claims: the jobs that belong to an item, keyed by the server (serverKey: one spelling per
 *   server) and the job id. A job is claimed the moment its create is answered or a recovery adopts
 *   it, and is never adopted again (kept CLAIM_TTL_MS, at most MAX_CLAIMS, per process);
 * - turns: one queue per server and prompt. Creates that look the same in the job list but differ in
 *   what it does not show (another first frame, other characters, another execution) take turns, so
 *   at most one kind of them can have a lost answer at a time; identical creates of one execution go
 *   together, since any of their jobs is as good as another;
 * - orphans: creates given up on while their job may exist. Until they expire, a job that could be
 *   theirs is not adopted by a create of another kind.
 */
import type { Video } from '../api/schemas';
import type { Fingerprint } from './fingerprint';
import { matches } from './fingerprint';
import { remember } from './memory';

/** A claim outlives any execution that could still look for the job. */
const CLAIM_TTL_MS = 24 * 60 * 60_000;
const MAX_CLAIMS = 20_000;
/** How long a create given up on keeps a look-alike job from being adopted by another kind. */
const ORPHAN_TTL_MS = 30 * 60_000;
const MAX_TURNS = 1_000;

const claims = remember<number>('claims');

const claimKey = (server: string, id: string) => `${server}\n${id}`;

/**
 * One spelling per server, whatever the credential wrote: scheme and host in lower case, no default
 * port, no trailing slashes, no trailing /v1 (the Sora 2 API's prefix, which some credentials give and
 * others leave to the node). Claims and turns are keyed by it, so two credentials for one server share them.
 */
export function serverKey(baseUrl: string): string {
	const trimmed = baseUrl.trim();
	const match = /^(https?):\/\/([^/?#]+)([^?#]*)/i.exec(trimmed);
	if (!match) return trimmed.replace(/\/+$/, '');
	const scheme = match[1].toLowerCase();
	let host = match[2].toLowerCase();
	if ((scheme === 'http' && host.endsWith(':80')) || (scheme === 'https' && host.endsWith(':443'))) host = host.replace(/:\d+$/, '');
	const path = match[3].replace(/\/+$/, '').replace(/\/v1$/i, '').replace(/\/+$/, '');
	return `${scheme}://${host}${path}`;
}

export function isClaimed(server: string, id: string): boolean {
	const until = claims.get(claimKey(server, id));
	return until !== undefined && until > Date.now();
}

/** Claims a job for the caller; false when it already belongs to someone else. */
export function claimJob(server: string, id: string): boolean {
	if (isClaimed(server, id)) return false;
	const now = Date.now();
	const key = claimKey(server, id);
	claims.delete(key); // an expired claim is renewed at the end, so the Map stays ordered by expiry
	claims.set(key, now + CLAIM_TTL_MS);
	// Oldest first (a Map keeps insertion order): drop the expired, then the oldest beyond the bound.
	for (const [oldest, until] of claims) {
		if (until > now && claims.size <= MAX_CLAIMS) break;
		claims.delete(oldest);
	}
	return true;
}

/** Many readers (creates on the wire) or one writer (a look at the job list). */
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

interface Waiter {
	kind: string;
	admit: () => void;
}

interface Orphan {
	kind: string;
	fingerprint: Fingerprint;
	until: number;
}

/**
 * The creates of one server and prompt. One kind at a time is inside (sending, or looking for a
 * lost answer); the others wait in arrival order. Inside, a look at the job list waits until no
 * create of these turns is on the wire, so it never mistakes a sibling's fresh job for a lost one.
 */
export class Turns {
	readonly lock = new SharedLock();

	private kind: string | undefined;

	private inside = 0;

	private queue: Waiter[] = [];

	private orphans: Orphan[] = [];

	constructor(private readonly forget: () => void) {}

	/** Waits for this kind's turn; `cancelled` is thrown if the execution is cancelled meanwhile. */
	async enter(kind: string, signal: AbortSignal | undefined, cancelled: () => Error): Promise<void> {
		if (this.inside === 0 || (this.kind === kind && this.queue.length === 0)) {
			this.kind = kind;
			this.inside++;
			return;
		}
		await new Promise<void>((resolve, reject) => {
			const onAbort = () => {
				this.queue = this.queue.filter((waiter) => waiter !== entry);
				reject(cancelled());
			};
			const entry: Waiter = {
				kind,
				admit: () => {
					signal?.removeEventListener('abort', onAbort);
					resolve();
				},
			};
			if (signal?.aborted) {
				reject(cancelled());
				return;
			}
			signal?.addEventListener('abort', onAbort, { once: true });
			this.queue.push(entry);
		});
	}

	leave(): void {
		this.inside--;
		if (this.inside > 0) return;
		this.kind = undefined;
		const next = this.queue[0];
		if (!next) {
			if (this.idle()) this.forget();
			return;
		}
		const admitted = this.queue.filter((waiter) => waiter.kind === next.kind);
		this.queue = this.queue.filter((waiter) => waiter.kind !== next.kind);
		this.kind = next.kind;
		this.inside = admitted.length;
		admitted.forEach((waiter) => waiter.admit());
	}

	/** Remembers a create given up on while its job may exist. */
	addOrphan(kind: string, fingerprint: Fingerprint): void {
		this.orphans.push({ kind, fingerprint, until: Date.now() + ORPHAN_TTL_MS });
	}

	/** Whether `video` could be the job of a create of another kind that was given up on. */
	couldBeOrphan(kind: string, video: Video): boolean {
		const now = Date.now();
		this.orphans = this.orphans.filter((orphan) => orphan.until > now);
		return this.orphans.some((orphan) => orphan.kind !== kind && matches(video, orphan.fingerprint));
	}

	idle(): boolean {
		const now = Date.now();
		return this.inside === 0 && this.queue.length === 0 && this.orphans.every((orphan) => orphan.until <= now);
	}
}

const turnsByKey = remember<Turns>('turns');

/** The turns of the creates with this prompt on this server (`server` as serverKey spells it). */
export function turnsFor(server: string, prompt: string): Turns {
	const key = `${server}\n${prompt}`;
	let turns = turnsByKey.get(key);
	if (!turns) {
		if (turnsByKey.size >= MAX_TURNS) {
			for (const [other, candidate] of turnsByKey) if (candidate.idle()) turnsByKey.delete(other);
		}
		const made: Turns = new Turns(() => turnsByKey.get(key) === made && turnsByKey.delete(key));
		turns = made;
		turnsByKey.set(key, turns);
	}
	return turns;
}
