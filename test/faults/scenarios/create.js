/**
 * Scenarios for creates that are never paid for twice and never handed to the wrong item, and for
 * a delete that says what really happened. Each runs the Sora node inside n8n's engine against the
 * emulator behind a gateway (./gateway.js) that loses answers the way real gateways do.
 */
const crypto = require('crypto');
const { textToVideo: baseTextToVideo } = require('../../engine/setup');
const { image } = require('../../fixtures/media');
const { errorPage, promptOf, listLagging, clockShifted } = require('./gateway');

/** Idempotency keys do not help here: many gateways do not pass them on to the server that pays. */
const IGNORES_KEYS = { ignoreIdempotencyKeys: true };

/** Long enough for the lags below, short enough to keep the scenarios quick (the default is 45 s). */
const SEARCH_SECONDS = 15;

const sha256 = (buffer) => crypto.createHash('sha256').update(buffer).digest('hex');
const tag = () => crypto.randomBytes(3).toString('hex');
const sora2 = { __rl: true, mode: 'list', value: 'sora-2' };

const textToVideo = (options = {}) => baseTextToVideo({ options: { lostJobSearchSeconds: SEARCH_SECONDS, ...options } });

const imageToVideo = (prompt) => ({
	resource: 'video',
	operation: 'imageToVideo',
	prompt,
	imageSource: 'binary',
	binaryPropertyName: 'data',
	model: sora2,
	seconds: '4',
	size: '720x1280',
	options: { lostJobSearchSeconds: SEARCH_SECONDS },
});

const withImage = (buffer, name) => ({ json: {}, binary: { data: { buffer, mimeType: 'image/png', fileName: name } } });

/** What the emulator holds before a scenario acts, to count what it then accepted. */
function snapshot(emulator) {
	return { ids: new Set(emulator.jobs().map((job) => job.id)), acceptedCreates: emulator.stats.acceptedCreates };
}

/**
 * The figures of a create scenario. `outcomes`: per item, its output json and what its job must
 * have been made from (`prompt`, and `inputSha256` for a first frame). An item error counts as
 * honest only when it says the request was not sent again; `allowErrors` says whether a scenario
 * may end with such errors at all.
 */
function judge(emulator, before, outcomes, { allowErrors = false } = {}) {
	const jobs = new Map(emulator.jobs().map((job) => [job.id, job]));
	const problems = [];
	const handed = new Map();
	let delivered = 0;
	let itemErrors = 0;
	let honestErrors = 0;
	let wrong = 0;
	let duplicates = 0;
	for (const [position, { json, expect }] of outcomes.entries()) {
		if (json.error) {
			itemErrors++;
			const text = `${json.error} ${json.errorDescription ?? ''}`;
			if (/not sent again so that you are not charged twice/.test(text)) honestErrors++;
			if (!allowErrors) problems.push(`item ${position} failed: ${text}`);
			continue;
		}
		if (handed.has(json.id)) {
			duplicates++;
			problems.push(`items ${handed.get(json.id)} and ${position} both got ${json.id}`);
		}
		handed.set(json.id, position);
		const job = jobs.get(json.id);
		if (!job) {
			problems.push(`item ${position} got ${json.id}, which the server does not have`);
			continue;
		}
		const input = expect.inputSha256 === undefined || job.input_sha256 === expect.inputSha256;
		if (job.prompt !== expect.prompt || !input) {
			wrong++;
			problems.push(`item ${position} got ${json.id}, made from another item's ${input ? 'prompt' : 'first frame'}`);
			continue;
		}
		if (json.status === 'completed' || json.status === 'queued' || json.status === 'in_progress') delivered++;
		else problems.push(`item ${position}: ${json.id} is ${json.status}`);
	}
	const created = [...jobs.values()].filter((job) => !before.ids.has(job.id));
	const unclaimed = created.filter((job) => !handed.has(job.id)).length;
	const accepted = emulator.stats.acceptedCreates - before.acceptedCreates;
	const figures = {
		jobs: outcomes.length,
		delivered,
		itemErrors,
		wrong,
		duplicates,
		// A job no item received is lost unless an item's error said it may exist.
		lost: Math.max(0, unclaimed - honestErrors),
		extraCreates: Math.max(0, accepted - outcomes.length),
		problems,
	};
	if (figures.lost) problems.push(`${figures.lost} job(s) paid for but neither delivered nor named`);
	if (figures.extraCreates) problems.push(`${accepted} creates accepted for ${outcomes.length} items`);
	return figures;
}

/**
 * A gateway hook that loses the answers of the first `count` creates after forwarding them. It
 * holds each until the next one arrives (at most `holdMs`), forwards the later first and drops the
 * earlier's answer first: a recovery that guesses then takes the other item's job.
 */
function loseCreatesCrossed(count, holdMs = 1500) {
	let lost = 0;
	let batch;
	const release = async (group) => {
		batch = undefined;
		clearTimeout(group.timer);
		for (const member of [...group.members].reverse()) await member.forward();
		for (const [index, member] of group.members.entries()) setTimeout(() => member.drop('drop'), 300 * index);
	};
	return async ({ forward }) => {
		if (lost >= count) return undefined;
		lost++;
		return await new Promise((drop) => {
			const member = { forward, drop };
			if (!batch) {
				const group = { members: [member] };
				group.timer = setTimeout(() => release(group), holdMs);
				batch = group;
			} else {
				batch.members.push(member);
				release(batch);
			}
		});
	};
}

module.exports = [
	{
		name: 'list-lags-create',
		description:
			'A gateway answers the first create of each item with 504: for one item its upstream creates the job 2 s later, for one at once, for one never. Its list shows a job only 3 s after it exists. Each item must get exactly one job.',
		async run(env) {
			const emulator = await env.emulator(IGNORES_KEYS);
			const t = tag();
			const prompts = { late: `Lagging list ${t}: upstream creates late`, now: `Lagging list ${t}: created at once`, never: `Lagging list ${t}: never forwarded` };
			const fault = new Map(Object.entries(prompts).map(([kind, prompt]) => [prompt, kind]));
			let gateway;
			let late;
			gateway = await env.gateway(emulator, {
				create: async ({ request, forward }) => {
					const kind = fault.get(promptOf(request));
					if (!kind) return undefined;
					fault.delete(promptOf(request));
					if (kind === 'late') late = gateway.forwardLater(request, 2000);
					if (kind === 'now') await forward();
					return errorPage(504);
				},
				answer: listLagging(3000),
			});
			const before = snapshot(emulator);
			const items = Object.values(prompts).map((prompt) => ({ json: { prompt } }));
			const result = await env.runSora(gateway.baseUrl, textToVideo(), { inputItems: items });
			await late; // the job the gateway forwarded late exists by now, whatever the node did
			return judge(emulator, before, result.items.map((item, i) => ({ json: item.json, expect: { prompt: items[i].json.prompt } })));
		},
	},
	{
		name: 'clock-skew',
		description:
			"The server's clock is 2 minutes behind and the answers of both items' first creates are lost after the job was made. A job with item 0's prompt made before the run (by someone else) must not be taken.",
		async run(env) {
			const emulator = await env.emulator(IGNORES_KEYS);
			const t = tag();
			const prompts = [`Skewed clock ${t}: first`, `Skewed clock ${t}: second`];
			// Made before the run, outside it: another workflow's job with the same prompt.
			await fetch(`${emulator.baseUrl}/videos`, {
				method: 'POST',
				headers: { authorization: `Bearer ${env.apiKey}`, 'content-type': 'application/json' },
				body: JSON.stringify({ prompt: prompts[0] }),
			});
			const losing = new Set(prompts);
			const gateway = await env.gateway(emulator, {
				create: async ({ request, forward }) => {
					if (!losing.delete(promptOf(request))) return undefined;
					await forward();
					return 'drop';
				},
				answer: clockShifted(-120),
			});
			const before = snapshot(emulator);
			const items = prompts.map((prompt) => ({ json: { prompt } }));
			const result = await env.runSora(gateway.baseUrl, textToVideo(), { inputItems: items });
			return judge(emulator, before, result.items.map((item, i) => ({ json: item.json, expect: { prompt: prompts[i] } })));
		},
	},
	{
		name: 'same-prompt-different-inputs',
		description:
			'Two Image to Video items with the same prompt and different first frames; both answers are lost after the jobs were made, in the order that makes a guess take the wrong job. Each item must get the video made from its own image.',
		async run(env) {
			const emulator = await env.emulator(IGNORES_KEYS);
			const images = [image('png', 720, 1280), image('png', 720, 1280, ['-vf', 'negate'])];
			const gateway = await env.gateway(emulator, { create: loseCreatesCrossed(2) });
			const prompt = `One prompt, two first frames ${tag()}`;
			const before = snapshot(emulator);
			const result = await env.runSora(gateway.baseUrl, imageToVideo(prompt), { inputItems: images.map((buffer, i) => withImage(buffer, `frame-${i}.png`)) });
			return judge(emulator, before, result.items.map((item, i) => ({ json: item.json, expect: { prompt, inputSha256: sha256(images[i]) } })));
		},
	},
	{
		name: 'concurrent-executions',
		description:
			'Two executions of the same workflow at once (same prompt, each with its own first frame); the answers of both creates are lost after the jobs were made, crossed. Neither execution may take the other\'s job.',
		async run(env) {
			const emulator = await env.emulator(IGNORES_KEYS);
			const images = [image('png', 720, 1280, ['-vf', 'hflip']), image('png', 720, 1280, ['-vf', 'vflip'])];
			const gateway = await env.gateway(emulator, { create: loseCreatesCrossed(2) });
			const prompt = `The same workflow twice at once ${tag()}`;
			const before = snapshot(emulator);
			const results = await Promise.all(images.map((buffer, i) => env.runSora(gateway.baseUrl, imageToVideo(prompt), { inputItems: [withImage(buffer, `run-${i}.png`)] })));
			return judge(emulator, before, results.map((result, i) => ({ json: result.items[0]?.json ?? { error: result.error?.message }, expect: { prompt, inputSha256: sha256(images[i]) } })));
		},
	},
	{
		name: 'delete-unknown-id',
		description:
			'Delete says what happened: an id the server never had is an error even when the first answer is a 503; a video deleted by a first attempt whose answer was a 503 is reported deleted with a note; a 200 HTML page is an error, not a deletion.',
		async run(env) {
			const emulator = await env.emulator();
			const make = async () => {
				const response = await fetch(`${emulator.baseUrl}/videos`, {
					method: 'POST',
					headers: { authorization: `Bearer ${env.apiKey}`, 'content-type': 'application/json' },
					body: JSON.stringify({ prompt: `To be deleted ${tag()}` }),
				});
				const { id } = await response.json();
				await fetch(`${emulator.origin}/__emulator/videos/${id}/complete`, { method: 'POST' });
				return id;
			};
			const [deletedFirst, htmlPage] = [await make(), await make()];
			const before = snapshot(emulator);
			const unknown = 'video_0000000000000000000000000000000000';
			const firstDelete = new Set([unknown, deletedFirst]);
			const gateway = await env.gateway(emulator, {
				delete: async ({ request, forward }) => {
					const id = decodeURIComponent(request.url.split('/').pop());
					if (id === htmlPage) return { status: 200, headers: { 'content-type': 'text/html' }, body: Buffer.from('<html><body><h1>Welcome to nginx!</h1></body></html>') };
					if (!firstDelete.delete(id)) return undefined;
					if (id === deletedFirst) await forward(); // deleted upstream, answer lost
					return errorPage(503);
				},
			});
			const remove = (id) => env.runSora(gateway.baseUrl, { resource: 'video', operation: 'delete', videoId: { __rl: true, mode: 'id', value: id } });
			const outcomes = [
				[unknown, (json) => !json.deleted && /not found/i.test(json.error ?? '')],
				[deletedFirst, (json) => json.deleted === true && /already gone/i.test(json.note ?? '') && !emulator.jobs().some((job) => job.id === deletedFirst)],
				[htmlPage, (json) => !json.deleted && /^The server answered 200 with a page that is not JSON/.test(json.error ?? '') && emulator.jobs().some((job) => job.id === htmlPage)],
			];
			const problems = [];
			let delivered = 0;
			let itemErrors = 0;
			for (const [id, honest] of outcomes) {
				const json = (await remove(id)).items[0]?.json ?? {};
				if (json.error) itemErrors++;
				if (honest(json)) delivered++;
				else problems.push(`delete of ${id}: ${JSON.stringify(json)}`);
			}
			const accepted = emulator.stats.acceptedCreates - before.acceptedCreates;
			return { jobs: outcomes.length, delivered, itemErrors, extraCreates: accepted, problems };
		},
	},
];
