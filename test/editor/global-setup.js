'use strict';
/**
 * Starts what `npm start` starts — scripts/start.js itself: this package packed and installed as a community package
 * into real n8n 2.40.7, the emulator as the Sora server, the examples and their credentials imported, the files
 * folder created and handed to n8n — but in its own user folder (out/editor/n8n, fresh each run) on free ports for the
 * editor, the task runner broker, the emulator and the examples' helper server, so it runs next to another npm start.
 * Then starts a second server kind for the OpenRouter test: the emulator in OpenRouter mode.
 *
 * Writes out/editor/state.json for the tests; returns the teardown (stops start.js, which stops n8n and its runner).
 */
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const rt = require('../../scripts/n8n-runtime');
const { OUT, STATE_FILE, OWNER } = require('./paths');

async function until(check, timeoutMs, what) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
		await rt.sleep(250);
	}
}

module.exports = async function globalSetup() {
	const t0 = Date.now();
	const userFolder = path.join(OUT, 'n8n');
	const filesDir = path.join(OUT, 'files');
	fs.rmSync(userFolder, { recursive: true, force: true });
	fs.rmSync(filesDir, { recursive: true, force: true });
	fs.mkdirSync(OUT, { recursive: true });
	const ports = { n8n: await rt.freePort(), runner: await rt.freePort(), helper: await rt.freePort(), emulator: await rt.freePort() };
	const env = {
		...process.env,
		N8N_PORT: String(ports.n8n),
		N8N_RUNNERS_BROKER_PORT: String(ports.runner),
		SORA_HELPER_PORT: String(ports.helper),
		SORA_EMULATOR_PORT: String(ports.emulator),
		SORA_N8N_USER_FOLDER: userFolder,
		SORA_FILES_DIR: filesDir,
		SORA_N8N_EMAIL: OWNER.email,
		SORA_N8N_PASSWORD: OWNER.password,
		SORA_EMULATOR_JOB_MS: process.env.SORA_EMULATOR_JOB_MS || '3000',
	};
	delete env.SORA_BASE_URL;
	delete env.N8N_RESTRICT_FILE_ACCESS_TO;
	const logFile = path.join(OUT, 'npm-start.log');
	const log = fs.openSync(logFile, 'w');
	const start = spawn(process.execPath, [path.join(rt.ROOT, 'scripts', 'start.js')], { cwd: rt.ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	for (const stream of [start.stdout, start.stderr]) {
		stream.on('data', (d) => {
			output += d;
			fs.writeSync(log, d);
		});
	}
	const stopStart = async () => {
		if (start.exitCode !== null || start.signalCode !== null) return;
		const exited = new Promise((resolve) => start.once('exit', resolve));
		start.kill('SIGTERM');
		const timer = setTimeout(() => start.kill('SIGKILL'), 30_000);
		await exited;
		clearTimeout(timer);
	};
	let openrouter;
	try {
		await until(() => /is ready/.test(output) || start.exitCode !== null, 10 * 60_000, 'npm start (scripts/start.js) to say the editor is ready');
		if (start.exitCode !== null) throw new Error(`scripts/start.js exited with ${start.exitCode}; see ${logFile}\n${output.slice(-2000)}`);
		const baseUrl = `http://localhost:${ports.n8n}`;
		const filesLine = /Files: workflows may read and write files in (\S+)/.exec(output);

		// A second server kind for the OpenRouter test (its credential is created there: see editor.spec.js).
		openrouter = await rt.startSoraServer({ dialect: 'openrouter', jobMs: 1500 });
		const state = {
			baseUrl,
			filesDir: filesLine ? filesLine[1] : null,
			expectedFilesDir: filesDir,
			emulatorApiKey: 'sk-emulator',
			emulatorBaseUrl: /Sora server: (\S+)/.exec(output)?.[1],
			openrouter: { baseUrl: openrouter.baseUrl },
			startupSeconds: (Date.now() - t0) / 1000,
		};
		fs.writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
		console.log(`[editor] n8n from npm start on ${baseUrl} (ready in ${state.startupSeconds.toFixed(1)} s; log ${path.relative(rt.ROOT, logFile)})`);
	} catch (error) {
		if (openrouter) await openrouter.close();
		await stopStart();
		throw error;
	}
	return async () => {
		await openrouter.close();
		await stopStart();
	};
};
