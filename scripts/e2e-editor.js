#!/usr/bin/env node
'use strict';
/**
 * `npm run e2e:editor [-- --json <file>] [-- <playwright test options>]`: the editor tests in a real browser
 * (playwright.config.js, test/editor/). What they need is installed here when missing, as on a fresh CI machine:
 * Debian's `chromium` (Playwright Test launches it; Playwright's own browser downloads cannot be reached, so
 * PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD is set and `playwright install` is never run) and `ffprobe` (package ffmpeg),
 * with apt-get when we are root, as scripts/queue-runtime.js does; otherwise the error names the packages.
 *
 * Options: --json <file> writes the summary (each test and step, pass/fail, what it saw, screenshots);
 * --docs before|after also copies the node-search screenshot (and, "after", the built workflow's output) to
 * docs/screenshots/. The rest goes to `playwright test` (e.g. --grep "search"). Prints the wall time.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const rt = require('./n8n-runtime');

const T0 = Date.now();

function which(command) {
	for (const dir of (process.env.PATH || '').split(path.delimiter)) {
		const file = path.join(dir, command);
		if (dir && fs.existsSync(file)) return file;
	}
	return undefined;
}

/** Chromium and ffprobe, installed with apt-get when missing (root on Debian/Ubuntu only). */
function ensureSystemTools() {
	const missing = () => [...(rt.chromiumPath() ? [] : ['chromium']), ...(which('ffprobe') ? [] : ['ffmpeg'])];
	rt.ensureDebianPackages(missing, 'the editor tests');
}

function main() {
	const args = process.argv.slice(2);
	const passOn = [];
	let json;
	let docs;
	for (let i = 0; i < args.length; i++) {
		if (args[i] === '--json') json = path.resolve(args[++i] || '');
		else if (args[i] === '--docs') docs = args[++i];
		else passOn.push(args[i]);
	}
	if (json === path.resolve('')) throw new Error('--json needs a file name');
	if (docs && !['before', 'after'].includes(docs)) throw new Error('--docs takes before or after');
	ensureSystemTools();
	const chromium = rt.chromiumPath();
	const version = spawnSync(chromium, ['--version'], { encoding: 'utf8' }).stdout.trim();
	rt.log(`browser: ${version || chromium} (${chromium}); ffprobe: ${which('ffprobe')}`);
	const cli = path.join(rt.ROOT, 'node_modules', '@playwright', 'test', 'cli.js');
	if (!fs.existsSync(cli)) throw new Error('@playwright/test is not installed: run npm ci first');
	const result = spawnSync(process.execPath, [cli, 'test', '--config', path.join(rt.ROOT, 'playwright.config.js'), ...passOn], {
		cwd: rt.ROOT,
		stdio: 'inherit',
		env: {
			...process.env,
			PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
			SORA_EDITOR_CHROMIUM: chromium,
			...(json ? { SORA_EDITOR_JSON: json } : {}),
			...(docs ? { SORA_EDITOR_DOCS_TAG: docs } : {}),
		},
	});
	rt.log(`e2e:editor wall time ${((Date.now() - T0) / 1000).toFixed(1)} s (including npm start's build and n8n's start-up)`);
	process.exit(result.status ?? 1);
}

try {
	main();
} catch (error) {
	console.error(`e2e:editor: ${error.message}`);
	process.exit(1);
}
