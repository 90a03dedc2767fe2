/**
 * The one retry loop. Reads, downloads, resumed downloads and creates all wait the same way: as
 * long as the server asks (retry-after-ms / Retry-After), else the official SDKs' backoff, within
 * a number of attempts and a total wait; a cancelled execution stops the waiting at once.
 */
import { sleep } from 'n8n-workflow';

import { failureOf } from './errors';

export interface RetryPolicy {
	/** Attempts in all, the first included. */
	attempts: number;
	/** All waits together stay within this. */
	totalWaitMs: number;
	/** A single wait longer than this (a server asking for more) ends the attempts. */
	maxWaitMs?: number;
	/** Without the server's word, a wait is at most this long. */
	backoffCapMs?: number;
	/** Epoch ms: a wait that would end after it is not started (the caller has a time budget). */
	deadline?: number;
}

/** The SDKs' backoff: 0.5 s doubling to 8 s with up to 25 % jitter. */
export function backoffMs(attempt: number): number {
	const base = Math.min(500 * 2 ** attempt, 8000);
	return base * (1 - Math.random() * 0.25);
}

/**
 * A promise's outcome as a value, so a failure can be examined outside a catch block. (Errors from
 * Node's own modules are not `instanceof Error` inside test sandboxes, so the outcome is tagged.)
 */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: Error };

export async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
	return await promise.then(
		(value): Settled<T> => ({ ok: true, value }),
		(error: Error): Settled<T> => ({ ok: false, error }),
	);
}

/** A failure the api layer classified as worth another attempt. */
export const isRetryable = (error: unknown): boolean => failureOf(error)?.retryable === true;

/**
 * Runs `attempt` until it succeeds, `decide` says another attempt cannot help, or the policy's
 * attempts or waits run out; then the last error is thrown as it is.
 */
export async function retrying<T>(
	signal: AbortSignal | undefined,
	policy: RetryPolicy,
	attempt: (n: number) => Promise<T>,
	decide: (error: unknown) => boolean = isRetryable,
): Promise<T> {
	let waited = 0;
	for (let n = 0; ; n++) {
		let failure: unknown;
		try {
			return await attempt(n);
		} catch (error) {
			failure = error;
		}
		if (signal?.aborted || !decide(failure)) throw failure;
		const asked = failureOf(failure)?.retryAfterMs;
		const wait = asked ?? Math.min(backoffMs(n), policy.backoffCapMs ?? Infinity);
		if (n + 1 >= policy.attempts || wait > (policy.maxWaitMs ?? Infinity) || waited + wait > policy.totalWaitMs) throw failure;
		if (policy.deadline !== undefined && Date.now() + wait >= policy.deadline) throw failure;
		waited += wait;
		await sleep(wait, signal);
	}
}
