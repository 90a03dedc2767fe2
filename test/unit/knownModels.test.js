const { KNOWN_MODELS } = require('../../dist/nodes/Sora/models');

const FAMILIES = ['sora', 'veo', 'kling', 'seedance', 'wan', 'hailuo', 'runway', 'grok', 'other'];
const SIZE = /^\d+x\d+$/;
const RESOLUTION = /^(\d{3,4}p|\dk)$/;
const ASPECT_RATIO = /^\d+:\d+$/;

describe('known models table', () => {
	test('is a non-empty list', () => {
		expect(Array.isArray(KNOWN_MODELS)).toBe(true);
		expect(KNOWN_MODELS.length).toBeGreaterThan(0);
	});

	test('ids are unique across models, lower-case and without a provider prefix (fal.ai endpoint ids excepted)', () => {
		const seen = new Map();
		for (const model of KNOWN_MODELS) {
			expect(model.ids.length).toBeGreaterThan(0);
			for (const id of model.ids) {
				expect(typeof id).toBe('string');
				expect(id).toBe(id.toLowerCase());
				expect(id).toBe(id.trim());
				expect(id).not.toBe('');
				// A provider prefix is stripped before lookup; only fal.ai's endpoint ids are paths of their own.
				if (!id.startsWith('fal-ai/')) expect(id).not.toContain('/');
				expect(id).not.toMatch(/\s/);
				if (seen.has(id)) throw new Error(`id ${id} is listed by both ${seen.get(id)} and ${model.name}`);
				seen.set(id, model.name);
			}
		}
	});

	test('names are unique and families known', () => {
		const names = KNOWN_MODELS.map((model) => model.name);
		expect(new Set(names).size).toBe(names.length);
		for (const model of KNOWN_MODELS) {
			expect(model.name.trim()).not.toBe('');
			expect(FAMILIES).toContain(model.family);
		}
	});

	test('every model names at least one source, and every source is a non-empty line', () => {
		for (const model of KNOWN_MODELS) {
			expect(model.sources.length).toBeGreaterThan(0);
			for (const source of model.sources) {
				expect(typeof source).toBe('string');
				expect(source.trim()).not.toBe('');
			}
		}
	});

	test('seconds are positive whole numbers, sorted and unique', () => {
		for (const model of KNOWN_MODELS) {
			if (model.seconds === undefined) continue;
			expect(model.seconds.length).toBeGreaterThan(0);
			for (const second of model.seconds) {
				expect(Number.isInteger(second)).toBe(true);
				expect(second).toBeGreaterThan(0);
			}
			expect([...model.seconds].sort((a, b) => a - b)).toEqual(model.seconds);
			expect(new Set(model.seconds).size).toBe(model.seconds.length);
		}
	});

	test('sizes, resolutions and aspect ratios are well-formed and unique', () => {
		for (const model of KNOWN_MODELS) {
			for (const [list, pattern] of [[model.sizes, SIZE], [model.resolutions, RESOLUTION], [model.aspectRatios, ASPECT_RATIO]]) {
				if (list === undefined) continue;
				expect(list.length).toBeGreaterThan(0);
				for (const value of list) expect(value).toMatch(pattern);
				expect(new Set(list).size).toBe(list.length);
			}
			for (const size of model.sizes ?? []) {
				const [width, height] = size.split('x').map(Number);
				expect(width).toBeGreaterThan(0);
				expect(height).toBeGreaterThan(0);
			}
			for (const ratio of model.aspectRatios ?? []) {
				const [width, height] = ratio.split(':').map(Number);
				expect(width).toBeGreaterThan(0);
				expect(height).toBeGreaterThan(0);
			}
		}
	});

	test('a model gives exact sizes or resolutions, not both', () => {
		for (const model of KNOWN_MODELS) {
			expect(model.sizes !== undefined && model.resolutions !== undefined).toBe(false);
		}
	});

	test('every rule references values present in the model\'s lists', () => {
		for (const model of KNOWN_MODELS) {
			for (const rule of model.rules ?? []) {
				expect(rule.resolution !== undefined || rule.size !== undefined).toBe(true);
				if (rule.resolution !== undefined) expect(model.resolutions ?? []).toContain(rule.resolution);
				if (rule.size !== undefined) expect(model.sizes ?? []).toContain(rule.size);
				expect(rule.seconds.length).toBeGreaterThan(0);
				for (const second of rule.seconds) expect(model.seconds ?? []).toContain(second);
			}
		}
	});

	test('prices are positive and keyed by one of the model\'s sizes or resolutions, or *', () => {
		for (const model of KNOWN_MODELS) {
			if (model.pricePerSecond === undefined) continue;
			const keys = Object.keys(model.pricePerSecond);
			expect(keys.length).toBeGreaterThan(0);
			const allowed = ['*', ...(model.sizes ?? []), ...(model.resolutions ?? [])];
			for (const key of keys) {
				expect(allowed).toContain(key);
				const price = model.pricePerSecond[key];
				expect(Number.isFinite(price)).toBe(true);
				expect(price).toBeGreaterThan(0);
			}
		}
	});

	test('image inputs and audio have the declared types', () => {
		for (const model of KNOWN_MODELS) {
			for (const flag of [model.firstFrame, model.lastFrame]) {
				if (flag !== undefined) expect(typeof flag).toBe('boolean');
			}
			if (model.referenceImages !== undefined) {
				expect(Number.isInteger(model.referenceImages)).toBe(true);
				expect(model.referenceImages).toBeGreaterThanOrEqual(0);
			}
			if (model.audio !== undefined) expect(['always', 'optional', 'never']).toContain(model.audio);
		}
	});

	test('covers the families the node presets name', () => {
		const families = new Set(KNOWN_MODELS.map((model) => model.family));
		for (const family of ['sora', 'veo', 'kling', 'seedance', 'wan', 'hailuo', 'runway', 'grok']) expect(families).toContain(family);
		const ids = KNOWN_MODELS.flatMap((model) => model.ids);
		for (const id of ['sora-2', 'sora-2-pro', 'veo-3.1-generate-preview', 'veo-3.1-fast-generate-preview']) expect(ids).toContain(id);
	});
});
