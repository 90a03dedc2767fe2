/**
 * The Sora Trigger's state rules (nodes/Sora/trigger/state.ts) step by step, with the interleavings of
 * issue 13 written out. The engine tests run the same rules against the emulator.
 */
const { readState, baselineState, lease, commit, release } = require('../../dist/nodes/Sora/trigger/state');

const filters = { events: new Set(['completed', 'failed']), model: '', promptContains: '' };
const NOW = 1_800_000_000_000; // local ms
const SERVER_NOW = NOW / 1000; // unix s; these walks see the server clock equal to ours

function video(id, status, created) {
	const finished = status === 'completed' || status === 'failed';
	return {
		id, object: 'video', status, progress: finished ? 100 : 50, model: 'sora-2', prompt: id, size: '720x1280', seconds: '4',
		created_at: created, completed_at: finished ? created : null, expires_at: null, remixed_from_video_id: null, error: null,
	};
}

/** A walk that saw `videos` (newest first) down to `floor`, at NOW, with the server clock equal to ours. */
function walkOf(videos, floor, { complete = true, startedAt = NOW } = {}) {
	return {
		seen: videos.map((v) => ({ video: v, upper: v.created_at, lower: v.created_at })),
		complete,
		floor,
		startedAt,
		offset: 0,
	};
}

const ids = (seen) => seen.map((s) => s.video.id);
const state0 = (floor) => ({ v: 2, floor, done: {}, leases: {}, offset: 0 });
const old = SERVER_NOW - 600; // ten minutes ago: well past the list's lag allowance

describe('trigger state', () => {
	test('issue 13: a slow poll keeps its claims while another delivers a newer video; nothing is pruned, skipped or lost', () => {
		const state = state0(old);
		const X = video('X', 'completed', old);
		const Y = video('Y', 'completed', old + 1);
		const Z = video('Z', 'completed', old + 100);

		// Poll A claims X and Y, then spends long on X's download.
		const walkA = walkOf([Y, X], state.floor);
		const claimedA = lease(state, walkA, filters, { by: 'A', until: NOW + 45_000, limit: 2, now: NOW });
		expect(ids(claimedA)).toEqual(['X', 'Y']);

		// Poll B sees Z finished, skips A's claims, delivers Z; the floor must not pass X.
		const walkB = walkOf([Z, Y, X], state.floor);
		const claimedB = lease(state, walkB, filters, { by: 'B', until: NOW + 45_000, limit: 10, now: NOW + 1000 });
		expect(ids(claimedB)).toEqual(['Z']);
		expect(ids(commit(state, walkB, filters, 'B', { delivered: claimedB, handedBack: [] }, NOW + 2000))).toEqual(['Z']);
		expect(state.floor).toBe(old);
		expect(Object.keys(state.leases).sort()).toEqual(['X', 'Y']);

		// A runs out of time: X delivered, Y handed back. Y stays above the floor for the next poll.
		const emittedA = commit(state, walkA, filters, 'A', { delivered: [claimedA[0]], handedBack: [{ seen: claimedA[1], attempted: false }] }, NOW + 3000);
		expect(ids(emittedA)).toEqual(['X']);
		expect(state.floor).toBeLessThanOrEqual(Y.created_at);

		const walkC = walkOf([Z, Y, X], state.floor);
		const claimedC = lease(state, walkC, filters, { by: 'C', until: NOW + 50_000, limit: 10, now: NOW + 4000 });
		expect(ids(claimedC)).toEqual(['Y']);
		expect(ids(commit(state, walkC, filters, 'C', { delivered: claimedC, handedBack: [] }, NOW + 5000))).toEqual(['Y']);
		// All settled: the floor passes the newest video and the state is empty again.
		expect(state.floor).toBe(Z.created_at + 1);
		expect(state.done).toEqual({});
		expect(state.leases).toEqual({});
	});

	test('a lease that expired (its poll died or hung) is taken over; the old poll then may not emit', () => {
		const state = state0(old);
		const X = video('X', 'completed', old);
		const walk = walkOf([X], state.floor);
		const a = lease(state, walk, filters, { by: 'A', until: NOW + 45_000, limit: 10, now: NOW });
		expect(ids(lease(state, walk, filters, { by: 'B', until: NOW + 60_000, limit: 10, now: NOW + 1000 }))).toEqual([]); // live: not B's
		const b = lease(state, walk, filters, { by: 'B', until: NOW + 90_000, limit: 10, now: NOW + 46_000 }); // expired: B's now
		expect(ids(b)).toEqual(['X']);
		expect(ids(commit(state, walk, filters, 'A', { delivered: a, handedBack: [] }, NOW + 47_000))).toEqual([]);
		expect(ids(commit(state, walk, filters, 'B', { delivered: b, handedBack: [] }, NOW + 48_000))).toEqual(['X']);
		// And had B been first, A's late delivery would find X emitted already.
		expect(ids(commit(state, walk, filters, 'A', { delivered: a, handedBack: [] }, NOW + 49_000))).toEqual([]);
	});

	test('the floor never passes a running video, a video carried over by the per-poll cap, or a lease; and never goes down', () => {
		const state = state0(old);
		const running = video('R', 'in_progress', old + 10);
		const done = [1, 2, 3].map((k) => video(`D${k}`, 'completed', old + 20 + k));
		let walk = walkOf([...done].reverse().concat(running), state.floor);
		const first = lease(state, walk, filters, { by: 'A', until: NOW + 45_000, limit: 2, now: NOW });
		expect(ids(first)).toEqual(['D1', 'D2']); // oldest first; D3 waits
		commit(state, walk, filters, 'A', { delivered: first, handedBack: [] }, NOW);
		expect(state.floor).toBe(running.created_at); // held by R (and D3)

		running.status = 'completed';
		running.completed_at = old + 30;
		walk = walkOf([...done].reverse().concat(running), state.floor);
		const second = lease(state, walk, filters, { by: 'B', until: NOW + 45_000, limit: 1, now: NOW });
		expect(ids(second)).toEqual(['R']);
		commit(state, walk, filters, 'B', { delivered: second, handedBack: [] }, NOW);
		expect(state.floor).toBe(done[2].created_at); // D3, carried over, holds it

		const third = lease(state, walk, filters, { by: 'C', until: NOW + 45_000, limit: 1, now: NOW });
		expect(ids(third)).toEqual(['D3']);
		const before = state.floor;
		commit(state, walkOf([], 0), filters, 'X', { delivered: [], handedBack: [] }, NOW); // an empty complete walk changes nothing
		expect(state.floor).toBe(before);
		commit(state, walk, filters, 'C', { delivered: third, handedBack: [] }, NOW);
		expect(state.floor).toBe(done[2].created_at + 1);
	});

	test('the floor stays the list lag allowance (10 s) and the clock slack (60 s) behind the server clock, so a job the list shows late or a slower clock stamps is still above it', () => {
		const state = state0(SERVER_NOW - 60);
		const recent = video('N', 'completed', SERVER_NOW - 3);
		const walk = walkOf([recent], state.floor);
		commit(state, walk, filters, 'A', { delivered: lease(state, walk, filters, { by: 'A', until: NOW + 45_000, limit: 10, now: NOW }), handedBack: [] }, NOW);
		expect(state.floor).toBe(SERVER_NOW - 60); // the clock less 70 s is below where it was: it stays
		expect(state.done).toEqual({ N: SERVER_NOW - 3 });
		// Eleven seconds later the floor follows the clock, still below N.
		commit(state, walkOf([recent], state.floor, { startedAt: NOW + 11_000 }), filters, 'B', { delivered: [], handedBack: [] }, NOW + 11_000);
		expect(state.floor).toBe(SERVER_NOW - 59);
		expect(state.done).toEqual({ N: SERVER_NOW - 3 });
		// Seventy seconds later nothing new came: the floor passes the newest job and the state is empty.
		commit(state, walkOf([recent], state.floor, { startedAt: NOW + 71_000 }), filters, 'B', { delivered: [], handedBack: [] }, NOW + 71_000);
		expect(state.floor).toBe(SERVER_NOW - 2);
		expect(state.done).toEqual({});
	});

	test('an incomplete walk (deadline, page cap) never moves the floor', () => {
		const state = state0(old);
		const walk = walkOf([video('A', 'completed', old + 5)], state.floor, { complete: false });
		commit(state, walk, filters, 'A', { delivered: lease(state, walk, filters, { by: 'A', until: NOW + 45_000, limit: 10, now: NOW }), handedBack: [] }, NOW);
		expect(state.floor).toBe(old);
		expect(state.done).toEqual({ A: old + 5 });
	});

	test('a poll past its commit time gives every lease back', () => {
		const state = state0(old);
		const walk = walkOf([video('A', 'completed', old + 1), video('B', 'completed', old)], state.floor);
		lease(state, walk, filters, { by: 'P', until: NOW + 45_000, limit: 1, now: NOW });
		lease(state, walk, filters, { by: 'Q', until: NOW + 45_000, limit: 1, now: NOW });
		release(state, 'P');
		expect(Object.values(state.leases).map((l) => l.by)).toEqual(['Q']);
	});

	test('state of the earlier version: its ids count as emitted; a new state starts past what the list shows', () => {
		expect(readState({ floor: 5, emitted: { a: 5 }, stopAt: 'a' })).toEqual({ v: 2, floor: 5, done: { a: 5 }, leases: {} });
		expect(readState(undefined)).toBeUndefined();
		const current = state0(7);
		expect(readState(current)).toBe(current);
		const walk = walkOf([video('new', 'in_progress', 300), video('old', 'completed', 200)], 0);
		walk.seen.push({ video: { ...video('untimed', 'completed', null), completed_at: null }, upper: null, lower: null });
		expect(baselineState(walk)).toEqual({ v: 2, floor: 230, done: { untimed: null, new: 300 }, leases: {}, offset: 0, offsetAt: walk.startedAt });
	});

	test('a video made in the newest second the list showed at activation, just after it, is still emitted', () => {
		const state = baselineState(walkOf([video('before', 'completed', 300)], 0));
		const later = walkOf([video('after', 'completed', 300), video('before', 'completed', 300)], 0);
		const claimed = lease(state, later, filters, { by: 'P', until: NOW + 45_000, limit: 10, now: NOW });
		expect(claimed.map((seen) => seen.video.id)).toEqual(['after']);
	});
});
