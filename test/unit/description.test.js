/**
 * The Sora node's description stays light: one Duration and one Size parameter whose options follow the model
 * (../../nodes/Sora/descriptions/followModel.ts), and one copy of what several operations show alike
 * (descriptions/shared.ts). Prints its size and property count, with and without the copy n8n makes of a
 * `usableAsTool` node for the AI agent (n8n 2.40.7 dist/tool-generation/ai-tools.js convertNodeToAiTool: a deep
 * copy named "<name>Tool" with a Tool Description property, and its "Description" when the node has operations).
 */
const { NodeHelpers, deepCopy } = require('n8n-workflow');
const { Sora } = require('../../dist/nodes/Sora/Sora.node');
const video = require('../../dist/nodes/Sora/actions/video');

const LIMIT = 60 * 1024;
const description = new Sora().description;

/** What n8n's convertNodeToAiTool adds for a node with resources and operations. */
function toolCopy(node) {
	const tool = deepCopy(node);
	tool.name += 'Tool';
	tool.displayName += ' Tool';
	delete tool.usableAsTool;
	tool.properties.unshift(
		{ displayName: 'Tool Description', name: 'descriptionType', type: 'options', noDataExpression: true, options: [{ name: 'Set Automatically', value: 'auto', description: 'Automatically set based on resource and operation' }, { name: 'Set Manually', value: 'manual', description: 'Manually set the description' }], default: 'auto' },
		{ displayName: 'Description', name: 'toolDescription', type: 'string', default: node.description, required: true, typeOptions: { rows: 2 }, description: 'Explain to the LLM what this tool does, a good, specific description would allow LLMs to produce expected results much more often', displayOptions: { show: { descriptionType: ['manual'] } } },
	);
	return tool;
}

test('the Sora node description is at most 60 KB', () => {
	const bytes = Buffer.byteLength(JSON.stringify(description));
	const tool = Buffer.byteLength(JSON.stringify(toolCopy(description)));
	console.log(
		`Sora node description: ${bytes} bytes, ${description.properties.length} properties; with n8n's AI-tool copy: ${bytes + tool} bytes (tool copy ${tool} bytes, ${toolCopy(description).properties.length} properties)`,
	);
	expect(bytes).toBeLessThanOrEqual(LIMIT);
	expect(description.usableAsTool).toBe(true);
});

test.each(['textToVideo', 'imageToVideo', 'remix', 'edit', 'extend', 'get', 'download', 'getMany', 'delete'])(
	'%s shows exactly its own parameters, in its own order, one copy each',
	(operation) => {
		const values = { resource: 'video', operation };
		const own = video[operation].description.map((p) => JSON.stringify({ ...p, displayOptions: undefined }));
		const shown = description.properties
			.filter((p) => p.name !== 'resource' && p.name !== 'operation' && (p.displayOptions?.show?.operation ?? []).includes(operation) && p.displayOptions?.show?.resource?.includes('video'))
			.map((p) => JSON.stringify({ ...p, displayOptions: undefined }));
		expect(shown).toEqual(own);
		// The node's own show rules (resource and operation) pick the same properties.
		const names = description.properties
			.filter((p) => p.name !== 'resource' && p.name !== 'operation' && p.displayOptions?.show?.operation && NodeHelpers.displayParameter(values, { displayOptions: { show: { resource: p.displayOptions.show.resource, operation: p.displayOptions.show.operation } } }, { typeVersion: 1 }, description))
			.map((p) => p.name);
		expect(names).toEqual(video[operation].description.map((p) => p.name));
	},
);
