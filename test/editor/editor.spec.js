'use strict';
/**
 * A person in the editor (issue 22): the real n8n 2.40.7 editor of `npm start`, driven in Chromium by clicking and
 * typing. Each test starts from what a person sees; each records what it saw (JSON summary) and takes screenshots.
 */
const fs = require('fs');
const path = require('path');
const { test, expect } = require('@playwright/test');

const rt = require('../../scripts/n8n-runtime');
const h = require('./helpers');

/** The words people type to find the node (issue 22); the Sora node must be among the first results. */
const SEARCH_WORDS = ['Sora', 'video', 'text to video', 'image to video', 'mp4', 'Veo', 'Kling'];
const FIRST_RESULTS = 5;
const DOCS_TAG = process.env.SORA_EDITOR_DOCS_TAG; // "before" / "after": also copy the search screenshot to docs/

test('node search: the words people type find the Sora node among the first results', async ({ page }, testInfo) => {
	await h.workflowWithManualTrigger(page);
	const seen = {};
	for (const word of SEARCH_WORDS) {
		await test.step(`search "${word}"`, async () => {
			const names = await h.searchNames(page, word);
			seen[word] = names.slice(0, 8);
			if (word === 'Sora') await h.shot(page, testInfo, '02-node-search-sora', DOCS_TAG ? { docs: `node-search-sora-${DOCS_TAG}.png` } : {});
			expect.soft(names.slice(0, FIRST_RESULTS), `"${word}": the first ${FIRST_RESULTS} results`).toContain('Sora');
		});
	}
	await h.saw(testInfo, 'firstResults', seen);
});

test('trigger picker: "Sora" and "video" find the Sora Trigger', async ({ page }, testInfo) => {
	await h.newWorkflow(page);
	await h.openTriggerPicker(page);
	const seen = {};
	for (const word of ['Sora', 'video']) {
		await test.step(`trigger search "${word}"`, async () => {
			const names = await h.searchNames(page, word, 'On app event');
			seen[word] = names.slice(0, 8);
			expect.soft(names.slice(0, FIRST_RESULTS), `"${word}" in the trigger picker`).toContain('Sora');
		});
	}
	await test.step('the entry holds the Sora Trigger ("On video completed")', async () => {
		await h.searchNames(page, 'Sora', 'On app event');
		await page.getByTestId('node-creator-item-name').filter({ hasText: /^Sora$/ }).first().click();
		const triggerActions = page.getByTestId('node-creator-item-name').filter({ hasText: /video (completed|failed)/i });
		await expect(triggerActions.first()).toBeVisible();
		seen.triggerActions = await page.getByTestId('node-creator-item-name').allInnerTexts();
		await h.shot(page, testInfo, '03-trigger-picker-sora');
	});
	await h.saw(testInfo, 'triggerPicker', seen);
});

test('the Sora entry: its own description; Text to Video and Image to Video first', async ({ page }, testInfo) => {
	await h.workflowWithManualTrigger(page);
	const names = await h.searchNames(page, 'Sora');
	const sora = page.getByTestId('node-creator-item-name').filter({ hasText: /^Sora$/ }).first();
	if (names.includes('Sora')) {
		await h.saw(testInfo, 'foundBy', 'search');
	} else {
		// Not found by search: a person then browses "Action in an app" down to S.
		await h.saw(testInfo, 'foundBy', 'browsing "Action in an app" (search did not find it)');
		await page.getByTestId('node-creator-search-bar').fill('');
		await page.getByTestId('node-creator-item-name').filter({ hasText: /^Action in an app$/ }).click();
		await sora.scrollIntoViewIfNeeded();
	}
	await sora.click();
	await expect(page.getByTestId('node-creator-item-name').filter({ hasText: /^(Generate a video from a prompt|Delete a video)$/ }).first()).toBeVisible();
	// The search results stay in the page while the actions slide in (seen in CI: the list read as "Sora", "OpenAI",
	// …): read the panel once the node entry itself is gone.
	await expect(page.getByTestId('node-creator-item-name').filter({ hasText: /^Sora$/ })).toHaveCount(0);
	// The entry's details: its name, then its description (n8n's community-node details header).
	const lines = (await page.getByTestId('node-creator').innerText()).split('\n').map((l) => l.trim()).filter(Boolean);
	const description = lines.slice(lines.indexOf('Sora') + 1).find((l) => !/^(Installed|Docs|Node details)$/.test(l)) ?? '';
	const actions = await page.getByTestId('node-creator-item-name').allInnerTexts();
	await h.saw(testInfo, 'description', description);
	await h.saw(testInfo, 'actions', actions);
	await h.shot(page, testInfo, '04-sora-actions');
	await test.step('the description says what the Sora node does', async () => {
		expect.soft(description).toMatch(/^Generate videos from text or images/);
	});
	await test.step('Text to Video and Image to Video are the first actions', async () => {
		expect.soft(actions.slice(0, 2)).toEqual(['Generate a video from a prompt', 'Generate a video from an image']);
	});
});

test('from an empty canvas: Manual Trigger → Sora (Text to Video) → Read/Write Files from Disk, executed; the MP4 checked with ffprobe', async ({ page }, testInfo) => {
	const target = path.join(h.state().filesDir, `editor-built-${testInfo.retry}.mp4`);
	fs.rmSync(target, { force: true });
	await test.step('add the Manual Trigger from the empty canvas', async () => {
		await h.workflowWithManualTrigger(page);
	});
	await test.step('add Sora: "Generate a video from a prompt"', async () => {
		await h.pickFromCreator(page, 'Sora', /^Sora$/);
		await page.getByTestId('node-creator-item-name').filter({ hasText: 'Generate a video from a prompt' }).click();
		await expect(page.getByTestId('ndv')).toBeVisible();
		await expect(page.getByTestId('parameter-input-operation').locator('input').first()).toHaveValue('Text to Video');
	});
	await test.step('the new node has the credential "Sora API"', async () => {
		const credential = page.getByTestId('node-credentials-select').locator('input').first();
		await expect(credential).not.toHaveValue('');
		const name = await credential.inputValue();
		await h.saw(testInfo, 'credential', name);
		expect.soft(name).toBe('Sora API');
	});
	await test.step('write the prompt; 8 s, 1280x720', async () => {
		await page.getByTestId('parameter-input-prompt').locator('textarea').fill('A paper boat drifts down a rain-filled gutter, close-up, soft city noise');
		await page.getByTestId('parameter-input-seconds').click();
		await page.locator('[data-test-id="parameter-input-item"]:visible').filter({ hasText: /^8 s$/ }).click();
		await page.getByTestId('parameter-input-size').click();
		await page.locator('[data-test-id="parameter-input-item"]:visible').filter({ hasText: /^1280x720/ }).click();
		await expect(page.getByTestId('parameter-input-size').locator('input')).toHaveValue(/1280x720/);
		await h.shot(page, testInfo, '05-sora-node-parameters');
		await h.closeNdvIfOpen(page);
	});
	await test.step('add Read/Write Files from Disk: "Write File to Disk" into the files folder', async () => {
		await page.getByTestId('node-creator-plus-button').click();
		await h.pickFromCreator(page, 'Read/Write Files', /Read\/Write Files from Disk/);
		// The action's exact name: /write file/ also matches the node entry "Read/Write Files from Disk", which may still
		// be in the page while the actions panel slides in (a click on it then does nothing).
		await page.getByTestId('node-creator-item-name').filter({ hasText: /^\s*Write File to Disk\s*$/ }).first().click();
		await expect(page.getByTestId('ndv')).toBeVisible();
		const fileName = page.getByTestId('parameter-input-fileName').locator('input, textarea').first();
		await fileName.fill(target);
		await h.closeNdvIfOpen(page);
		await expect(page.getByTestId('canvas-node')).toHaveCount(3);
	});
	await test.step('execute the workflow; the MP4 lands in the files folder', async () => {
		await page.getByTestId('execute-workflow-button').click();
		await expect.poll(() => fs.existsSync(target) && fs.statSync(target).size > 0, { timeout: 120_000, message: `waiting for ${target}` }).toBe(true);
		await expect(page.locator('[data-test-id="canvas-node"]').last()).toBeVisible();
	});
	await test.step('ffprobe: 1280x720, 8 s, with an audio track', async () => {
		const info = await expect.poll(() => {
			try {
				return h.ffprobe(target);
			} catch {
				return null;
			}
		}, { timeout: 30_000 }).not.toBeNull().then(() => h.ffprobe(target));
		await h.saw(testInfo, 'mp4', { file: path.relative(rt.ROOT, target), ...info });
		expect.soft({ width: info.width, height: info.height }).toEqual({ width: 1280, height: 720 });
		expect.soft(Math.abs(info.seconds - 8)).toBeLessThan(0.5);
		expect.soft(info.audioCodec).not.toBeNull();
	});
	await test.step('the output of the run in the editor', async () => {
		await page.locator('[data-test-id="canvas-node"]').filter({ hasText: /Sora|Generate a video/ }).first().dblclick();
		await expect(page.getByTestId('output-panel')).toBeVisible();
		await expect(page.getByTestId('output-panel').getByText(/video_[0-9a-f]+/).first()).toBeVisible();
		await h.shot(page, testInfo, '06-built-workflow-output', DOCS_TAG === 'after' ? { docs: 'built-workflow-output.png' } : {});
		await h.closeNdvIfOpen(page);
		await h.shot(page, testInfo, '07-built-workflow-canvas', DOCS_TAG === 'after' ? { docs: 'built-workflow-canvas.png' } : {});
	});
});

test('the AI-agent tool entry: n8n still makes "Sora Tool" of the Sora node (usableAsTool)', async ({ page }, testInfo) => {
	// The node types the editor loads (GET /types/nodes.json, as the editor fetches them after sign-in).
	await page.goto(`${h.state().baseUrl}/home/workflows`);
	const response = await page.request.get(`${h.state().baseUrl}/types/nodes.json`);
	expect(response.ok()).toBe(true);
	const types = await response.json();
	const tool = types.find((t) => t.name === 'n8n-nodes-sora.soraTool');
	await h.saw(testInfo, 'tool', tool ? { displayName: tool.displayName, codex: tool.codex, outputs: tool.outputs } : null);
	expect(tool?.displayName).toBe('Sora Tool');
	expect(tool.codex.categories).toContain('AI');
	expect(tool.codex.subcategories?.AI).toContain('Tools');
});

test('Model "From list": a model id the server does not list can be typed and picked', async ({ page }, testInfo) => {
	await openExampleNode(page, await h.createSoraWorkflow('Editor test: typed model'), 'Sora');
	const offered = await test.step('type veo-3.1-generate-preview and pick it', async () => await h.pickTypedModel(page, 'veo-3.1-generate-preview'));
	await h.saw(testInfo, 'offered', offered);
	await h.shot(page, testInfo, '08-typed-model');
	expect(offered.some((o) => /veo-3\.1-generate-preview.*not listed/i.test(o))).toBe(true);
});

/** The Duration (seconds), Size and Options a person is offered for each model, and the durations that must be all. */
const MODEL_CASES = [
	{ label: 'sora-2 (OpenAI-contract emulator)', model: 'sora-2', durations: ['4 s', '8 s', '12 s'], sizes720Only: true },
	{ label: 'Veo veo-3.1-generate-preview', model: 'veo-3.1-generate-preview', durations: ['4 s', '6 s', '8 s'] },
	{ label: 'Kling kling-v2-6', model: 'kling-v2-6', durations: ['5 s', '10 s'] },
];

test('Duration, Size and Options follow the model (sora-2, Veo, Kling)', async ({ page }, testInfo) => {
	await openExampleNode(page, await h.createSoraWorkflow('Editor test: parameters per model'), 'Sora');
	const seen = {};
	for (const c of MODEL_CASES) {
		await test.step(c.label, async () => {
			await h.pickTypedModel(page, c.model);
			const durations = await h.dropdownOptions(page, 'seconds');
			const sizes = await h.dropdownOptions(page, 'size');
			const options = await h.addOptionNames(page);
			seen[c.model] = { durations, sizes, options };
			expect.soft(durations, `${c.model}: Duration`).toEqual(c.durations);
			if (c.sizes720Only) {
				expect.soft(sizes.filter((s) => !/720/.test(s) || /pro/i.test(s)), `${c.model}: sizes other than 720p`).toEqual([]);
			}
			if (c.model === 'sora-2') {
				// The emulator is an OpenAI-contract server: no seed, negative prompt or audio switch; OpenRouter's own
				// options (Provider Routing, Callback URL) marked as OpenRouter's where offered at all.
				expect.soft(options.filter((o) => /^(Seed|Negative Prompt|Generate Audio)\b/.test(o)), 'options sora-2 cannot take').toEqual([]);
				expect.soft(options.filter((o) => /Provider Routing|Callback URL/.test(o) && !/OpenRouter/i.test(o)), 'OpenRouter-only options not marked').toEqual([]);
			}
		});
	}
	await h.saw(testInfo, 'perModel', seen);
	await h.shot(page, testInfo, '09-model-parameters');
});

test('a second server kind: an OpenRouter credential, openai/sora-2 offers 4/8/12 s', async ({ page }, testInfo) => {
	const s = h.state();
	// The credential a person would create for their OpenRouter account (the emulator in OpenRouter mode). Created
	// here and deleted after, since n8n gives new nodes the most recently updated credential of their type.
	const session = await h.restSession();
	const credential = rt.soraPresetCredential({ baseUrl: s.openrouter.baseUrl, apiKey: 'sk-emulator' }, 'openrouter', { name: 'Sora API (OpenRouter)' });
	const created = await rt.httpRequest(`${s.baseUrl}/rest/credentials`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...session },
		body: { name: credential.name, type: credential.type, data: credential.data },
	});
	expect(created.status).toBe(200);
	const id = created.json?.data?.id;
	try {
		await openExampleNode(page, await h.createSoraWorkflow('Editor test: OpenRouter'), 'Sora');
		await test.step('choose the credential "Sora API (OpenRouter)"', async () => {
			await page.getByTestId('node-credentials-select').click();
			await page.getByRole('option', { name: 'Sora API (OpenRouter)' }).or(page.locator('.el-select-dropdown__item:visible').filter({ hasText: 'Sora API (OpenRouter)' })).first().click();
			await expect(page.getByTestId('node-credentials-select').locator('input').first()).toHaveValue('Sora API (OpenRouter)');
		});
		await test.step('openai/sora-2: Duration 4/8/12 s', async () => {
			await h.pickTypedModel(page, 'openai/sora-2');
			const durations = await h.dropdownOptions(page, 'seconds');
			const options = await h.addOptionNames(page);
			await h.saw(testInfo, 'openrouter', { durations, options });
			await h.shot(page, testInfo, '10-openrouter-sora-2');
			expect(durations).toEqual(['4 s', '8 s', '12 s']);
		});
	} finally {
		if (id) await rt.httpRequest(`${s.baseUrl}/rest/credentials/${id}`, { method: 'DELETE', headers: session });
	}
});

test('Sora Trigger: its panel fetches a test event with the finished video', async ({ page }, testInfo) => {
	const s = h.state();
	// A finished video to deliver, made the way example 4a makes one (with the example's tag in the prompt).
	const created = await rt.httpRequest(`${s.emulatorBaseUrl}/videos`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${s.emulatorApiKey}` },
		body: { model: 'sora-2', prompt: 'A lighthouse beam sweeps the fog #n8n-sora-trigger-demo', seconds: '4', size: '1280x720' },
	});
	expect(created.status).toBe(200);
	const videoId = created.json.id;
	await expect
		.poll(async () => (await rt.httpRequest(`${s.emulatorBaseUrl}/videos/${videoId}`, { headers: { authorization: `Bearer ${s.emulatorApiKey}` } })).json?.status, { timeout: 60_000 })
		.toBe('completed');
	await openExampleNode(page, 'soraExample04trg', 'When a Video Is Finished');
	await test.step('the trigger\'s label is not cut off: "Only New Videos"', async () => {
		await expect.soft(page.getByTestId('ndv').getByText('Only New Videos', { exact: true })).toBeVisible();
	});
	await test.step('Fetch Test Event delivers the video', async () => {
		await page.getByTestId('ndv').getByRole('button', { name: /fetch test event/i }).or(page.getByTestId('node-execute-button')).first().click();
		await expect(page.getByTestId('output-panel').getByText(videoId).first()).toBeVisible({ timeout: 60_000 });
		await h.saw(testInfo, 'trigger', { videoId });
		await h.shot(page, testInfo, '11-trigger-test-event');
	});
});

/** Opens an imported example workflow and the panel of one of its nodes. */
async function openExampleNode(page, workflowId, nodeName) {
	await page.goto(`${h.state().baseUrl}/workflow/${workflowId}`);
	const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`);
	await expect(node).toBeVisible();
	await node.dblclick();
	await expect(page.getByTestId('ndv')).toBeVisible();
}
