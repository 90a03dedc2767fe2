/**
 * Everything the Sora node remembers beyond one node run: module state, so it lives in ONE n8n process
 * (a restart forgets it; queue-mode workers and other n8n instances each have their own), bounded in
 * size and in time. It is kept for one purpose each:
 *
 * | memory      | kept by            | what                                                        | how long / how many          |
 * |-------------|--------------------|-------------------------------------------------------------|------------------------------|
 * | claims      | ./claims           | job ids that belong to an item, per server (serverKey)      | 24 h, newest 20,000          |
 * | turns       | ./claims           | per server and prompt: whose turn it is to create, and      | while in use or an orphan is |
 * |             |                    | creates given up on while their job may exist (orphans)     | young (30 min), ≤ 1,000      |
 * | runTimes    | ./watcher          | how long like jobs (server, model, seconds, size) ran       | latest 10 per kind, ≤ 200    |
 * | budgets     | ./costBudget       | estimated spend of each execution (Max Estimated Cost)      | 24 h after its last job,     |
 * |             |                    |                                                             | ≤ 1,000 executions           |
 *
 * What a process does not share: claims keep two items of this process from taking one job, never
 * items of another n8n process (the lost-create search then still refuses to guess between look-alikes
 * it cannot tell apart, see ./createOnce). Per node run only (not here): the baseline of ./createOnce,
 * the execution key of ./execution. The Sora Trigger keeps its state in the workflow's static data,
 * not here.
 */

interface Kept {
	name: string;
	map: Map<string, unknown>;
}

const everything: Kept[] = [];

/**
 * The process-wide map called `name` (one of the table above); the module that keeps it bounds it. A
 * Map keeps insertion order, which the keepers use to drop their oldest entries first.
 */
export function remember<V>(name: 'claims' | 'turns' | 'runTimes' | 'budgets'): Map<string, V> {
	const existing = everything.find((kept) => kept.name === name);
	if (existing) return existing.map as Map<string, V>;
	const map = new Map<string, V>();
	everything.push({ name, map: map as Map<string, unknown> });
	return map;
}
