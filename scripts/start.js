#!/usr/bin/env node
'use strict';
/**
 * `npm start`: the package working in a real n8n editor, with one command.
 *
 * - Node 24 and n8n 2.x are fetched through npm and cached in ~/.cache/n8n-nodes-sora (first start
 *   takes a few minutes, later starts seconds).
 * - This package is built, packed and installed as a community package into a persistent n8n user
 *   folder (~/.cache/n8n-nodes-sora/editor, or $SORA_N8N_USER_FOLDER).
 * - The Sora emulator (or your server: SORA_BASE_URL, SORA_API_KEY) and the examples' helper server
 *   (port 5680: first-frame PNG, "publishing" endpoint) run in this process.
 * - The "Sora API" credential and the example workflows are imported, the trigger example is
 *   published, the owner account is set up from environment variables, and the editor opens on
 *   http://localhost:5678.
 *
 * Ctrl-C stops n8n, the emulator and the helper server.
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const rt = require('./n8n-runtime');

const PORT = Number(process.env.N8N_PORT || 5678);
const EMULATOR_PORT = Number(process.env.SORA_EMULATOR_PORT || 4010);
const HELPER_PORT = 5680;
const USER_FOLDER = path.resolve(process.env.SORA_N8N_USER_FOLDER || path.join(rt.CACHE_DIR, 'editor'));
const OWNER = {
	email: process.env.SORA_N8N_EMAIL || 'demo@example.com',
	password: process.env.SORA_N8N_PASSWORD || 'SoraDemo123',
};
const TRIGGER_WORKFLOW = 'soraExample04trg';

const cleanups = [];
let stopping = false;

async function stopAll(code) {
	if (stopping) return;
	stopping = true;
	rt.log('stopping n8n, the Sora emulator and the helper server…');
	for (const cleanup of cleanups.reverse()) {
		try {
			await cleanup();
		} catch (error) {
			console.error(`cleanup failed: ${error.message}`);
		}
	}
	rt.log('stopped');
	process.exit(code);
}

async function main() {
	const t0 = Date.now();
	rt.log(`starting n8n ${rt.N8N_VERSION} with n8n-nodes-sora (cache ${rt.CACHE_DIR})`);
	if (!(await rt.portIsFree(PORT))) {
		throw new Error(`Port ${PORT} is in use (another n8n?). Stop it, or run with N8N_PORT=<other port>.`);
	}
	if (!(await rt.portIsFree(HELPER_PORT))) {
		throw new Error(`Port ${HELPER_PORT} (the examples' helper server) is in use. Stop what uses it and run npm start again.`);
	}
	const runtime = await rt.ensureRuntime();

	fs.mkdirSync(USER_FOLDER, { recursive: true });
	const pack = rt.buildAndPack(path.join(USER_FOLDER, 'pack'));
	const installed = rt.installPackage(USER_FOLDER, pack);

	const emulatorPort = process.env.SORA_BASE_URL ? 0 : (await rt.portIsFree(EMULATOR_PORT)) ? EMULATOR_PORT : 0;
	const sora = await rt.startSoraServer({ port: emulatorPort, jobMs: Number(process.env.SORA_EMULATOR_JOB_MS || 8000) });
	cleanups.push(() => sora.close());
	if (!sora.emulated) rt.log(`using your Sora server ${sora.baseUrl}`);
	const helper = await rt.startExampleServer({ port: HELPER_PORT, host: '0.0.0.0', publishDir: path.join(USER_FOLDER, 'published') });
	cleanups.push(() => helper.close());
	rt.log(`examples' helper server on ${helper.url} (GET /frame.png, POST /publish)`);

	const logs = path.join(USER_FOLDER, 'logs');
	fs.mkdirSync(logs, { recursive: true });
	const cliEnv = { N8N_LOG_OUTPUT: 'file', N8N_LOG_FILE_LOCATION: path.join(logs, 'cli.log') };

	// The credential always points at the server of this run (the emulator's port may differ).
	rt.importCredentials(runtime, USER_FOLDER, [rt.soraCredential(sora)]);
	importExamplesOnce(runtime, cliEnv);
	rt.registerPackage(runtime, USER_FOLDER, installed);

	const n8n = await rt.startN8n(runtime, USER_FOLDER, {
		port: PORT,
		logFile: path.join(logs, 'n8n.log'),
		echo: process.env.SORA_N8N_QUIET !== '1',
		env: { ...rt.ownerEnv(runtime, OWNER), N8N_EDITOR_BASE_URL: `http://localhost:${PORT}` },
		readyTimeoutMs: 300_000,
	});
	cleanups.push(() => n8n.stop());
	n8n.child.on('exit', (code) => {
		if (!stopping) {
			rt.log(`n8n exited (${code}); see ${path.join(logs, 'n8n.log')}`);
			stopAll(1);
		}
	});
	try {
		await rt.login(n8n.url, OWNER);
	} catch (error) {
		rt.log(`warning: could not log in with the demo account: ${error.message}`);
	}

	const lines = [
		'',
		'  ┌──────────────────────────────────────────────────────────────────────',
		`  │ n8n ${rt.N8N_VERSION} with n8n-nodes-sora is ready: http://localhost:${PORT}`,
		`  │ Log in with  ${OWNER.email}  /  ${OWNER.password}`,
		`  │ Sora server: ${sora.baseUrl}${sora.emulated ? ' (emulator, key sk-emulator)' : ''}  →  credential "Sora API"`,
		`  │ Examples: Overview → workflows "Sora example 1…5" (open one, click Execute workflow)`,
		`  │ "Sora example 4b" (Sora Trigger) is published: run 4a and watch Executions`,
		`  │ User folder: ${USER_FOLDER}`,
		`  │ Started in ${((Date.now() - t0) / 1000).toFixed(1)} s.  Ctrl-C stops everything.`,
		'  └──────────────────────────────────────────────────────────────────────',
		'',
	];
	console.log(lines.join('\n'));
}

/**
 * Imports the examples on the first start, and again only when a file in examples/ changed,
 * so edits made in the editor survive restarts. The trigger example is published each time.
 */
function importExamplesOnce(runtime, cliEnv) {
	const examples = rt.loadExamples();
	const hash = crypto.createHash('sha256').update(JSON.stringify(examples.map((e) => e.workflow))).digest('hex');
	const stamp = path.join(USER_FOLDER, '.examples.sha256');
	const previous = fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8').trim() : '';
	if (previous === hash) {
		rt.log(`examples already imported (${examples.length} workflows)`);
	} else {
		rt.importWorkflows(runtime, USER_FOLDER, examples.map((e) => e.workflow));
		fs.writeFileSync(stamp, hash);
	}
	if (examples.some((e) => e.workflow.id === TRIGGER_WORKFLOW)) {
		rt.n8nCli(runtime, USER_FOLDER, ['publish:workflow', `--id=${TRIGGER_WORKFLOW}`], { env: cliEnv, allowFailure: true });
	}
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stopAll(0));

main().catch(async (error) => {
	console.error(`\nnpm start failed: ${error.message}`);
	await stopAll(1);
});
