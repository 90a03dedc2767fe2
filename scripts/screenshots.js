#!/usr/bin/env node
'use strict';
/**
 * `npm run screenshots`: drives the real n8n editor in headless Chromium and saves
 * docs/screenshots/*.png:
 *   sora-node-parameters.png   the Sora node's parameter panel (Text to Video)
 *   finished-run-output.png    a finished run: the MP4 in the Sora node's output panel
 *   sora-trigger.png           the Sora Trigger with a delivered video (Fetch Test Event)
 *   video-preview.png          the MP4 playing in n8n's binary viewer (when Chromium plays H.264)
 *   workflow-canvas.png        the character example on the canvas
 *   community-nodes.png        Settings → Community nodes listing n8n-nodes-sora
 *   duration-follows-model.png Duration's options for Veo 3.1 and for Kling side by side (example 06)
 *
 * SORA_SCREENSHOTS=models takes only duration-follows-model.png.
 *
 * `npm run screenshots -- --readme [FILE] [--as NAME]` instead shoots the first screen of README.md (or FILE) as
 * GitHub shows it, roughly (headings, paragraphs, lists, code, tables), into docs/screenshots/NAME
 * (readme-first-screen.png); no n8n is started.
 *
 * Needs Chromium (Debian: `apt-get install -y chromium`, or CHROMIUM_PATH) and playwright-core.
 * Uses its own n8n user folder (out/screenshots/n8n), the emulator and free ports, so it can run
 * next to `npm start`.
 */
const fs = require('fs');
const path = require('path');

const rt = require('./n8n-runtime');

const OUT = path.join(rt.ROOT, 'out', 'screenshots');
const USER_FOLDER = path.join(OUT, 'n8n');
const SHOTS = path.join(rt.ROOT, 'docs', 'screenshots');
const OWNER = { email: 'demo@example.com', password: 'SoraDemo123' };
const CHROMIUM = rt.chromiumPath();

function loadPlaywright() {
	try {
		return require('playwright-core');
	} catch {
		throw new Error('playwright-core is not installed: npm install --no-save playwright-core');
	}
}

async function main() {
	const t0 = Date.now();
	if (!CHROMIUM) throw new Error('Chromium not found: apt-get install -y chromium (or set CHROMIUM_PATH)');
	const { chromium } = loadPlaywright();
	const runtime = await rt.ensureRuntime();
	fs.rmSync(OUT, { recursive: true, force: true });
	fs.mkdirSync(USER_FOLDER, { recursive: true });
	fs.mkdirSync(SHOTS, { recursive: true });
	const pack = rt.buildAndPack(path.join(OUT, 'pack'));
	const installed = rt.installPackage(USER_FOLDER, pack);

	const sora = await rt.startSoraServer({ jobMs: 3000 });
	const helper = await rt.startExampleServer({ publishDir: path.join(OUT, 'published') });
	const cleanups = [() => sora.close(), () => helper.close()];
	let browser;
	let page;
	try {
		rt.importCredentials(runtime, USER_FOLDER, rt.exampleCredentials(rt.soraCredential(sora)));
		rt.importWorkflows(runtime, USER_FOLDER, rt.loadExamples({ exampleServerUrl: helper.url }).map((e) => e.workflow));
		rt.registerPackage(runtime, USER_FOLDER, installed);
		const port = await rt.freePort();
		const n8n = await rt.startN8n(runtime, USER_FOLDER, {
			port,
			logFile: path.join(OUT, 'n8n.log'),
			env: { ...rt.ownerEnv(runtime, OWNER), N8N_RUNNERS_BROKER_PORT: String(await rt.freePort()) },
		});
		cleanups.push(() => n8n.stop());
		rt.log(`n8n on ${n8n.url}; launching ${CHROMIUM}`);

		browser = await chromium.launch({
			executablePath: CHROMIUM,
			headless: true,
			args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
		});
		const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
		page = await context.newPage();
		page.setDefaultTimeout(30_000);

		await signIn(page, n8n.url);

		if (process.env.SORA_SCREENSHOTS === 'models') {
			await durationShots(page, n8n.url);
			return;
		}

		// 1. Parameter panel of the Sora node.
		await openWorkflow(page, n8n.url, 'soraExample01txt');
		await openNode(page, 'Generate Video');
		await shot(page, 'sora-node-parameters.png');

		// 2. Run it from the editor and show the MP4 in the output panel.
		await closeNdv(page);
		await executeWorkflow(page);
		await openNode(page, 'Generate Video');
		await showBinaryOutput(page);
		await shot(page, 'finished-run-output.png');
		await previewVideo(page);

		// 3. The character example on the canvas, after a run.
		await closeNdv(page);
		await openWorkflow(page, n8n.url, 'soraExample03chr');
		await executeWorkflow(page, 90_000);
		await shot(page, 'workflow-canvas.png');

		// 4. Submit a tagged job (4a), then the trigger's Fetch Test Event delivers it (4b).
		await openWorkflow(page, n8n.url, 'soraExample04sub');
		await executeWorkflow(page);
		await rt.sleep(4500);
		await openWorkflow(page, n8n.url, 'soraExample04trg');
		await openNode(page, 'When a Video Is Finished');
		await clickExecuteInNdv(page);
		await page.getByText(/video_[0-9a-f]{6}/).first().waitFor({ timeout: 60_000 }).catch(() => {});
		await showBinaryOutput(page);
		await shot(page, 'sora-trigger.png');

		// 5. Settings → Community nodes lists the installed package.
		await closeNdv(page);
		await page.goto(`${n8n.url}/settings/community-nodes`, { waitUntil: 'domcontentloaded' });
		await page.getByText('n8n-nodes-sora').first().waitFor();
		await rt.sleep(800);
		await shot(page, 'community-nodes.png');

		// 6. Duration follows the model (example 06: Veo 3.1 and Kling through one credential).
		await durationShots(page, n8n.url);
	} catch (error) {
		if (page) await page.screenshot({ path: path.join(OUT, 'debug-failure.png') }).catch(() => {});
		throw error;
	} finally {
		if (browser) await browser.close();
		for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
	}
	rt.log(`screenshots in ${path.relative(process.cwd(), SHOTS)} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

/**
 * Opens Duration's list in the Veo node and in the Kling node of example 06, and puts the two captures side by
 * side: the options change with the Model (4/6/8 s for Veo, 5/10 s for Kling).
 */
async function durationShots(page, baseUrl) {
	const crops = [];
	for (const node of ['Veo 3.1, 6 s', 'Kling, 5 s']) {
		await openWorkflow(page, baseUrl, 'soraExample06vk');
		await openNode(page, node);
		const input = page.locator('[data-test-id="parameter-input-seconds"]').first();
		await input.scrollIntoViewIfNeeded();
		await input.click();
		await page.locator('.el-select-dropdown__item:visible, [role="option"]:visible').first().waitFor();
		await rt.sleep(600);
		const ndv = await page.locator('[data-test-id="ndv"]').first().boundingBox();
		crops.push(await page.screenshot({ clip: ndv ?? undefined }));
		await page.keyboard.press('Escape');
		await closeNdv(page);
	}
	// Side by side in one PNG, drawn by the browser itself (no image library needed).
	const html = `<body style="margin:0;display:flex;gap:8px;background:#ddd">${crops
		.map((png) => `<img src="data:image/png;base64,${png.toString('base64')}" style="width:720px">`)
		.join('')}</body>`;
	await page.setViewportSize({ width: 1448, height: 900 });
	await page.setContent(html);
	await rt.sleep(500);
	await page.screenshot({ path: path.join(SHOTS, 'duration-follows-model.png'), fullPage: true });
	rt.log('saved docs/screenshots/duration-follows-model.png');
}

async function signIn(page, baseUrl) {
	await page.goto(`${baseUrl}/signin`, { waitUntil: 'domcontentloaded' });
	await page.locator('input[type="email"], input[name="email"], input[name="emailOrLdapLoginId"]').first().fill(OWNER.email);
	await page.locator('input[type="password"]').first().fill(OWNER.password);
	await page.getByRole('button', { name: /sign in/i }).click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });
	rt.log('signed in');
}

async function openWorkflow(page, baseUrl, id) {
	await page.goto(`${baseUrl}/workflow/${id}`, { waitUntil: 'domcontentloaded' });
	await page.locator('[data-test-id="canvas-node"]').first().waitFor();
	await dismissPopups(page);
	await rt.sleep(800);
}

async function dismissPopups(page) {
	for (const name of [/^close$/i, /got it/i, /dismiss/i, /skip/i, /maybe later/i]) {
		const button = page.getByRole('button', { name }).first();
		if (await button.isVisible().catch(() => false)) await button.click().catch(() => {});
	}
	await page.keyboard.press('Escape').catch(() => {});
}

async function openNode(page, name) {
	const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`).first();
	await node.dblclick();
	await page.locator('[data-test-id="ndv"]').first().waitFor();
	await rt.sleep(800);
}

async function closeNdv(page) {
	await page.keyboard.press('Escape');
	await rt.sleep(500);
}

async function executeWorkflow(page, timeout = 60_000) {
	await page.locator('[data-test-id="execute-workflow-button"]').first().click();
	// The button shows a spinner while running; wait for the run's success toast or status.
	await page
		.getByText(/workflow executed successfully|executed successfully/i)
		.first()
		.waitFor({ timeout })
		.catch(async () => {
			await rt.sleep(2000);
		});
	await rt.sleep(1500);
	await dismissPopups(page);
}

/** The NDV's own execute button ("Fetch Test Event" on triggers, "Execute step" elsewhere). */
async function clickExecuteInNdv(page) {
	const ndv = page.locator('[data-test-id="ndv"]').first();
	const candidates = [
		ndv.getByRole('button', { name: /fetch test event/i }),
		ndv.locator('[data-test-id="node-execute-button"]'),
		ndv.getByRole('button', { name: /execute step|test step/i }),
	];
	for (const candidate of candidates) {
		const button = candidate.first();
		if (await button.isVisible().catch(() => false)) {
			await button.click();
			return;
		}
	}
	await page.screenshot({ path: path.join(OUT, 'debug-ndv.png') });
	throw new Error(`no execute button in the node panel (see ${path.join(OUT, 'debug-ndv.png')})`);
}

/** Switches the output panel to its binary view when the panel offers one. */
async function showBinaryOutput(page) {
	const output = page.locator('[data-test-id="output-panel"]').first();
	const binaryTab = output.getByText(/^binary$/i).first();
	if (await binaryTab.isVisible().catch(() => false)) await binaryTab.click().catch(() => {});
	await rt.sleep(800);
}

/** Opens the MP4 from the output panel in n8n's binary viewer and captures a frame of it playing. */
async function previewVideo(page) {
	const view = page.locator('[data-test-id="output-panel"]').getByRole('button', { name: /^view$/i }).first();
	if (!(await view.isVisible().catch(() => false))) return;
	await view.click();
	const video = page.locator('video').first();
	const playing = await video
		.waitFor({ timeout: 10_000 })
		.then(() => page.waitForFunction(() => { const v = globalThis.document.querySelector('video'); return v && v.readyState >= 2; }, null, { timeout: 10_000 }))
		.then(() => true)
		.catch(() => false);
	if (playing) {
		await rt.sleep(1500);
		await shot(page, 'video-preview.png');
	} else {
		rt.log('the binary viewer did not show a playable video (Chromium without H.264?); skipped video-preview.png');
	}
	await page.keyboard.press('Escape');
	await rt.sleep(500);
}

async function shot(page, file) {
	await page.mouse.move(5, 5);
	await rt.sleep(300);
	await page.screenshot({ path: path.join(SHOTS, file) });
	rt.log(`saved docs/screenshots/${file}`);
}

// ---------------------------------------------------------------------------------------------------------------
// The README's first screen

const escapeHtml = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Inline Markdown: code, bold, italics, links, images (as their alt text). */
function inline(text) {
	return escapeHtml(text)
		.replace(/`([^`]+)`/g, '<code>$1</code>')
		.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
		.replace(/\*([^*]+)\*/g, '<em>$1</em>')
		.replace(/!\[([^\]]*)\]\([^)]*\)/g, '[image: $1]')
		.replace(/\[([^\]]+)\]\([^)]*\)/g, '<a>$1</a>');
}

/** Enough Markdown for a README's first screen: headings, paragraphs, lists, fenced code, tables, quotes. */
function markdownToHtml(markdown) {
	const lines = markdown.split('\n');
	const html = [];
	for (let i = 0; i < lines.length; ) {
		const line = lines[i];
		if (line.startsWith('```')) {
			const code = [];
			for (i++; i < lines.length && !lines[i].startsWith('```'); i++) code.push(lines[i]);
			html.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`);
			i++;
		} else if (/^#{1,4} /.test(line)) {
			const level = line.indexOf(' ');
			html.push(`<h${level}>${inline(line.slice(level + 1))}</h${level}>`);
			i++;
		} else if (/^\s*(?:[-*]|\d+\.) /.test(line)) {
			const ordered = /^\s*\d+\./.test(line);
			const items = [];
			while (i < lines.length && lines[i].trim() && (/^\s*(?:[-*]|\d+\.) /.test(lines[i]) || /^\s+/.test(lines[i]))) {
				if (/^\s*(?:[-*]|\d+\.) /.test(lines[i])) items.push(lines[i].replace(/^\s*(?:[-*]|\d+\.) /, ''));
				else items[items.length - 1] += ` ${lines[i].trim()}`;
				i++;
			}
			const tag = ordered ? 'ol' : 'ul';
			html.push(`<${tag}>${items.map((item) => `<li>${inline(item)}</li>`).join('')}</${tag}>`);
		} else if (line.startsWith('|')) {
			const rows = [];
			while (i < lines.length && lines[i].startsWith('|')) rows.push(lines[i++]);
			const cells = (row) => row.slice(1, -1).split('|').map((c) => inline(c.trim()));
			const [head, , ...body] = rows;
			html.push(`<table><tr>${cells(head).map((c) => `<th>${c}</th>`).join('')}</tr>${body.map((r) => `<tr>${cells(r).map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</table>`);
		} else if (line.startsWith('>')) {
			const quote = [];
			while (i < lines.length && lines[i].startsWith('>')) quote.push(lines[i++].replace(/^>\s?/, ''));
			html.push(`<blockquote><p>${inline(quote.join(' '))}</p></blockquote>`);
		} else if (line.trim()) {
			const paragraph = [];
			while (i < lines.length && lines[i].trim() && !/^(#|```|\||>|\s*(?:[-*]|\d+\.) )/.test(lines[i])) paragraph.push(lines[i++]);
			html.push(`<p>${inline(paragraph.join(' '))}</p>`);
		} else i++;
	}
	return html.join('\n');
}

const README_CSS = `
body { margin: 0; background: #fff; font: 16px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #1f2328; }
main { max-width: 880px; margin: 24px auto; padding: 32px; border: 1px solid #d1d9e0; border-radius: 6px; }
h1, h2 { border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; } h1 { font-size: 2em; margin-top: 0; } h2 { font-size: 1.5em; }
code { background: #eff1f3; padding: .2em .4em; border-radius: 6px; font: 85% ui-monospace, "DejaVu Sans Mono", monospace; }
pre { background: #f6f8fa; padding: 16px; border-radius: 6px; overflow: auto; } pre code { background: none; padding: 0; font-size: 85%; }
table { border-collapse: collapse; } th, td { border: 1px solid #d1d9e0; padding: 6px 13px; } a { color: #0969da; }
blockquote { margin: 0; padding: 0 1em; color: #59636e; border-left: .25em solid #d1d9e0; }`;

async function readmeShot(file, name) {
	if (!CHROMIUM) throw new Error('Chromium not found: apt-get install -y chromium (or set CHROMIUM_PATH)');
	const { chromium } = loadPlaywright();
	fs.mkdirSync(SHOTS, { recursive: true });
	const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
	try {
		const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
		await page.setContent(`<!doctype html><meta charset="utf-8"><style>${README_CSS}</style><main>${markdownToHtml(fs.readFileSync(file, 'utf8'))}</main>`);
		await page.screenshot({ path: path.join(SHOTS, name) });
		rt.log(`saved docs/screenshots/${name} (the first screen of ${path.relative(rt.ROOT, file) || file})`);
	} finally {
		await browser.close();
	}
}

const argv = process.argv.slice(2);
if (argv[0] === '--readme') {
	const as = argv.indexOf('--as');
	const name = as >= 0 ? argv[as + 1] : 'readme-first-screen.png';
	const file = argv[1] && !argv[1].startsWith('--') ? path.resolve(argv[1]) : path.join(rt.ROOT, 'README.md');
	readmeShot(file, name).catch((error) => {
		console.error(error.stack || error);
		process.exit(1);
	});
} else {
	main().catch((error) => {
		console.error(error.stack || error);
		process.exit(1);
	});
}
