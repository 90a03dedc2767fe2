'use strict';
/**
 * Infrastructure for running this package on n8n's distributed engine (queue mode), used by e2e-queue.js:
 * Postgres and Redis from Debian packages (installed with apt-get when missing and we are root), an n8n main
 * process and workers (`n8n worker`) on top of scripts/n8n-runtime.js, peak-RSS readings from /proc, and a small
 * Postgres client (node-postgres from the n8n install, so the repository gains no dependency).
 *
 * Everything started here is tracked and stopped by `stopAll()`, which e2e-queue.js also calls on SIGINT/SIGTERM.
 *
 * n8n sources this follows (n8n 2.40.7, read from the installed dist/ files):
 * - packages/cli/src/commands/worker.ts: `n8n worker`, its readiness line, QUEUE_HEALTH_CHECK_* and the runner
 *   broker port each process needs for itself;
 * - packages/core/src/instance-settings/instance-settings.ts: hostId = `worker-<hostname>` in a container,
 *   `worker-<random>` elsewhere; that id is what main logs as `workerId` for each finished job;
 * - packages/core/src/binary-data/binary-data.config.ts: queue mode defaults to the `database` binary mode.
 */
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');

const rt = require('./n8n-runtime');

/** Every child process and server started here, newest last; stopAll() stops them newest first. */
const started = [];

function isRoot() {
	return typeof process.getuid === 'function' && process.getuid() === 0;
}

function which(command) {
	const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
	return result.status === 0 ? result.stdout.trim() : null;
}

/** The directory with initdb/pg_ctl/postgres of the newest Debian Postgres, or null. */
function postgresBinDir() {
	const base = '/usr/lib/postgresql';
	if (!fs.existsSync(base)) return null;
	const versions = fs
		.readdirSync(base)
		.filter((v) => fs.existsSync(path.join(base, v, 'bin', 'postgres')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? path.join(base, versions[0], 'bin') : null;
}

/**
 * Postgres, Redis and ffprobe (test tooling: every MP4 is probed). Missing ones are installed with apt-get when
 * running as root on Debian/Ubuntu; otherwise the error names the packages to install.
 */
function ensureSystemTools() {
	const missing = () => {
		const packages = [];
		if (!postgresBinDir()) packages.push('postgresql');
		if (!which('redis-server')) packages.push('redis-server');
		if (!which('ffprobe')) packages.push('ffmpeg');
		return packages;
	};
	rt.ensureDebianPackages(missing, 'queue mode');
	const tools = { pgBin: postgresBinDir(), redis: which('redis-server'), ffprobe: which('ffprobe') };
	const pgVersion = rt.run(path.join(tools.pgBin, 'postgres'), ['--version'], { capture: true }).stdout.trim();
	const redisVersion = rt.run(tools.redis, ['--version'], { capture: true }).stdout.trim().split(' ').find((w) => w.startsWith('v='));
	rt.log(`system tools ready: ${pgVersion}, redis ${redisVersion}, ${tools.ffprobe}`);
	return tools;
}

/** A child process in its own process group, output appended to logFile; tracked for stopAll(). */
function spawnTracked(name, command, args, { env = process.env, logFile, cwd, onOutput } = {}) {
	const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	let output = '';
	for (const stream of [child.stdout, child.stderr]) {
		stream.on('data', (d) => {
			output += d;
			if (output.length > 2_000_000) output = output.slice(-1_000_000);
			if (logFile) fs.appendFileSync(logFile, d);
			if (onOutput) onOutput(String(d));
		});
	}
	const entry = { name, child, exited: null, output: () => output };
	child.on('exit', (code, signal) => (entry.exited = { code, signal }));
	started.push(entry);
	return entry;
}

const { signalGroup } = rt;

/** Stops one tracked process (its whole group): `signal`, then SIGKILL after graceMs. */
function stopTracked(entry, { signal = 'SIGTERM', graceMs = 15_000 } = {}) {
	const index = started.indexOf(entry);
	if (index !== -1) started.splice(index, 1);
	return new Promise((resolve) => {
		const { child } = entry;
		if (child.exitCode !== null || child.signalCode !== null) return resolve();
		const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve();
		});
		signalGroup(child, signal);
	});
}

/** SIGKILL without a grace period (a worker "crashing"); resolves when it is gone. */
function killTracked(entry) {
	return stopTracked(entry, { signal: 'SIGKILL', graceMs: 0 });
}

async function stopAll() {
	while (started.length) {
		const entry = started[started.length - 1];
		await stopTracked(entry, entry.stopOptions || {});
	}
}

async function waitFor(what, check, { timeoutMs = 60_000, intervalMs = 250, failIf } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		const failure = failIf && failIf();
		if (failure) throw new Error(`${what}: ${failure}`);
		if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
		await rt.sleep(intervalMs);
	}
}

function exitedReason(entry) {
	return entry.exited ? `exited with ${entry.exited.code ?? entry.exited.signal}\n${entry.output().slice(-2000)}` : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Postgres and Redis

/** The pg module n8n itself uses (pure JavaScript, loads under Node 20). */
function pgModule(runtime) {
	return require(path.join(runtime.n8n.prefix, 'node_modules', 'pg'));
}

/**
 * A throw-away Postgres cluster in `dir` on `port` (trust auth on 127.0.0.1, fsync off: test data only).
 * initdb refuses to run as root, so as root the cluster belongs to the `postgres` user Debian's package creates.
 */
async function startPostgres(runtime, tools, { dir, port, logFile }) {
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
	const asPostgres = isRoot();
	const wrap = (command, args) => (asPostgres ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]);
	if (asPostgres) rt.run('chown', ['-R', 'postgres:postgres', dir]);
	const [initCmd, initArgs] = wrap(path.join(tools.pgBin, 'initdb'), ['-D', dir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
	rt.run(initCmd, initArgs, { capture: true });
	const [cmd, args] = wrap(path.join(tools.pgBin, 'postgres'), [
		'-D', dir, '-p', String(port), '-k', dir,
		'-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
		'-c', 'max_connections=200',
	]);
	const entry = spawnTracked('postgres', cmd, args, { logFile });
	// SIGINT is Postgres's "fast" shutdown.
	entry.stopOptions = { signal: 'SIGINT', graceMs: 10_000 };
	const { Client } = pgModule(runtime);
	await waitFor(
		'Postgres start-up',
		async () => {
			const client = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
			try {
				await client.connect();
				await client.end();
				return true;
			} catch {
				return false;
			}
		},
		{ timeoutMs: 30_000, failIf: () => exitedReason(entry) },
	);
	const version = (await query(runtime, { port }, 'SHOW server_version')).rows[0].server_version;
	rt.log(`Postgres ${version} listening on 127.0.0.1:${port} (data in ${dir})`);
	return { port, dir, entry, version };
}

/** One query on its own connection (the harness asks little, so no pool). */
async function query(runtime, pg, text, params = []) {
	const { Client } = pgModule(runtime);
	const client = new Client({ host: '127.0.0.1', port: pg.port, user: 'postgres', database: 'postgres' });
	await client.connect();
	try {
		return await client.query(text, params);
	} finally {
		await client.end();
	}
}

function redisPing(port) {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		let answer = '';
		socket.setTimeout(2000, () => socket.destroy());
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (d) => {
			answer += d;
			if (answer.includes('\r\n')) socket.end();
		});
		socket.on('close', () => resolve(answer.startsWith('+PONG')));
		socket.on('error', () => resolve(false));
	});
}

/** Redis in the foreground (so it is our child and dies with the run), no persistence. */
async function startRedis(tools, { port, logFile }) {
	const entry = spawnTracked('redis', tools.redis, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { logFile });
	await waitFor('Redis start-up', () => redisPing(port), { timeoutMs: 20_000, failIf: () => exitedReason(entry) });
	rt.log(`Redis listening on 127.0.0.1:${port}`);
	return { port, entry };
}

// ---------------------------------------------------------------------------------------------------------------
// n8n processes in queue mode

/**
 * Whether `unshare --uts` works here (root, or a user namespace). With it each worker gets its own hostname, so
 * the `workerId` main logs tells the workers apart also inside a container (where n8n derives it from the hostname).
 */
let unshareWorks;
function canUnshare() {
	if (unshareWorks === undefined) {
		unshareWorks = !!which('unshare') && spawnSync('unshare', ['--uts', 'true']).status === 0;
	}
	return unshareWorks;
}

/** The environment every process of the cluster shares (database, queue, encryption key, binary data). */
/** How n8n reaches the throw-away Postgres (the processes and the CLI commands alike). */
function postgresEnv(pg) {
	return {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(pg.port),
		DB_POSTGRESDB_DATABASE: 'postgres',
		DB_POSTGRESDB_USER: 'postgres',
		DB_POSTGRESDB_PASSWORD: '',
	};
}

function clusterEnv({ pg, redis, encryptionKey, binaryMode, storagePath, dbMaxFileSizeMiB, restrictFileAccessTo, extra = {} }) {
	return {
		...postgresEnv(pg),
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		N8N_ENCRYPTION_KEY: encryptionKey,
		N8N_DEFAULT_BINARY_DATA_MODE: binaryMode,
		...(storagePath ? { N8N_BINARY_DATA_STORAGE_PATH: storagePath } : {}),
		...(dbMaxFileSizeMiB ? { N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE: String(dbMaxFileSizeMiB) } : {}),
		...(restrictFileAccessTo ? { N8N_RESTRICT_FILE_ACCESS_TO: restrictFileAccessTo } : {}),
		// n8n refuses requests while its database ping (default 5 s timeout) fails; a busy CI machine should not trip it.
		DB_PING_TIMEOUT_MS: '20000',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console,file',
		...extra,
	};
}

/** `n8n start` in queue mode; returns the tracked entry plus {url, pid}. */
async function startMain(runtime, userFolder, { env, logDir, name = 'main' }) {
	const port = await rt.freePort();
	const logFile = path.join(logDir, `${name}.log`);
	const main = await rt.startN8n(runtime, userFolder, {
		port,
		logFile,
		env: {
			...env,
			N8N_RUNNERS_BROKER_PORT: String(await rt.freePort()),
			N8N_LOG_FILE_LOCATION: path.join(logDir, `${name}.jsonl`),
		},
	});
	const entry = { name, child: main.child, exited: null, output: main.logText, stopOptions: { graceMs: 20_000 } };
	main.child.on('exit', (code, signal) => (entry.exited = { code, signal }));
	started.push(entry);
	rt.log(`n8n main (queue mode) ready on ${main.url}, pid ${main.child.pid}`);
	return { ...entry, url: main.url, pid: main.child.pid, jsonLog: path.join(logDir, `${name}.jsonl`), entry };
}

/**
 * `n8n worker` with its own user folder, runner broker port and health port. A restart after a SIGKILL would
 * wait 10 s for the crash journal; it is removed first (the crash is what the test caused).
 */
async function startWorker(runtime, userFolder, { env, logDir, name, concurrency = 10 }) {
	fs.rmSync(path.join(userFolder, '.n8n', 'crash.journal'), { force: true });
	const healthPort = await rt.freePort();
	const jsonLog = path.join(logDir, `${name}.jsonl`);
	const fullEnv = rt.n8nEnv(runtime, userFolder, {
		...env,
		N8N_RUNNERS_BROKER_PORT: String(await rt.freePort()),
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		QUEUE_HEALTH_CHECK_PORT: String(healthPort),
		N8N_LOG_FILE_LOCATION: jsonLog,
	});
	const n8nArgs = [runtime.n8n.bin, 'worker', `--concurrency=${concurrency}`];
	const hostname = `sora-${name}`;
	const [command, args] = canUnshare()
		? ['unshare', ['--uts', '--', 'sh', '-c', 'hostname "$0" && exec "$@"', hostname, runtime.node.bin, ...n8nArgs]]
		: [runtime.node.bin, n8nArgs];
	const entry = spawnTracked(name, command, args, { env: fullEnv, cwd: userFolder, logFile: path.join(logDir, `${name}.log`) });
	entry.stopOptions = { graceMs: 20_000 };
	await waitFor(`${name} start-up`, () => entry.output().includes('n8n worker is now ready'), {
		timeoutMs: 120_000,
		failIf: () => exitedReason(entry),
	});
	await waitFor(`${name} health check`, async () => (await rt.httpGet(`http://127.0.0.1:${healthPort}/healthz/readiness`).catch(() => null))?.status === 200, {
		timeoutMs: 30_000,
		failIf: () => exitedReason(entry),
	});
	rt.log(`n8n ${name} ready (pid ${entry.child.pid}${canUnshare() ? `, hostname ${hostname}` : ''})`);
	return { ...entry, entry, pid: entry.child.pid, jsonLog, hostname };
}

/** JSON log lines of an n8n process (N8N_LOG_OUTPUT=file writes one JSON object per line). */
function readJsonLog(file) {
	if (!fs.existsSync(file)) return [];
	const entries = [];
	for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
		if (!line.startsWith('{')) continue;
		try {
			entries.push(JSON.parse(line));
		} catch {}
	}
	return entries;
}

/** Execution ids a worker logged as started ("Worker started execution N (job M)", scaling/job-processor.ts). */
function workerStartedExecutions(worker) {
	const ids = [];
	for (const entry of readJsonLog(worker.jsonLog)) {
		const match = /^Worker started execution (\S+) \(job/.exec(entry.message || '');
		if (match) ids.push(match[1]);
	}
	return ids;
}

/** What main logged for each finished job: executionId → workerId (scaling/scaling.service.ts, "job-finished"). */
function mainFinishedByWorker(main) {
	const byExecution = {};
	for (const entry of readJsonLog(main.jsonLog)) {
		const match = /^Execution (\S+) \(job \S+\) finished/.exec(entry.message || '');
		if (match) byExecution[match[1]] = entry.metadata?.workerId ?? entry.workerId ?? null;
	}
	return byExecution;
}

/** Current and peak resident set size of a process, in MB, from /proc (VmHWM is the kernel's high-water mark). */
function rssOf(pid) {
	try {
		const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
		return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
	} catch {
		return { rssMb: null, peakMb: null };
	}
}

/** The n8n JS task runners a process started (children running the runner), with their peak RSS. */
function childPids(pid) {
	try {
		return fs
			.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
			.trim()
			.split(/\s+/)
			.filter(Boolean)
			.map(Number);
	} catch {
		return [];
	}
}

/**
 * Registers the package in n8n's Postgres tables (installed_packages / installed_nodes), as n8n does after an
 * install from Settings → Community nodes, so every process (and the editor) lists it. Idempotent.
 */
async function registerPackagePostgres(runtime, pg, packageDir) {
	const manifest = rt.readJson(path.join(packageDir, 'package.json'));
	const nodes = manifest.n8n.nodes.map((file) => {
		const exported = require(path.join(packageDir, file));
		const NodeClass = Object.values(exported).find((v) => typeof v === 'function');
		const d = new NodeClass().description;
		return { name: d.displayName, type: `${manifest.name}.${d.name}`, version: Math.max(...[].concat(d.version)) };
	});
	const author = typeof manifest.author === 'object' ? manifest.author : { name: manifest.author };
	await query(runtime, pg, 'DELETE FROM installed_nodes WHERE package = $1', [manifest.name]);
	await query(
		runtime,
		pg,
		`INSERT INTO installed_packages ("packageName", "installedVersion", "authorName", "authorEmail") VALUES ($1, $2, $3, $4)
		 ON CONFLICT ("packageName") DO UPDATE SET "installedVersion" = EXCLUDED."installedVersion"`,
		[manifest.name, manifest.version, author.name || null, author.email || null],
	);
	for (const node of nodes) {
		await query(runtime, pg, 'INSERT INTO installed_nodes (name, type, "latestVersion", package) VALUES ($1, $2, $3, $4)', [node.name, node.type, node.version, manifest.name]);
	}
	rt.log(`registered ${manifest.name} in n8n's community packages (Postgres): ${nodes.map((n) => n.type).join(', ')}`);
}

module.exports = {
	ensureSystemTools,
	postgresEnv,
	startPostgres,
	startRedis,
	query,
	clusterEnv,
	startMain,
	startWorker,
	stopTracked,
	killTracked,
	stopAll,
	waitFor,
	readJsonLog,
	workerStartedExecutions,
	mainFinishedByWorker,
	rssOf,
	childPids,
	registerPackagePostgres,
	canUnshare,
};
