/**
 * The model registry: every other layer asks here what a model makes (durations, sizes), what it costs, what it
 * can take (first/last frame, reference images, audio), its family and label, and the sentence that refuses what
 * it cannot make. All of it is derived from the one table in ./table (one row per model, every fact with its
 * source), Sora included. Servers may put any other model behind the contract: unknown ids are allowed and only
 * the generic limits apply to them.
 */
import type { KnownModel } from './table';
import { KNOWN_MODELS } from './table';

export type { KnownModel } from './table';
export { KNOWN_MODELS } from './table';

/** What a server's own model list says of a model (../servers parse each list into this shape). */
export interface ListedModel {
	id: string;
	name?: string;
	/** true: the server says it makes video; false: it says it does not; undefined: it does not say. */
	video?: boolean;
	seconds?: number[];
	resolutions?: string[];
	aspectRatios?: string[];
	sizes?: string[];
	/** OpenRouter's frame types: 'first_frame', 'last_frame'. */
	frameImages?: string[];
	audio?: boolean;
	seed?: boolean;
	/** USD per generated second, where the server's list says so (LiteLLM's model info). */
	pricePerSecond?: number;
}

/** Every size the contract names, with the words the Size parameter shows for it. */
export const SIZES: ReadonlyArray<{ size: string; label: string }> = [
	{ size: '720x1280', label: 'Portrait 720p' },
	{ size: '1280x720', label: 'Landscape 720p' },
	{ size: '1024x1792', label: 'Portrait' },
	{ size: '1792x1024', label: 'Landscape' },
	{ size: '1080x1920', label: 'Portrait 1080p' },
	{ size: '1920x1080', label: 'Landscape 1080p' },
];

/** The contract's durations and those of today's other models (5, 6, 10, 15): what Extend's Seconds to Add offers. */
export const DURATIONS: readonly number[] = [4, 5, 6, 8, 10, 12, 15, 16, 20];

/**
 * The row a server's id names ('google/veo-3.1' and 'veo-3.1' alike, 'openai/sora-2' and 'sora-2', or a whole fal.ai
 * endpoint id such as 'fal-ai/kling-video/v2.5-turbo/pro/text-to-video', with or without LiteLLM's 'fal_ai/');
 * undefined for others.
 */
function findModel(id: string): KnownModel | undefined {
	const full = id.trim().toLowerCase().replace(/^fal_ai\//, '');
	const bare = full.replace(/^.*\//, '');
	return KNOWN_MODELS.find((model) => model.ids.includes(full) || model.ids.includes(bare));
}

/** The resolution class of a size: its short side ('720p', '1080p'; 2160 and more is '4k'). */
function resolutionOf(size: string): string | undefined {
	const [width, height] = size.split('x').map(Number);
	if (!width || !height) return undefined;
	const short = Math.min(width, height);
	return short >= 2160 ? '4k' : `${short}p`;
}

/**
 * The aspect ratio among `ratios` a size has ('1280x720' → '16:9'; 854x480 is 16:9 too, within 1 %), or its own
 * ratio in lowest terms when none fits.
 */
function aspectOf(size: string, ratios: readonly string[] = []): string {
	const [width, height] = size.split('x').map(Number);
	const match = ratios.find((ratio) => {
		const [w, h] = ratio.split(':').map(Number);
		return w && h && Math.abs(width / height / (w / h) - 1) < 0.01;
	});
	if (match) return match;
	const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
	const divisor = gcd(width, height) || 1;
	return `${width / divisor}:${height / divisor}`;
}

/** '4, 8 or 12' */
const words = (values: ReadonlyArray<string | number>) =>
	values.length > 1 ? `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}` : String(values[0] ?? '');

/**
 * A sentence explaining why a known model cannot make this duration at this size (listing what it can), or
 * undefined when it can or nothing about it is confirmed.
 */
export function durationProblem(model: string, seconds: number, size: string): string | undefined {
	const known = findModel(model);
	if (!known || !Number.isFinite(seconds)) return undefined;
	if (known.seconds && !known.seconds.includes(seconds)) {
		return `${known.name} (${model}) cannot make ${seconds} s videos; it makes ${words(known.seconds)} seconds`;
	}
	const resolution = resolutionOf(size);
	const rule = known.rules?.find((r) => (r.size && r.size === size) || (r.resolution && r.resolution === resolution));
	if (rule && !rule.seconds.includes(seconds)) {
		return `${known.name} (${model}) makes ${rule.size ?? rule.resolution} videos only at ${words(rule.seconds)} seconds, not ${seconds}`;
	}
	return undefined;
}

/** Returns a sentence explaining why the model cannot make this size (listing what it makes), or undefined when it can. */
export function sizeProblem(model: string, size: string): string | undefined {
	if (!/^\d+x\d+$/.test(size)) {
		return `Size "${size}" is not WIDTHxHEIGHT (for example 1280x720)`;
	}
	const known = findModel(model);
	if (!known) return undefined;
	if (known.sizes) {
		if (known.sizes.includes(size)) return undefined;
		// Sora's sentence points to the pro model, which makes the larger sizes.
		return known.family === 'sora'
			? `Model ${model} cannot make ${size} videos; it supports ${known.sizes.join(', ')}. Pick one of those sizes or a sora-2-pro model`
			: `${known.name} (${model}) cannot make ${size} videos; it makes ${words(known.sizes)}`;
	}
	const resolution = resolutionOf(size) ?? '';
	const aspect = aspectOf(size, known.aspectRatios);
	const badResolution = known.resolutions && !known.resolutions.includes(resolution);
	const badAspect = known.aspectRatios && !known.aspectRatios.includes(aspect);
	if (!badResolution && !badAspect) return undefined;
	const makes = known.resolutions
		? `${words(known.resolutions)}${known.aspectRatios ? ` in ${words(known.aspectRatios)}` : ''}`
		: `${words(known.aspectRatios ?? [])} videos`;
	return `${known.name} (${model}) cannot make ${size} videos (${resolution} at ${aspect}); it makes ${makes}`;
}

/** Estimated price in USD, or undefined when the model or size has no known price. */
export function estimateCost(model: string, size: string, seconds: number): number | undefined {
	const known = findModel(model);
	const prices = known?.pricePerSecond;
	if (!prices || !Number.isFinite(seconds)) return undefined;
	// By exact size (Sora), by resolution, or one price for every size ('*').
	const price = prices[size] ?? (known.sizes ? undefined : prices[resolutionOf(size) ?? '']) ?? prices['*'];
	if (price === undefined) return undefined;
	return Math.round(price * seconds * 100) / 100;
}

/** What a model can do, from the server's own list where it says so, else from the table. */
export interface ModelCapabilities {
	id: string;
	name: string;
	/** Whether it makes video: the server's word, else whether the table knows it. */
	video: boolean | undefined;
	seconds?: readonly number[];
	sizes?: readonly string[];
	resolutions?: readonly string[];
	aspectRatios?: readonly string[];
	/** Lowest known USD per second. */
	fromPrice?: number;
	/** Whether the server listed it (else it comes from the table only). */
	listed: boolean;
}

export function capabilitiesOf(id: string, listed?: ListedModel): ModelCapabilities {
	const known = findModel(id);
	const prices = [...(listed?.pricePerSecond !== undefined ? [listed.pricePerSecond] : []), ...Object.values(known?.pricePerSecond ?? {})];
	return {
		id,
		name: listed?.name ?? known?.name ?? id,
		video: listed?.video ?? (known ? true : undefined),
		seconds: listed?.seconds?.length ? listed.seconds : known?.seconds,
		sizes: listed?.sizes?.length ? listed.sizes : known?.sizes,
		resolutions: listed?.resolutions?.length ? listed.resolutions : known?.resolutions,
		aspectRatios: listed?.aspectRatios?.length ? listed.aspectRatios : known?.aspectRatios,
		fromPrice: prices.length ? Math.min(...prices) : undefined,
		listed: listed !== undefined,
	};
}

/** Durations as the picker shows them: '4/6/8 s', or '3–12 s' for long runs. */
function secondsLabel(seconds: readonly number[]): string {
	return seconds.length > 4 ? `${seconds[0]}–${seconds[seconds.length - 1]} s` : `${seconds.join('/')} s`;
}

/** One line of the model picker: name, id, and what is known of its durations, sizes and price. */
export function modelLabel(caps: ModelCapabilities): string {
	const facts = [
		...(caps.seconds?.length ? [secondsLabel(caps.seconds)] : []),
		...(caps.resolutions?.length ? [caps.resolutions.join('/')] : caps.sizes?.length ? [`${caps.sizes.length} sizes`] : []),
		...(caps.aspectRatios?.length ? [caps.aspectRatios.join(' ')] : []),
		...(caps.fromPrice !== undefined ? [`from $${caps.fromPrice.toFixed(2)}/s`] : []),
	];
	const head = caps.name === caps.id ? caps.id : `${caps.name} — ${caps.id}`;
	return facts.length ? `${head} (${facts.join(', ')})` : head;
}

/** The ids the picker offers without a server list: every Sora id (dated ones too), the first id of the others. */
export function builtInModelIds(): string[] {
	return [
		...KNOWN_MODELS.filter((model) => model.family === 'sora').flatMap((model) => model.ids),
		...KNOWN_MODELS.filter((model) => model.family !== 'sora').map((model) => model.ids[0]),
	];
}

/** The short side of a resolution word ('720p' → 720, '4k' → 2160). */
const linesOf = (resolution: string) => (resolution.toLowerCase() === '4k' ? 2160 : parseInt(resolution, 10));

/** WIDTHxHEIGHT of a resolution at an aspect ratio (720p at 16:9 → 1280x720), even numbers as encoders want. */
function sizeAt(resolution: string, aspect: string): string | undefined {
	const lines = linesOf(resolution);
	const [w, h] = aspect.split(':').map(Number);
	if (!lines || !w || !h) return undefined;
	const long = Math.round((lines * Math.max(w, h)) / Math.min(w, h) / 2) * 2;
	return w >= h ? `${long}x${lines}` : `${lines}x${long}`;
}

/** Every size a model makes, with its label: its exact sizes, or each resolution at each aspect ratio; undefined when not confirmed. */
export function sizesOf(model: KnownModel): Array<{ size: string; label: string }> | undefined {
	if (model.sizes) return model.sizes.map((size) => ({ size, label: SIZES.find((s) => s.size === size)?.label ?? size }));
	if (!model.aspectRatios) {
		// Resolutions alone (Seedance 2.0): the contract's sizes of those resolutions.
		if (!model.resolutions) return undefined;
		const lines = model.resolutions.map(linesOf);
		return SIZES.filter(({ size }) => lines.includes(Math.min(...size.split('x').map(Number))));
	}
	if (!model.resolutions) {
		// Aspect ratios alone (Veo 3): the contract's sizes of those ratios.
		const ratios = model.aspectRatios.map((aspect) => aspect.split(':').map(Number));
		return SIZES.filter(({ size }) => {
			const [width, height] = size.split('x').map(Number);
			return ratios.some(([w, h]) => Math.abs(width / height / (w / h) - 1) < 0.01);
		});
	}
	return model.resolutions.flatMap((resolution) =>
		model.aspectRatios!.flatMap((aspect) => {
			const size = sizeAt(resolution, aspect);
			return size ? [{ size, label: `${resolution}, ${aspect}` }] : [];
		}),
	);
}

/** Every spelling of a model the editor may hold: its ids and its gateway slugs. */
export function spellingsOf(model: KnownModel): string[] {
	return [...model.ids, ...(model.slugs ?? [])];
}

/** Inputs beyond the contract that some models take (the Options collection's model options). */
export type ModelInput = 'generateAudio' | 'lastFrame' | 'referenceImages' | 'seed' | 'negativePrompt';

const TAKES: Record<ModelInput, (model: KnownModel) => boolean | undefined> = {
	// A model that always (or never) makes sound has no choice to offer.
	generateAudio: (model) => (model.audio === undefined ? undefined : model.audio === 'optional'),
	lastFrame: (model) => model.lastFrame,
	referenceImages: (model) => (model.referenceImages === undefined ? undefined : model.referenceImages > 0),
	seed: (model) => model.seed,
	negativePrompt: (model) => model.negativePrompt,
};

/** Every spelling of the models the table confirms cannot take this input (unconfirmed ones are left to the server). */
export function spellingsWithout(input: ModelInput): string[] {
	return KNOWN_MODELS.filter((model) => TAKES[input](model) === false).flatMap(spellingsOf);
}

/** A few rows the editor's texts name as examples: their ids, and their durations ('Sora 4, 8 or 12; Veo 4, 6 or 8'). */
const EXAMPLE_ROWS = ['sora-2', 'veo-3.1-generate-preview', 'kling-v2-6'].map((id) => findModel(id)!);

export const MODEL_EXAMPLES = {
	ids: 'sora-2-pro or veo-3.1',
	seconds: EXAMPLE_ROWS.map((row) => `${row.family[0].toUpperCase()}${row.family.slice(1)} ${words(row.seconds ?? [])}`).join('; '),
};
