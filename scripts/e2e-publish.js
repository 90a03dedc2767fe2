#!/usr/bin/env node
'use strict';
/**
 * Publishing rows of `npm run e2e` (issue 25), also runnable alone: `npm run e2e:publish`.
 *
 * The publishing examples (examples/08 onward: n8n's YouTube and Telegram nodes, the upload-post community node) run
 * in real n8n (`n8n execute`) against local stand-ins of each platform's upload API (test/publishing, written from the
 * platforms' public references). n8n reaches them the way each node does:
 * - Telegram: the credential's Base URL (n8n's TelegramApi credential has one) → the stand-in over HTTP;
 * - YouTube (www.googleapis.com, written into the node) and upload-post (api.upload-post.com, written into the
 *   community node; its credential has no base URL): n8n runs inside a network namespace of this run's own
 *   (test/publishing/netns.js) whose hosts file sends those names to the stand-ins, which answer over HTTPS with a
 *   certificate of a throw-away CA that n8n trusts through NODE_EXTRA_CA_CERTS. The namespace has no route but the
 *   veth pair to this machine: no traffic leaves it.
 * Each stand-in records the protocol, the metadata and the sha256 of the MP4 it received; a row passes when that
 * sha256 equals the sha256 of the MP4 the Sora node produced (written to disk by a node this script adds to the
 * imported copy) and the metadata is what the example asked for.
 *
 * Rows: each publishing example in the default and filesystem binary data modes (N8N_DEFAULT_BINARY_DATA_MODE), the
 * scheduled example once, one video over Telegram's 50 MB (stopped before the upload, the video kept on the server),
 * and one Telegram row on n8n's queue mode with the database binary mode (scripts/queue-runtime.js, skipped with the
 * reason when Postgres/Redis cannot be had). SORA_E2E_PUBLISH_QUEUE=0 leaves the queue row out.
 *
 * The community node is installed the way n8n installs community packages (into <user folder>/.n8n/nodes, pinned:
 * UPLOAD_POST below, tarball checked against the registry's integrity).
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');

const rt = require('./n8n-runtime');

const PUBLISH_DIR = path.join(rt.ROOT, 'test', 'publishing');
/** The community node the examples use, pinned (version + the registry's sha512 integrity of its tarball). */
const UPLOAD_POST = {
	name: 'n8n-nodes-upload-post',
	version: '0.1.32',
	integrity: 'sha512-xEXXojk/wCytV+NvtvToExUvKSGEfpcxj5TT6fuQ/Otji9ekLqZ1TU4E/dM7yFWv80NwAZx0xjVgVfd7HNLPtw==',
};
/** Node types that publish; an example with one of them is a publishing example (run here, not by e2e.js's main run). */
const PUBLISHING_TYPES = {
	'n8n-nodes-base.youTube': 'youtube',
	'n8n-nodes-base.telegram': 'telegram',
	'n8n-nodes-upload-post.uploadPost': 'upload-post',
};
const CREDENTIAL_IDS = { youtube: 'soraPubYouTube', telegram: 'soraPubTelegram', uploadPost: 'soraPubUploadPost' };
/** Telegram's upload limit for bots (core.telegram.org/bots/api#sending-files); the oversize row pads past it. */
const TELEGRAM_LIMIT = 50 * 1024 * 1024;

/** The `n8n execute` processes running now (their own process groups): killed if this process ends first. */
const running = new Set();
process.on('exit', () => {
	for (const child of running) rt.signalGroup(child, 'SIGKILL');
});

function isPublishingExample(workflow) {
	return workflow.nodes.some((n) => PUBLISHING_TYPES[n.type]);
}

function sha256File(file) {
	return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

// ---------------------------------------------------------------------------------------------------------------
// The community node, as n8n installs it

/** The pinned tarball from the npm registry (`npm pack`, cached), checked against the pinned integrity. */
function communityTarball() {
	const dir = path.join(rt.CACHE_DIR, 'community-packages');
	const tarball = path.join(dir, `${UPLOAD_POST.name}-${UPLOAD_POST.version}.tgz`);
	const integrityOf = (file) => `sha512-${crypto.createHash('sha512').update(fs.readFileSync(file)).digest('base64')}`;
	if (!fs.existsSync(tarball) || integrityOf(tarball) !== UPLOAD_POST.integrity) {
		fs.mkdirSync(dir, { recursive: true });
		rt.log(`downloading ${UPLOAD_POST.name}@${UPLOAD_POST.version} from the npm registry (npm pack)`);
		rt.npm(['pack', `${UPLOAD_POST.name}@${UPLOAD_POST.version}`, '--pack-destination', dir, '--silent'], { cwd: dir, capture: true });
	}
	const integrity = integrityOf(tarball);
	if (integrity !== UPLOAD_POST.integrity) throw new Error(`${tarball}: integrity ${integrity}, expected the pinned ${UPLOAD_POST.integrity}`);
	return { tarball, sha256: sha256File(tarball), name: UPLOAD_POST.name, version: UPLOAD_POST.version };
}

/** Installs the pinned upload-post node into `<userFolder>/.n8n/nodes` (rt.installPackage: n8n's own steps). */
function installCommunityNode(userFolder) {
	return rt.installPackage(userFolder, communityTarball());
}

/**
 * iproute2 (the namespace) and openssl (the stand-ins' CA), installed with apt-get when missing and root on Debian,
 * as scripts/queue-runtime.js does for Postgres and Redis.
 */
function ensureTools() {
	const missing = () => [['ip', 'iproute2'], ['openssl', 'openssl']].filter(([command]) => !rt.onPath(command)).map(([, pkg]) => pkg);
	try {
		rt.ensureDebianPackages(missing, 'the publishing stand-ins');
	} catch (error) {
		// Not root or not Debian: the rows say why they cannot run (unavailableReason), which fails e2e in CI.
		rt.log(error.message);
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Credentials

/**
 * The publishing credentials. `telegramUrl`: the Telegram credential's Base URL. With `standIn`, the tokens the
 * stand-ins accept (YouTube: a pre-filled OAuth2 token, so no consent screen; n8n refreshes only on a 401);
 * without, placeholders for the user to replace in the editor.
 */
function publishingCredentials({ telegramUrl, standIn }) {
	const youtube = require(path.join(PUBLISH_DIR, 'youtube.js'));
	const telegram = require(path.join(PUBLISH_DIR, 'telegram.js'));
	const uploadPost = require(path.join(PUBLISH_DIR, 'upload-post.js'));
	return [
		{
			id: CREDENTIAL_IDS.youtube,
			name: 'YouTube account',
			type: 'youTubeOAuth2Api',
			data: {
				clientId: standIn ? 'stand-in-client.apps.googleusercontent.com' : 'replace-me.apps.googleusercontent.com',
				clientSecret: standIn ? 'stand-in-secret' : 'replace-me',
				customScopes: false,
				...(standIn
					? {
							oauthTokenData: {
								access_token: youtube.ACCESS_TOKEN,
								refresh_token: youtube.REFRESH_TOKEN,
								token_type: 'Bearer',
								expires_in: 3599,
								scope: 'https://www.googleapis.com/auth/youtube.upload',
								n8n_expires_at: String(Date.now() + 365 * 24 * 3600 * 1000),
							},
						}
					: {}),
			},
		},
		{
			id: CREDENTIAL_IDS.telegram,
			name: 'Telegram bot',
			type: 'telegramApi',
			data: { accessToken: standIn ? telegram.BOT_TOKEN : '123456789:replace-with-your-bot-token', baseUrl: telegramUrl || 'https://api.telegram.org' },
		},
		{
			id: CREDENTIAL_IDS.uploadPost,
			name: 'Upload-Post account',
			type: 'uploadPostApi',
			data: { apiKey: standIn ? uploadPost.API_KEY : 'replace-with-your-upload-post-api-key' },
		},
	];
}

/**
 * For `npm start`: the pinned upload-post node installed and listed under Settings → Community nodes, and the
 * publishing credentials the examples name, with placeholders — imported once (and again with --reset-examples), so
 * the tokens a user puts in are kept across restarts. Call after the first n8n CLI command (the database exists).
 */
function setUpForEditor(runtime, userFolder, { reset = false } = {}) {
	const dir = installCommunityNode(userFolder);
	rt.registerPackage(runtime, userFolder, dir);
	const stamp = path.join(userFolder, '.publishing-credentials');
	if (reset || !fs.existsSync(stamp)) {
		rt.importCredentials(runtime, userFolder, publishingCredentials({ standIn: false }));
		fs.writeFileSync(stamp, new Date().toISOString());
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Imported copies

/** The MP4 node of a publishing example: the Sora node that makes the clip. */
function soraNode(workflow) {
	return workflow.nodes.find((n) => n.type === 'n8n-nodes-sora.sora');
}

/**
 * A copy of an example for this run: its own id, and a "Read/Write Files from Disk" node on the Sora node's output
 * that writes the MP4 as n8n holds it to `videosDir` (the sha256 the stand-in's must equal). A Schedule Trigger gets
 * a Manual Trigger beside it (n8n execute starts from a manual trigger; the rest of the chain is unchanged).
 */
function prepareCopy(example, suffix, videosDir) {
	const workflow = JSON.parse(JSON.stringify(example.workflow));
	const baseId = workflow.id;
	workflow.id = `${baseId}${suffix}`;
	workflow.name = `${workflow.name} [e2e ${suffix}]`;
	const sora = soraNode(workflow);
	const prefix = `${workflow.id}--`;
	const saver = {
		parameters: {
			operation: 'write',
			fileName: `={{ ${JSON.stringify(path.join(videosDir, prefix))} + $binary.data.fileName }}`,
			dataPropertyName: 'data',
			options: {},
		},
		id: `e2e-publish-saver-${workflow.id}`,
		name: 'e2e: save the produced MP4',
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1.1,
		position: [sora.position[0], sora.position[1] + 260],
	};
	workflow.nodes.push(saver);
	(workflow.connections[sora.name] ??= { main: [[]] }).main[0].push({ node: saver.name, type: 'main', index: 0 });
	const schedule = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.scheduleTrigger');
	if (schedule) {
		const manual = { parameters: {}, id: `e2e-publish-manual-${workflow.id}`, name: 'e2e: run now', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [schedule.position[0], schedule.position[1] + 200] };
		workflow.nodes.push(manual);
		workflow.connections[manual.name] = JSON.parse(JSON.stringify(workflow.connections[schedule.name]));
	}
	return { file: example.file, baseId, workflow, prefix, sora: sora.name, publisher: workflow.nodes.find((n) => PUBLISHING_TYPES[n.type]) };
}

// ---------------------------------------------------------------------------------------------------------------
// Running

/** The run data `n8n execute` logs (N8N_LOG_OUTPUT=file puts it in the run's own log file). */
function readRunResult(logFile) {
	if (!fs.existsSync(logFile)) return undefined;
	let result;
	for (const line of fs.readFileSync(logFile, 'utf8').split('\n')) {
		if (!line.startsWith('{')) continue;
		try {
			const entry = JSON.parse(line);
			if (typeof entry.message !== 'string' || !entry.message.startsWith('{')) continue;
			const parsed = JSON.parse(entry.message);
			if (parsed?.data?.resultData) result = parsed;
		} catch {}
	}
	return result;
}

/** `n8n execute` of one workflow, inside the namespace (`wrap`), in a binary data mode. */
function execute(ctx, workflowId, mode) {
	const logFile = path.join(ctx.logs, `execute-${workflowId}-${mode}.log`);
	fs.rmSync(logFile, { force: true });
	return rt.freePort().then(
		(brokerPort) =>
			new Promise((resolve) => {
				const env = rt.n8nEnv(ctx.runtime, ctx.userFolder, {
					N8N_DEFAULT_BINARY_DATA_MODE: mode,
					NODE_EXTRA_CA_CERTS: ctx.caFile,
					N8N_LOG_OUTPUT: 'file',
					N8N_LOG_FILE_LOCATION: logFile,
					N8N_RUNNERS_BROKER_PORT: String(brokerPort),
					N8N_RESTRICT_FILE_ACCESS_TO: ctx.videos,
				});
				const [command, args] = ctx.wrap(ctx.runtime.node.bin, [ctx.runtime.n8n.bin, 'execute', `--id=${workflowId}`, '--rawOutput']);
				const child = spawn(command, args, { cwd: ctx.userFolder, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
				running.add(child);
				let output = '';
				child.stdout.on('data', (d) => (output += d));
				child.stderr.on('data', (d) => (output += d));
				const timer = setTimeout(() => rt.signalGroup(child, 'SIGKILL'), 10 * 60_000);
				child.on('close', (status) => {
					running.delete(child);
					clearTimeout(timer);
					resolve({ status, output, run: readRunResult(logFile), logFile });
				});
			}),
	);
}

function nodeOutput(run, name) {
	return run?.data?.resultData?.runData?.[name]?.[0]?.data?.main?.[0] ?? [];
}

/** What each stand-in must have seen for an example, beyond the sha256: the metadata the example asked for. */
function metadataProblems(platform, entry, soraJson) {
	const m = entry.metadata || {};
	const problems = [];
	if (platform === 'youtube') {
		if (!/^resumable/.test(entry.protocol)) problems.push(`protocol ${entry.protocol}`);
		if (!/#Shorts$/.test(m.snippet?.title || '')) problems.push(`title "${m.snippet?.title}" lacks #Shorts`);
		if (!soraJson?.prompt || !m.snippet?.description?.startsWith(soraJson.prompt)) problems.push('description is not the prompt');
		if (m.status?.privacyStatus !== 'private') problems.push(`privacyStatus ${m.status?.privacyStatus}`);
		if (entry.mimeType !== 'video/mp4') problems.push(`X-Upload-Content-Type ${entry.mimeType}`);
	} else if (platform === 'telegram') {
		if (entry.protocol !== 'multipart') problems.push(`protocol ${entry.protocol}`);
		if (m.chat_id !== '@your_channel') problems.push(`chat_id ${m.chat_id}`);
		if (!m.caption) problems.push('no caption');
		if (entry.mimeType !== 'video/mp4' || !/\.mp4$/.test(entry.fileName || '')) problems.push(`file ${entry.fileName} ${entry.mimeType}`);
	} else if (platform === 'upload-post') {
		if (entry.protocol !== 'multipart') problems.push(`protocol ${entry.protocol}`);
		if (JSON.stringify(m.platforms) !== JSON.stringify(['tiktok', 'instagram', 'youtube'])) problems.push(`platforms ${JSON.stringify(m.platforms)}`);
		if (m.media_type !== 'REELS') problems.push(`Instagram media_type ${m.media_type}`);
		if (m.is_aigc !== 'true') problems.push('TikTok is_aigc not set');
		if (m.containsSyntheticMedia !== 'true') problems.push('YouTube containsSyntheticMedia not set');
		if (entry.mimeType !== 'video/mp4' || !/\.mp4$/.test(entry.fileName || '')) problems.push(`file ${entry.fileName} ${entry.mimeType}`);
	}
	return problems;
}

/** Runs one copy in one mode and checks it; returns a row. */
async function runRow(ctx, copy, mode) {
	const platform = PUBLISHING_TYPES[copy.publisher.type];
	const before = ctx.standIns.received.length;
	const started = Date.now();
	const result = await execute(ctx, copy.workflow.id, mode);
	const seconds = (Date.now() - started) / 1000;
	const row = { example: copy.file.replace(/\.json$/, ''), node: copy.publisher.type.replace(/^n8n-nodes-(base\.)?/, ''), version: String(copy.publisher.typeVersion), mode, bytes: '-', sha: '-', seconds, problems: [] };
	const error = result.run?.data?.resultData?.error;
	if (result.status !== 0 || !result.run || error || result.run.status !== 'success') {
		row.problems.push(error ? `${error.message}${error.description ? ` (${error.description})` : ''}` : `n8n execute exited with ${result.status}: ${result.output.slice(-600)}`);
		return row;
	}
	const file = fs.readdirSync(ctx.videos).find((f) => f.startsWith(copy.prefix) && f.endsWith('.mp4'));
	const entries = ctx.standIns.received.slice(before).filter((e) => e.platform === platform);
	if (!file) row.problems.push('the Sora node produced no MP4 (nothing was written)');
	if (entries.length !== 1) row.problems.push(`the ${platform} stand-in received ${entries.length} uploads, expected 1`);
	if (file && entries.length === 1) {
		const entry = entries[0];
		const produced = path.join(ctx.videos, file);
		const producedSha = sha256File(produced);
		row.bytes = String(entry.bytes);
		row.sha = entry.sha256 === producedSha ? 'yes' : 'NO';
		if (entry.sha256 !== producedSha) row.problems.push(`received sha256 ${entry.sha256?.slice(0, 12)}…, the Sora node produced ${producedSha.slice(0, 12)}…`);
		row.problems.push(...entry.problems, ...metadataProblems(platform, entry, nodeOutput(result.run, copy.sora)[0]?.json));
		const answer = nodeOutput(result.run, copy.publisher.name)[0]?.json;
		const answered = platform === 'youtube' ? answer?.uploadId === entry.videoId : platform === 'telegram' ? answer?.result?.video?.file_id === entry.videoId : answer?.success === true && !!answer?.results?.tiktok;
		if (!answered) row.problems.push(`the node's output does not carry the platform's answer: ${JSON.stringify(answer).slice(0, 200)}`);
		row.protocol = entry.protocol;
		fs.rmSync(produced, { force: true });
	}
	return row;
}

/**
 * One video over Telegram's 50 MB limit: the example's guard stops before the upload with a sentence naming the
 * limit, nothing reaches the stand-in, and the paid video is still on the Sora server.
 */
async function oversizeRow(ctx, copy, mode) {
	const before = ctx.standIns.received.length;
	ctx.emulator.setConfig({ padVideoBytes: TELEGRAM_LIMIT + 1024 * 1024 });
	const started = Date.now();
	let result;
	try {
		result = await execute(ctx, copy.workflow.id, mode);
	} finally {
		ctx.emulator.setConfig({ padVideoBytes: 0 });
	}
	const row = { example: `${copy.file.replace(/\.json$/, '')} (over 50 MB)`, node: 'telegram', version: String(copy.publisher.typeVersion), mode, bytes: '-', sha: 'n/a', seconds: (Date.now() - started) / 1000, problems: [] };
	const error = result.run?.data?.resultData?.error;
	const produced = nodeOutput(result.run, copy.sora)[0];
	const videoId = produced?.json?.id;
	// The guard stops the run before the saver node (execution order v1 runs the If branch first).
	row.bytes = String(produced?.binary?.data?.bytes ?? '-');
	if (!error) row.problems.push('the run did not stop');
	else {
		row.error = error.message;
		if (error.node?.name !== 'Too big for Telegram' && result.run?.data?.resultData?.lastNodeExecuted !== 'Too big for Telegram') row.problems.push(`stopped in ${result.run?.data?.resultData?.lastNodeExecuted}, not the guard`);
		if (!/50 MB/.test(error.message)) row.problems.push(`the error does not name the 50 MB limit: ${error.message}`);
		if (!videoId || !error.message.includes(videoId)) row.problems.push('the error does not name the video ID');
	}
	if (ctx.standIns.received.length !== before) row.problems.push('something reached the Telegram stand-in');
	if (!(Number(row.bytes) > TELEGRAM_LIMIT)) row.problems.push(`the produced MP4 is ${row.bytes} bytes, not over the limit`);
	if (videoId) {
		// Nothing lost: the video can still be downloaded from the server.
		const kept = await rt.httpGet(`${ctx.soraBaseUrl}/videos/${videoId}/content`, { authorization: `Bearer ${ctx.soraApiKey}` }).catch((e) => ({ status: e.message }));
		if (kept.status !== 200) row.problems.push(`the video is no longer on the server (${kept.status})`);
	}
	return row;
}

// ---------------------------------------------------------------------------------------------------------------
// Queue mode: one Telegram row with the database binary mode

async function queueRow(ctx, example) {
	const q = require('./queue-runtime');
	const label = example.file.replace(/\.json$/, '');
	const row = { example: label, node: 'telegram', version: '-', mode: 'queue + database', bytes: '-', sha: '-', seconds: 0, problems: [] };
	let tools;
	try {
		tools = q.ensureSystemTools();
	} catch (error) {
		return { ...row, skipped: `queue mode needs Postgres and Redis: ${error.message}` };
	}
	const started = Date.now();
	const base = path.join(ctx.out, 'queue');
	fs.rmSync(base, { recursive: true, force: true });
	const folders = { main: path.join(base, 'main'), worker: path.join(base, 'worker') };
	for (const dir of Object.values(folders)) fs.mkdirSync(dir, { recursive: true });
	try {
		const pg = await q.startPostgres(ctx.runtime, tools, { dir: path.join(base, 'pg'), port: await rt.freePort(), logFile: path.join(ctx.logs, 'queue-postgres.log') });
		const redis = await q.startRedis(tools, { port: await rt.freePort(), logFile: path.join(ctx.logs, 'queue-redis.log') });
		// Interrupted (Ctrl-C ends the run with process.exit): Postgres and Redis, in process groups of their own, go too.
		const killServers = () => [pg.entry, redis.entry].forEach((entry) => rt.signalGroup(entry.child, 'SIGKILL'));
		process.once('exit', killServers);
		const env = q.clusterEnv({ pg, redis, encryptionKey: 'sora-e2e-publish-queue-key', binaryMode: 'database', restrictFileAccessTo: ctx.videos });
		const installed = [rt.installPackage(folders.main, ctx.pack), installCommunityNode(folders.main)];
		for (const dir of [folders.worker]) {
			rt.installPackage(dir, ctx.pack);
			installCommunityNode(dir);
		}
		// A Webhook in front of the example's chain: queue mode runs production executions on the workers.
		const copy = prepareCopy(example, 'Q', ctx.videos);
		const hook = { parameters: { httpMethod: 'POST', path: 'sora-publish-queue', responseMode: 'lastNode', options: {} }, id: 'e2e-publish-webhook', name: 'e2e: webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 300], webhookId: 'e2e-publish-queue' };
		copy.workflow.nodes.push(hook);
		copy.workflow.connections[hook.name] = { main: [[{ node: copy.sora, type: 'main', index: 0 }]] };
		const cliEnv = { ...env, N8N_LOG_OUTPUT: 'file', N8N_LOG_FILE_LOCATION: path.join(ctx.logs, 'queue-cli.log') };
		rt.n8nCli(ctx.runtime, folders.main, ['import:credentials', `--input=${writeJson(path.join(base, 'credentials.json'), ctx.credentials)}`], { env: cliEnv });
		rt.n8nCli(ctx.runtime, folders.main, ['import:workflow', `--input=${writeJson(path.join(base, 'workflow.json'), copy.workflow)}`], { env: cliEnv });
		rt.n8nCli(ctx.runtime, folders.main, ['publish:workflow', `--id=${copy.workflow.id}`], { env: cliEnv });
		for (const dir of installed) await q.registerPackagePostgres(ctx.runtime, pg, dir);
		const main = await q.startMain(ctx.runtime, folders.main, { env, logDir: ctx.logs, name: 'queue-main' });
		const worker = await q.startWorker(ctx.runtime, folders.worker, { env, logDir: ctx.logs, name: 'queue-worker' });
		const before = ctx.standIns.received.length;
		const t = Date.now();
		const answer = await q.waitFor('the published webhook', async () => {
			const r = await rt.httpRequest(`${main.url}/webhook/sora-publish-queue`, { method: 'POST', body: {} }).catch(() => null);
			return r && r.status !== 404 ? r : false;
		}, { timeoutMs: 90_000, intervalMs: 1000 });
		row.seconds = (Date.now() - t) / 1000;
		const entries = ctx.standIns.received.slice(before).filter((e) => e.platform === 'telegram');
		const file = fs.readdirSync(ctx.videos).find((f) => f.startsWith(copy.prefix) && f.endsWith('.mp4'));
		if (answer.status !== 200) row.problems.push(`webhook HTTP ${answer.status}: ${answer.body.toString().slice(0, 300)}`);
		if (!file) row.problems.push('the Sora node produced no MP4 (nothing was written)');
		if (entries.length !== 1) row.problems.push(`the Telegram stand-in received ${entries.length} uploads, expected 1`);
		// The execution ran on the worker, not on main (queue mode's point).
		if (!q.workerStartedExecutions(worker).length) row.problems.push('the worker started no execution');
		if (file && entries.length === 1) {
			const producedSha = sha256File(path.join(ctx.videos, file));
			row.bytes = String(entries[0].bytes);
			row.sha = entries[0].sha256 === producedSha ? 'yes' : 'NO';
			if (entries[0].sha256 !== producedSha) row.problems.push('received sha256 differs from the produced MP4');
			row.problems.push(...entries[0].problems, ...metadataProblems('telegram', entries[0], { prompt: 'x' }));
			fs.rmSync(path.join(ctx.videos, file), { force: true });
		}
		row.version = String(copy.publisher.typeVersion);
	} catch (error) {
		row.problems.push(error.message.slice(0, 600));
	} finally {
		await q.stopAll();
	}
	row.total = (Date.now() - started) / 1000;
	return row;
}

function writeJson(file, data) {
	fs.writeFileSync(file, JSON.stringify(data, null, 2), { mode: 0o600 });
	return file;
}

// ---------------------------------------------------------------------------------------------------------------

function printRows(rows) {
	const headers = ['example', 'node', 'version', 'binary mode', 'bytes', 'sha256 match', 'wall s', 'result'];
	const data = rows.map((r) => [r.example, r.node, r.version, r.mode, r.bytes, r.sha, r.skipped ? '-' : r.seconds.toFixed(1), r.skipped ? 'skipped' : r.problems.length ? 'FAIL' : 'PASS']);
	const widths = headers.map((h, i) => Math.max(h.length, ...data.map((d) => d[i].length)));
	const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
	console.log('');
	console.log('Publishing rows (stand-ins of the platforms\' upload APIs; sha256 = the stand-in received the MP4 the Sora node produced)');
	console.log(line(headers));
	console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
	for (const d of data) console.log(line(d));
	for (const r of rows) {
		if (r.skipped) console.log(`  skipped ${r.example} [${r.mode}]: ${r.skipped}`);
		else if (r.problems.length) console.log(`  FAIL ${r.example} [${r.mode}]: ${r.problems.join('; ')}`);
		else if (r.error) console.log(`  ${r.example} [${r.mode}] stopped before the upload with: "${r.error}"`);
	}
	console.log('');
}

/**
 * Runs the publishing rows. `runtime` and `pack` (this package, packed) come from e2e.js, or are made here when run
 * alone. `out`: the folder for this run. Returns the rows ({…, problems, skipped}).
 */
async function runPublishing({ runtime, pack, out, examples }) {
	const { createNamespace, unavailableReason } = require(path.join(PUBLISH_DIR, 'netns.js'));
	const { startStandIns, HTTPS_HOSTS } = require(path.join(PUBLISH_DIR, 'index.js'));
	const { startEmulator } = require(path.join(rt.ROOT, 'test', 'emulator', 'index.js'));
	const list = examples.filter((e) => isPublishingExample(e.workflow));
	if (!list.length) return [];
	ensureTools();
	const reason = unavailableReason();
	if (reason) {
		// The closest thing that keeps all traffic on loopback would need the nodes' hosts changed: not the examples as
		// users run them. Say so instead.
		return list.map((e) => ({ example: e.file.replace(/\.json$/, ''), node: '-', version: '-', mode: '-', bytes: '-', sha: '-', seconds: 0, problems: [], skipped: `no network namespace here (${reason})` }));
	}
	const userFolder = path.join(out, 'n8n');
	const videos = path.join(out, 'videos');
	const logs = path.join(out, 'logs');
	fs.rmSync(out, { recursive: true, force: true });
	for (const dir of [userFolder, videos, logs]) fs.mkdirSync(dir, { recursive: true });
	const ns = createNamespace({ hostnames: Object.keys(HTTPS_HOSTS) });
	// However this process ends, the namespace, its veth pair and /etc/netns/<name> go.
	process.once('exit', ns.remove);
	rt.log(`network namespace ${ns.name}: n8n at ${ns.nsAddress}, stand-ins at ${ns.hostAddress} (${Object.keys(HTTPS_HOSTS).join(', ')} → there), no other route`);
	let standIns;
	let emulator;
	const rows = [];
	try {
		standIns = await startStandIns({ host: ns.hostAddress, certDir: path.join(out, 'ca'), log: (m) => rt.log(`  ${m}`) });
		emulator = await startEmulator({ port: 0, host: ns.hostAddress, jobMs: Number(process.env.SORA_E2E_JOB_MS || 1000), apiKey: 'sk-e2e-publish', captions: false });
		rt.log(`stand-ins: HTTPS ${ns.hostAddress}:443 (CA ${standIns.caFile}), Telegram ${standIns.telegramUrl}; Sora emulator ${emulator.baseUrl}`);
		installCommunityNode(userFolder);
		const soraCredential = rt.soraCredential({ apiKey: 'sk-e2e-publish', baseUrl: emulator.baseUrl });
		const credentials = [soraCredential, ...publishingCredentials({ telegramUrl: standIns.telegramUrl, standIn: true })];
		const ctx = { runtime, userFolder, videos, logs, out, pack, wrap: ns.wrap, caFile: standIns.caFile, standIns, emulator, credentials, soraBaseUrl: emulator.baseUrl, soraApiKey: 'sk-e2e-publish' };
		const installed = [rt.installPackage(userFolder, pack), path.join(userFolder, '.n8n', 'nodes', 'node_modules', UPLOAD_POST.name)];
		const copies = { default: list.map((e) => prepareCopy(e, 'D', videos)), filesystem: list.map((e) => prepareCopy(e, 'F', videos)) };
		const telegramExample = list.find((e) => e.workflow.nodes.some((n) => n.type === 'n8n-nodes-base.telegram') && !e.workflow.nodes.some((n) => n.type === 'n8n-nodes-base.scheduleTrigger'));
		const big = telegramExample ? prepareCopy(telegramExample, 'Big', videos) : undefined;
		rt.importCredentials(runtime, userFolder, credentials);
		rt.importWorkflows(runtime, userFolder, [...copies.default, ...copies.filesystem, ...(big ? [big] : [])].map((c) => c.workflow));
		for (const dir of installed) rt.registerPackage(runtime, userFolder, dir);
		for (const mode of ['default', 'filesystem']) {
			for (const copy of copies[mode]) {
				// The scheduled example runs once (filesystem): its publishing chain is example 9's.
				if (mode === 'default' && copy.workflow.nodes.some((n) => n.type === 'n8n-nodes-base.scheduleTrigger')) continue;
				rt.log(`publishing: ${copy.file} in ${mode} binary mode (n8n execute in ${ns.name})`);
				const row = await runRow(ctx, copy, mode);
				rt.log(`  ${row.problems.length ? '✗' : '✓'} ${row.node} ${row.bytes} bytes, sha256 match ${row.sha}, ${row.seconds.toFixed(1)} s${row.problems.length ? `: ${row.problems.join('; ')}` : ''}`);
				rows.push(row);
			}
		}
		if (big) {
			rt.log(`publishing: ${big.file} with a video over Telegram's 50 MB (filesystem mode)`);
			const row = await oversizeRow(ctx, big, 'filesystem');
			rt.log(`  ${row.problems.length ? '✗' : '✓'} stopped before the upload: ${row.error ?? row.problems.join('; ')}`);
			rows.push(row);
		}
		if (telegramExample && process.env.SORA_E2E_PUBLISH_QUEUE !== '0') {
			rt.log(`publishing: ${telegramExample.file} on n8n's queue mode (database binary mode; Postgres, Redis, main + worker)`);
			const row = await queueRow(ctx, telegramExample);
			rt.log(`  ${row.skipped ? '–' : row.problems.length ? '✗' : '✓'} ${row.skipped ?? `${row.bytes} bytes, sha256 match ${row.sha}, ${row.seconds.toFixed(1)} s (cluster up and down: ${row.total?.toFixed(1)} s)`}${row.problems.length ? `: ${row.problems.join('; ')}` : ''}`);
			rows.push(row);
		}
	} finally {
		if (emulator) await emulator.close();
		if (standIns) await standIns.close();
		ns.remove();
	}
	return rows;
}

module.exports = { runPublishing, isPublishingExample, printRows, setUpForEditor };

if (require.main === module) {
	const T0 = Date.now();
	rt.stopOnExit(async (reason) => {
		rt.log(`${reason}: stopping`);
		await rt.stopChildren(5000);
		await require('./queue-runtime').stopAll();
		process.exit(130);
	});
	(async () => {
		const runtime = await rt.ensureRuntime();
		const out = path.join(rt.ROOT, 'out', 'e2e-publish');
		const pack = rt.buildAndPack(path.join(rt.ROOT, 'out', 'e2e-publish-pack'));
		const rows = await runPublishing({ runtime, pack, out, examples: rt.loadExamples() });
		printRows(rows);
		const failed = rows.filter((r) => !r.skipped && r.problems.length);
		console.log(`${rows.length - failed.length - rows.filter((r) => r.skipped).length} passed, ${failed.length} failed, ${rows.filter((r) => r.skipped).length} skipped; e2e:publish wall time ${((Date.now() - T0) / 1000).toFixed(1)} s`);
		if (failed.length || !rows.length) process.exitCode = 1;
	})().catch((error) => {
		console.error(error.stack || error);
		process.exit(1);
	});
}
