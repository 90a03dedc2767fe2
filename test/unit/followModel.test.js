/**
 * Duration and Size follow the Model in the editor: one parameter each, whose options carry their own display
 * rules, filtered as n8n's editor filters them (editor-ui getParameterDisplayableOptions runs n8n-workflow's
 * displayParameter on each option). A known model sees what the registry confirms it makes, Sora included; an id no
 * row knows sees the contract's values (what it always saw); an expression sees every value.
 */
const { NodeHelpers } = require('n8n-workflow');
const { Sora } = require('../../dist/nodes/Sora/Sora.node');
const { KNOWN_MODELS, sizeProblem, durationProblem } = require('../../dist/nodes/Sora/models');

const description = new Sora().description;

function visible(name, modelValue, operation = 'textToVideo') {
	const values = { resource: 'video', operation, model: { __rl: true, mode: 'list', value: modelValue } };
	return description.properties.filter((p) => p.name === name && NodeHelpers.displayParameter(values, p, { typeVersion: 1 }, description));
}

const optionsOf = (name, modelValue, operation = 'textToVideo') => {
	const shown = visible(name, modelValue, operation);
	expect(shown).toHaveLength(1);
	const values = { resource: 'video', operation, model: { __rl: true, mode: 'list', value: modelValue } };
	return shown[0].options.filter((o) => !o.displayOptions || NodeHelpers.displayParameter(values, o, { typeVersion: 1 }, description)).map((o) => o.value);
};

const CONTRACT_SECONDS = ['4', '5', '6', '8', '10', '12', '15', '16', '20'];
const CONTRACT_SIZES = ['720x1280', '1280x720', '1024x1792', '1792x1024', '1080x1920', '1920x1080'];

describe('Duration follows the model', () => {
	test.each([
		['veo-3.1-generate-preview', ['4', '6', '8']],
		['google/veo-3.1', ['4', '6', '8']],
		['veo-3.1-fast-generate-preview', ['4', '6', '8']],
		['kling-v2-6', ['5', '10']],
		['kwaivgi/kling-video-o1', ['5', '10']],
		['minimax-hailuo-02', ['6', '10']],
		['wan2.6-t2v', ['5', '10', '15']],
		['sora-2', ['4', '8', '12']],
		['sora-2-pro', ['4', '8', '12']],
		['openai/sora-2', ['4', '8', '12']],
		['seedance-1-0-pro-250528', ['3', '4', '5', '6', '7', '8', '9', '10', '11', '12']],
	])('%s offers %j', (id, expected) => {
		expect(optionsOf('seconds', id)).toEqual(expected);
		expect(optionsOf('seconds', id, 'imageToVideo')).toEqual(expected);
	});

	// A LiteLLM deployment named with its provider prefix is not an id the table holds: every contract duration, and
	// the node still refuses before paying what Veo cannot make (durationProblem strips the prefix).
	test.each(['my-own-model', '', 'gemini/veo-3.1-fast-generate-preview'])('%j gets every duration the node offers any model', (id) => {
		expect(optionsOf('seconds', id)).toEqual(CONTRACT_SECONDS);
	});

	test('an expression sees every duration', () => {
		const all = optionsOf('seconds', '={{ $json.model }}');
		expect(all).toEqual(expect.arrayContaining(CONTRACT_SECONDS));
		expect(all).toEqual(expect.arrayContaining(['1', '3', '7', '13']));
	});

	test('the old per-model variants\' values are all still options, so saved workflows load', () => {
		const all = visible('seconds', '={{ 1 }}')[0].options.map((o) => o.value);
		for (const model of KNOWN_MODELS) for (const s of model.seconds ?? []) expect(all).toContain(String(s));
	});
});

describe('Size follows the model', () => {
	test('Veo 3.1: 720p, 1080p and 4k in 16:9 and 9:16', () => {
		expect(optionsOf('size', 'veo-3.1-generate-preview').sort()).toEqual(['1280x720', '720x1280', '1920x1080', '1080x1920', '3840x2160', '2160x3840'].sort());
	});

	test('Image to Video keeps Match Input Image first', () => {
		expect(optionsOf('size', 'kling-video-o1', 'imageToVideo')[0]).toBe('matchImage');
	});

	test('sora-2 offers 720p only, sora-2-pro every contract size, unknown models the contract\'s six', () => {
		expect(optionsOf('size', 'sora-2')).toEqual(['720x1280', '1280x720']);
		expect(optionsOf('size', 'openai/sora-2')).toEqual(['720x1280', '1280x720']);
		expect(optionsOf('size', 'sora-2-pro')).toEqual(CONTRACT_SIZES);
		expect(optionsOf('size', 'my-own-model')).toEqual(CONTRACT_SIZES);
	});

	test('every size and duration offered for a known model passes the node\'s own checks for it', () => {
		for (const model of KNOWN_MODELS) {
			for (const id of [...model.ids, ...(model.slugs ?? [])]) {
				for (const size of optionsOf('size', id)) expect([id, size, sizeProblem(id, size)]).toEqual([id, size, undefined]);
				for (const seconds of optionsOf('seconds', id)) {
					if (model.seconds) expect([id, seconds, model.seconds.includes(Number(seconds))]).toEqual([id, seconds, true]);
				}
			}
		}
		expect(durationProblem('sora-2', 15, '1280x720')).toBe('Sora 2 (sora-2) cannot make 15 s videos; it makes 4, 8 or 12 seconds');
	});
});

describe('Options follow the model', () => {
	// The "Add Option" list: the collection's options whose display rules pass, '/model' read from the node's root
	// (what n8n's collection parameter does with displayParameterPath and the node's parameters as root).
	const offered = (modelValue) => {
		const root = { resource: 'video', operation: 'textToVideo', model: { __rl: true, mode: 'list', value: modelValue }, options: {} };
		const collection = description.properties.find((p) => p.name === 'options' && p.displayOptions.show.operation.includes('textToVideo'));
		return collection.options.filter((o) => NodeHelpers.displayParameter({}, o, { typeVersion: 1 }, description, root)).map((o) => o.name);
	};

	test('Sora takes none of the model options; server-only options say which server', () => {
		for (const id of ['sora-2', 'openai/sora-2-pro']) {
			for (const name of ['generateAudio', 'lastFrameUrl', 'negativePrompt', 'referenceImageUrls', 'seed']) expect(offered(id)).not.toContain(name);
		}
		const collection = description.properties.find((p) => p.name === 'options' && p.displayOptions.show.operation.includes('textToVideo'));
		expect(collection.options.find((o) => o.name === 'providerRouting').displayName).toMatch(/OpenRouter Only/);
		expect(collection.options.find((o) => o.name === 'callbackUrl').displayName).toMatch(/OpenRouter Only/);
	});

	test('Provider Routing and Callback URL are refused before paying on every server but OpenRouter', () => {
		const servers = require('../../dist/nodes/Sora/servers');
		const node = { getNode: () => ({ name: 'Sora', type: 'sora', typeVersion: 1 }) };
		for (const extras of [{ providerRouting: { order: ['x'] } }, { callbackUrl: 'https://x/cb' }]) {
			const check = (server) => () =>
				servers.checkCreate(node, 0, servers.dialectFromCredentials({ server, litellmProvider: 'openai' }), { model: 'veo-3.1', seconds: 8, size: '1280x720', characters: [], extras });
			expect(check('openrouter')).not.toThrow();
			for (const server of ['openai', 'azure', 'litellm', 'newapi']) expect(check(server)).toThrow(/takes no "(Provider Routing|Callback URL)" option/);
		}
	});

	test('a model that may take them, an unknown id and an expression see every option', () => {
		const all = description.properties.find((p) => p.name === 'options' && p.displayOptions.show.operation.includes('textToVideo')).options.map((o) => o.name);
		for (const id of ['veo-3.1-generate-preview', 'my-own-model', '={{ $json.model }}']) expect(offered(id)).toEqual(all);
		expect(offered('kling-video-o1')).not.toContain('generateAudio'); // Kling O1 makes no sound
	});
});
