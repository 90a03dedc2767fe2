'use strict';
/**
 * n8n's verification gate, offline. `npx @n8n/scan-community-package <name>` checks the npm provenance
 * statement, then lints the attested source checkout (its SOURCE_FILE_PATTERNS) and the published tarball
 * (`**\/*.js` and package.json) with `analyzePackage` — n8n's community-node rules, `no-console: error`, inline
 * eslint-disable comments ignored. This runs that same `analyzePackage` on this working tree and on the unpacked
 * `npm pack` tarball, so a violation fails `npm test` before a release does. Provenance itself only exists once
 * the publish workflow has run; .github/workflows/publish.yml is checked here to publish with it.
 *
 * The scanner is ESM and loads ESLint, so it runs in one child process (which also keeps its output off the
 * console). `npm test` builds first, so dist/ is fresh for the tarball.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const YAML = require('yaml');

const ROOT = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const SCANNER = require.resolve('@n8n/scan-community-package/scanner/scanner.mjs');
const SCANNER_VERSION = JSON.parse(
	fs.readFileSync(path.join(path.dirname(SCANNER), '..', 'package.json'), 'utf8'),
).version;

jest.setTimeout(600_000);

/**
 * The patterns the scanner's own analyzePackageByName uses for the tarball, read from its source so an
 * upgrade that changes them is followed (or fails loudly here rather than silently scanning less).
 */
function tarballPatterns() {
	const source = fs.readFileSync(SCANNER, 'utf8');
	const match = /analyzePackage\(\s*packageDir\s*,\s*(\[[^\]]*\])\s*\)/.exec(source);
	if (!match) throw new Error(`${SCANNER} no longer calls analyzePackage(packageDir, [...]); update this test`);
	return JSON.parse(match[1].replace(/'/g, '"'));
}

/** Runs the scanner's analyzePackage on each {dir, patterns} (null: its SOURCE_FILE_PATTERNS) in one child. */
function analyze(targets, tmpDir) {
	const script = `
		import { pathToFileURL } from 'node:url';
		const scanner = await import(pathToFileURL(process.env.SCANNER).href);
		const results = [];
		for (const { dir, patterns } of JSON.parse(process.env.TARGETS)) {
			const used = patterns ?? scanner.SOURCE_FILE_PATTERNS;
			const { passed, message, details } = await scanner.analyzePackage(dir, used);
			results.push({ dir, patterns: used, passed, message, details });
		}
		process.stdout.write(JSON.stringify(results));
	`;
	// Jest sets NODE_ENV=test, which switches eslint-plugin-n8n-nodes-base to its own test mode (every file is
	// a node named Test.node.ts): the scanner must run as its CLI does, without it.
	const { NODE_ENV, ...env } = process.env;
	const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
		cwd: ROOT,
		encoding: 'utf8',
		maxBuffer: 64 * 1024 * 1024,
		// TMPDIR: the scanner makes a temp dir when it loads; keep it inside ours, which afterAll removes.
		env: { ...env, SCANNER, TARGETS: JSON.stringify(targets), TMPDIR: tmpDir, FORCE_COLOR: '0', NO_COLOR: '1' },
	});
	if (child.status !== 0) {
		throw new Error(`the scanner did not run (exit ${child.status}):\n${child.stderr}${child.stdout}`.trim());
	}
	return JSON.parse(child.stdout);
}

/** The tarball `npm publish` would upload, unpacked as the scanner does (tar --strip-components=1). */
function packAndExtract(tmpDir) {
	// Under `npm test`, npm_execpath is the running npm's CLI script; elsewhere use npm from PATH.
	const execPath = process.env.npm_execpath;
	const [command, prefix] = execPath && /\.[cm]?js$/.test(execPath) ? [process.execPath, [execPath]] : ['npm', []];
	const stdout = execFileSync(
		command,
		[...prefix, 'pack', '--json', '--ignore-scripts', '--pack-destination', tmpDir],
		{ cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' && command === 'npm' },
	);
	const { filename } = JSON.parse(stdout.slice(stdout.indexOf('[')))[0];
	const packageDir = path.join(tmpDir, 'package');
	fs.mkdirSync(packageDir);
	execFileSync('tar', ['-xzf', path.join(tmpDir, path.basename(filename)), '-C', packageDir, '--strip-components=1'], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	return packageDir;
}

/** What the scanner's CLI prints for a failure: its message, then ESLint's report (paths made relative). */
function report(result) {
	if (result.passed) return [];
	const text = `${result.message}\n${result.details ?? ''}`.split(result.dir + path.sep).join('');
	return text.split('\n').filter((line) => line.trim() !== '');
}

describe(`n8n's scanner (@n8n/scan-community-package ${SCANNER_VERSION}) passes this package`, () => {
	let tmpDir;
	let source;
	let tarball;
	let control;

	beforeAll(() => {
		tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-nodes-sora-scan-'));
		const packageDir = packAndExtract(tmpDir);
		// A control the scanner must reject, so a scan that silently lints nothing cannot pass.
		const controlDir = path.join(tmpDir, 'control');
		fs.mkdirSync(path.join(controlDir, 'nodes', 'Control'), { recursive: true });
		fs.writeFileSync(path.join(controlDir, 'package.json'), JSON.stringify({ name: 'n8n-nodes-control', version: '0.0.0' }));
		fs.writeFileSync(path.join(controlDir, 'nodes', 'Control', 'control.js'), "// eslint-disable-next-line\nconsole.log('x');\n");
		[source, tarball, control] = analyze(
			[
				{ dir: ROOT, patterns: null },
				{ dir: packageDir, patterns: tarballPatterns() },
				{ dir: controlDir, patterns: null },
			],
			tmpDir,
		);
	});

	afterAll(() => {
		if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
	});

	test('control: it rejects a console.log in a node file, eslint-disable comment or not', () => {
		expect(control.passed).toBe(false);
		expect(report(control).join('\n')).toMatch(/nodes\/Control\/control\.js\n.*error.*no-console/);
	});

	test('the devDependency is pinned to an exact version', () => {
		expect(pkg.devDependencies['@n8n/scan-community-package']).toBe(SCANNER_VERSION);
	});

	test("source: package.json and {nodes,credentials}/** (the scanner's SOURCE_FILE_PATTERNS)", () => {
		expect(source.patterns).toContain('package.json');
		expect(source.message).not.toBe('No files found to analyze');
		expect(report(source)).toEqual([]);
	});

	test('tarball: the unpacked `npm pack` output, **/*.js and package.json', () => {
		expect(fs.existsSync(path.join(tarball.dir, pkg.n8n.nodes[0]))).toBe(true);
		expect(tarball.message).not.toBe('No files found to analyze');
		expect(report(tarball)).toEqual([]);
	});
});

describe('GitHub Actions workflows', () => {
	const workflow = (name) => YAML.parse(fs.readFileSync(path.join(ROOT, '.github', 'workflows', name), 'utf8'));
	/** Index of the first step whose `run` (or `uses`) matches, -1 if none. */
	const stepIndex = (steps, pattern) => steps.findIndex((step) => pattern.test(step.run ?? step.uses ?? ''));

	test('ci.yml: on push and pull_request, Node 20, `npm ci && npm test`, then `npm run e2e` with the n8n runtime cached', () => {
		const ci = workflow('ci.yml');
		expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
		const steps = Object.values(ci.jobs).flatMap((job) => job.steps);
		const setupNode = steps.find((step) => /^actions\/setup-node@/.test(step.uses ?? ''));
		expect(String(setupNode.with['node-version'])).toBe('20');

		const test = stepIndex(steps, /\bnpm ci && npm test\b/);
		const e2e = stepIndex(steps, /\bnpm run e2e\b/);
		const cache = steps.findIndex((step) => /^actions\/cache@/.test(step.uses ?? ''));
		expect(stepIndex(steps, /^actions\/checkout@/)).toBe(0);
		expect(test).toBeGreaterThan(0);
		expect(e2e).toBeGreaterThan(test);
		expect(cache).toBeGreaterThan(-1);
		expect(cache).toBeLessThan(e2e);

		// The cache is keyed on the n8n version scripts/n8n-runtime.js installs, read by an earlier step.
		const { path: cachePath, key } = steps[cache].with;
		expect(cachePath).toBe('~/.cache/n8n-nodes-sora');
		const versionStep = steps.findIndex((step) => /scripts\/n8n-runtime\.js.*N8N_VERSION/.test(step.run ?? ''));
		expect(versionStep).toBeGreaterThan(-1);
		expect(versionStep).toBeLessThan(cache);
		expect(key).toContain(`steps.${steps[versionStep].id}.outputs.`);
		expect(require('../scripts/n8n-runtime.js').N8N_VERSION).toMatch(/^\d+\.\d+\.\d+/);
	});

	test('publish.yml: on a v* tag, id-token: write, checkout, Node, npm ci, npm test, then publish with provenance', () => {
		const publish = workflow('publish.yml');
		expect(publish.on.push.tags.every((tag) => tag.startsWith('v'))).toBe(true);
		const [job] = Object.values(publish.jobs);
		expect(job.permissions).toEqual({ 'id-token': 'write', contents: 'read' });

		const steps = job.steps;
		const order = [
			stepIndex(steps, /^actions\/checkout@/),
			stepIndex(steps, /^actions\/setup-node@/),
			stepIndex(steps, /^npm ci$/),
			stepIndex(steps, /^npm test$/),
			stepIndex(steps, /\bnpm run release\b/),
		];
		expect(order.every((index) => index > -1)).toBe(true);
		expect([...order].sort((a, b) => a - b)).toEqual(order);

		// setup-node must not get registry-url: its placeholder _authToken keeps npm from trusted publishing (OIDC).
		expect(steps[order[1]].with['registry-url']).toBeUndefined();
		// `npm run release` is n8n-node release: in GitHub Actions it lints, builds and runs `npm publish` with
		// NPM_CONFIG_PROVENANCE=true (and RELEASE_MODE, which the prepublishOnly guard asks for).
		expect(pkg.scripts.release).toBe('n8n-node release');
		expect(pkg.scripts.prepublishOnly).toBe('n8n-node prerelease');
		const release = steps[order[4]];
		expect(release.env.NPM_TOKEN).toBe('${{ secrets.NPM_TOKEN }}');
		expect(release.env.NPM_CONFIG_PROVENANCE).toBe('true');
		expect(release.env.NPM_CONFIG_ACCESS).toBe('public');
	});
});
