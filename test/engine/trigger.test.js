const { startServer, PKG, harness, expectNoKey } = require('./setup');
const { probe } = require('../fixtures/media');
const { createJob, sleep, makeGate, heldDownload, heldFirstPage, heldLaterPage, recorder, N8N_POLL_TIMEOUT_MS, withN8nTimeout, pollUntilDelivered } = require('./triggerKit');

function poller(server, parameters, staticData = {}) {
	const run = async (mode = 'trigger') =>
		await harness.runPoll({ pkg: PKG, nodeType: 'soraTrigger', credentials: server.credentials, parameters, staticData, mode });
	return { run, staticData };
}

describe('Sora Trigger', () => {
	test('churn: 1,000 videos over 200+ polls, 50+ of them overlapping (held list pages and downloads), a restart that leaves claims behind and a poll held past its budget: each emitted exactly once', async () => {
		const gates = makeGate();
		const server = await startServer({ jobMs: () => 100 + Math.floor(Math.random() * 4000), pollAfterMs: 0, gate: gates.gate });
		const parameters = { events: ['completed', 'failed'], onlyNew: true, options: { maxPerPoll: 10 } };
		const stats = { polls: 0, overlapping: 0, reloads: 0, timeouts: 0 };
		let trigger;
		/** Which n8n process is running: a restart ends every poll of the one before (its results reach no workflow). */
		let generation = 0;
		const open = async (staticData) => {
			generation++;
			if (trigger) {
				stats.overlapping += trigger.stats.overlapped;
				trigger.close();
			}
			trigger = await harness.activeWorkflow({ pkg: PKG, nodeType: 'soraTrigger', credentials: server.credentials, parameters, staticData });
		};
		await open({});
		const background = [];
		try {
			expect(await trigger.poll()).toBeNull(); // activation: nothing yet
			stats.polls++;
			const TOTAL = 1000;
			const created = new Map();
			const rec = recorder();
			const poll = async () => {
				stats.polls++;
				return rec.record(await trigger.poll());
			};
			/** Starts a poll held at `match`; resolves with the poll's promise once it is held, or null (poll over) if it never got there. */
			const startHeld = async (match) => {
				const hold = gates.hold(match);
				stats.polls++;
				const held = trigger.poll();
				if (await Promise.race([hold.caught.then(() => true), held.then(() => false, () => false)])) return { held, hold };
				hold.cancel();
				rec.record(await held);
				return null;
			};
			let crashed = false;
			let slowed = false;

			for (let round = 0; (created.size < TOTAL || rec.emitted.size < TOTAL) && round < 3000; round++) {
				if (created.size < TOTAL) {
					const batch = await Promise.all(
						Array.from({ length: 5 }, (_, k) => {
							const n = created.size + k;
							// One job in twenty is blocked by moderation: the failed event must arrive once too.
							return createJob(server.emulator.baseUrl, n % 20 === 7 ? `BLOCKED_BY_MODERATION clip ${n}` : `clip ${n}`);
						}),
					);
					for (const job of batch) created.set(job.id, job);
				}
				if (round >= 15 && !crashed) {
					// Restart while poll C holds claims: another poll saves the static data with C's leases in it, then
					// n8n restarts from that save. C is gone for good: its result never reaches a workflow.
					const c = await startHeld(heldDownload);
					if (c) {
						await poll();
						const saved = trigger.saved();
						expect(Object.keys(saved['node:Poll Trigger'].sora.leases).length).toBeGreaterThan(0);
						await open(saved);
						stats.reloads++;
						background.push(c.held.catch(() => null));
						crashed = true;
					}
				} else if (round >= 30 && !slowed) {
					// A download held longer than n8n's 45 s poll timeout: the poll must give up in time, hand the video
					// back and return before n8n would abandon it.
					const started = Date.now();
					const t = await startHeld(heldDownload);
					if (t) {
						stats.timeouts++;
						const gen = generation;
						background.push(
							withN8nTimeout(t.held).then((outcome) => {
								expect(outcome.abandoned).toBeUndefined();
								expect(Date.now() - started).toBeLessThan(N8N_POLL_TIMEOUT_MS);
								// A restart since T began (round 120) killed its process: like C's, its result never
								// reaches a workflow, and the restarted trigger delivers what T had claimed.
								if (gen === generation) rec.record(outcome.items);
							}),
						);
						slowed = true;
					}
				} else if (round % 3 === 0) {
					// Poll A held on a download, a later list page or the first one, while one or two polls run through.
					const a = await startHeld([heldDownload, heldLaterPage, heldFirstPage][(round / 3) % 3]);
					if (a) {
						for (let k = 0; k < 1 + (round % 2); k++) await poll();
						a.hold.release();
						rec.record(await a.held);
					}
				} else {
					await poll();
				}
				if (round === 120) {
					// A plain restart: static data as saved, parsed again.
					await open(JSON.parse(JSON.stringify(trigger.saved())));
					stats.reloads++;
				}
				await sleep(created.size < TOTAL ? 10 : 200);
			}
			await Promise.all(background.splice(0));
			const figures = rec.figures(created);

			// Idle: once a poll has seen no new job for the list's lag allowance and the clock slack (10 + 60 s,
			// nodes/Sora/trigger/state.ts), the floor passes the newest job, the state is next to empty and a poll is
			// one request.
			await sleep(71_000);
			expect(await trigger.poll()).toBeNull();
			const before = server.emulator.stats.requests.list ?? 0;
			expect(await trigger.poll()).toBeNull();
			const idleRequests = (server.emulator.stats.requests.list ?? 0) - before;
			const stateBytes = JSON.stringify(trigger.saved()).length;
			stats.overlapping += trigger.stats.overlapped;

			// The figures on request only (SORA_TEST_FIGURES=1): a passing run prints nothing but its results.
			if (process.env.SORA_TEST_FIGURES === '1') console.log(
				`trigger churn: videos=${created.size} polls=${stats.polls} overlapping=${stats.overlapping} reloads=${stats.reloads} ` +
					`timeouts=${stats.timeouts} emitted=${figures.emitted} duplicates=${figures.duplicates} missed=${figures.missed}`,
			);
			expect(stats.polls).toBeGreaterThanOrEqual(200);
			expect(stats.overlapping).toBeGreaterThanOrEqual(50);
			expect(figures).toEqual({ emitted: TOTAL, duplicates: 0, missed: 0, unknown: 0 });
			expect(rec.withoutBinary).toEqual([]);
			expect(idleRequests).toBe(1);
			expect(stateBytes).toBeLessThan(2000);
		} finally {
			gates.releaseAll();
			await Promise.allSettled(background);
			trigger.close();
			await server.emulator.close();
		}
	}, 300_000);

	test('caps each poll and carries the rest over, oldest first', async () => {
		const server = await startServer({ jobMs: 200 });
		try {
			const trigger = poller(server, { events: ['completed'], options: { maxPerPoll: 10, download: false } });
			expect(await trigger.run()).toBeNull();
			const ids = [];
			for (let n = 0; n < 25; n++) ids.push((await createJob(server.emulator.baseUrl, `batch ${n}`)).id);
			await sleep(1500);
			const batches = [];
			for (let k = 0; k < 4; k++) batches.push(((await trigger.run()) ?? [[]])[0].map((i) => i.json.id));
			expect(batches.map((b) => b.length)).toEqual([10, 10, 5, 0]);
			expect(batches.flat()).toEqual(ids); // creation order kept across polls
		} finally {
			await server.emulator.close();
		}
	});

	test('delivers the MP4 as binary, the same JSON as the action node, and never the key', async () => {
		const server = await startServer({ jobMs: 300 });
		try {
			const trigger = poller(server, { events: ['completed'], filters: { promptContains: 'LAUNCH' }, options: { downloadThumbnail: true } });
			expect(await trigger.run()).toBeNull();
			const wanted = await createJob(server.emulator.baseUrl, 'Product LAUNCH teaser');
			await createJob(server.emulator.baseUrl, 'unrelated clip');
			await sleep(1500);
			const items = (await trigger.run())[0];
			expect(items).toHaveLength(1);
			expect(items[0].json).toMatchObject({ id: wanted.id, object: 'video', status: 'completed', prompt: 'Product LAUNCH teaser', estimated_cost_usd: 0.4 });
			expect(items[0].binary.data).toMatchObject({ mimeType: 'video/mp4', fileName: `${wanted.id}.mp4` });
			expect(items[0].binary.thumbnail.mimeType).toBe('image/webp');
			expect(probe(await harness.readBinary(items[0].binary.data))).toMatchObject({ width: 720, height: 1280, audioCodec: 'aac' });
			expectNoKey(items);
		} finally {
			await server.emulator.close();
		}
	});

	test('manual mode returns the newest matching video regardless of state, without moving it', async () => {
		const server = await startServer({ jobMs: 200 });
		try {
			const older = await createJob(server.emulator.baseUrl, 'older');
			const newer = await createJob(server.emulator.baseUrl, 'newer');
			await sleep(1200);
			const trigger = poller(server, { events: ['completed'], onlyNew: true });
			const items = (await trigger.run('manual'))[0];
			expect(items.map((i) => i.json.id)).toEqual([newer.id]);
			expect(items[0].binary.data.mimeType).toBe('video/mp4');
			expect(trigger.staticData).toEqual({});
			expect(older.id).not.toBe(newer.id);
		} finally {
			await server.emulator.close();
		}
	});

	test('an expired asset is emitted with a flag and no binary, not dropped', async () => {
		const server = await startServer({ jobMs: 100, assetTtlSeconds: 1 });
		try {
			const trigger = poller(server, { events: ['completed'] });
			expect(await trigger.run()).toBeNull();
			const job = await createJob(server.emulator.baseUrl, 'short-lived');
			await sleep(2600);
			const items = (await trigger.run())[0];
			expect(items).toHaveLength(1);
			expect(items[0].json).toMatchObject({ id: job.id, asset_expired: true });
			expect(items[0].binary).toBeUndefined();
		} finally {
			await server.emulator.close();
		}
	});

	test('a refused key throws NodeApiError with the HTTP status, so n8n can classify it', async () => {
		const server = await startServer();
		try {
			const credentials = { soraApi: { ...server.credentials.soraApi, apiKey: 'sk-bad-bad-bad-bad' } };
			await expect(
				harness.runPoll({ pkg: PKG, nodeType: 'soraTrigger', credentials, parameters: { events: ['completed'] }, staticData: {} }),
			).rejects.toMatchObject({ httpCode: '401' });
		} finally {
			await server.emulator.close();
		}
	});
});

describe('Sora Trigger: overlapping polls', () => {
	const parameters = (options = {}, onlyNew = true) => ({ events: ['completed', 'failed'], onlyNew, options: { download: false, ...options } });

	test('a list page held while another poll runs: 150 finished videos, none emitted twice', async () => {
		const gates = makeGate();
		const server = await startServer({ jobMs: 0, gate: gates.gate });
		const trigger = await harness.activeWorkflow({ pkg: PKG, nodeType: 'soraTrigger', credentials: server.credentials, parameters: parameters({ maxPerPoll: 100 }, false) });
		try {
			const created = new Map();
			for (let n = 0; n < 150; n += 15) {
				for (const job of await Promise.all(Array.from({ length: 15 }, (_, k) => createJob(server.emulator.baseUrl, `clip ${n + k}`)))) created.set(job.id, job);
			}
			await sleep(300);
			const rec = recorder();
			const hold = gates.hold(heldLaterPage);
			const a = trigger.poll();
			await hold.caught;
			rec.record(await trigger.poll()); // B walks both pages and takes the oldest 100
			hold.release();
			rec.record(await a); // A goes on with what it listed before B ran
			rec.record(await trigger.poll());
			expect(rec.figures(created)).toEqual({ emitted: 150, duplicates: 0, missed: 0, unknown: 0 });
			expect(trigger.stats.overlapped).toBe(1);
		} finally {
			gates.releaseAll();
			trigger.close();
			await server.emulator.close();
		}
	});

	test('a slow download keeps its claims: another poll delivers a newer video but never passes them, and nothing is lost', async () => {
		const gates = makeGate();
		const server = await startServer({ jobMs: 0, gate: gates.gate });
		const trigger = await harness.activeWorkflow({ pkg: PKG, nodeType: 'soraTrigger', credentials: server.credentials, parameters: parameters({ maxPerPoll: 2, download: true }) });
		try {
			expect(await trigger.poll()).toBeNull();
			const x = await createJob(server.emulator.baseUrl, 'X');
			const y = await createJob(server.emulator.baseUrl, 'Y');
			await sleep(300);
			const rec = recorder();
			const hold = gates.hold(heldDownload);
			const a = trigger.poll(); // claims X and Y, stalls in X's download
			await hold.caught;
			await sleep(1100); // Z is made in a later second
			const z = await createJob(server.emulator.baseUrl, 'Z');
			await sleep(300);
			const b = rec.record(await trigger.poll());
			expect(b[0].map((item) => item.json.id)).toEqual([z.id]);
			const state = trigger.live()['node:Poll Trigger'].sora;
			expect(Object.keys(state.leases).sort()).toEqual([x.id, y.id].sort());
			expect(state.floor).toBeLessThanOrEqual(x.created_at);
			hold.release();
			const late = rec.record(await a);
			expect(late[0].map((item) => item.json.id)).toEqual([x.id, y.id]);
			expect(await trigger.poll()).toBeNull();
			expect(rec.figures(new Map([x, y, z].map((job) => [job.id, job])))).toEqual({ emitted: 3, duplicates: 0, missed: 0, unknown: 0 });
			expect(rec.withoutBinary).toEqual([]);
		} finally {
			gates.releaseAll();
			trigger.close();
			await server.emulator.close();
		}
	});
});

describe('Sora Trigger: awkward job lists', () => {
	const parameters = (options = {}, onlyNew = true) => ({ events: ['completed', 'failed'], onlyNew, options: { download: false, ...options } });
	const activate = async (server, options, onlyNew) => {
		const trigger = await harness.activeWorkflow({ pkg: PKG, nodeType: 'soraTrigger', credentials: server.credentials, parameters: parameters(options, onlyNew) });
		if (onlyNew !== false) expect(await trigger.poll()).toBeNull();
		return trigger;
	};
	const batch = (server, n, prefix) => Promise.all(Array.from({ length: n }, (_, k) => createJob(server.emulator.baseUrl, `${prefix} ${k}`)));

	test('videos without created_at neither stop the walk nor come twice (some of them, then all)', async () => {
		const server = await startServer({ jobMs: () => 100 + Math.floor(Math.random() * 1200), omitCreatedAt: 0.4 });
		const trigger = await activate(server);
		try {
			const created = new Map();
			const some = await pollUntilDelivered(trigger, created, { more: async (n) => (n < 8 ? await batch(server, 5, `some ${n}`) : []) });
			expect(server.emulator.jobs().filter((job) => job.created_at === undefined).length).toBeGreaterThan(3);
			expect(some).toMatchObject({ emitted: 40, duplicates: 0, missed: 0, unknown: 0 });
			server.emulator.setConfig({ omitCreatedAt: true });
			const all = await pollUntilDelivered(trigger, new Map(), { more: async (n) => (n < 4 ? await batch(server, 5, `all ${n}`) : []) });
			expect(all).toMatchObject({ emitted: 20, duplicates: 0, missed: 0, unknown: 0 });
			for (let k = 0; k < 3; k++) expect(await trigger.poll()).toBeNull();
		} finally {
			trigger.close();
			await server.emulator.close();
		}
	});

	test('a server that ignores the cursor: bounded requests, no video twice within or across polls', async () => {
		const server = await startServer({ jobMs: 0, ignoreCursor: true });
		const trigger = await activate(server, { maxPerPoll: 100 }, false);
		try {
			for (let n = 0; n < 150; n += 15) await batch(server, 15, `clip ${n}`);
			await sleep(300);
			const rec = recorder();
			const lists = () => server.emulator.stats.requests.list ?? 0;
			const counts = [];
			for (let k = 0; k < 3; k++) {
				const before = lists();
				const ids = (rec.record(await trigger.poll())?.[0] ?? []).map((item) => item.json.id);
				expect(new Set(ids).size).toBe(ids.length);
				counts.push({ items: ids.length, requests: lists() - before });
			}
			// The first page is all such a server ever shows: its 100 videos, once.
			expect(counts).toEqual([{ items: 100, requests: 2 }, { items: 0, requests: 2 }, { items: 0, requests: 2 }]);
			const fresh = await batch(server, 3, 'fresh');
			await sleep(300);
			expect(rec.record(await trigger.poll())[0].map((item) => item.json.id).sort()).toEqual(fresh.map((job) => job.id).sort());
			expect([...rec.emitted.values()].every((n) => n === 1)).toBe(true);
		} finally {
			trigger.close();
			await server.emulator.close();
		}
	});

	test('an unknown status word is "not finished", never an error', async () => {
		const server = await startServer({ jobMs: () => 300 + Math.floor(Math.random() * 1200), statusWords: { in_progress: 'UPSCALING', queued: 'NOT_START_YET' } });
		const trigger = await activate(server);
		try {
			const created = new Map();
			const result = await pollUntilDelivered(trigger, created, { more: async (n) => (n < 4 ? await batch(server, 5, `clip ${n}`) : []), pauseMs: 100 });
			expect(result).toMatchObject({ emitted: 20, duplicates: 0, missed: 0, unknown: 0 });
			expect(trigger.stats.errors).toBe(0);
			// Still running under a word nobody knows: held back, not emitted, not an error.
			const stuck = await createJob(server.emulator.baseUrl, 'stuck');
			server.emulator.setConfig({ jobMs: 60_000 });
			await sleep(200);
			expect(await trigger.poll()).toBeNull();
			expect(server.emulator.jobs().find((job) => job.id === stuck.id).status).toBe('UPSCALING');
		} finally {
			trigger.close();
			await server.emulator.close();
		}
	});

	test('same-second ties: a job made in the second of one already emitted, sorting before or after it, still comes', async () => {
		const server = await startServer({ jobMs: 0, shuffleIds: true });
		const trigger = await activate(server);
		try {
			const created = new Map();
			const rec = recorder();
			let tiesBelow = 0;
			for (let round = 0; round < 4; round++) {
				await sleep(1000 - (Date.now() % 1000) + 20); // the start of a second
				const first = await createJob(server.emulator.baseUrl, `first ${round}`);
				created.set(first.id, first);
				await sleep(60);
				expect(rec.record(await trigger.poll())[0].map((item) => item.json.id)).toEqual([first.id]);
				const later = await batch(server, 8, `later ${round}`);
				for (const job of later) created.set(job.id, job);
				const sameSecond = later.filter((job) => job.created_at === first.created_at);
				tiesBelow += sameSecond.filter((job) => job.id < first.id).length;
				await sleep(60);
				rec.record(await trigger.poll());
			}
			expect(tiesBelow).toBeGreaterThan(0); // the case that used to be skipped did happen
			expect(rec.figures(created)).toEqual({ emitted: created.size, duplicates: 0, missed: 0, unknown: 0 });
		} finally {
			trigger.close();
			await server.emulator.close();
		}
	});

	test('ids not sorted by time: 150 jobs finishing in random order, each once', async () => {
		const server = await startServer({ jobMs: () => 50 + Math.floor(Math.random() * 1500), shuffleIds: true });
		const trigger = await activate(server, { maxPerPoll: 10 });
		try {
			const result = await pollUntilDelivered(trigger, new Map(), { more: async (n) => (n < 15 ? await batch(server, 10, `clip ${n}`) : []), pauseMs: 80 });
			expect(result).toMatchObject({ emitted: 150, duplicates: 0, missed: 0, unknown: 0 });
		} finally {
			trigger.close();
			await server.emulator.close();
		}
	});

	test('a list that shows each job up to 2.5 s late, so a later job can show before an earlier one: none missed', async () => {
		const server = await startServer({ jobMs: () => Math.floor(Math.random() * 800), listLagMs: () => Math.floor(Math.random() * 2500) });
		const trigger = await activate(server);
		try {
			const result = await pollUntilDelivered(trigger, new Map(), { more: async (n) => (n < 20 && n % 2 === 0 ? await batch(server, 5, `clip ${n}`) : []), pauseMs: 250 });
			expect(result).toMatchObject({ emitted: 50, duplicates: 0, missed: 0, unknown: 0 });
		} finally {
			trigger.close();
			await server.emulator.close();
		}
	});

	test.each([
		['behind by an hour', -3600],
		['ahead by an hour', 3600],
		['behind by two days (expires_at already past on our clock)', -2 * 86400],
	])('a server clock %s: only jobs made after activation, each with its MP4', async (_, clockSkewS) => {
		const server = await startServer({ jobMs: 100, clockSkewS });
		try {
			const before = await createJob(server.emulator.baseUrl, 'made before activation');
			await sleep(1100);
			const trigger = await activate(server, { download: true });
			try {
				const created = new Map();
				const result = await pollUntilDelivered(trigger, created, { more: async (n) => (n === 0 ? await batch(server, 3, 'after') : []) });
				expect(result).toMatchObject({ emitted: 3, duplicates: 0, missed: 0, unknown: 0, withoutBinary: [] });
				expect(result.rec.emitted.has(before.id)).toBe(false);
			} finally {
				trigger.close();
			}
		} finally {
			await server.emulator.close();
		}
	});
});

describe('Sora Trigger: the 45 s poll budget', () => {
	const parameters = (options = {}) => ({ events: ['completed'], onlyNew: true, options });

	test('a download the server wants retried in 50 s is handed back at once, then delivered by the next poll', async () => {
		const server = await startServer({ jobMs: 0 });
		const trigger = await harness.activeWorkflow({ pkg: PKG, nodeType: 'soraTrigger', credentials: server.credentials, parameters: parameters() });
		try {
			expect(await trigger.poll()).toBeNull();
			const job = await createJob(server.emulator.baseUrl, 'rate limited');
			await sleep(300);
			server.emulator.setConfig({ faults: { rate429: 1, retryAfterMs: 50_000, scope: ['content'], budget: 1 } });
			const started = Date.now();
			expect(await trigger.poll()).toBeNull();
			expect(Date.now() - started).toBeLessThan(5000);
			expect(trigger.live()['node:Poll Trigger'].sora.tries).toEqual({ [job.id]: 1 });
			const items = (await trigger.poll())[0];
			expect(items.map((item) => item.json.id)).toEqual([job.id]);
			expect(items[0].binary.data.mimeType).toBe('video/mp4');
		} finally {
			trigger.close();
			await server.emulator.close();
		}
	});

	test('a list the server wants retried in 50 s fails the poll at once with the 429, so n8n can back off', async () => {
		const server = await startServer({ jobMs: 0 });
		const trigger = await harness.activeWorkflow({ pkg: PKG, nodeType: 'soraTrigger', credentials: server.credentials, parameters: parameters() });
		try {
			expect(await trigger.poll()).toBeNull();
			server.emulator.setConfig({ faults: { rate429: 1, retryAfterMs: 50_000, scope: ['list'], budget: 1 } });
			const started = Date.now();
			await expect(trigger.poll()).rejects.toMatchObject({ httpCode: '429' });
			expect(Date.now() - started).toBeLessThan(5000);
		} finally {
			trigger.close();
			await server.emulator.close();
		}
	});

	test('a later list page that does not come within the 15 s list budget: the poll goes on with what it has, and nothing is lost', async () => {
		const gates = makeGate();
		const server = await startServer({ jobMs: 0, gate: gates.gate });
		const trigger = await harness.activeWorkflow({ pkg: PKG, nodeType: 'soraTrigger', credentials: server.credentials, parameters: parameters({ maxPerPoll: 100, download: false }) });
		try {
			expect(await trigger.poll()).toBeNull();
			const created = new Map();
			for (let n = 0; n < 120; n += 20) {
				for (const job of await Promise.all(Array.from({ length: 20 }, (_, k) => createJob(server.emulator.baseUrl, `clip ${n + k}`)))) created.set(job.id, job);
			}
			await sleep(300);
			const floor = trigger.live()['node:Poll Trigger'].sora.floor;
			const rec = recorder();
			gates.hold(heldLaterPage); // never let go: the server simply does not answer
			const started = Date.now();
			const first = rec.record(await trigger.poll())[0];
			const took = Date.now() - started;
			expect(took).toBeGreaterThanOrEqual(14_000);
			expect(took).toBeLessThan(20_000);
			expect(first).toHaveLength(100); // the first page's videos
			expect(trigger.live()['node:Poll Trigger'].sora.floor).toBe(floor); // an incomplete walk does not move it
			rec.record(await trigger.poll());
			expect(rec.figures(created)).toEqual({ emitted: 120, duplicates: 0, missed: 0, unknown: 0 });
		} finally {
			gates.releaseAll();
			trigger.close();
			await server.emulator.close();
		}
	});
});
