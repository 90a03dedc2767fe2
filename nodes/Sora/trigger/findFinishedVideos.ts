/**
 * Exactly-once discovery of finished videos for the Sora Trigger.
 *
 * State: `floor` is a creation time (unix s) below which every video has been handled, and
 * `emitted` holds the ids emitted at or above it. Each poll walks the list newest-first and stops
 * at the first video older than the floor, so an idle poll costs one request. A video still
 * running holds the floor down until it finishes, so videos that finish out of order are caught;
 * ids below the floor are pruned, so the state stays small. When nothing was held back, `stopAt`
 * remembers the newest video of that poll: everything from it down was handled, so the next walk
 * ends there even when more than a page of videos share the floor's second.
 */
import type { SoraClient } from '../api/client';
import type { Video } from '../api/schemas';

export interface TriggerState {
	floor: number;
	emitted: Record<string, number>;
	stopAt?: string;
}

export interface TriggerFilters {
	events: Set<string>;
	model: string;
	promptContains: string;
}

const PAGE_SIZE = 100;
/** Listing stops here even with many new videos; the floor then stays put and the next poll goes on. */
const LIST_BUDGET_MS = 15_000;

function matches(video: Video, filters: TriggerFilters): boolean {
	if (!filters.events.has(video.status)) return false;
	if (filters.model && video.model !== filters.model) return false;
	if (filters.promptContains && !(video.prompt ?? '').toLowerCase().includes(filters.promptContains)) return false;
	return true;
}

/** Orders oldest first: the order in which the jobs were created. */
function byCreation(a: Video, b: Video): number {
	return (a.created_at ?? 0) - (b.created_at ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export interface Discovery {
	videos: Video[];
	/**
	 * Records that the first `delivered` videos went out. The rest are handed back to the next
	 * poll, and the floor only rises past what is truly handled.
	 */
	commit(delivered: number): void;
}

export async function findFinishedVideos(
	client: SoraClient,
	state: TriggerState,
	filters: TriggerFilters,
	options: { limit: number; newestOnly: boolean },
): Promise<Discovery> {
	const started = Date.now();
	const candidates: Video[] = [];
	let oldestUnfinished = Infinity;
	let newestSeen = -Infinity;
	let newestId: string | undefined;
	let complete = false;
	// Servers without a list are refused before any request; LiteLLM lists per provider.
	for await (const page of client.listVideos('the Sora Trigger', { order: 'desc', limit: PAGE_SIZE })) {
		let reachedFloor = false;
		for (const video of page.data) {
			const created = video.created_at ?? 0;
			if (created < state.floor || video.id === state.stopAt) {
				reachedFloor = true;
				break;
			}
			newestId ??= video.id;
			newestSeen = Math.max(newestSeen, created);
			const finished = video.status === 'completed' || video.status === 'failed';
			if (!finished) oldestUnfinished = Math.min(oldestUnfinished, created);
			else if (!(video.id in state.emitted) && matches(video, filters)) candidates.push(video);
		}
		if (options.newestOnly && candidates.length) break;
		if (reachedFloor || !page.next) {
			complete = true;
			break;
		}
		// Out of time: the floor stays put and the next poll goes on.
		if (Date.now() - started >= LIST_BUDGET_MS) break;
	}
	if (options.newestOnly) return { videos: candidates.slice(0, 1), commit: () => {} };

	candidates.sort(byCreation);
	const videos = candidates.slice(0, options.limit);
	// Reserve at once, so an overlapping poll on the same state does not pick the same videos.
	for (const video of videos) state.emitted[video.id] = video.created_at ?? 0;

	return {
		videos,
		commit(delivered: number) {
			for (const video of videos.slice(delivered)) delete state.emitted[video.id];
			if (!complete) return;
			const carried = candidates[delivered];
			const holdAt = Math.min(oldestUnfinished, carried?.created_at ?? Infinity);
			state.stopAt = Number.isFinite(holdAt) ? undefined : (newestId ?? state.stopAt);
			const next = Number.isFinite(holdAt) ? holdAt : Number.isFinite(newestSeen) ? newestSeen : state.floor;
			if (next > state.floor) {
				state.floor = next;
				for (const [id, created] of Object.entries(state.emitted)) {
					if (created < state.floor) delete state.emitted[id];
				}
			}
		},
	};
}
