const { request } = require('undici');
const { startServer, PKG, API_KEY, harness, expectNoKey } = require('./setup');
const { probe } = require('../fixtures/media');

async function createJob(baseUrl, prompt, model = 'sora-2') {
	const response = await request(`${baseUrl}/videos`, {
		method: 'POST',
		headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
		body: JSON.stringify({ prompt, model, seconds: '4', size: '720x1280' }),
	});
	const body = await response.body.json();
	if (response.statusCode !== 200) throw new Error(JSON.stringify(body));
	return body;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function poller(server, parameters, staticData = {}) {
	const run = async (mode = 'trigger') =>
		await harness.runPoll({ pkg: PKG, nodeType: 'soraTrigger', credentials: server.credentials, parameters, staticData, mode });
	return { run, staticData };
}

describe('Sora Trigger', () => {
	test('churn: 1,000 jobs finishing in random order over 200+ polls, with duplicate polls and a state reload, each emitted exactly once', async () => {
		const server = await startServer({ jobMs: () => 100 + Math.floor(Math.random() * 4000), pollAfterMs: 0 });
		try {
			const parameters = { events: ['completed', 'failed'], onlyNew: true, options: { download: false } };
			let trigger = poller(server, parameters);
			expect(await trigger.run()).toBeNull(); // activation: nothing yet

			const TOTAL = 1000;
			const created = new Map();
			const emitted = new Map();
			let polls = 0;
			let duplicatePolls = 0;
			let reloads = 0;
			const record = (items) => {
				for (const item of items?.[0] ?? []) emitted.set(item.json.id, (emitted.get(item.json.id) ?? 0) + 1);
			};
			while ((created.size < TOTAL || emitted.size < TOTAL) && polls < 2000) {
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
				record(await trigger.run());
				polls++;
				if (polls % 13 === 0) {
					record(await trigger.run()); // n8n's scheduler may run a poll twice
					duplicatePolls++;
				}
				if (polls === 120) {
					// Restart: state reloaded from its saved JSON.
					trigger = poller(server, parameters, JSON.parse(JSON.stringify(trigger.staticData)));
					reloads++;
				}
				await sleep(created.size < TOTAL ? 10 : 40);
			}
			const duplicates = [...emitted.values()].filter((n) => n > 1).length;
			const missed = [...created.keys()].filter((id) => !emitted.has(id)).length;
			const unknown = [...emitted.keys()].filter((id) => !created.has(id)).length;

			const before = server.emulator.stats.requests.list ?? 0;
			expect(await trigger.run()).toBeNull();
			const idleRequests = (server.emulator.stats.requests.list ?? 0) - before;
			const stateSize = JSON.stringify(trigger.staticData).length;

			console.log(
				`trigger churn: videos=${created.size} polls=${polls} duplicatePolls=${duplicatePolls} reloads=${reloads} ` +
					`emitted=${emitted.size} duplicates=${duplicates} missed=${missed} requestsPerIdlePoll=${idleRequests} stateBytes=${stateSize}`,
			);
			expect(polls).toBeGreaterThanOrEqual(200);
			expect(duplicates).toBe(0);
			expect(missed).toBe(0);
			expect(unknown).toBe(0);
			expect(idleRequests).toBe(1);
			expect(stateSize).toBeLessThan(8000); // pruned: only the ids at the floor second remain, not one per video ever seen
		} finally {
			await server.emulator.close();
		}
	});

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
