'use strict';
/**
 * What the editor tests do the way a person does: open the node creator, type, click, read what the editor shows.
 * Waits are on what the page shows (locators, expect.poll), never on fixed sleeps. n8n 2.40's data-test-id names come
 * from its editor (n8n-io/n8n packages/frontend/editor-ui: node creator, canvas, NDV, resource locator components).
 */
const { execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { expect } = require('@playwright/test');

const rt = require('../../scripts/n8n-runtime');
const { SHOTS, STATE_FILE, ROOT } = require('./paths');

let cachedState;
function state() {
	cachedState ??= JSON.parse(fs.readFileSync(STATE_FILE, 'utf8'));
	return cachedState;
}

/** A screenshot under out/editor/screenshots, attached to the test (the summary lists it); `docs` also copies it. */
async function shot(page, testInfo, name, { docs } = {}) {
	fs.mkdirSync(SHOTS, { recursive: true });
	const file = path.join(SHOTS, `${name}.png`);
	await page.mouse.move(2, 2).catch(() => {});
	await page.screenshot({ path: file });
	await testInfo.attach(name, { path: file, contentType: 'image/png' });
	if (docs) {
		const target = path.join(ROOT, 'docs', 'screenshots', docs);
		fs.mkdirSync(path.dirname(target), { recursive: true });
		fs.copyFileSync(file, target);
	}
	return file;
}

/** Records what a test saw (in the JSON summary under `saw`). */
async function saw(testInfo, key, value) {
	await testInfo.attach(`saw:${key}`, { body: JSON.stringify(value), contentType: 'application/json' });
}

/** A new, empty workflow. */
async function newWorkflow(page) {
	await page.goto(`${state().baseUrl}/workflow/new`);
	await expect(page.getByTestId('canvas-plus-button')).toBeVisible();
}

/** "Add first step…" on the empty canvas: the trigger picker. */
async function openTriggerPicker(page) {
	await page.getByTestId('canvas-plus-button').click();
	await expect(page.getByTestId('node-creator-search-bar')).toBeVisible();
}

/** Picks an item of the open node creator by its name, after searching for `search`. */
async function pickFromCreator(page, search, name) {
	await page.getByTestId('node-creator-search-bar').fill(search);
	await page.getByTestId('node-creator-item-name').filter({ hasText: name }).first().click();
}

/** An empty workflow with a Manual Trigger, then the node creator of what comes next (the trigger's + handle). */
async function workflowWithManualTrigger(page) {
	await newWorkflow(page);
	await openTriggerPicker(page);
	await pickFromCreator(page, 'manual', /^Manual Trigger$|Trigger manually/);
	await expect(page.getByTestId('canvas-node')).toHaveCount(1);
	await closeNdvIfOpen(page);
	await page.getByTestId('canvas-handle-plus').first().click();
	await expect(page.getByTestId('node-creator-search-bar')).toBeVisible();
}

async function closeNdvIfOpen(page) {
	const ndv = page.getByTestId('ndv');
	if (await ndv.isVisible().catch(() => false)) {
		await page.getByTestId('ndv-close-button').click();
		await expect(ndv).toBeHidden();
	}
}

/**
 * The names the node creator lists (in order) for `word`. The list is recomputed after typing, so reading it right
 * away can show the previous word's results: the search is first cleared until the creator's own start view is back
 * (`startMarker`: an entry only that view has), then the word is typed and the list read once that view is gone.
 */
async function searchNames(page, word, startMarker = 'Action in an app') {
	const bar = page.getByTestId('node-creator-search-bar');
	const names = page.getByTestId('node-creator-item-name');
	const start = names.filter({ hasText: new RegExp(`^${startMarker}$`) });
	await bar.fill('');
	await expect(start.first()).toBeVisible();
	await bar.fill(word);
	await expect(bar).toHaveValue(word);
	await expect(start).toHaveCount(0);
	// Results or n8n's "no results" view.
	await expect(names.first().or(page.getByText(/we didn't make that|no results|nothing found/i).first())).toBeVisible();
	return await names.allInnerTexts();
}

/** The options a dropdown parameter offers (opens it, reads the items, closes it). */
async function dropdownOptions(page, parameter) {
	const input = page.getByTestId(`parameter-input-${parameter}`);
	await input.scrollIntoViewIfNeeded();
	await input.click();
	const items = page.locator('[data-test-id="parameter-input-item"]:visible');
	await expect(items.first()).toBeVisible();
	const texts = (await items.allInnerTexts()).map((t) => t.split('\n')[0].trim());
	await page.keyboard.press('Escape');
	await expect(items.first()).toBeHidden();
	return texts;
}

/** The option names "Add Option" offers in the node's Options collection. */
async function addOptionNames(page) {
	const add = page.getByTestId('collection-parameter-add').last();
	await add.scrollIntoViewIfNeeded();
	await add.click();
	const options = page.locator('[data-test-id="collection-parameter-option"]:visible');
	await expect(options.first()).toBeVisible();
	const names = (await options.allInnerTexts()).map((t) => t.trim());
	await page.keyboard.press('Escape');
	return names;
}

/** Types a model id into the Model field's "From list" search and picks the entry the list offers for it. */
async function pickTypedModel(page, id) {
	await page.getByTestId('rlc-input').click();
	const search = page.locator('[data-test-id="rlc-search"] input, input[data-test-id="rlc-search"]').first();
	await expect(search).toBeVisible();
	await search.fill(id);
	const entry = page.getByTestId('rlc-item').filter({ hasText: id });
	await expect(entry.first()).toBeVisible();
	const offered = await page.getByTestId('rlc-item').allInnerTexts();
	await entry.first().click();
	await expect(page.getByTestId('rlc-input')).toHaveValue(new RegExp(id.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
	return offered;
}

/** Signs in to the REST API as the suite's owner (the cookie is bound to the browser-id rt.login sends). */
async function restSession() {
	const { OWNER } = require('./paths');
	const cookie = await rt.login(state().baseUrl, OWNER);
	return { cookie, 'browser-id': 'sora-scripts' };
}

/**
 * A workflow of its own for a test (Manual Trigger → Sora, Text to Video, sora-2, credential "Sora API"), saved the
 * way the editor saves one; tests that open the same workflow one after the other find it locked by the last tab.
 */
async function createSoraWorkflow(name) {
	const headers = await restSession();
	const nodes = [
		{ parameters: {}, id: crypto.randomUUID(), name: 'Manual Trigger', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
		{
			parameters: {
				resource: 'video',
				operation: 'textToVideo',
				prompt: 'A red fox trots through fresh snow at dawn',
				model: { __rl: true, mode: 'list', value: 'sora-2', cachedResultName: 'sora-2' },
				seconds: '4',
				size: '1280x720',
				options: {},
			},
			id: crypto.randomUUID(),
			name: 'Sora',
			type: 'n8n-nodes-sora.sora',
			typeVersion: 1,
			position: [240, 0],
			credentials: { soraApi: { id: rt.CREDENTIAL_ID, name: 'Sora API' } },
		},
	];
	const connections = { 'Manual Trigger': { main: [[{ node: 'Sora', type: 'main', index: 0 }]] } };
	const response = await rt.httpRequest(`${state().baseUrl}/rest/workflows`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: { name, nodes, connections, settings: { executionOrder: 'v1' }, active: false },
	});
	if (response.status !== 200) throw new Error(`creating the workflow failed: HTTP ${response.status} ${response.body.toString().slice(0, 300)}`);
	return response.json.data?.id ?? response.json.id;
}

/** ffprobe's view of an MP4: width, height, duration, audio. */
function ffprobe(file) {
	const out = execFileSync(process.env.SORA_EDITOR_FFPROBE || 'ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file], { encoding: 'utf8' });
	const info = JSON.parse(out);
	const video = info.streams.find((s) => s.codec_type === 'video');
	const audio = info.streams.find((s) => s.codec_type === 'audio');
	return {
		width: video?.width,
		height: video?.height,
		videoCodec: video?.codec_name,
		audioCodec: audio?.codec_name ?? null,
		seconds: Number(info.format.duration),
		bytes: Number(info.format.size),
	};
}

module.exports = {
	state,
	shot,
	saw,
	newWorkflow,
	openTriggerPicker,
	pickFromCreator,
	workflowWithManualTrigger,
	closeNdvIfOpen,
	searchNames,
	dropdownOptions,
	addOptionNames,
	pickTypedModel,
	restSession,
	createSoraWorkflow,
	ffprobe,
};
