/**
 * Scenarios for the Sora Trigger: each finished video emitted exactly once when polls overlap, when
 * a poll runs out of time, and when the job list misbehaves (a cursor ignored, created_at missing,
 * status words nobody knows, ids that do not sort by time). Each runs an active workflow inside
 * n8n's engine (polls share its live static data, as in n8n) against the emulator; the setups are
 * those of the trigger's engine tests (test/engine/trigger.test.js), whose helpers they share.
 */
const { createJob, sleep, makeGate, heldDownload, heldLaterPage, recorder, figures, withN8nTimeout, N8N_POLL_TIMEOUT_MS, pollUntilDelivered } = require('../../engine/triggerKit');

const parameters = (options = {}, onlyNew = true) => ({ events: ['completed', 'failed'], onlyNew, options: { download: false, ...options } });

/** `n` jobs made at once, prompts `${prefix} 0…n-1`. */
const batch = (env, emulator, n, prefix) => Promise.all(Array.from({ length: n }, (_, k) => createJob(emulator.baseUrl, `${prefix} ${k}`, { apiKey: env.apiKey })));

/** An active workflow; with `onlyNew`, activated by its first poll (which must emit nothing). */
async function activate(env, emulator, options, onlyNew = true) {
	const trigger = await env.activeWorkflow(emulator.baseUrl, parameters(options, onlyNew));
	if (onlyNew && (await trigger.poll()) !== null) throw new Error('the activation poll emitted videos');
	return trigger;
}

const byId = (jobs) => new Map(jobs.map((job) => [job.id, job]));

module.exports = [
	{
		name: 'overlapping-polls',
		description:
			'Polls of one active workflow overlap on its live static data: 150 finished videos while a later list page of poll A is held and poll B walks both pages; then a download of A stalls while B delivers a newer video and must not pass the stalled claims. Each video emitted exactly once.',
		async run(env) {
			const gates = makeGate();
			try {
				const emulator = await env.emulator({ jobMs: 0, gate: gates.gate });
				const problems = [];
				const rec = recorder();
				const created = new Map();
				// A list page held while another poll runs.
				const walker = await activate(env, emulator, { maxPerPoll: 100 }, false);
				for (let n = 0; n < 150; n += 15) for (const job of await batch(env, emulator, 15, `clip ${n}`)) created.set(job.id, job);
				await sleep(300);
				const page = gates.hold(heldLaterPage);
				const a = walker.poll();
				await Promise.race([page.caught, a]); // (a poll that never gets there ends, and is judged)
				rec.record(await walker.poll()); // B walks both pages and takes the oldest 100
				page.release();
				rec.record(await a); // A goes on with what it listed before B ran
				rec.record(await walker.poll());
				if (walker.stats.overlapped !== 1) problems.push(`the held list page: ${walker.stats.overlapped} overlapping polls, not 1`);
				// A slow download keeps its claims while another poll delivers a newer video (a server of its own,
				// activated while empty, as in the engine test).
				const fresh = await env.emulator({ jobMs: 0, gate: gates.gate });
				const downloader = await activate(env, fresh, { maxPerPoll: 2, download: true });
				const withoutMp4 = rec.withoutBinary.length; // the first part does not download
				const [x, y] = [await createJob(fresh.baseUrl, 'X', { apiKey: env.apiKey }), await createJob(fresh.baseUrl, 'Y', { apiKey: env.apiKey })];
				await sleep(300);
				const download = gates.hold(heldDownload);
				const slow = downloader.poll(); // claims X and Y, stalls in X's download
				await Promise.race([download.caught, slow]);
				await sleep(1100); // Z is made in a later second
				const z = await createJob(fresh.baseUrl, 'Z', { apiKey: env.apiKey });
				await sleep(300);
				const during = (rec.record(await downloader.poll())?.[0] ?? []).map((item) => item.json.id);
				if (during.join() !== z.id) problems.push(`the poll during the stalled download emitted [${during}], not [${z.id}]`);
				const leases = Object.keys(downloader.live()['node:Poll Trigger']?.sora?.leases ?? {}).sort();
				if (leases.join() !== [x.id, y.id].sort().join()) problems.push(`the stalled poll's claims were not kept: leases [${leases}]`);
				download.release();
				rec.record(await slow);
				rec.record(await downloader.poll());
				if (rec.withoutBinary.length > withoutMp4) problems.push('a video of the stalled download was emitted without its MP4');
				for (const job of [x, y, z]) created.set(job.id, job);
				return figures(rec, created, problems);
			} finally {
				gates.releaseAll();
			}
		},
	},
	{
		name: 'poll-timeout',
		description:
			"A download that never finishes (the server stops sending mid-body): the poll must give up within its own budget and return before n8n's 45 s poll timeout would abandon it, handing its claims back so the next poll delivers both videos with their MP4. Runs the real budget: about 40 s.",
		async run(env) {
			const gates = makeGate();
			try {
				const emulator = await env.emulator({ jobMs: 0, gate: gates.gate });
				const problems = [];
				const rec = recorder();
				const trigger = await activate(env, emulator, { download: true });
				const created = byId(await batch(env, emulator, 2, 'never downloads'));
				await sleep(300);
				gates.hold(heldDownload); // never let go: the server simply stops sending
				const started = Date.now();
				const outcome = await withN8nTimeout(trigger.poll());
				const took = Date.now() - started;
				if (outcome.abandoned) problems.push(`the poll ran past n8n's ${N8N_POLL_TIMEOUT_MS / 1000} s poll timeout: its result is dropped`);
				else rec.record(outcome.items);
				if (took < 30_000) problems.push(`the stalled poll returned after ${took} ms: the download was not stalled`);
				for (let k = 0; k < 3 && [...created.keys()].some((id) => !rec.emitted.has(id)); k++) rec.record(await trigger.poll());
				rec.record(await trigger.poll()); // nothing is left to emit
				return figures(rec, created, problems, { download: true });
			} finally {
				gates.releaseAll();
			}
		},
	},
	{
		name: 'cursor-ignored',
		description:
			'A server that ignores the list cursor and always returns its first page (100 of 150 finished videos, with has_more): every poll makes a bounded number of requests and emits each video that page shows once, within and across polls; 3 videos made later come too.',
		async run(env) {
			const emulator = await env.emulator({ jobMs: 0, ignoreCursor: true });
			const problems = [];
			const rec = recorder();
			const trigger = await activate(env, emulator, { maxPerPoll: 100 }, false);
			for (let n = 0; n < 150; n += 15) await batch(env, emulator, 15, `clip ${n}`);
			await sleep(300);
			// What the trigger can ever see: the first page, the newest 100.
			const response = await fetch(`${emulator.baseUrl}/videos?order=desc&limit=100`, { headers: { authorization: `Bearer ${env.apiKey}` } });
			const created = byId((await response.json()).data);
			const lists = () => emulator.stats.requests.list ?? 0;
			const poll = async () => {
				const before = lists();
				rec.record(await trigger.poll());
				if (lists() - before > 3) problems.push(`a poll made ${lists() - before} list requests`);
			};
			for (let k = 0; k < 3; k++) await poll();
			for (const job of await batch(env, emulator, 3, 'fresh')) created.set(job.id, job);
			await sleep(300);
			await poll();
			await poll();
			return figures(rec, created, problems);
		},
	},
	{
		name: 'missing-created-at',
		description:
			'Videos without created_at (40% of 40, then all of 20 more) finishing in random order: they neither stop the walk nor come twice, and later polls emit nothing.',
		async run(env) {
			const emulator = await env.emulator({ jobMs: () => 100 + Math.floor(Math.random() * 1200), omitCreatedAt: 0.4 });
			const problems = [];
			const rec = recorder();
			const trigger = await activate(env, emulator);
			const created = new Map();
			await pollUntilDelivered(trigger, created, { rec, more: async (n) => (n < 8 ? await batch(env, emulator, 5, `some ${n}`) : []) });
			const without = emulator.jobs().filter((job) => job.created_at === undefined).length;
			if (without === 0) problems.push('no video came without created_at');
			emulator.setConfig({ omitCreatedAt: true });
			await pollUntilDelivered(trigger, created, { rec, more: async (n) => (n < 4 ? await batch(env, emulator, 5, `all ${n}`) : []) });
			for (let k = 0; k < 3; k++) rec.record(await trigger.poll());
			return figures(rec, created, problems);
		},
	},
	{
		name: 'unknown-status',
		description:
			'A gateway shows queued and in_progress under words nobody knows (NOT_START_YET, UPSCALING): 20 videos are each emitted once when done, a video still UPSCALING is held back without an error, and comes once it finishes.',
		async run(env) {
			const emulator = await env.emulator({ jobMs: () => 300 + Math.floor(Math.random() * 1200), statusWords: { in_progress: 'UPSCALING', queued: 'NOT_START_YET' } });
			const problems = [];
			const rec = recorder();
			const trigger = await activate(env, emulator);
			const created = new Map();
			await pollUntilDelivered(trigger, created, { rec, pauseMs: 100, more: async (n) => (n < 4 ? await batch(env, emulator, 5, `clip ${n}`) : []) });
			emulator.setConfig({ jobMs: 60_000 });
			const stuck = await createJob(emulator.baseUrl, 'stuck', { apiKey: env.apiKey });
			created.set(stuck.id, stuck);
			await sleep(200);
			if (rec.record(await trigger.poll()) !== null) problems.push('a poll emitted while the only new video was still running');
			const status = emulator.jobs().find((job) => job.id === stuck.id)?.status;
			if (status !== 'UPSCALING') problems.push(`the running video showed as ${status}, not UPSCALING`);
			await fetch(`${emulator.origin}/__emulator/videos/${stuck.id}/complete`, { method: 'POST' });
			await pollUntilDelivered(trigger, created, { rec, maxPolls: 10 });
			rec.record(await trigger.poll());
			if (trigger.stats.errors) problems.push(`${trigger.stats.errors} poll(s) failed`);
			return figures(rec, created, problems);
		},
	},
	{
		name: 'same-second-ties',
		description:
			'Ids that do not sort by time: in each of 4 rounds a video is emitted, then 8 more are made in the same second, some sorting before it; every one of them still comes, once.',
		async run(env) {
			const emulator = await env.emulator({ jobMs: 0, shuffleIds: true });
			const problems = [];
			const rec = recorder();
			const trigger = await activate(env, emulator);
			const created = new Map();
			let tiesBelow = 0;
			for (let round = 0; round < 4; round++) {
				await sleep(1000 - (Date.now() % 1000) + 20); // the start of a second
				const first = await createJob(emulator.baseUrl, `first ${round}`, { apiKey: env.apiKey });
				created.set(first.id, first);
				await sleep(60);
				const emitted = (rec.record(await trigger.poll())?.[0] ?? []).map((item) => item.json.id);
				if (emitted.join() !== first.id) problems.push(`round ${round}: the first poll emitted [${emitted}], not [${first.id}]`);
				const later = await batch(env, emulator, 8, `later ${round}`);
				for (const job of later) created.set(job.id, job);
				tiesBelow += later.filter((job) => job.created_at === first.created_at && job.id < first.id).length;
				await sleep(60);
				rec.record(await trigger.poll());
			}
			if (tiesBelow === 0) problems.push('no video of the same second sorted before the one already emitted');
			rec.record(await trigger.poll());
			return figures(rec, created, problems);
		},
	},
];
