/**
 * Runs `worker` over `count` indexes with at most `limit` in flight, keeping no order itself:
 * callers write results by index so output order always matches input order.
 */
export async function runPool(
	count: number,
	limit: number,
	worker: (index: number) => Promise<void>,
): Promise<void> {
	let next = 0;
	const lanes = Array.from({ length: Math.max(1, Math.min(limit, count)) }, async () => {
		while (next < count) {
			const index = next++;
			await worker(index);
		}
	});
	await Promise.all(lanes);
}
