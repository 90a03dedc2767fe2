/**
 * Scenarios of issue 24, each just outside what the earlier scenarios covered and each broken before
 * the invariants (README "Flaky servers, rate limits, lost answers" and "Exactly once: what is
 * promised") were kept by design; counterexamples the exploration (test/faults/explore.js) finds are
 * added here by name. They check the invariants, not one fix:
 *
 * - creates: a create is sent again only when the server's own list proves no job of it exists; else
 *   the item fails naming every job that may be it (its id, when the list shows one);
 * - trigger: every finished video emitted exactly once, with its MP4, whatever the server's clocks do;
 * - money: the cost limit prices the body that is sent; a cancelled create says what may exist;
 * - scheduler: one slow job among like ones does not spoil the watch of the next like jobs.
 */
const crypto = require('crypto');
const { textToVideo: baseTextToVideo } = require('../../engine/setup');
const harness = require('../../harness');
const { errorPage, clockShifted, stamped, json } = require('./gateway');
const { sleep, recorder, figures } = require('../../engine/triggerKit');

const tag = () => crypto.randomBytes(3).toString('hex');
const sora2 = { __rl: true, mode: 'list', value: 'sora-2' };
const IGNORES_KEYS = { ignoreIdempotencyKeys: true };

const textToVideo = (options = {}, extra = {}) => baseTextToVideo({ options: { lostJobSearchSeconds: 8, ...options }, ...extra });

async function makeJob(env, baseUrl, prompt, body = {}) {
	const response = await fetch(`${baseUrl}/videos`, {
		method: 'POST',
		headers: { authorization: `Bearer ${env.apiKey}`, 'content-type': 'application/json' },
		body: JSON.stringify({ prompt, model: 'sora-2', seconds: '4', size: '720x1280', ...body }),
	});
	return await response.json();
}

/**
 * The figures of a one-item create: its own job delivered, or an error that names every job the
 * server made for it (by id) and says nothing was sent again; never a second paid job, never
 * another's job.
 */
function judgeCreate(emulator, beforeIds, json, prompt, { strangers = new Set() } = {}) {
	const problems = [];
	const made = emulator.jobs().filter((job) => !beforeIds.has(job.id) && job.prompt === prompt && !strangers.has(job.id));
	let delivered = 0;
	let lost = 0;
	let wrong = 0;
	let itemErrors = 0;
	if (json.error) {
		itemErrors++;
		const text = `${json.error} ${json.errorDescription ?? ''}`;
		const unnamed = made.filter((job) => !text.includes(job.id));
		if (unnamed.length) {
			lost = unnamed.length;
			problems.push(`the item failed without naming ${unnamed.map((job) => job.id).join(', ')}: ${text}`);
		} else if (made.length) delivered++; // the honest outcome: every job that may be it is named
		else if (/not sent again/.test(text)) delivered++;
		else problems.push(`the item failed: ${text}`);
	} else if (strangers.has(json.id) || !made.some((job) => job.id === json.id)) {
		wrong++;
		problems.push(`the item got ${json.id}, not a job it made (${made.map((job) => job.id).join(', ') || 'none'})`);
	} else {
		delivered++;
		lost = made.filter((job) => job.id !== json.id).length;
	}
	const extraCreates = Math.max(0, made.length - 1);
	if (extraCreates) problems.push(`${made.length} paid jobs for one item`);
	if (lost && !json.error) problems.push(`${lost} paid job(s) neither delivered nor named`);
	return { jobs: 1, delivered, lost, wrong, itemErrors, extraCreates, problems };
}

/**
 * Two items with one prompt in one run: no job handed to both, at most two paid jobs, every paid job delivered or
 * named in an item's error; with `errorsAreProblems`, an item that failed is a problem too.
 */
function judgeAlikePair(emulator, before, prompt, result, { errorsAreProblems = false } = {}) {
	const outputs = result.items.map((item) => item.json);
	const made = emulator.jobs().filter((job) => !before.has(job.id) && job.prompt === prompt);
	const problems = [];
	const ids = outputs.filter((out) => !out.error).map((out) => out.id);
	const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
	if (twice.length) problems.push(`${twice.join(', ')} handed to both items`);
	if (made.length > 2) problems.push(`${made.length} paid jobs for 2 items`);
	const errors = outputs.filter((out) => out.error).map((out) => `${out.error} ${out.errorDescription ?? ''}`);
	const unnamed = made.filter((job) => !ids.includes(job.id) && !errors.some((text) => text.includes(job.id)));
	if (unnamed.length) problems.push(`${unnamed.length} paid job(s) neither delivered nor named`);
	if (errorsAreProblems && errors.length) problems.push(`${errors.length} item(s) failed: ${errors[0]}`);
	return { jobs: 2, delivered: ids.length - twice.length, duplicates: twice.length, lost: unnamed.length, itemErrors: errors.length, extraCreates: Math.max(0, made.length - 2), problems };
}

const triggerParameters = (options = {}) => ({ events: ['completed'], onlyNew: true, options: { download: false, maxPerPoll: 100, ...options } });

/** Makes `rounds` × `perRound` finished videos through the gateway, polling between rounds; then polls until all came. */
async function triggerRounds(env, gateway, trigger, rec, { rounds, perRound, pauseMs = 400, onRound = () => {} }) {
	const created = new Set();
	for (let round = 0; round < rounds; round++) {
		onRound(round);
		for (let k = 0; k < perRound; k++) created.add((await makeJob(env, gateway.baseUrl, `round ${round} clip ${k}`)).id);
		await sleep(pauseMs);
		rec.record(await trigger.poll());
	}
	for (let k = 0; k < 6 && [...created].some((id) => !rec.emitted.has(id)); k++) {
		await sleep(pauseMs);
		rec.record(await trigger.poll());
	}
	rec.record(await trigger.poll());
	return created;
}

module.exports = [
	{
		name: 'floor-read-fails-under-skew',
		description:
			"The server's clock is 10 min behind; the list read the node makes before its first create answers 503; the create's answer is lost after the server made the job. One job, or the item fails naming it; never two paid jobs.",
		async run(env) {
			const emulator = await env.emulator(IGNORES_KEYS);
			const prompt = `Skewed floor ${tag()}`;
			let lists = 0;
			let creates = 0;
			const gateway = await env.gateway(emulator, {
				list: async () => (++lists === 1 ? errorPage(503) : undefined),
				create: async ({ forward }) => {
					if (++creates > 1) return undefined;
					await forward();
					return 'drop';
				},
				answer: clockShifted(-600),
			});
			const before = new Set(emulator.jobs().map((job) => job.id));
			const result = await env.runSora(gateway.baseUrl, textToVideo(), { inputItems: [{ json: { prompt } }] });
			return judgeCreate(emulator, before, result.items[0]?.json ?? { error: result.error?.message }, prompt);
		},
	},
	{
		name: 'untimed-job-on-list',
		description:
			"One older job on the server shows no created_at; the create's answer is lost after the server made the job. One job, or the item fails naming it.",
		async run(env) {
			const emulator = await env.emulator(IGNORES_KEYS);
			emulator.setConfig({ omitCreatedAt: true });
			await makeJob(env, emulator.baseUrl, `Someone else's clip ${tag()}`);
			emulator.setConfig({ omitCreatedAt: false });
			const prompt = `Untimed neighbour ${tag()}`;
			let creates = 0;
			const gateway = await env.gateway(emulator, {
				create: async ({ forward }) => {
					if (++creates > 1) return undefined;
					await forward();
					return 'drop';
				},
				answer: clockShifted(-600),
			});
			const before = new Set(emulator.jobs().map((job) => job.id));
			const result = await env.runSora(gateway.baseUrl, textToVideo(), { inputItems: [{ json: { prompt } }] });
			return judgeCreate(emulator, before, result.items[0]?.json ?? { error: result.error?.message }, prompt);
		},
	},
	{
		name: 'stranger-after-failed-floor',
		description:
			"The list read before the first create answers 503; someone else made a job with the same request shortly before; the create's answer is lost after the server made the job. The item must not be handed the stranger's job, and its own must be delivered or named.",
		async run(env) {
			const emulator = await env.emulator(IGNORES_KEYS);
			const prompt = `Stranger's twin ${tag()}`;
			const stranger = await makeJob(env, emulator.baseUrl, prompt);
			await sleep(1100); // a second later on the server's clock
			let lists = 0;
			let creates = 0;
			const gateway = await env.gateway(emulator, {
				list: async () => (++lists === 1 ? errorPage(503) : undefined),
				create: async ({ forward }) => {
					if (++creates > 1) return undefined;
					await forward();
					return 'drop';
				},
			});
			const before = new Set(emulator.jobs().map((job) => job.id));
			const result = await env.runSora(gateway.baseUrl, textToVideo(), { inputItems: [{ json: { prompt } }] });
			return judgeCreate(emulator, before, result.items[0]?.json ?? { error: result.error?.message }, prompt, { strangers: new Set([stranger.id]) });
		},
	},
	{
		name: 'stranger-mid-run',
		description:
			"A run of two items, one at a time (Concurrency 1). While the first item's create is on the server, someone else makes a job with the second item's exact request (directly on the server); the second item's create answer is then lost after the server made its job. The stranger's job came after the run began but before the second item's send: the second item must not be handed it, and its own job must be delivered or named.",
		async run(env) {
			const emulator = await env.emulator(IGNORES_KEYS);
			const t = tag();
			const [first, second] = [`Mid-run first ${t}`, `Mid-run second ${t}`];
			let stranger;
			let creates = 0;
			const gateway = await env.gateway(emulator, {
				create: async ({ forward }) => {
					const n = ++creates;
					if (n === 1) {
						const answer = await forward();
						stranger = await makeJob(env, emulator.baseUrl, second);
						await sleep(1100); // the second item's job is a second later on the server's clock
						return answer;
					}
					if (n === 2) {
						await forward();
						return 'drop';
					}
					return undefined;
				},
			});
			const before = new Set(emulator.jobs().map((job) => job.id));
			const result = await env.runSora(gateway.baseUrl, textToVideo({ concurrency: 1 }), { inputItems: [{ json: { prompt: first } }, { json: { prompt: second } }] });
			const outputs = [0, 1].map((i) => result.items[i]?.json ?? { error: result.error?.message });
			const strangers = new Set(stranger ? [stranger.id] : []);
			const a = judgeCreate(emulator, before, outputs[0], first, { strangers });
			const b = judgeCreate(emulator, before, outputs[1], second, { strangers });
			const problems = [...(stranger ? [] : ['the stranger was never made: the scenario did not run as meant']), ...a.problems, ...b.problems];
			return { jobs: 2, delivered: a.delivered + b.delivered, lost: a.lost + b.lost, wrong: a.wrong + b.wrong, itemErrors: a.itemErrors + b.itemErrors, extraCreates: a.extraCreates + b.extraCreates, problems };
		},
	},
	{
		name: 'alike-lost-across-replicas',
		description:
			"Two identical items of one execution, both answers lost after the server made their jobs. The second item reads its baseline (the list right before its send) after the first item's job was made; replicas behind the gateway stamp that first job 5 s later than the second's. Each item gets one of the two jobs, none is paid for twice: the second item's baseline must not hide its own job behind the first's later stamp. (Passed with one baseline per run, as at 6b1a77e; failed with the per-send baseline of this change before its time line left out jobs with the item's own prompt: 3 paid jobs, one named nowhere.)",
		async run(env) {
			const emulator = await env.emulator(IGNORES_KEYS);
			const prompt = `Alike across replicas ${tag()}`;
			let lists = 0;
			let creates = 0;
			let stamps = 0;
			let firstMade;
			const made = new Promise((resolve) => (firstMade = resolve));
			let secondArrived;
			const arrived = new Promise((resolve) => (secondArrived = resolve));
			const gateway = await env.gateway(emulator, {
				// The second baseline read waits until the first item's job exists, so it lists that job.
				list: async () => {
					if (++lists === 2) await made;
					return undefined;
				},
				create: async ({ forward }) => {
					const n = ++creates;
					if (n > 2) return undefined;
					await forward();
					if (n === 1) {
						firstMade();
						await arrived; // the first answer is lost first, so the first item looks first
						return 'drop';
					}
					secondArrived();
					await sleep(300);
					return 'drop';
				},
				answer: stamped(() => (stamps++ === 0 ? 5 : 0)),
			});
			const before = new Set(emulator.jobs().map((job) => job.id));
			const result = await env.runSora(gateway.baseUrl, textToVideo(), { inputItems: [{ json: { prompt } }, { json: { prompt } }] });
			return judgeAlikePair(emulator, before, prompt, result, { errorsAreProblems: true });
		},
	},
	{
		name: 'next-item-behind-replica',
		description:
			"Two items with different prompts, one at a time (Concurrency 1); a replica stamps the first item's job 5 s ahead of the second's, and the second item's answer is lost after the server made its job. The second item's baseline lists the first item's job: that job, held by an item of this process, must not set the time line that hides the second item's own job (which would be sent again: two paid jobs). Passed at 6b1a77e (one baseline per run), failed with this change's per-send baseline before its time line left out jobs our items hold.",
		async run(env) {
			const emulator = await env.emulator(IGNORES_KEYS);
			const t = tag();
			const [first, second] = [`Ahead ${t}`, `Behind ${t}`];
			let creates = 0;
			let stamps = 0;
			const gateway = await env.gateway(emulator, {
				create: async ({ forward }) => {
					if (++creates !== 2) return undefined;
					await forward();
					return 'drop';
				},
				answer: stamped(() => (stamps++ === 0 ? 5 : 0)),
			});
			const before = new Set(emulator.jobs().map((job) => job.id));
			const result = await env.runSora(gateway.baseUrl, textToVideo({ concurrency: 1 }), { inputItems: [{ json: { prompt: first } }, { json: { prompt: second } }] });
			const outputs = [0, 1].map((i) => result.items[i]?.json ?? { error: result.error?.message });
			const a = judgeCreate(emulator, before, outputs[0], first);
			const b = judgeCreate(emulator, before, outputs[1], second);
			return { jobs: 2, delivered: a.delivered + b.delivered, lost: a.lost + b.lost, wrong: a.wrong + b.wrong, itemErrors: a.itemErrors + b.itemErrors, extraCreates: a.extraCreates + b.extraCreates, problems: [...a.problems, ...b.problems] };
		},
	},
	{
		name: 'explore-replica-behind-stranger',
		description:
			"Found by npm run explore (seed 1303818945, path 8:0:2:2:2:3:5:5:5:5:5), shrunk by hand: someone else's job (another prompt) is on the server; a replica stamps this item's job 5 s behind it, and the item's answer is lost after the server made the job. The item's job, stamped before the newest job its baseline read showed but not listed by it, must not be taken for absent (it was sent again: two paid jobs, one named nowhere): delivered, or named in the item's error.",
		async run(env) {
			const emulator = await env.emulator(IGNORES_KEYS);
			await makeJob(env, emulator.baseUrl, `Someone else's clip ${tag()}`);
			await sleep(1100); // this item's job is made a second later on the server's clock, then stamped 5 s back
			const prompt = `Behind a stranger ${tag()}`;
			let creates = 0;
			let stamps = 0;
			const gateway = await env.gateway(emulator, {
				create: async ({ forward }) => {
					if (++creates > 1) return undefined;
					await forward();
					return 'drop';
				},
				answer: stamped(() => (stamps++ === 0 ? 0 : -5)),
			});
			const before = new Set(emulator.jobs().map((job) => job.id));
			const result = await env.runSora(gateway.baseUrl, textToVideo(), { inputItems: [{ json: { prompt } }] });
			return judgeCreate(emulator, before, result.items[0]?.json ?? { error: result.error?.message }, prompt);
		},
	},
	{
		name: 'busy-replica-behind',
		description:
			"Found by review: explore-replica-behind-stranger on a busy server. 25 jobs of other prompts made within a second, then this item's job, stamped 5 s behind them by another replica; its answer is lost after the server made it. The newest 20 jobs span under a second, so the list must not count as read back past the send at the oldest of them (the item was sent again: two paid jobs): its job is delivered, or named in the item's error.",
		async run(env) {
			const emulator = await env.emulator(IGNORES_KEYS);
			for (let i = 0; i < 25; i++) await makeJob(env, emulator.baseUrl, `Someone else ${i} ${tag()}`);
			await sleep(1100);
			const prompt = `Busy and behind ${tag()}`;
			let creates = 0;
			const gateway = await env.gateway(emulator, {
				create: async ({ forward }) => {
					if (++creates > 1) return undefined;
					await forward();
					return 'drop';
				},
				answer: stamped((video) => (video.prompt === prompt ? -5 : 0)),
			});
			const before = new Set(emulator.jobs().map((job) => job.id));
			const result = await env.runSora(gateway.baseUrl, textToVideo(), { inputItems: [{ json: { prompt } }] });
			return judgeCreate(emulator, before, result.items[0]?.json ?? { error: result.error?.message }, prompt);
		},
	},
	{
		name: 'replica-clocks',
		description:
			'Two gateway replicas whose clocks are 30 s apart take creates in turn (each job keeps the time of the replica that made it): the trigger emits all 30 finished videos exactly once.',
		async run(env) {
			const emulator = await env.emulator({ jobMs: 0 });
			let creates = 0;
			const gateway = await env.gateway(emulator, { answer: stamped(() => (creates++ % 2 === 0 ? 0 : -30)) });
			const trigger = await env.activeWorkflow(gateway.baseUrl, triggerParameters());
			const rec = recorder();
			if ((await trigger.poll()) !== null) return { problems: ['the activation poll emitted videos'] };
			const created = await triggerRounds(env, gateway, trigger, rec, { rounds: 6, perRound: 5 });
			return figures(rec, created, []);
		},
	},
	{
		name: 'clock-steps-back',
		description:
			"The server's clock runs 30 s fast for the first 15 videos, then is corrected: the trigger emits all 30 finished videos exactly once.",
		async run(env) {
			const emulator = await env.emulator({ jobMs: 0 });
			let shift = 30;
			const gateway = await env.gateway(emulator, { answer: stamped(() => shift) });
			const trigger = await env.activeWorkflow(gateway.baseUrl, triggerParameters());
			const rec = recorder();
			if ((await trigger.poll()) !== null) return { problems: ['the activation poll emitted videos'] };
			const created = await triggerRounds(env, gateway, trigger, rec, { rounds: 6, perRound: 5, onRound: (round) => (shift = round < 3 ? 30 : 0) });
			return figures(rec, created, []);
		},
	},
	{
		name: 'completed-not-ready',
		description:
			'A gateway lists videos completed a few seconds before their download works (400 video_not_ready meanwhile): each is tried again and emitted once WITH its MP4, not with download_error.',
		async run(env) {
			const emulator = await env.emulator({ jobMs: 0 });
			const readyAt = new Map();
			const gateway = await env.gateway(emulator, {
				content: async ({ request }) => {
					const id = decodeURIComponent(request.url.split('/').slice(-2)[0]);
					if (!readyAt.has(id)) readyAt.set(id, Date.now() + 3000);
					if (Date.now() >= readyAt.get(id)) return undefined;
					const body = { error: { message: `Video '${id}' is not ready yet.`, type: 'invalid_request_error', param: 'video_id', code: 'video_not_ready' } };
					return { status: 400, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) };
				},
			});
			const trigger = await env.activeWorkflow(gateway.baseUrl, triggerParameters({ download: true }));
			const rec = recorder();
			if ((await trigger.poll()) !== null) return { problems: ['the activation poll emitted videos'] };
			const created = new Set();
			for (let k = 0; k < 3; k++) created.add((await makeJob(env, gateway.baseUrl, `not ready ${k}`)).id);
			for (let k = 0; k < 30 && [...created].some((id) => !rec.emitted.has(id)); k++) {
				await sleep(500);
				rec.record(await trigger.poll());
			}
			rec.record(await trigger.poll());
			return figures(rec, created, [], { download: true });
		},
	},
	{
		name: 'cost-with-body-fields',
		description:
			'Max Estimated Cost $1 with Additional Body Fields {"model":"sora-2-pro","size":"1792x1024","seconds":"12"}: the limit prices what is sent, so the item is refused before anything is paid.',
		async run(env) {
			const emulator = await env.emulator();
			const before = emulator.stats.acceptedCreates;
			const parameters = textToVideo({
				maxCostPerExecution: 1,
				additionalBodyFields: JSON.stringify({ model: 'sora-2-pro', size: '1792x1024', seconds: '12' }),
			});
			const result = await env.runSora(emulator.baseUrl, parameters, { inputItems: [{ json: { prompt: `Priced as sent ${tag()}` } }] });
			const item = result.items[0]?.json ?? { error: result.error?.message };
			const accepted = emulator.stats.acceptedCreates - before;
			const problems = [];
			if (accepted) problems.push(`${accepted} job(s) submitted past a $1 limit (sora-2-pro 1792x1024 12 s is about $6)`);
			if (!/limit/i.test(item.error ?? '')) problems.push(`the item was not refused by the limit: ${JSON.stringify(item).slice(0, 200)}`);
			return { jobs: 1, delivered: problems.length ? 0 : 1, itemErrors: item.error ? 1 : 0, extraCreates: accepted, problems };
		},
	},
	{
		name: 'cancel-mid-create',
		description:
			"The execution is cancelled while a create is on the wire (the server made the job, its answer has not come): the item's error names the job that may exist (by id once the list shows it, else by prompt and time).",
		async run(env) {
			const emulator = await env.emulator(IGNORES_KEYS);
			const prompt = `Cancelled mid-create ${tag()}`;
			let arrived;
			const onWire = new Promise((resolve) => (arrived = resolve));
			let letGo;
			const held = new Promise((resolve) => (letGo = resolve));
			const gateway = await env.gateway(emulator, {
				create: async ({ forward }) => {
					await forward();
					arrived();
					await held;
					return 'drop';
				},
			});
			const run = harness.startNode({
				pkg: require('path').resolve(__dirname, '../../..'),
				nodeType: 'sora',
				credentials: env.credentials(gateway.baseUrl),
				parameters: textToVideo(),
				inputItems: [{ json: { prompt } }],
			});
			await onWire;
			await sleep(200);
			await run.cancel();
			const result = await run.promise;
			letGo();
			const [job] = emulator.jobs().filter((one) => one.prompt === prompt);
			const text = JSON.stringify([result.error, result.executionError, result.items.map((item) => item.json)]);
			const problems = [];
			if (!job) problems.push('the server made no job: the scenario did not cancel mid-create');
			else if (!text.includes(job.id) && !text.includes(prompt)) problems.push(`the cancelled execution names no job that may exist: ${text.slice(0, 300)}`);
			return { jobs: 1, delivered: problems.length ? 0 : 1, lost: problems.length && job ? 1 : 0, problems };
		},
	},
	{
		name: 'scheduler-outlier',
		description:
			'Like jobs (same model, size, seconds; progress "none") take 20 s, one took 60 s: the next like jobs are still each seen within 1.5 s of finishing with at most 10 status requests.',
		async run(env) {
			const LIKE_MS = 20_000;
			const OUTLIER_MS = 60_000;
			const emulator = await env.emulator({ progressProfile: 'none', pollAfterMs: 0, jobMs: (video) => (/outlier/.test(video.prompt) ? OUTLIER_MS : LIKE_MS) });
			const createdAt = new Map();
			const seenDone = new Map();
			const gateway = await env.gateway(emulator, {
				answer: (route, answer) => {
					const body = json(answer);
					if (route === 'create' && body?.id) createdAt.set(body.id, Date.now());
					if (route === 'retrieve' && body?.status === 'completed' && !seenDone.has(body.id)) seenDone.set(body.id, Date.now());
					return answer;
				},
			});
			const t = tag();
			const items = (prompts) => prompts.map((prompt) => ({ json: { prompt } }));
			const parameters = textToVideo({}, { model: sora2 });
			const first = await env.runSora(gateway.baseUrl, parameters, { inputItems: items([`${t} like a`, `${t} like b`, `${t} like c`, `${t} outlier`]) });
			const second = await env.runSora(gateway.baseUrl, parameters, { inputItems: items([`${t} next a`, `${t} next b`, `${t} next c`]) });
			const problems = [];
			const failed = [...first.items, ...second.items].filter((item) => item.json.error);
			if (failed.length) problems.push(`${failed.length} item(s) failed: ${failed[0].json.error}`);
			const retrieves = (id) => gateway.requests.filter((r) => r.route === 'retrieve' && r.url.includes(id)).length;
			const rows = second.items.map((item) => ({ id: item.json.id, lagMs: (seenDone.get(item.json.id) ?? Infinity) - ((createdAt.get(item.json.id) ?? 0) + LIKE_MS), requests: retrieves(item.json.id) }));
			// The lag is a wall-clock figure: a timing problem, which `npm run test:faults` counts and jest only reports
			// (no timed assertions in tests on a shared machine; `npm run bench` measures it as a figure).
			const timing = [];
			for (const f of rows) {
				if (f.requests > 10) problems.push(`${f.id}: ${f.requests} status requests (at most 10)`);
				if (f.lagMs > 1500) timing.push(`${f.id}: seen ${(f.lagMs / 1000).toFixed(1)} s after it finished (at most 1.5 s)`);
			}
			const spoilt = new Set(problems.map((p) => p.split(':')[0])).size;
			return { jobs: rows.length, delivered: rows.length - spoilt, problems, timing };
		},
	},
	{
		name: 'explore-downtime-cursor-ignored',
		description:
			'Found by npm run explore (seed 1292956553, path 0:0:0:0:0:0:0:0:0:1:1:2): 120 videos finish while the trigger is off, on a server that ignores the list cursor, with Max Videos per Poll 3. The server shows only its newest 100 (a documented limit): each of those is emitted exactly once, none of the rest is emitted twice.',
		async run(env) {
			const emulator = await env.emulator({ jobMs: 0, ignoreCursor: true });
			const trigger = await env.activeWorkflow(emulator.baseUrl, triggerParameters({ maxPerPoll: 3 }));
			const rec = recorder();
			if ((await trigger.poll()) !== null) return { problems: ['the activation poll emitted videos'] };
			for (let k = 0; k < 120; k += 20) await Promise.all(Array.from({ length: 20 }, (_, j) => makeJob(env, emulator.baseUrl, `while off ${k + j}`)));
			await sleep(300);
			const response = await fetch(`${emulator.baseUrl}/videos?order=desc&limit=100`, { headers: { authorization: `Bearer ${env.apiKey}` } });
			const shown = new Set((await response.json()).data.map((video) => video.id));
			for (let k = 0; k < 40 && [...shown].some((id) => !rec.emitted.has(id)); k++) rec.record(await trigger.poll());
			rec.record(await trigger.poll());
			const problems = [];
			const twice = [...rec.emitted].filter(([, n]) => n > 1).length;
			const hidden = [...rec.emitted.keys()].filter((id) => !shown.has(id)).length;
			if (hidden) problems.push(`${hidden} video(s) the server never showed were emitted`);
			if (twice) problems.push(`${twice} video(s) emitted more than once`);
			return figures(rec, shown, problems);
		},
	},
	{
		name: 'explore-clock-steps-back-twice',
		description:
			"Near npm run explore's counterexample seed 1293772221 (three steps back of 25 s lose a video: beyond the documented 60 s): the server's clock steps back 25 s twice between polls, 50 s in all, within the tolerance: every finished video is emitted exactly once.",
		async run(env) {
			const emulator = await env.emulator({ jobMs: 0 });
			let shift = 0;
			const gateway = await env.gateway(emulator, { answer: stamped(() => shift) });
			const trigger = await env.activeWorkflow(gateway.baseUrl, triggerParameters({ maxPerPoll: 3 }));
			const rec = recorder();
			if ((await trigger.poll()) !== null) return { problems: ['the activation poll emitted videos'] };
			const created = await triggerRounds(env, gateway, trigger, rec, { rounds: 3, perRound: 2, onRound: (round) => (shift = -25 * round) });
			return figures(rec, created, []);
		},
	},
	{
		name: 'explore-idempotent-replay-taken',
		description:
			"Found by npm run explore (seed 1295099361, path 48:0:1:7:3:4): two identical items of one execution on a server that honours idempotency keys; the first create is answered 503 before reaching the server, the second's answer is lost after the server made its job. The first item's recovery adopts that job (identical creates share their jobs); the second item, sending again under its key, is answered with the same job: it must not be handed to both.",
		async run(env) {
			const emulator = await env.emulator();
			let requests = 0;
			const gateway = await env.gateway(emulator, {
				create: async ({ forward }) => {
					const n = ++requests;
					if (n === 1) return errorPage(503);
					if (n === 2) {
						await forward();
						return 'drop';
					}
					return undefined;
				},
			});
			const prompt = `Two alike ${tag()}`;
			const before = new Set(emulator.jobs().map((job) => job.id));
			const result = await env.runSora(gateway.baseUrl, textToVideo(), { inputItems: [{ json: { prompt } }, { json: { prompt } }] });
			return judgeAlikePair(emulator, before, prompt, result);
		},
	},
];
