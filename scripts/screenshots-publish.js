#!/usr/bin/env node
'use strict';
/**
 * `npm run screenshots:publish`: each publishing example (08 onward) loaded in the real n8n editor, as `npm start`
 * sets it up (the pinned upload-post community node, the publishing credentials with placeholders), screenshotted to
 * docs/screenshots/publish-<example>.png. Fails when any node on the canvas shows an issue or a warning
 * (`node-issues` / `canvas-node-status-warning`, the editor's own markers).
 *
 * Needs Chromium (Debian: `apt-get install -y chromium`, or CHROMIUM_PATH) and playwright-core (a devDependency).
 * Its own n8n user folder (out/screenshots-publish/n8n), the emulator and free ports.
 */
const fs = require('fs');
const path = require('path');

const rt = require('./n8n-runtime');
const publish = require('./e2e-publish');

const OUT = path.join(rt.ROOT, 'out', 'screenshots-publish');
const USER_FOLDER = path.join(OUT, 'n8n');
const SHOTS = path.join(rt.ROOT, 'docs', 'screenshots');
const OWNER = { email: 'demo@example.com', password: 'SoraDemo123' };
const CHROMIUM = rt.chromiumPath();

async function main() {
	if (!CHROMIUM) throw new Error('Chromium not found: apt-get install -y chromium (or set CHROMIUM_PATH)');
	const { chromium } = require('playwright-core');
	const runtime = await rt.ensureRuntime();
	fs.rmSync(OUT, { recursive: true, force: true });
	fs.mkdirSync(USER_FOLDER, { recursive: true });
	fs.mkdirSync(SHOTS, { recursive: true });
	const pack = rt.buildAndPack(path.join(OUT, 'pack'));
	const installed = rt.installPackage(USER_FOLDER, pack);
	const sora = await rt.startSoraServer({ jobMs: 3000 });
	let n8n;
	let browser;
	const results = [];
	try {
		const examples = rt.loadExamples().filter((e) => publish.isPublishingExample(e.workflow));
		rt.importCredentials(runtime, USER_FOLDER, rt.exampleCredentials(rt.soraCredential(sora)));
		rt.importWorkflows(runtime, USER_FOLDER, examples.map((e) => e.workflow));
		rt.registerPackage(runtime, USER_FOLDER, installed);
		publish.setUpForEditor(runtime, USER_FOLDER, { reset: true });
		const port = await rt.freePort();
		n8n = await rt.startN8n(runtime, USER_FOLDER, {
			port,
			logFile: path.join(OUT, 'n8n.log'),
			env: { ...rt.ownerEnv(runtime, OWNER), ...rt.editorEnv(), N8N_RUNNERS_BROKER_PORT: String(await rt.freePort()) },
		});
		browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
		const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
		await page.goto(`${n8n.url}/signin`, { waitUntil: 'domcontentloaded' });
		await page.locator('input[type="email"], input[name="email"], input[name="emailOrLdapLoginId"]').first().fill(OWNER.email);
		await page.locator('input[type="password"]').first().fill(OWNER.password);
		await page.locator('button[type="submit"], [data-test-id="form-submit-button"]').first().click();
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });
		for (const { file, workflow } of examples) {
			await page.goto(`${n8n.url}/workflow/${workflow.id}`, { waitUntil: 'domcontentloaded' });
			await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 60_000 });
			// The node issues are computed once parameters and credentials are loaded.
			await page.waitForTimeout(3000);
			await page.keyboard.press('Shift+1').catch(() => {});
			await page.waitForTimeout(500);
			const nodes = await page.locator('[data-test-id="canvas-node"]').count();
			const issues = await page.locator('[data-test-id="canvas-node"] [data-test-id="node-issues"]').count();
			const warnings = await page.locator('[data-test-id="canvas-node"] [data-test-id="canvas-node-status-warning"]').count();
			const shot = path.join(SHOTS, `publish-${file.replace(/\.json$/, '')}.png`);
			await page.screenshot({ path: shot });
			results.push({ file, nodes, issues, warnings, shot: path.relative(rt.ROOT, shot) });
			rt.log(`${file}: ${nodes} nodes, ${issues} with issues, ${warnings} with warnings → ${path.relative(rt.ROOT, shot)}`);
		}
	} finally {
		if (browser) await browser.close();
		if (n8n) await n8n.stop();
		await sora.close();
	}
	const bad = results.filter((r) => r.issues || r.warnings);
	if (bad.length || !results.length) {
		console.log(`nodes with issues or warnings: ${bad.map((r) => r.file).join(', ') || 'no example loaded'}`);
		process.exitCode = 1;
	}
}

rt.stopOnExit(async () => {
	await rt.stopChildren(5000);
	process.exit(130);
});

main().catch((error) => {
	console.error(error.stack || error);
	process.exit(1);
});
