/**
 * Bounded concurrency without timers: a pool of workers over item indexes, and a limiter that any
 * number of tasks can share. Neither keeps order itself: callers write results by index, so output
 * order always matches input order.
 */

/** Requests of each kind (submissions, status checks, downloads) one node run has in flight by default. */
export const DEFAULT_CONCURRENCY = 20;
export const MAX_CONCURRENCY = 100;

/** The user's "Concurrency" option as a whole number from 1 to MAX_CONCURRENCY. */
export function normaliseConcurrency(value: unknown): number {
	const number = Math.floor(Number(value));
	if (!Number.isFinite(number) || number < 1) return DEFAULT_CONCURRENCY;
	return Math.min(number, MAX_CONCURRENCY);
}

/** Runs `worker` over `count` indexes with at most `limit` in flight. */
export async function runPool(
	count: number,
	limit: number,
	worker: (index: number) => Promise<void>,
): Promise<void> {
	let next = 0;
	const workers = Array.from({ length: Math.max(1, Math.min(limit, count)) }, async () => {
		while (next < count) {
			const index = next++;
			await worker(index);
		}
	});
	await Promise.all(workers);
}

export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/** At most `limit` tasks run at once; the others wait in arrival order. A slot is handed straight to the next task. */
export function createLimiter(limit: number): Limiter {
	const max = Math.max(1, Math.floor(limit) || 1);
	let active = 0;
	const waiting: Array<() => void> = [];
	return async <T>(task: () => Promise<T>): Promise<T> => {
		if (active < max) {
			active++;
		} else {
			await new Promise<void>((resolve) => waiting.push(resolve));
		}
		try {
			return await task();
		} finally {
			const next = waiting.shift();
			if (next) next();
			else active--;
		}
	};
}
