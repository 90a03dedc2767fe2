/**
 * One walk of the job list for the Sora Trigger: newest first, down to the floor of its state,
 * within a deadline and a page cap. It only reads; what to lease and how far the floor may rise is
 * decided in ./state from what the walk saw.
 */
import type { SoraClient } from '../api/client';
import { settle } from '../api/retry';
import type { Video } from '../api/schemas';

/** A video as the walk saw it, with what its place in the list says about its creation time. */
export interface Seen {
	video: Video;
	/** created_at is at most this (unix s): its own value, else its completed_at or a newer neighbour's; null if nothing tells. */
	upper: number | null;
	/** created_at is at least this: its own value, else an older neighbour's; null if nothing tells. */
	lower: number | null;
}

export interface Walk {
	/** Each video once, in list order (newest first). */
	seen: Seen[];
	/** The walk reached the floor or the end of the list, so every job at or above the floor was seen. */
	complete: boolean;
	/** The floor the walk walked down to. */
	floor: number;
	/** Local time (ms) when the walk began. */
	startedAt: number;
	/**
	 * The server clock against ours: `serverNowMs >= Date.now() + offset`. Each video's time was on the
	 * server's clock when the page that showed it arrived, so it is a lower bound that does not care how
	 * far the two clocks are apart.
	 */
	offset?: number;
}

const PAGE_SIZE = 100;
/** Pages of one walk; a deeper walk goes on in the next poll (its floor has not moved). */
const MAX_PAGES = 50;

/**
 * Lists pages newest first until a page shows a job older than `floor` (everything after it is older
 * still), the list ends, a page brings no id not seen already (a server that ignores the cursor), the
 * page cap, the deadline, or `enough` says so. A page that fails after the first one, because the
 * deadline passed, ends the walk incomplete; any other failure is thrown.
 */
export async function walkList(
	client: SoraClient,
	floor: number,
	options: { deadline: number; enough?: (seen: Seen[]) => boolean },
): Promise<Walk> {
	const walk: Walk = { seen: [], complete: false, floor, startedAt: Date.now() };
	const ids = new Set<string>();
	let newerCreated: number | null = null;
	// Servers without a list are refused before any request; LiteLLM lists per provider.
	const pages = client.listVideos('the Sora Trigger', { order: 'desc', limit: PAGE_SIZE, deadline: options.deadline });
	for (let count = 1; ; count++) {
		const next = await settle(pages.next());
		if (!next.ok) {
			if (walk.seen.length === 0 || Date.now() < options.deadline) throw next.error;
			break;
		}
		if (next.value.done) {
			walk.complete = true;
			break;
		}
		const page = next.value.value;
		const arrived = Date.now();
		let fresh = 0;
		let belowFloor = false;
		for (const video of page.data) {
			if (ids.has(video.id)) continue;
			ids.add(video.id);
			fresh++;
			const created = video.created_at;
			// Newest first: a video without created_at was made no later than the newer video before it.
			const upper = created ?? minKnown(video.completed_at, newerCreated);
			if (created !== null) newerCreated = created;
			const stamp = Math.max(created ?? -Infinity, video.completed_at ?? -Infinity);
			if (stamp > -Infinity) walk.offset = Math.max(walk.offset ?? -Infinity, stamp * 1000 - arrived);
			walk.seen.push({ video, upper, lower: created });
			if (upper !== null && upper < floor) belowFloor = true;
		}
		if (belowFloor || !page.next || fresh === 0) {
			walk.complete = true;
			break;
		}
		if (options.enough?.(walk.seen) || count >= MAX_PAGES || Date.now() >= options.deadline) break;
	}
	// A video without created_at was made no earlier than the older video after it.
	let olderCreated: number | null = null;
	for (let i = walk.seen.length - 1; i >= 0; i--) {
		const seen = walk.seen[i];
		if (seen.video.created_at !== null) olderCreated = seen.video.created_at;
		else seen.lower = olderCreated;
	}
	return walk;
}

function minKnown(a: number | null, b: number | null): number | null {
	if (a === null) return b;
	if (b === null) return a;
	return Math.min(a, b);
}
