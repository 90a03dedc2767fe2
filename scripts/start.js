#!/usr/bin/env node
'use strict';
/**
 * `npm start`: the package working in a real n8n editor, with one command.
 *
 * - Node 24 and n8n 2.x are fetched through npm and cached in ~/.cache/n8n-nodes-sora (first start
 *   takes a few minutes, later starts seconds). What that needs (disk, a compiler where no prebuilt
 *   sqlite3 can be had, Node 24 where npm has no portable one) is checked before anything is downloaded.
 * - This package is built, packed and installed as a community package into a persistent n8n user
 *   folder (~/.cache/n8n-nodes-sora/editor, or $SORA_N8N_USER_FOLDER).
 * - The Sora emulator (or your server: SORA_BASE_URL, SORA_API_KEY) and the examples' helper server
 *   (port 5680: first-frame PNG, "publishing" endpoint) run in this process.
 * - The "Sora API" credential and the example workflows are imported, the trigger example is
 *   published (with a credential of its own), the owner account is set up from environment variables,
 *   and the editor opens on http://localhost:5678. n8n's own output goes to a log file.
 *
 * `npm start -- --reset-examples` imports the examples again, undoing edits made to them in the editor.
 *
 * Ctrl-C, SIGTERM, SIGHUP, or the end of the process that ran it (npm, an IDE, a process manager) stop n8n,
 * its task runner, the emulator and the helper server.
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const rt = require('./n8n-runtime');

const { isAlive } = rt;

const PORT = Number(process.env.N8N_PORT || 5678);
const EMULATOR_PORT = Number(process.env.SORA_EMULATOR_PORT || 4010);
const HELPER_PORT = Number(process.env.SORA_HELPER_PORT || 5680);
const RUNNER_PORT = Number(process.env.N8N_RUNNERS_BROKER_PORT || 5679);
const USER_FOLDER = path.resolve(process.env.SORA_N8N_USER_FOLDER || path.join(rt.CACHE_DIR, 'editor'));
const OWNER = {
	email: process.env.SORA_N8N_EMAIL || 'demo@example.com',
	password: process.env.SORA_N8N_PASSWORD || 'SoraDemo123',
};
const TRIGGER_WORKFLOW = 'soraExample04trg';
/**
 * The folder workflows may write videos to (example 07, a person's own Read/Write Files from Disk node). n8n 2.x lets
 * workflows touch files only under N8N_RESTRICT_FILE_ACCESS_TO (default ~/.n8n-files, which nothing creates), and
 * refuses everything else with "Access to the file is not allowed." (n8n-core file-system-helper-functions.js).
 */
const FILES_DIR = rt.filesDir();
/** Who this run is (pids), so the next start can tell a leftover of it from a stranger on the same port. */
const RUN_FILE = path.join(USER_FOLDER, '.npm-start.json');
const USAGE = 'usage: npm start [-- --reset-examples]';
const args = process.argv.slice(2);
for (const arg of args) {
	if (arg !== '--reset-examples') {
		console.error(`unknown option ${arg}\n${USAGE}`);
		process.exit(2);
	}
}
const RESET_EXAMPLES = args.includes('--reset-examples');

const cleanups = [];
let stopping = false;

async function stopAll(code, reason) {
	if (stopping) return;
	stopping = true;
	if (reason) rt.log(`${reason}: stopping n8n, the Sora emulator and the helper server…`);
	await rt.stopChildren();
	for (const cleanup of cleanups.reverse()) {
		try {
			await cleanup();
		} catch (error) {
			console.error(`cleanup failed: ${error.message}`);
		}
	}
	removeRunFile();
	if (reason) rt.log('stopped');
	process.exit(code);
}

/**
 * A port in use: says who holds it — a leftover of an earlier `npm start` (with the pid and the command that
 * stops it), this same start still running, or another program.
 */
async function ensurePortFree(port, what, envHint) {
	if (await rt.portIsFree(port)) return;
	const holder = rt.portHolder(port);
	const previous = rt.readJson(RUN_FILE) || {};
	const hint = envHint ? `, or run with ${envHint}=<other port>` : '';
	if (!holder) throw new Error(`Port ${port} (${what}) is in use by a process this user cannot see. Stop it${hint}.`);
	const ours = [previous.start, previous.n8n].filter(Boolean);
	const ofEarlierRun = ours.includes(holder.pid) || ours.includes(holder.pgid);
	const startAlive = previous.start && previous.start !== process.pid && isAlive(previous.start);
	if (ofEarlierRun && startAlive) {
		throw new Error(`Port ${port} (${what}) is held by another npm start that is still running (pid ${previous.start}). Stop it with Ctrl-C in its terminal, or:  kill ${previous.start}`);
	}
	const looksLikeN8n = /n8n/.test(holder.command);
	if (ofEarlierRun || (looksLikeN8n && holder.command.includes(rt.CACHE_DIR))) {
		const group = holder.pgid && holder.pgid !== process.pid ? holder.pgid : holder.pid;
		throw new Error(
			`Port ${port} (${what}) is held by ${looksLikeN8n ? 'n8n' : 'a process'} left over from an earlier npm start (pid ${holder.pid}). ` +
				`Stop it and its task runner with:  kill -- -${group}   and run npm start again.`,
		);
	}
	throw new Error(`Port ${port} (${what}) is in use by pid ${holder.pid} (${holder.command.slice(0, 120) || 'unknown command'}). Stop it${hint}.`);
}


function writeRunFile(data) {
	fs.mkdirSync(USER_FOLDER, { recursive: true });
	fs.writeFileSync(RUN_FILE, JSON.stringify({ start: process.pid, ...data }));
}

function removeRunFile() {
	const current = rt.readJson(RUN_FILE);
	if (current && current.start === process.pid) fs.rmSync(RUN_FILE, { force: true });
}

/**
 * n8n's own lines that belong in this terminal: none but a failure to load this package. The rest (its Python
 * runner, deprecation notices, unreachable api.n8n.io, stack traces of failed credential tests) is in the log file.
 */
function worthShowing(line) {
	return /n8n-nodes-sora/.test(line) && /error|fail|could not/i.test(line);
}

async function main() {
	const t0 = Date.now();
	rt.log(`starting n8n ${rt.N8N_VERSION} with n8n-nodes-sora (cache ${rt.CACHE_DIR})`);
	await ensurePortFree(PORT, 'the n8n editor', 'N8N_PORT');
	await ensurePortFree(RUNNER_PORT, "n8n's task runner broker", 'N8N_RUNNERS_BROKER_PORT');
	await ensurePortFree(HELPER_PORT, "the examples' helper server", 'SORA_HELPER_PORT');
	writeRunFile({});
	await rt.checkPrerequisites();
	const runtime = await rt.ensureRuntime();

	fs.mkdirSync(USER_FOLDER, { recursive: true });
	const pack = rt.buildAndPack(path.join(USER_FOLDER, 'pack'));
	const installed = rt.installPackage(USER_FOLDER, pack);

	const emulatorPort = process.env.SORA_BASE_URL ? 0 : (await rt.portIsFree(EMULATOR_PORT)) ? EMULATOR_PORT : 0;
	const sora = await rt.startSoraServer({ port: emulatorPort, jobMs: Number(process.env.SORA_EMULATOR_JOB_MS || 8000) });
	cleanups.push(() => sora.close());
	if (!sora.emulated) rt.log(`using your Sora server ${sora.baseUrl}`);
	const helper = await rt.startExampleServer({ port: HELPER_PORT, host: '0.0.0.0', publishDir: path.join(USER_FOLDER, 'published') });
	const exampleServerUrl = `http://localhost:${HELPER_PORT}`;
	cleanups.push(() => helper.close());
	rt.log(`examples' helper server on ${helper.url} (GET /frame.png, POST /publish)`);

	const logs = path.join(USER_FOLDER, 'logs');
	fs.mkdirSync(logs, { recursive: true });
	const cliEnv = { N8N_LOG_OUTPUT: 'file', N8N_LOG_FILE_LOCATION: path.join(logs, 'cli.log') };

	// The credential always points at the server of this run (the emulator's port may differ).
	// The trigger example has a copy of its own, so experiments with "Sora API" do not break the published trigger.
	rt.importCredentials(runtime, USER_FOLDER, rt.exampleCredentials(rt.soraCredential(sora)));
	importExamples(runtime, cliEnv, exampleServerUrl);
	rt.registerPackage(runtime, USER_FOLDER, installed);
	// The publishing examples (08 onward): the upload-post community node and their credentials (placeholders).
	require('./e2e-publish').setUpForEditor(runtime, USER_FOLDER, { reset: RESET_EXAMPLES });

	fs.mkdirSync(FILES_DIR, { recursive: true });
	const restrictTo = fileAccessSetting();
	rt.log(`files folder ${FILES_DIR} (workflows may read and write files there: N8N_RESTRICT_FILE_ACCESS_TO=${restrictTo})`);

	const n8nLog = path.join(logs, 'n8n.log');
	rt.log(`starting n8n (its own output goes to ${n8nLog}${process.env.SORA_N8N_VERBOSE === '1' ? ' and here' : '; SORA_N8N_VERBOSE=1 shows it here too'})`);
	const n8n = await rt.startN8n(runtime, USER_FOLDER, {
		port: PORT,
		logFile: n8nLog,
		echo: process.env.SORA_N8N_VERBOSE === '1' ? true : worthShowing,
		env: {
			...rt.ownerEnv(runtime, OWNER),
			...rt.editorEnv(),
			N8N_EDITOR_BASE_URL: `http://localhost:${PORT}`,
			N8N_RESTRICT_FILE_ACCESS_TO: restrictTo,
			N8N_RUNNERS_BROKER_PORT: String(RUNNER_PORT),
		},
		readyTimeoutMs: 300_000,
	});
	writeRunFile({ n8n: n8n.child.pid });
	n8n.child.on('exit', (code) => {
		if (stopping) return;
		rt.log(`n8n exited (${code}); see ${n8nLog}`);
		stopAll(1);
	});
	try {
		await rt.login(n8n.url, OWNER);
	} catch (error) {
		rt.log(`warning: could not log in with the demo account: ${error.message}`);
	}

	const bar = '─'.repeat(74);
	const lines = [
		'',
		`  ┌${bar}`,
		`  │ n8n ${rt.N8N_VERSION} with n8n-nodes-sora is ready (started in ${((Date.now() - t0) / 1000).toFixed(1)} s)`,
		'  │',
		`  │ 1. Open  http://localhost:${PORT}/home/workflows  and sign in:  ${OWNER.email}  /  ${OWNER.password}`,
		'  │ 2. On the Overview page, click "Sora example 1: text to video".',
		'  │ 3. Click "Execute workflow" at the bottom of the canvas; after a few seconds the',
		'  │    Sora node turns green. Double-click it and open the Binary tab to watch the MP4.',
		'  │',
		`  │ Files: workflows may read and write files in ${FILES_DIR}`,
		'  │        ("Sora example 7" saves its MP4 there with Read/Write Files from Disk)',
		`  │ Sora server: ${sora.baseUrl}${sora.emulated ? ' (the local emulator: free, makes test videos)' : ''}, credential "Sora API"`,
		`  │ "Sora example 4b" (Sora Trigger) is published: run 4a, then watch its Executions.`,
		`  │ Undo your edits to the examples: npm start -- --reset-examples`,
		`  │ n8n's own log: ${n8nLog}`,
		`  │ Ctrl-C stops everything.`,
		`  └${bar}`,
		'',
	];
	console.log(lines.join('\n'));
}

/**
 * N8N_RESTRICT_FILE_ACCESS_TO for n8n: the files folder, plus the folders you set yourself (';'-separated, as n8n
 * reads it), so setting it never takes a folder away.
 */
function fileAccessSetting() {
	const own = (process.env.N8N_RESTRICT_FILE_ACCESS_TO || '').split(';').map((p) => p.trim()).filter(Boolean);
	return [...new Set([FILES_DIR, ...own])].join(';');
}

/**
 * Imports the examples on the first start, again when a file in examples/ changed, and whenever
 * --reset-examples asks for it; otherwise edits made in the editor survive restarts. The trigger example
 * is published each time.
 */
function importExamples(runtime, cliEnv, exampleServerUrl) {
	const examples = rt.loadExamples({ exampleServerUrl });
	const hash = crypto.createHash('sha256').update(JSON.stringify(examples.map((e) => e.workflow))).digest('hex');
	const stamp = path.join(USER_FOLDER, '.examples.sha256');
	const previous = fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8').trim() : '';
	if (previous === hash && !RESET_EXAMPLES) {
		rt.log(`examples already imported (${examples.length} workflows; npm start -- --reset-examples restores them)`);
	} else {
		rt.importWorkflows(runtime, USER_FOLDER, examples.map((e) => e.workflow));
		if (RESET_EXAMPLES) rt.log('examples restored to the files in examples/');
		fs.writeFileSync(stamp, hash);
	}
	if (examples.some((e) => e.workflow.id === TRIGGER_WORKFLOW)) {
		rt.n8nCli(runtime, USER_FOLDER, ['publish:workflow', `--id=${TRIGGER_WORKFLOW}`], { env: cliEnv, allowFailure: true });
	}
}

rt.stopOnExit((reason) => stopAll(0, reason));

main().catch(async (error) => {
	console.error(`\nnpm start failed: ${error.message}`);
	await stopAll(1);
});
