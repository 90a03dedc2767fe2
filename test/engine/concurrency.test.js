/**
 * Many items in one run: the Concurrency option, submission overlapping with polling and
 * downloads, a server that caps running jobs, cancellation and Max Wait. Assertions are on counts
 * and on the order of events the emulator saw, never on durations.
 */
const { startServer, runSora, harness, PKG, textToVideo: baseTextToVideo } = require('./setup');

const textToVideo = (options = {}, overrides = {}) => baseTextToVideo({ prompt: '={{ "Clip number " + $json.n }}', options, ...overrides });

const inputs = (n) => Array.from({ length: n }, (_, i) => ({ json: { n: i } }));

/**
 * Every API request the emulator answers, in arrival order, with the order in which requests
 * arrived and ended (`seq`, `endSeq` on one counter) and how many creates were in flight at most.
 */
function watchRequests(emulator) {
	const log = [];
	let seq = 0;
	let creating = 0;
	let peakCreating = 0;
	emulator.server.on('request', (req, res) => {
		const url = new URL(req.url, 'http://emulator.local');
		if (url.pathname.startsWith('/__emulator')) return;
		const match = /\/videos(?:\/([^/]+))?(\/content)?$/.exec(url.pathname);
		const route = !match ? 'other' : !match[1] ? (req.method === 'POST' ? 'create' : 'list') : match[2] ? 'content' : 'retrieve';
		const entry = { route, id: match?.[1], seq: seq++, endSeq: undefined };
		log.push(entry);
		if (route === 'create') {
			creating++;
			peakCreating = Math.max(peakCreating, creating);
		}
		res.on('close', () => {
			entry.endSeq = seq++;
			if (route === 'create') creating--;
		});
	});
	return { log, peak: () => peakCreating };
}

describe('many items in one run', () => {
	test('Concurrency bounds the submissions in flight; every item comes back, in order', async () => {
		// Slow creates, so that the submissions really overlap.
		const server = await startServer({ jobMs: 300, faults: { slowMs: 150, rateSlow: 1, scope: ['create'] } });
		try {
			const requests = watchRequests(server.emulator);
			const result = await runSora(server.credentials, textToVideo({ concurrency: 3 }), { inputItems: inputs(12) });
			expect(result.error).toBeUndefined();
			expect(result.items.map((item) => item.json.prompt)).toEqual(inputs(12).map(({ json }) => `Clip number ${json.n}`));
			expect(result.items.map((item) => item.pairedItem.item)).toEqual(inputs(12).map((_, i) => i));
			expect(result.items.every((item) => item.json.status === 'completed' && item.binary?.data?.id)).toBe(true);
			expect(new Set(result.items.map((item) => item.json.id)).size).toBe(12);
			expect(requests.peak()).toBe(3);
			expect(server.emulator.stats.acceptedCreates).toBe(12);
		} finally {
			await server.emulator.close();
		}
	});

	test('a job is polled and downloaded while later items are still being submitted', async () => {
		const server = await startServer({ jobMs: 100, faults: { slowMs: 1500, rateSlow: 1, scope: ['create'] } });
		try {
			const requests = watchRequests(server.emulator);
			const result = await runSora(server.credentials, textToVideo({ concurrency: 1 }), { inputItems: inputs(3) });
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(3);
			const firstId = result.items[0].json.id;
			const firstDownload = requests.log.find((r) => r.route === 'content' && r.id === firstId);
			const lastCreate = requests.log.filter((r) => r.route === 'create').pop();
			// The first video was downloaded before the server had answered the last submission.
			expect(firstDownload.seq).toBeLessThan(lastCreate.endSeq);
		} finally {
			await server.emulator.close();
		}
	});

	test('a server that runs two jobs at a time: every item still completes, in order', async () => {
		const server = await startServer({ jobMs: 250, maxRunning: 2 });
		try {
			const result = await runSora(server.credentials, textToVideo(), { inputItems: inputs(8), continueOnFail: true });
			expect(result.error).toBeUndefined();
			expect(result.items.map((item) => [item.json.prompt, item.json.status, Boolean(item.binary?.data)])).toEqual(
				inputs(8).map(({ json }) => [`Clip number ${json.n}`, 'completed', true]),
			);
		} finally {
			await server.emulator.close();
		}
	});

	test('cancelling the execution stops the wait at once; the jobs are named, not lost', async () => {
		const server = await startServer({ jobMs: 600_000 });
		const requests = watchRequests(server.emulator);
		try {
			const run = harness.startNode({
				pkg: PKG,
				nodeType: 'sora',
				credentials: server.credentials,
				parameters: textToVideo(),
				inputItems: inputs(3),
			});
			// Cancel once the node knows every job (it has polled each): on a loaded machine a create can be
			// accepted by the server a moment before its answer reaches the node.
			const polledAll = () => server.emulator.jobs().length === 3 && server.emulator.jobs().every((job) => requests.log.some((r) => r.route === 'retrieve' && r.id === job.id));
			while (!polledAll()) await new Promise((resolve) => setTimeout(resolve, 50));
			await run.cancel();
			const result = await run.promise;
			// n8n records the node's own "cancelled" error; either way the run is over, with every job named.
			expect(['canceled', 'error']).toContain(result.status);
			if (result.error) {
				expect(result.error.message).toMatch(/cancelled/);
				for (const job of server.emulator.jobs()) expect(`${result.error.message} ${result.error.description}`).toContain(job.id);
			}
			expect(server.emulator.jobs().every((job) => job.status === 'in_progress')).toBe(true);
		} finally {
			await server.emulator.close();
		}
	});

	test('Max Wait ends the wait for a slow job with an error naming it; the other items are delivered', async () => {
		const server = await startServer({ jobMs: (video) => (video.prompt.endsWith('1') ? 600_000 : 200) });
		try {
			const result = await runSora(server.credentials, textToVideo({ maxWaitMinutes: 0.02 }), {
				inputItems: inputs(3),
				continueOnFail: true,
			});
			expect(result.error).toBeUndefined();
			expect(result.items.map((item) => item.json.status)).toEqual(['completed', 'in_progress', 'completed']);
			expect(result.items[1].json.error).toContain(result.items[1].json.id);
			expect(result.items[1].json.error).toMatch(/still running/);
			expect(result.items[1].binary).toBeUndefined();
		} finally {
			await server.emulator.close();
		}
	});
});
