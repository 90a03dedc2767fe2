/**
 * What n8n 2.40's node creator reads, checked without a browser (npm run e2e:editor checks it in the real editor):
 * search matches display names and codex aliases only and drops "AI"-category nodes that are not AI root nodes;
 * the Sora node and the Sora Trigger share one entry carrying the trigger's description; actions follow the
 * Operation options' order; a new node gets the most recently updated credential of its type.
 * (n8n-io/n8n packages/frontend/editor-ui/src/features/shared/nodeCreator/: nodeCreator.utils.ts searchNodes,
 * composables/useViewStacks.ts filterOutAiNodes, composables/useActionsGeneration.ts
 * generateMergedNodesAndActions; features/credentials/components/NodeCredentials.vue.)
 */
const path = require('path');

const rt = require('../../scripts/n8n-runtime');

const DIST = path.resolve(__dirname, '../../dist/nodes/Sora');
const soraCodex = require(path.join(DIST, 'Sora.node.json'));
const triggerCodex = require(path.join(DIST, 'SoraTrigger.node.json'));
const { Sora } = require(path.join(DIST, 'Sora.node.js'));
const { SoraTrigger } = require(path.join(DIST, 'SoraTrigger.node.js'));

/** filterOutAiNodes: kept unless the categories say AI without the "Root Nodes" AI subcategory. */
const keptBySearch = (codex) => !codex.categories?.includes('AI') || (codex.subcategories?.AI ?? []).includes('Root Nodes');

describe('the node creator entry', () => {
	test('both nodes stay in search results outside the AI panel', () => {
		expect(keptBySearch(soraCodex)).toBe(true);
		expect(keptBySearch(triggerCodex)).toBe(true);
	});

	test('the words people type are aliases (search reads display name and alias only)', () => {
		const aliases = soraCodex.alias.map((a) => a.toLowerCase());
		for (const word of ['video', 'text to video', 'image to video', 'mp4', 'veo', 'kling']) expect(aliases).toContain(word);
	});

	test("the merged entry's description (the trigger's) starts with what the Sora node does", () => {
		const sora = new Sora().description.description;
		const trigger = new SoraTrigger().description.description;
		expect(trigger.startsWith(sora)).toBe(true);
		expect(trigger).toMatch(/start a workflow when a video finishes/);
	});

	test('Text to Video and Image to Video are the first operations (the action list keeps their order)', () => {
		const operation = new Sora().description.properties.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes('video'));
		expect(operation.options.slice(0, 2).map((o) => o.value)).toEqual(['textToVideo', 'imageToVideo']);
		expect(operation.options.at(-1).value).toBe('delete');
	});

	test('the trigger label fits the panel and keeps its parameter name', () => {
		const onlyNew = new SoraTrigger().description.properties.find((p) => p.name === 'onlyNew');
		expect(onlyNew.displayName).toBe('Only New Videos');
		expect(onlyNew.displayName.length).toBeLessThanOrEqual(24);
	});
});

describe("npm start's example credentials", () => {
	test('"Sora API" is the most recently updated, so a new node picks it', () => {
		const [main, copy] = rt.exampleCredentials({ id: 'x', name: 'Sora API', type: 'soraApi', data: {} }, Date.UTC(2026, 0, 1));
		expect(main.name).toBe('Sora API');
		expect(copy.name).toBe('Sora API (trigger example)');
		// NodeCredentials.vue: reduce to the option with the greatest updatedAt.
		const picked = [main, copy].reduce((best, c) => (best && best.updatedAt > c.updatedAt ? best : c));
		expect(picked.name).toBe('Sora API');
	});

	test('the files folder: $SORA_FILES_DIR, else the first N8N_RESTRICT_FILE_ACCESS_TO folder, else ~/.n8n-files', () => {
		expect(rt.filesDir({ SORA_FILES_DIR: '/data/videos' })).toBe('/data/videos');
		expect(rt.filesDir({ N8N_RESTRICT_FILE_ACCESS_TO: ' /srv/a ; /srv/b' })).toBe('/srv/a');
		expect(rt.filesDir({})).toBe(path.join(require('os').homedir(), '.n8n-files'));
	});

	test('example 07 writes into the files folder given on import', () => {
		const [example] = rt.loadExamples({ filesDir: '/data/videos' }).filter((e) => e.file.startsWith('07'));
		const write = example.workflow.nodes.find((n) => n.type === 'n8n-nodes-base.readWriteFile');
		expect(write.parameters.fileName).toBe('=/data/videos/sora-{{ $json.id }}.mp4');
	});
});
