#!/usr/bin/env node
'use strict';
/**
 * This package on n8n's distributed engine (`npm run e2e:queue [-- --json out.json]`, issue #15).
 *
 * Starts from scratch on this machine: Postgres and Redis (Debian packages; apt-get installs them and ffmpeg when
 * missing and we are root), the Sora emulator (test/emulator, its real HTTP server), n8n 2.40.7 main in queue mode
 * and two `n8n worker` processes sharing one encryption key, each with its own user folder where the packed package
 * is installed the way n8n installs community packages. Then, as production executions only (webhook- and
 * trigger-started; manual runs would stay on main):
 *
 *   database binary mode (n8n's queue-mode default)
 *     1. load: 20 concurrent webhook calls × 5 items (100 video jobs); each finished MP4 is written to disk by the
 *        worker, probed with ffprobe and compared with the emulator's sha256; both workers must have run executions;
 *     2. trigger: the Sora Trigger on main (Max Videos per Poll 1, a poll every second) delivers 50 finished videos
 *        as 50 executions on the workers, each writing its MP4 (so the binary is readable on the worker);
 *     3. big video: one 256 MB MP4 stored and written back, for the peak-RSS figures;
 *     4. worker kill: a worker is SIGKILLed while its execution waits for 4 renders; the recovery Sora Trigger (the
 *        documented pattern, docs/queue-mode.md) must deliver each of the 4 exactly once;
 *   oversize (workers restarted with N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE=1, MiB)
 *     5. a 1.2 MB video is an item error naming the cap and the setting (recorded verbatim);
 *   filesystem binary mode on a shared folder (all processes restarted)
 *     6. load, trigger and big video again.
 *
 * Stops everything it started, also on failure, SIGINT and SIGTERM. Exits 1 when a check fails.
 * Settings: SORA_QUEUE_JOB_MS (emulator render time, default 2000), SORA_QUEUE_BIG_MB (decimal MB, default 256, 0 = skip),
 * N8N_SORA_CACHE (the Node 24 + n8n cache of scripts/n8n-runtime.js).
 */
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { request } = require('undici');

const rt = require('./n8n-runtime');
const q = require('./queue-runtime');

const T0 = Date.now();
const OUT = path.join(rt.ROOT, 'out', 'e2e-queue');
const LOGS = path.join(OUT, 'logs');
const FILES = path.join(OUT, 'files');
const SHARED_BINARY = path.join(OUT, 'binary-data');
const PG_DIR = path.join(os.tmpdir(), `sora-queue-pg-${process.pid}`);
const JOB_MS = Number(process.env.SORA_QUEUE_JOB_MS || 2000);
const KILL_JOB_MS = 20_000;
/**
 * The big video is 256 MB (decimal). 256 MiB (268,435,456 bytes) is stored in database mode but cannot be read back:
 * node-postgres receives bytea as hex text, and 2 × 256 MiB characters exceed V8's longest string (docs/queue-mode.md).
 */
const BIG_BYTES = Math.round(Number(process.env.SORA_QUEUE_BIG_MB ?? 256) * 1e6);
const LOAD = { executions: 20, items: 5 };
const TRIGGER_VIDEOS = 50;
const KILL_ITEMS = 4;
const OVERSIZE_CAP_MIB = 1;
const WORKERS = ['worker1', 'worker2'];
const ENCRYPTION_KEY = crypto.randomBytes(24).toString('hex');
const MODEL = 'sora-2';
const CLIP = { seconds: '4', size: '720x1280' };

const IDS = {
	load: 'soraQueueLoad01',
	kill: 'soraQueueKill01',
	oversize: 'soraQueueOver01',
	trigger: 'soraQueueTrg050',
	recovery: 'soraQueueRecov1',
};
const PATHS = { load: 'sora-queue-load', kill: 'sora-queue-kill', oversize: 'sora-queue-oversize' };
const TAGS = { load: '#q-load', kill: '#q-kill', oversize: '#q-oversize', trigger: '#q-trigger', big: '#q-big' };

const failures = [];
const steps = [];
function check(label, ok, detail = '') {
	steps.push({ label, ok, detail });
	rt.log(`  ${ok ? '✓' : '✗'} ${label}${detail ? `: ${detail}` : ''}`);
	if (!ok) failures.push(`${label}${detail ? `: ${detail}` : ''}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Workflows (built here: they are test fixtures, not examples)

function soraNode(name, position, extra = {}) {
	return {
		parameters: {
			resource: 'video',
			operation: 'textToVideo',
			prompt: '={{ $json.prompt }}',
			model: { __rl: true, mode: 'id', value: MODEL },
			seconds: CLIP.seconds,
			size: CLIP.size,
			waitForCompletion: true,
			options: {},
		},
		id: crypto.randomUUID(),
		name,
		type: 'n8n-nodes-sora.sora',
		typeVersion: 1,
		position,
		credentials: { soraApi: { id: rt.CREDENTIAL_ID, name: 'Sora API' } },
		...extra,
	};
}

/** Writes the MP4 the worker holds to FILES/<dir>/<execution id>--<video id>.mp4 (so the harness knows who delivered what). */
function writeNode(dir, position) {
	return {
		parameters: {
			operation: 'write',
			fileName: `={{ ${JSON.stringify(path.join(FILES, dir))} + "/" + $execution.id + "--" + $binary.data.fileName }}`,
			dataPropertyName: 'data',
			options: {},
		},
		id: crypto.randomUUID(),
		name: 'Write MP4',
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1.1,
		position,
	};
}

function chain(nodes) {
	const connections = {};
	for (let i = 0; i + 1 < nodes.length; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return connections;
}

/** Webhook (POST {items:[{prompt}]}) → Split Out → Sora (wait for completion) [→ Write MP4]. */
function webhookWorkflow(id, name, webhookPath, { responseMode, writeDir, soraExtra }) {
	const nodes = [
		{
			parameters: { httpMethod: 'POST', path: webhookPath, responseMode, ...(responseMode === 'lastNode' ? { responseData: 'allEntries' } : {}), options: {} },
			id: crypto.randomUUID(),
			webhookId: crypto.randomUUID(),
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
		},
		{
			parameters: { fieldToSplitOut: 'body.items', include: 'noOtherFields', options: {} },
			id: crypto.randomUUID(),
			name: 'One Item per Prompt',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			position: [220, 0],
		},
		soraNode('Generate Video', [440, 0], soraExtra),
	];
	if (writeDir) nodes.push(writeNode(writeDir, [660, 0]));
	return { id, name, active: false, isArchived: false, nodes, connections: chain(nodes), settings: { executionOrder: 'v1' }, pinData: {} };
}

/** Sora Trigger (poll every `everySeconds`, prompt filter) → Write MP4. n8n refuses one cron under a minute, not several. */
function triggerWorkflow(id, name, { promptContains, maxPerPoll, everySeconds, writeDir }) {
	const item = [];
	for (let second = 0; second < 60; second += everySeconds) item.push({ mode: 'custom', cronExpression: `${second} * * * * *` });
	const nodes = [
		{
			parameters: { pollTimes: { item }, events: ['completed'], onlyNew: true, filters: { promptContains }, options: { maxPerPoll } },
			id: crypto.randomUUID(),
			name: 'When a Video Is Finished',
			type: 'n8n-nodes-sora.soraTrigger',
			typeVersion: 1,
			position: [0, 0],
			credentials: { soraApi: { id: rt.CREDENTIAL_ID, name: 'Sora API' } },
		},
		writeNode(writeDir, [240, 0]),
	];
	return { id, name, active: false, isArchived: false, nodes, connections: chain(nodes), settings: { executionOrder: 'v1' }, pinData: {} };
}

function workflows() {
	return [
		webhookWorkflow(IDS.load, 'Queue e2e: load (webhook, wait, write)', PATHS.load, { responseMode: 'lastNode', writeDir: 'load' }),
		webhookWorkflow(IDS.kill, 'Queue e2e: waits for renders (worker killed)', PATHS.kill, { responseMode: 'onReceived', writeDir: 'kill-wait' }),
		webhookWorkflow(IDS.oversize, 'Queue e2e: oversize video', PATHS.oversize, { responseMode: 'lastNode', soraExtra: { onError: 'continueRegularOutput' } }),
		triggerWorkflow(IDS.trigger, 'Queue e2e: Sora Trigger delivers finished videos', { promptContains: TAGS.trigger, maxPerPoll: 1, everySeconds: 1, writeDir: 'trigger' }),
		triggerWorkflow(IDS.recovery, 'Queue e2e: Sora Trigger recovers videos of a dead worker', { promptContains: TAGS.kill, maxPerPoll: 10, everySeconds: 5, writeDir: 'recovered' }),
	];
}

// ---------------------------------------------------------------------------------------------------------------
// Checks on the MP4s

function ffprobe(file) {
	return new Promise((resolve) => {
		const child = spawn('ffprobe', ['-v', 'error', '-show_entries', 'format=format_name,duration:stream=codec_type,codec_name,width,height', '-of', 'json', file]);
		let out = '';
		let err = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (err += d));
		child.on('close', (code) => {
			try {
				resolve({ code, ...JSON.parse(out), err });
			} catch {
				resolve({ code, err: err || out });
			}
		});
	});
}

/**
 * ffprobe's verdict per content hash. The emulator serves one MP4 per (size, seconds), so files with equal bytes get
 * one ffprobe run: on 2 cores a probe per file cost more than a minute per 100 files while n8n was busy.
 */
const probed = new Map();

/** Problems of one delivered file: its bytes must be the emulator's, and ffprobe must see an MP4 with video and audio. */
async function checkFile(file, expected) {
	const problems = [];
	const sha256 = await sha256OfFile(file);
	if (!expected) problems.push('the emulator knows no such video');
	else if (sha256 !== expected.sha256 || fs.statSync(file).size !== expected.bytes) problems.push(`bytes differ from the emulator's (${fs.statSync(file).size} vs ${expected.bytes})`);
	if (!probed.has(sha256)) probed.set(sha256, probeProblems(file));
	return [...problems, ...(await probed.get(sha256))];
}

async function probeProblems(file) {
	const problems = [];
	const info = await ffprobe(file);
	const streams = info.streams || [];
	const video = streams.find((s) => s.codec_type === 'video');
	if (info.code !== 0 || !/mp4/.test(info.format?.format_name || '')) problems.push(`ffprobe: not an MP4 (${(info.err || '').trim().slice(0, 200)})`);
	if (!video) problems.push('no video stream');
	else if (`${video.width}x${video.height}` !== CLIP.size) problems.push(`size ${video.width}x${video.height}`);
	if (!streams.some((s) => s.codec_type === 'audio')) problems.push('no audio stream');
	if (Math.abs(Number(info.format?.duration) - Number(CLIP.seconds)) > 0.5) problems.push(`duration ${info.format?.duration}`);
	return problems;
}

function sha256OfFile(file) {
	return new Promise((resolve, reject) => {
		const hash = crypto.createHash('sha256');
		fs.createReadStream(file)
			.on('data', (d) => hash.update(d))
			.on('end', () => resolve(hash.digest('hex')))
			.on('error', reject);
	});
}

async function mapLimit(list, limit, fn) {
	const results = new Array(list.length);
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(limit, list.length) }, async () => {
			while (next < list.length) {
				const i = next++;
				results[i] = await fn(list[i], i);
			}
		}),
	);
	return results;
}

/** Files of a delivery folder: [{file, executionId, videoId}]. */
function delivered(dir) {
	const full = path.join(FILES, dir);
	if (!fs.existsSync(full)) return [];
	return fs
		.readdirSync(full)
		.filter((f) => f.endsWith('.mp4'))
		.map((f) => {
			const [executionId, rest] = f.split('--');
			return { file: path.join(full, f), executionId, videoId: rest.replace(/\.mp4$/, '') };
		});
}

// ---------------------------------------------------------------------------------------------------------------
// The emulator

/**
 * A webhook call. n8n answers 503 "Database is not ready!" before routing while its database ping (every 2 s) is
 * failing — on a loaded machine a ping can time out; the request was never taken, so it is sent again.
 */
async function webhook(main, webhookPath, body) {
	for (let attempt = 1; ; attempt++) {
		const answer = await http('POST', `${main.url}/webhook/${webhookPath}`, { body });
		if (answer.status !== 503 || !answer.text.includes('Database is not ready') || attempt === 10) return answer;
		rt.log(`  n8n answered 503 "Database is not ready!" (attempt ${attempt}); sending again in 2 s`);
		await rt.sleep(2000);
	}
}

async function http(method, url, { body, headers = {} } = {}) {
	const response = await request(url, {
		method,
		headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
		headersTimeout: 300_000,
		bodyTimeout: 300_000,
	});
	const text = await response.body.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {}
	return { status: response.statusCode, text, json };
}

/** Emulator jobs whose prompt contains `tag`, keyed by prompt → [ids]. */
function jobsByPrompt(sora, tag) {
	const map = new Map();
	for (const job of sora.emulator.jobs()) {
		if (!job.prompt?.includes(tag)) continue;
		map.set(job.prompt, [...(map.get(job.prompt) || []), job]);
	}
	return map;
}

const shaCache = new Map();
async function emulatorSha(sora, videoId) {
	if (!shaCache.has(videoId)) {
		const answer = await http('GET', `${sora.emulator.origin}/__emulator/videos/${encodeURIComponent(videoId)}/sha256`);
		shaCache.set(videoId, answer.status === 200 ? answer.json : null);
	}
	return shaCache.get(videoId);
}

/**
 * Delivery figures for a set of prompts: every prompt must have exactly one job at the server (no paid duplicate)
 * and that job exactly one delivered file, whose MP4 passes the checks.
 */
async function deliveryFigures(sora, { prompts, tag, dirs, label }) {
	const byPrompt = jobsByPrompt(sora, tag);
	const files = dirs.flatMap((d) => delivered(d));
	const filesByVideo = new Map();
	for (const f of files) filesByVideo.set(f.videoId, [...(filesByVideo.get(f.videoId) || []), f]);
	let deliveredCount = 0;
	let duplicates = 0;
	let lost = 0;
	for (const prompt of prompts) {
		const jobs = byPrompt.get(prompt) || [];
		duplicates += Math.max(0, jobs.length - 1);
		const deliveredJobs = jobs.filter((j) => filesByVideo.has(j.id));
		if (deliveredJobs.length) deliveredCount++;
		else lost++;
		for (const j of deliveredJobs) duplicates += filesByVideo.get(j.id).length - 1;
	}
	const problems = [];
	const probes = new Set();
	await mapLimit(files, 4, async (f) => {
		const p = await checkFile(f.file, await emulatorSha(sora, f.videoId));
		if (p.length) problems.push(`${path.basename(f.file)}: ${p.join('; ')}`);
	});
	for (const f of files) probes.add((await emulatorSha(sora, f.videoId))?.sha256);
	check(
		`${label}: every MP4 has the emulator's bytes and passes ffprobe (${files.length} files, ${probes.size} distinct contents)`,
		problems.length === 0,
		problems.slice(0, 3).join(' | '),
	);
	return { items: prompts.length, delivered: deliveredCount, lost, duplicates, files: files.length, executionIds: [...new Set(files.map((f) => f.executionId))] };
}

// ---------------------------------------------------------------------------------------------------------------
// Execution records

/** n8n's own execution records (Postgres execution_entity) of a workflow since `since`. */
async function executions(runtime, pg, workflowId, sinceId = 0) {
	const result = await q.query(runtime, pg, 'SELECT id, status, mode FROM execution_entity WHERE "workflowId" = $1 AND id > $2 ORDER BY id', [workflowId, sinceId]);
	return result.rows.map((r) => ({ id: String(r.id), status: r.status, mode: r.mode }));
}

async function lastExecutionId(runtime, pg) {
	const result = await q.query(runtime, pg, 'SELECT COALESCE(MAX(id), 0) AS id FROM execution_entity');
	return Number(result.rows[0].id);
}

/**
 * Which worker ran each execution: every worker's own log ("Worker started execution N") — the process we started
 * wrote it, so this is certain — cross-checked with main's record of the job's `workerId`.
 */
function byWorker(cluster, executionIds) {
	const counts = {};
	const owner = {};
	for (const worker of cluster.workers) {
		counts[worker.name] = 0;
		for (const id of q.workerStartedExecutions(worker)) owner[id] = worker.name;
	}
	const fromMain = q.mainFinishedByWorker(cluster.main);
	const mainIds = {};
	let unknown = 0;
	for (const id of executionIds) {
		if (owner[id]) counts[owner[id]]++;
		else unknown++;
		if (fromMain[id]) mainIds[fromMain[id]] = (mainIds[fromMain[id]] || 0) + 1;
	}
	return { counts, unknown, mainWorkerIds: mainIds };
}

// ---------------------------------------------------------------------------------------------------------------
// Scenarios

async function loadScenario(runtime, cluster, sora, mode) {
	rt.log(`[${mode}] load: ${LOAD.executions} concurrent webhook calls × ${LOAD.items} items`);
	const since = await lastExecutionId(runtime, cluster.pg);
	const tag = `${TAGS.load}-${mode}`;
	const prompts = [];
	const calls = [];
	const t = Date.now();
	for (let b = 0; b < LOAD.executions; b++) {
		const items = [];
		for (let i = 0; i < LOAD.items; i++) {
			const prompt = `${tag} batch ${b} item ${i}: a paper boat drifts down a rain gutter`;
			prompts.push(prompt);
			items.push({ prompt });
		}
		calls.push(webhook(cluster.main, PATHS.load, { items }));
	}
	const answers = await Promise.all(calls);
	const seconds = ((Date.now() - t) / 1000).toFixed(1);
	const bad = answers.filter((a) => a.status !== 200);
	check(`[${mode}] load: ${answers.length} webhook calls answered 200 (${seconds} s)`, bad.length === 0, bad.slice(0, 2).map((a) => `${a.status} ${a.text.slice(0, 200)}`).join(' | '));
	const figures = await deliveryFigures(sora, { prompts, tag, dirs: [`load`], label: `[${mode}] load` });
	const records = await executions(runtime, cluster.pg, IDS.load, since);
	const success = records.filter((r) => r.status === 'success');
	const workers = byWorker(cluster, records.map((r) => r.id));
	check(`[${mode}] load: ${LOAD.executions} production executions succeeded (execution_entity)`, success.length === LOAD.executions && records.every((r) => r.mode === 'webhook'), JSON.stringify(records.filter((r) => r.status !== 'success')).slice(0, 300));
	check(`[${mode}] load: ${figures.delivered}/${prompts.length} delivered, ${figures.lost} lost, ${figures.duplicates} duplicates`, figures.delivered === prompts.length && figures.lost === 0 && figures.duplicates === 0);
	check(`[${mode}] load: both workers ran executions ${JSON.stringify(workers.counts)}`, Object.values(workers.counts).every((n) => n > 0) && workers.unknown === 0, `main's workerIds: ${JSON.stringify(workers.mainWorkerIds)}`);
	return { executions: success.length, executionsByWorker: workers.counts, mainWorkerIds: workers.mainWorkerIds, seconds: Number(seconds), ...figures, executionIds: undefined };
}

async function triggerScenario(runtime, cluster, sora, mode) {
	rt.log(`[${mode}] trigger: ${TRIGGER_VIDEOS} videos made at the server, delivered by the Sora Trigger on main`);
	const since = await lastExecutionId(runtime, cluster.pg);
	const tag = `${TAGS.trigger}-${mode}`;
	const prompts = [];
	const t = Date.now();
	for (let i = 0; i < TRIGGER_VIDEOS; i++) {
		const prompt = `${tag} video ${i}: fireflies over a pond`;
		prompts.push(prompt);
		const answer = await http('POST', `${sora.baseUrl}/videos`, { headers: { authorization: `Bearer ${sora.apiKey}` }, body: { prompt, model: MODEL, ...CLIP } });
		if (answer.status !== 200) throw new Error(`emulator create: ${answer.status} ${answer.text}`);
	}
	await q
		.waitFor(`[${mode}] trigger deliveries`, async () => {
			const ids = new Set([...jobsByPrompt(sora, tag).values()].flat().map((j) => j.id));
			return delivered('trigger').filter((f) => ids.has(f.videoId)).length >= TRIGGER_VIDEOS;
		}, { timeoutMs: 300_000, intervalMs: 1000 })
		.catch((error) => check(`[${mode}] trigger: deliveries`, false, error.message));
	const seconds = ((Date.now() - t) / 1000).toFixed(1);
	// A duplicate would come from a later poll: give the trigger three more polls before counting.
	await rt.sleep(3500);
	const figures = await deliveryFigures(sora, { prompts, tag, dirs: ['trigger'], label: `[${mode}] trigger` });
	const records = (await executions(runtime, cluster.pg, IDS.trigger, since)).filter((r) => figures.executionIds.includes(r.id));
	const workers = byWorker(cluster, records.map((r) => r.id));
	check(
		`[${mode}] trigger: ${figures.delivered}/${TRIGGER_VIDEOS} delivered in ${seconds} s as ${records.length} executions (mode ${[...new Set(records.map((r) => r.mode))].join(',')}), ${figures.duplicates} duplicates`,
		figures.delivered === TRIGGER_VIDEOS && figures.duplicates === 0 && records.length === TRIGGER_VIDEOS && records.every((r) => r.status === 'success' && r.mode === 'trigger'),
		`${figures.files - figures.delivered - figures.duplicates} other files`,
	);
	// Videos this trigger delivered before (the other mode, before main restarted) must not come again.
	const ids = new Set([...jobsByPrompt(sora, tag).values()].flat().map((j) => j.id));
	const redelivered = delivered('trigger').filter((f) => !ids.has(f.videoId)).length;
	check(`[${mode}] trigger: no earlier video delivered again (static data kept in Postgres across restarts)`, redelivered === 0, `${redelivered} files`);
	check(`[${mode}] trigger: the executions ran on the workers ${JSON.stringify(workers.counts)}`, workers.unknown === 0 && Object.values(workers.counts).reduce((a, b) => a + b, 0) === records.length);
	return { videos: TRIGGER_VIDEOS, delivered: figures.delivered, duplicates: figures.duplicates, lost: figures.lost, executions: records.length, executionsByWorker: workers.counts, seconds: Number(seconds) };
}

/** One video of BIG_MB (emulator padding) through the load workflow: stored, then written to disk by the worker. */
async function bigVideoScenario(runtime, cluster, sora, mode) {
	if (!BIG_BYTES) return null;
	rt.log(`[${mode}] big video: one ${BIG_BYTES / 1e6} MB MP4 stored in ${mode} mode and written back`);
	sora.emulator.setConfig({ padVideoBytes: BIG_BYTES });
	shaCache.clear();
	try {
		const prompt = `${TAGS.big}-${mode}: one long take of a lighthouse`;
		const t = Date.now();
		const answer = await webhook(cluster.main, PATHS.load, { items: [{ prompt }] });
		const seconds = ((Date.now() - t) / 1000).toFixed(1);
		const job = [...jobsByPrompt(sora, `${TAGS.big}-${mode}`).values()].flat()[0];
		const file = job && delivered('load').find((f) => f.videoId === job.id);
		const expected = job && (await emulatorSha(sora, job.id));
		const ok = answer.status === 200 && file && expected && (await sha256OfFile(file.file)) === expected.sha256;
		check(`[${mode}] big video: ${BIG_BYTES / 1e6} MB delivered intact in ${seconds} s`, !!ok, ok ? '' : `HTTP ${answer.status} ${answer.text.slice(0, 300)}`);
		if (file) fs.rmSync(file.file, { force: true });
		return { bytes: expected?.bytes ?? null, seconds: Number(seconds), ok: !!ok };
	} finally {
		sora.emulator.setConfig({ padVideoBytes: 0 });
		shaCache.clear();
	}
}

async function workerKillScenario(runtime, cluster, sora) {
	rt.log(`worker kill: ${KILL_ITEMS} items wait for ${KILL_JOB_MS / 1000} s renders; the worker running them gets SIGKILL`);
	sora.emulator.setConfig({ jobMs: KILL_JOB_MS });
	const prompts = Array.from({ length: KILL_ITEMS }, (_, i) => `${TAGS.kill} item ${i}: a kite over dunes`);
	const startedBefore = Object.fromEntries(cluster.workers.map((w) => [w.name, q.workerStartedExecutions(w).length]));
	try {
		const answer = await webhook(cluster.main, PATHS.kill, { items: prompts.map((prompt) => ({ prompt })) });
		if (answer.status !== 200) throw new Error(`webhook: ${answer.status} ${answer.text}`);
		const victim = await q.waitFor('the worker that runs the execution', () => cluster.workers.find((w) => q.workerStartedExecutions(w).length > startedBefore[w.name]), { timeoutMs: 30_000 });
		const executionId = q.workerStartedExecutions(victim).at(-1);
		await q.waitFor('all renders submitted', () => (jobsByPrompt(sora, TAGS.kill).size >= KILL_ITEMS ? true : false), { timeoutMs: 30_000 });
		await rt.sleep(1000);
		const inFlight = sora.emulator.jobs().filter((j) => j.prompt?.includes(TAGS.kill) && j.status !== 'completed' && j.status !== 'failed').length;
		rt.log(`  SIGKILL to ${victim.name} (pid ${victim.pid}, execution ${executionId}) with ${inFlight} renders in flight`);
		const killedAt = Date.now();
		await q.killTracked(victim.entry);
		cluster.workers = cluster.workers.filter((w) => w !== victim);
		cluster.killed = victim;
		await q
			.waitFor('recovered deliveries', () => delivered('recovered').length >= KILL_ITEMS, { timeoutMs: KILL_JOB_MS + 60_000, intervalMs: 1000 })
			.catch((error) => check('worker kill: recovery', false, error.message));
		const recoveredAfterS = ((Date.now() - killedAt) / 1000).toFixed(1);
		// Two more recovery polls, then count.
		await rt.sleep(11_000);
		const figures = await deliveryFigures(sora, { prompts, tag: TAGS.kill, dirs: ['recovered', 'kill-wait'], label: 'worker kill' });
		const status = (await executions(runtime, cluster.pg, IDS.kill)).find((r) => r.id === executionId)?.status ?? 'unknown';
		const recoveryExecutions = await executions(runtime, cluster.pg, IDS.recovery);
		const recoveredBy = byWorker(cluster, recoveryExecutions.map((r) => r.id));
		check(
			`worker kill: ${figures.delivered}/${KILL_ITEMS} orphaned renders delivered by the recovery trigger ${recoveredAfterS} s after the kill, ${figures.duplicates} duplicates, ${figures.lost} lost`,
			inFlight === KILL_ITEMS && figures.delivered === KILL_ITEMS && figures.duplicates === 0 && figures.lost === 0,
			`killed execution ${executionId} is "${status}" in execution_entity; recovery executions by worker ${JSON.stringify(recoveredBy.counts)}`,
		);
		return {
			inFlight,
			deliveredAfter: figures.delivered,
			duplicates: figures.duplicates,
			lost: figures.lost,
			killedWorker: victim.name,
			killedExecution: { id: executionId, statusAfterRecovery: status },
			recoveredAfterSeconds: Number(recoveredAfterS),
			recoveryExecutions: recoveryExecutions.length,
		};
	} finally {
		sora.emulator.setConfig({ jobMs: JOB_MS });
	}
}

async function oversizeScenario(runtime, cluster, sora) {
	rt.log(`oversize: workers with N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE=${OVERSIZE_CAP_MIB} (MiB), one ${CLIP.seconds} s video`);
	const prompt = `${TAGS.oversize}: a hot-air balloon over vineyards`;
	const answer = await webhook(cluster.main, PATHS.oversize, { items: [{ prompt }] });
	const item = Array.isArray(answer.json) ? answer.json[0] : answer.json;
	const error = item?.error ?? null;
	const job = [...jobsByPrompt(sora, TAGS.oversize).values()].flat()[0];
	const expected = job && (await emulatorSha(sora, job.id));
	check(
		`oversize: a ${expected?.bytes ?? '?'} byte MP4 over a ${OVERSIZE_CAP_MIB} MiB cap is an item error naming the cap and the setting`,
		answer.status === 200 && typeof error === 'string' && error.includes('N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE'),
		`HTTP ${answer.status}: ${String(error ?? answer.text).slice(0, 400)}`,
	);
	const stillUp = cluster.workers.every((w) => !w.entry.exited);
	check('oversize: the workers are still running', stillUp);
	return { error, capMiB: OVERSIZE_CAP_MIB, videoBytes: expected?.bytes ?? null, description: item?.description ?? null };
}

// ---------------------------------------------------------------------------------------------------------------
// The cluster

async function startCluster(runtime, base, { binaryMode, dbMaxFileSizeMiB, workersOnly, existing }) {
	const env = q.clusterEnv({
		pg: base.pg,
		redis: base.redis,
		encryptionKey: ENCRYPTION_KEY,
		binaryMode,
		storagePath: binaryMode === 'filesystem' ? SHARED_BINARY : undefined,
		dbMaxFileSizeMiB,
		restrictFileAccessTo: FILES,
	});
	const stage = `${binaryMode}${dbMaxFileSizeMiB ? `-cap${dbMaxFileSizeMiB}` : ''}`;
	const main = workersOnly ? existing.main : await q.startMain(runtime, base.folders.main, { env, logDir: LOGS, name: `main-${stage}` });
	const workers = await Promise.all(WORKERS.map((name) => q.startWorker(runtime, base.folders[name], { env, logDir: LOGS, name: `${name}-${stage}` })));
	return { main, workers, pg: base.pg, binaryMode };
}

function peakRss(cluster) {
	const main = q.rssOf(cluster.main.pid);
	const workers = cluster.workers.map((w) => ({ name: w.name, ...q.rssOf(w.pid), runners: q.childPids(w.pid).map((pid) => q.rssOf(pid).peakMb) }));
	return { main: main.peakMb, workers: workers.map((w) => w.peakMb), detail: { main, workers } };
}

async function stopCluster(cluster, { workersOnly = false } = {}) {
	for (const w of cluster.workers) await q.stopTracked(w.entry);
	if (!workersOnly) await q.stopTracked(cluster.main.entry);
}

/**
 * n8n logs a workflow's activation at debug level only; the Sora Triggers' activation polls (one list request each,
 * made while activating) show it at the server instead.
 */
async function waitForTriggers(sora, listsBefore) {
	await q.waitFor('the two Sora Triggers activated (their first list requests)', () => (sora.emulator.stats.requests.list || 0) >= listsBefore + 2, { timeoutMs: 90_000, intervalMs: 250 });
	// The activation poll records its baseline after the list answer.
	await rt.sleep(1500);
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
	const jsonOut = (() => {
		const i = process.argv.indexOf('--json');
		return i !== -1 ? path.resolve(process.argv[i + 1]) : null;
	})();
	let stopping = false;
	const onSignal = (signal) => {
		if (stopping) return;
		stopping = true;
		rt.log(`${signal}: stopping everything this run started`);
		q.stopAll().finally(() => process.exit(130));
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);

	fs.rmSync(OUT, { recursive: true, force: true });
	for (const dir of [LOGS, FILES, SHARED_BINARY]) fs.mkdirSync(dir, { recursive: true });
	for (const dir of ['load', 'kill-wait', 'trigger', 'recovered']) fs.mkdirSync(path.join(FILES, dir), { recursive: true });
	const result = { n8n: rt.N8N_VERSION };
	let sora;
	try {
		const tools = q.ensureSystemTools();
		const runtime = await rt.ensureRuntime();
		const pack = rt.buildAndPack(path.join(OUT, 'pack'));
		const folders = {};
		for (const name of ['main', ...WORKERS]) {
			folders[name] = path.join(OUT, name);
			fs.mkdirSync(folders[name], { recursive: true });
			rt.installPackage(folders[name], pack);
		}
		const pg = await q.startPostgres(runtime, tools, { dir: PG_DIR, port: await rt.freePort(), logFile: path.join(LOGS, 'postgres.log') });
		const redis = await q.startRedis(tools, { port: await rt.freePort(), logFile: path.join(LOGS, 'redis.log') });
		sora = await rt.startSoraServer({ jobMs: JOB_MS });
		result.postgres = pg.version;

		// The CLI commands below reach Postgres through these (n8nEnv starts from process.env).
		Object.assign(process.env, { ...q.postgresEnv(pg), N8N_ENCRYPTION_KEY: ENCRYPTION_KEY });
		rt.importCredentials(runtime, folders.main, [rt.soraCredential(sora)]);
		rt.importWorkflows(runtime, folders.main, workflows());
		// What `n8n publish:workflow --id=…` does (WorkflowRepository.publishVersion in @n8n/db), for all five in one
		// statement instead of five CLI start-ups (~7 s each here).
		const published = await q.query(runtime, pg, 'UPDATE workflow_entity SET active = true, "activeVersionId" = "versionId" WHERE id = ANY($1) AND NOT "isArchived" AND "versionId" IN (SELECT "versionId" FROM workflow_history) RETURNING id', [Object.values(IDS)]);
		if (published.rowCount !== Object.keys(IDS).length) throw new Error(`published ${published.rowCount} of ${Object.keys(IDS).length} workflows`);
		rt.log(`published ${published.rowCount} workflows`);
		await q.registerPackagePostgres(runtime, pg, path.join(folders.main, '.n8n', 'nodes', 'node_modules', pack.name));
		const base = { pg, redis, folders };

		// --- database binary mode
		let t = Date.now();
		let lists = sora.emulator.stats.requests.list || 0;
		let cluster = await startCluster(runtime, base, { binaryMode: 'database' });
		result.startSeconds = { database: Number(((Date.now() - t) / 1000).toFixed(1)) };
		result.processes = { main: 1, workers: cluster.workers.length, workerHostnames: q.canUnshare() ? cluster.workers.map((w) => w.hostname) : null };
		// The triggers' first poll only takes note of what the list shows (Only Videos Created After Activation).
		await waitForTriggers(sora, lists);
		const modes = {};
		const rss = {};
		modes.database = { load: await loadScenario(runtime, cluster, sora, 'database') };
		modes.database.trigger = await triggerScenario(runtime, cluster, sora, 'database');
		modes.database.bigVideo = await bigVideoScenario(runtime, cluster, sora, 'database');
		rss.database = peakRss(cluster);
		result.workerKill = await workerKillScenario(runtime, cluster, sora);

		// --- oversize: the workers again, with a 1 MiB database cap
		await stopCluster(cluster, { workersOnly: true });
		cluster = await startCluster(runtime, base, { binaryMode: 'database', dbMaxFileSizeMiB: OVERSIZE_CAP_MIB, workersOnly: true, existing: cluster });
		result.oversize = await oversizeScenario(runtime, cluster, sora);
		// By now n8n's stalled-job check (30 s lock) has had time to settle the killed worker's execution.
		if (result.workerKill?.killedExecution) {
			const killed = (await executions(runtime, pg, IDS.kill)).find((r) => r.id === result.workerKill.killedExecution.id);
			result.workerKill.killedExecution.statusLater = killed?.status ?? 'unknown';
		}
		await stopCluster(cluster);

		// --- filesystem binary mode on a shared folder
		t = Date.now();
		lists = sora.emulator.stats.requests.list || 0;
		cluster = await startCluster(runtime, base, { binaryMode: 'filesystem' });
		result.startSeconds.filesystem = Number(((Date.now() - t) / 1000).toFixed(1));
		await waitForTriggers(sora, lists);
		// The database run's files move aside, so each mode's checks see only their own.
		for (const dir of ['load', 'trigger']) {
			fs.renameSync(path.join(FILES, dir), path.join(FILES, `${dir}-database`));
			fs.mkdirSync(path.join(FILES, dir));
		}
		modes.filesystem = { load: await loadScenario(runtime, cluster, sora, 'filesystem') };
		modes.filesystem.trigger = await triggerScenario(runtime, cluster, sora, 'filesystem');
		modes.filesystem.bigVideo = await bigVideoScenario(runtime, cluster, sora, 'filesystem');
		rss.filesystem = peakRss(cluster);
		await stopCluster(cluster);

		const sum = (key) => Object.values(modes).reduce((a, m) => a + m.load[key], 0);
		const byWorkerTotal = {};
		for (const m of Object.values(modes)) {
			for (const [name, n] of Object.entries(m.load.executionsByWorker)) {
				const worker = name.replace(/-.*$/, '');
				byWorkerTotal[worker] = (byWorkerTotal[worker] || 0) + n;
			}
		}
		Object.assign(result, {
			executions: sum('executions'),
			executionsByWorker: byWorkerTotal,
			items: sum('items'),
			delivered: sum('delivered'),
			lost: sum('lost'),
			duplicates: sum('duplicates'),
			binaryModes: modes,
			trigger: {
				videos: Object.values(modes).reduce((a, m) => a + m.trigger.videos, 0),
				delivered: Object.values(modes).reduce((a, m) => a + m.trigger.delivered, 0),
				duplicates: Object.values(modes).reduce((a, m) => a + m.trigger.duplicates, 0),
				executions: Object.values(modes).reduce((a, m) => a + m.trigger.executions, 0),
			},
			peakRssMb: {
				database: { main: rss.database.main, workers: rss.database.workers, runners: rss.database.detail.workers.map((w) => w.runners), bigVideoBytes: BIG_BYTES },
				filesystem: { main: rss.filesystem.main, workers: rss.filesystem.workers, runners: rss.filesystem.detail.workers.map((w) => w.runners), bigVideoBytes: BIG_BYTES },
			},
		});
	} catch (error) {
		failures.push(error.message);
		console.error(error.stack || error);
	} finally {
		await q.stopAll();
		if (sora) await sora.close();
		fs.rmSync(PG_DIR, { recursive: true, force: true });
		// The user folders are throw-away (logs stay); three `.n8n/nodes/package.json` named alike also confuse jest's
		// module map when they are left in the repository.
		for (const name of ['main', ...WORKERS, 'pack']) fs.rmSync(path.join(OUT, name), { recursive: true, force: true });
		fs.rmSync(SHARED_BINARY, { recursive: true, force: true });
	}
	result.wallSeconds = Number(((Date.now() - T0) / 1000).toFixed(1));
	result.failures = failures;
	result.pass = failures.length === 0;
	if (jsonOut) {
		fs.mkdirSync(path.dirname(jsonOut), { recursive: true });
		fs.writeFileSync(jsonOut, `${JSON.stringify(result, null, 2)}\n`);
	}
	console.log(JSON.stringify(result, null, 2));
	console.log(`e2e:queue ${result.pass ? 'PASSED' : 'FAILED'} in ${result.wallSeconds} s (logs in ${path.relative(process.cwd(), LOGS) || LOGS})`);
	if (!result.pass) {
		console.log(`  ${failures.join('\n  ')}`);
		process.exitCode = 1;
	}
}

main().catch(async (error) => {
	console.error(error.stack || error);
	await q.stopAll();
	process.exit(1);
});
