'use strict';
/**
 * `npm start` stops everything it started when npm itself is stopped (SIGTERM to npm's pid, as an IDE's stop button
 * or a process manager does), and names a leftover of an earlier run that holds a port.
 *
 * The real start.js runs under the real npm (npm → sh → node start.js), with a stand-in n8n in a throw-away cache:
 * an HTTP server on N8N_PORT that starts a "task runner" child on N8N_RUNNERS_BROKER_PORT, as n8n does. Starting
 * the real n8n takes a minute and a 3 GB cache; the signal handling and the process groups are the same.
 */
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const rt = require('../../scripts/n8n-runtime');

const ROOT = path.resolve(__dirname, '..', '..');
const onLinux = process.platform === 'linux' && ['x64', 'arm64'].includes(process.arch);

/** The n8n CLI stand-in: import/publish succeed; `start` serves readiness and login and starts a runner. */
const FAKE_N8N = `
const http = require('http');
const fs = require('fs');
const { spawn } = require('child_process');
const [command] = process.argv.slice(2);
if (command !== 'start') process.exit(0);
const runner = spawn(process.execPath, ['-e', "require('http').createServer(() => {}).listen(Number(process.env.N8N_RUNNERS_BROKER_PORT || 5679))"], { stdio: 'ignore' });
fs.writeFileSync(process.env.FAKE_N8N_PIDS, JSON.stringify({ n8n: process.pid, runner: runner.pid }));
http.createServer((req, res) => {
	res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'n8n-auth=x' });
	res.end('{}');
}).listen(Number(process.env.N8N_PORT), () => console.log('Editor is now accessible via:'));
`;

function fakeCache(dir) {
	const node = path.join(dir, 'node24', 'node_modules', `node-linux-${process.arch}`, 'bin');
	fs.mkdirSync(node, { recursive: true });
	fs.symlinkSync(process.execPath, path.join(node, 'node'));
	fs.writeFileSync(path.join(dir, 'node24', '.complete'), 'test');
	const prefix = path.join(dir, `n8n-${rt.N8N_VERSION}`);
	const modules = path.join(prefix, 'node_modules');
	fs.mkdirSync(path.join(modules, 'n8n', 'bin'), { recursive: true });
	fs.writeFileSync(path.join(modules, 'n8n', 'bin', 'n8n'), FAKE_N8N);
	for (const [name, source] of Object.entries({
		bcryptjs: 'exports.hashSync = () => "hash";',
		sqlite3: 'exports.Database = class { serialize(f) { f(); } run() {} close(done) { done(); } };',
	})) {
		fs.mkdirSync(path.join(modules, name), { recursive: true });
		fs.writeFileSync(path.join(modules, name, 'index.js'), source);
		fs.writeFileSync(path.join(modules, name, 'package.json'), JSON.stringify({ name, main: 'index.js' }));
	}
	// Registering the package loads its nodes, which require n8n-workflow (and what it requires) from n8n's install.
	for (const entry of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
		if (!fs.existsSync(path.join(modules, entry))) fs.symlinkSync(path.join(ROOT, 'node_modules', entry), path.join(modules, entry));
	}
	fs.writeFileSync(path.join(prefix, '.installed'), 'test');
	fs.writeFileSync(path.join(prefix, `.sqlite3-${process.version}`), 'test');
}

const alive = (pid) => {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
};

async function until(check, timeoutMs, what) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await check()) return;
		await rt.sleep(200);
	}
	throw new Error(`timed out waiting for ${what}`);
}

(onLinux ? describe : describe.skip)('npm start stops everything it started', () => {
	let work;
	let env;
	let ports;
	const leftovers = [];

	beforeAll(async () => {
		work = fs.mkdtempSync(path.join(os.tmpdir(), 'sora-start-test-'));
		fakeCache(path.join(work, 'cache'));
		ports = { n8n: await rt.freePort(), runner: await rt.freePort(), helper: await rt.freePort(), emulator: await rt.freePort() };
		env = {
			...process.env,
			N8N_SORA_CACHE: path.join(work, 'cache'),
			SORA_N8N_USER_FOLDER: path.join(work, 'editor'),
			SORA_SKIP_BUILD: '1',
			N8N_PORT: String(ports.n8n),
			N8N_RUNNERS_BROKER_PORT: String(ports.runner),
			SORA_HELPER_PORT: String(ports.helper),
			SORA_EMULATOR_PORT: String(ports.emulator),
			FAKE_N8N_PIDS: path.join(work, 'fake-pids.json'),
		};
		delete env.SORA_BASE_URL;
	});

	afterAll(() => {
		for (const pid of leftovers) {
			try {
				process.kill(-pid, 'SIGKILL');
			} catch {}
		}
		fs.rmSync(work, { recursive: true, force: true });
	});

	/** `npm start` until its banner; returns the npm child, its output so far and the pids of what it started. */
	async function npmStart() {
		const npm = spawn('npm', ['start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		npm.stdout.on('data', (d) => (output += d));
		npm.stderr.on('data', (d) => (output += d));
		await until(() => /is ready/.test(output) || npm.exitCode !== null, 60_000, 'the ready banner');
		if (npm.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
		const run = rt.readJson(path.join(work, 'editor', '.npm-start.json'));
		const fake = rt.readJson(env.FAKE_N8N_PIDS);
		return { npm, output: () => output, pids: { npm: npm.pid, start: run.start, n8n: fake.n8n, runner: fake.runner } };
	}

	test('SIGTERM to the npm process leaves no process and no port behind', async () => {
		const { npm, pids } = await npmStart();
		expect(pids.n8n).toBe(rt.readJson(path.join(work, 'editor', '.npm-start.json')).n8n);
		for (const pid of Object.values(pids)) expect(alive(pid)).toBe(true);
		process.kill(npm.pid, 'SIGTERM');
		await until(async () => Object.values(pids).every((pid) => !alive(pid)), 30_000, 'every process to end');
		for (const port of Object.values(ports)) expect(await rt.portIsFree(port)).toBe(true);
		expect(fs.existsSync(path.join(work, 'editor', '.npm-start.json'))).toBe(false);
	});

	test('a port held by a leftover of an earlier run is named, with its pid and how to stop it', async () => {
		const { npm, pids } = await npmStart();
		leftovers.push(pids.n8n);
		// A crash that no handler sees: n8n and its runner stay behind.
		process.kill(pids.start, 'SIGKILL');
		await until(() => npm.exitCode !== null || npm.signalCode !== null, 20_000, 'npm to end');
		expect(alive(pids.n8n)).toBe(true);
		const again = spawn('npm', ['start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		again.stdout.on('data', (d) => (output += d));
		again.stderr.on('data', (d) => (output += d));
		const code = await new Promise((resolve) => again.on('close', resolve));
		expect(code).toBe(1);
		expect(output).toContain(`Port ${ports.n8n} (the n8n editor) is held by n8n left over from an earlier npm start (pid ${pids.n8n})`);
		expect(output).toContain(`kill -- -${pids.n8n}`);
		process.kill(-pids.n8n, 'SIGTERM');
		await until(async () => !alive(pids.n8n) && !alive(pids.runner), 10_000, 'the leftover to end');
	});
});
