/**
 * A video listed completed whose download keeps answering 400 video_not_ready (a gateway that reports
 * completion early): it is handed back, poll after poll, and emitted with download_error only once
 * NOT_READY_MS (10 minutes) have passed since the first such answer — never dropped, never without a try.
 */
const { startEmulator } = require('../emulator');
const { startGateway } = require('../faults/scenarios/gateway');
const { API_KEY, harness, PKG } = require('./setup');
const { createJob, sleep } = require('./triggerKit');

jest.setTimeout(120_000);

test('not ready: handed back while young, reported with download_error after 10 minutes', async () => {
	const emulator = await startEmulator({ port: 0, jobMs: 0, pollAfterMs: 100, apiKey: API_KEY, captions: false, mediaMode: 'lazy' });
	let refusals = 0;
	const gateway = await startGateway(emulator.origin, {
		content: async ({ request }) => {
			refusals++;
			const id = decodeURIComponent(request.url.split('/').slice(-2)[0]);
			const body = { error: { message: `Video '${id}' is not ready yet.`, type: 'invalid_request_error', param: 'video_id', code: 'video_not_ready' } };
			return { status: 400, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) };
		},
	});
	const credentials = { soraApi: { apiKey: API_KEY, baseUrl: gateway.baseUrl, authHeader: 'bearer' } };
	const trigger = await harness.activeWorkflow({ pkg: PKG, nodeType: 'soraTrigger', credentials, parameters: { events: ['completed'], onlyNew: true, options: { download: true } } });
	try {
		expect(await trigger.poll()).toBeNull();
		const job = await createJob(gateway.baseUrl, 'never ready');
		await sleep(200);
		for (let k = 0; k < 4; k++) expect(await trigger.poll()).toBeNull();
		expect(refusals).toBeGreaterThanOrEqual(4);
		const state = trigger.workflow.staticData['node:Poll Trigger'].sora;
		expect(Object.keys(state.notReady)).toEqual([job.id]);
		expect(state.tries?.[job.id]).toBeUndefined(); // "not ready" is not a failure that counts towards MAX_TRIES
		// Ten minutes and a second later (the state records when it was first refused, on n8n's clock).
		state.notReady[job.id] -= 10 * 60_000 + 1000;
		const out = await trigger.poll();
		expect(out[0]).toHaveLength(1);
		expect(out[0][0].json).toMatchObject({ id: job.id, status: 'completed' });
		expect(out[0][0].json.download_error).toMatch(/not ready/);
		expect(out[0][0].binary).toBeUndefined();
		expect(await trigger.poll()).toBeNull();
	} finally {
		trigger.close();
		await gateway.close();
		await emulator.close();
	}
});
