'use strict';
/**
 * What `npm publish` would ship: the `npm pack --dry-run --json` file list. The tarball holds only
 * what n8n loads (compiled nodes and credentials, node codex .json files, icons) plus package.json,
 * README.md and LICENSE.md. Layout-agnostic: the node and credential paths come from package.json's
 * `n8n` section, icons from the compiled node descriptions, and the rest is checked with globs.
 * `npm test` builds first, so dist/ is fresh.
 */
const path = require('node:path');
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

function npmPack() {
	// Under `npm test`, npm_execpath is the running npm's CLI script; elsewhere use npm from PATH.
	const execPath = process.env.npm_execpath;
	const [command, prefix] = execPath && /\.[cm]?js$/.test(execPath) ? [process.execPath, [execPath]] : ['npm', []];
	const stdout = execFileSync(command, [...prefix, 'pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: ROOT,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
		shell: process.platform === 'win32' && command === 'npm',
	});
	return JSON.parse(stdout)[0];
}

const tarball = npmPack();
const files = tarball.files.map((file) => file.path.split(path.sep).join('/')).sort();
const shipped = new Set(files);
const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

const ALLOWED = [/^dist\/(nodes|credentials|icons)\//, /^package\.json$/, /^README\.md$/, /^LICENSE\.md$/];

/** Paths in the tarball are package-root relative with forward slashes. */
const normalize = (p) => path.posix.normalize(p.split(path.sep).join('/'));

/** Every icon a compiled node or credential class points at with `file:`, as package-root paths. */
function referencedIcons(distFile) {
	const exported = require(path.join(ROOT, distFile));
	const icons = [];
	const collect = (icon) => {
		const values = typeof icon === 'string' ? [icon] : icon && typeof icon === 'object' ? [icon.light, icon.dark] : [];
		for (const value of values) {
			if (typeof value === 'string' && value.startsWith('file:')) {
				icons.push(normalize(path.posix.join(path.posix.dirname(distFile), value.slice('file:'.length))));
			}
		}
	};
	for (const Type of Object.values(exported)) {
		if (typeof Type !== 'function') continue;
		const instance = new Type();
		collect(instance.icon);
		collect(instance.description?.icon);
		for (const version of Object.values(instance.nodeVersions ?? {})) collect(version.description?.icon);
	}
	return icons;
}

describe(`npm pack --dry-run: ${tarball.entryCount} files, ${kB(tarball.size)} packed, ${kB(tarball.unpackedSize)} unpacked`, () => {
	test('every file is compiled node/credential output, an icon, package.json, README.md or LICENSE.md', () => {
		expect(files.filter((file) => !ALLOWED.some((pattern) => pattern.test(file)))).toEqual([]);
	});

	test('nothing from docs/, test/, scripts/ or examples/, no screenshots, no build or type-only artefacts', () => {
		const unwanted = files.filter(
			(file) =>
				/(^|\/)(docs|test|scripts|examples|screenshots)\//.test(file) ||
				/\.(tsbuildinfo|ts|map)$/.test(file) ||
				file === 'dist/package.json',
		);
		expect(unwanted).toEqual([]);
	});

	test("every path in package.json's n8n.nodes and n8n.credentials is in the tarball, each node with its codex .json", () => {
		const declared = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])].map(normalize);
		expect(pkg.n8n.nodes.length).toBeGreaterThan(0);
		expect(pkg.n8n.credentials.length).toBeGreaterThan(0);
		expect(declared.filter((file) => !shipped.has(file))).toEqual([]);
		// n8n reads a node's codex from `<file>.node.json` next to `<file>.node.js`.
		expect(pkg.n8n.nodes.map(normalize).map((file) => `${file}on`).filter((file) => !shipped.has(file))).toEqual([]);
	});

	test('every icon a node or credential references is in the tarball', () => {
		const declared = [...pkg.n8n.nodes, ...pkg.n8n.credentials].map(normalize);
		const icons = declared.flatMap(referencedIcons);
		expect(icons.length).toBeGreaterThan(0);
		expect(icons.filter((icon) => !shipped.has(icon))).toEqual([]);
	});

	test('every relative require() in a shipped .js file resolves to a shipped file', () => {
		const missing = [];
		for (const file of files.filter((f) => f.endsWith('.js'))) {
			const source = fs.readFileSync(path.join(ROOT, file), 'utf8');
			for (const [, request] of source.matchAll(/require\(\s*["'](\.{1,2}\/[^"']*)["']\s*\)/g)) {
				const target = normalize(path.posix.join(path.posix.dirname(file), request));
				const candidates = [target, `${target}.js`, `${target}.json`, `${target}/index.js`];
				if (!candidates.some((candidate) => shipped.has(candidate))) missing.push(`${file} -> ${request}`);
			}
		}
		expect(missing).toEqual([]);
	});

	test('the package has no runtime dependencies (n8n provides n8n-workflow as a peer)', () => {
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(pkg.optionalDependencies ?? {}).toEqual({});
		expect(pkg.bundleDependencies ?? pkg.bundledDependencies ?? []).toEqual([]);
	});
});
