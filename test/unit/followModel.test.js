/**
 * Duration and Size follow the Model in the editor: n8n's own display logic (n8n-workflow displayParameter, the
 * function the editor and the engine use) shows exactly one Duration and one Size for any Model value, with the
 * options the built-in table confirms for that model, and the full lists for unknown models and expressions.
 */
const { NodeHelpers } = require('n8n-workflow');
const { Sora } = require('../../dist/nodes/Sora/Sora.node');

const description = new Sora().description;

function visible(name, modelValue, operation = 'textToVideo') {
	const values = { resource: 'video', operation, model: { __rl: true, mode: 'list', value: modelValue } };
	return description.properties.filter(
		(p) => p.name === name && NodeHelpers.displayParameter(values, p, { typeVersion: 1 }, description),
	);
}

const optionsOf = (name, modelValue, operation) => {
	const shown = visible(name, modelValue, operation);
	expect(shown).toHaveLength(1);
	return shown[0].options.map((o) => o.value);
};

describe('Duration follows the model', () => {
	test.each([
		['veo-3.1-generate-preview', ['4', '6', '8']],
		['google/veo-3.1', ['4', '6', '8']],
		['veo-3.1-fast-generate-preview', ['4', '6', '8']],
		['kling-v2-6', ['5', '10']],
		['kwaivgi/kling-video-o1', ['5', '10']],
		['minimax-hailuo-02', ['6', '10']],
		['wan2.6-t2v', ['5', '10', '15']],
	])('%s offers %j', (id, expected) => {
		expect(optionsOf('seconds', id)).toEqual(expected);
		expect(optionsOf('seconds', id, 'imageToVideo')).toEqual(expected);
	});

	// A LiteLLM deployment named with its provider prefix is not an id the table holds: every duration, and the
	// node still refuses before paying what Veo cannot make (durationProblem strips the prefix).
	test.each(['sora-2', 'sora-2-pro', 'my-own-model', '={{ $json.model }}', '', 'gemini/veo-3.1-fast-generate-preview'])('%j gets every duration the node knows', (id) => {
		expect(optionsOf('seconds', id)).toEqual(['4', '5', '6', '8', '10', '12', '15', '16', '20']);
	});
});

describe('Size follows the model', () => {
	test('Veo 3.1: 720p, 1080p and 4k in 16:9 and 9:16', () => {
		expect(optionsOf('size', 'veo-3.1-generate-preview')).toEqual(['1280x720', '720x1280', '1920x1080', '1080x1920', '3840x2160', '2160x3840']);
	});

	test('Image to Video keeps Match Input Image first', () => {
		expect(optionsOf('size', 'kling-video-o1', 'imageToVideo')[0]).toBe('matchImage');
	});

	test('Sora and unknown models keep the contract\'s six sizes', () => {
		const six = ['720x1280', '1280x720', '1024x1792', '1792x1024', '1080x1920', '1920x1080'];
		expect(optionsOf('size', 'sora-2-pro')).toEqual(six);
		expect(optionsOf('size', 'my-own-model')).toEqual(six);
	});

	test('every size a variant offers passes the node\'s own size check for its models', () => {
		const { sizeProblem } = require('../../dist/nodes/Sora/models/catalogue');
		const { KNOWN_MODELS } = require('../../dist/nodes/Sora/models/known');
		for (const model of KNOWN_MODELS.filter((m) => m.family !== 'sora')) {
			for (const size of optionsOf('size', model.ids[0])) expect([model.ids[0], size, sizeProblem(model.ids[0], size)]).toEqual([model.ids[0], size, undefined]);
		}
	});
});
