/**
 * What we know about the models behind the Sora 2 Videos API: their sizes, durations and prices.
 * Sora's own rows are below; every other well-known model (Veo, Kling, Seedance, Wan, Hailuo, Runway,
 * Grok Imagine, …) is in ./known, each fact with its source. Servers may put any other model behind the
 * contract, so unknown ids are allowed and only the generic limits apply to them.
 */
import type { ServerModel } from '../api/schemas';
import type { KnownModel } from './known';
import { KNOWN_MODELS as WELL_KNOWN } from './known';

/** Every size the contract names, with the words the Size parameter shows for it. */
export const SIZES: ReadonlyArray<{ size: string; label: string }> = [
	{ size: '720x1280', label: 'Portrait 720p' },
	{ size: '1280x720', label: 'Landscape 720p' },
	{ size: '1024x1792', label: 'Portrait' },
	{ size: '1792x1024', label: 'Landscape' },
	{ size: '1080x1920', label: 'Portrait 1080p' },
	{ size: '1920x1080', label: 'Landscape 1080p' },
];

/** The durations offered in the editor: the contract's (4–20) and those of today's other models (5, 6, 10, 15). */
export const DURATIONS: readonly number[] = [4, 5, 6, 8, 10, 12, 15, 16, 20];

/**
 * The well-known model a server's id names ('google/veo-3.1' and 'veo-3.1' alike, or a whole fal.ai endpoint id
 * such as 'fal-ai/kling-video/v2.5-turbo/pro/text-to-video', with or without LiteLLM's 'fal_ai/'); undefined for others.
 */
function findWellKnown(id: string): KnownModel | undefined {
	const full = id.trim().toLowerCase().replace(/^fal_ai\//, '');
	const bare = full.replace(/^.*\//, '');
	return WELL_KNOWN.find((model) => model.ids.includes(full) || model.ids.includes(bare));
}

/** The resolution class of a size: its short side ('720p', '1080p'; 2160 and more is '4k'). */
function resolutionOf(size: string): string | undefined {
	const [width, height] = size.split('x').map(Number);
	if (!width || !height) return undefined;
	const short = Math.min(width, height);
	return short >= 2160 ? '4k' : `${short}p`;
}

const list = (values: number[]) =>
	values.length > 1 ? `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}` : String(values[0]);

/**
 * A sentence explaining why a well-known model cannot make this duration at this size (listing what it
 * can), or undefined when it can or nothing about it is confirmed. Sora's durations are the contract's.
 */
export function durationProblem(model: string, seconds: number, size: string): string | undefined {
	const known = findWellKnown(model);
	if (!known || known.family === 'sora' || !Number.isFinite(seconds)) return undefined;
	if (known.seconds && !known.seconds.includes(seconds)) {
		return `${known.name} (${model}) cannot make ${seconds} s videos; it makes ${list(known.seconds)} seconds`;
	}
	const resolution = resolutionOf(size);
	const rule = known.rules?.find((r) => (r.size && r.size === size) || (r.resolution && r.resolution === resolution));
	if (rule && !rule.seconds.includes(seconds)) {
		return `${known.name} (${model}) makes ${rule.size ?? rule.resolution} videos only at ${list(rule.seconds)} seconds, not ${seconds}`;
	}
	return undefined;
}

interface ModelInfo {
	id: string;
	family: 'sora-2' | 'sora-2-pro';
	sizes: readonly string[];
	/** USD per generated second, by size. */
	pricePerSecond: Record<string, number>;
}

const SORA_2_PRICES = { '720x1280': 0.1, '1280x720': 0.1 };
const SORA_2_PRO_PRICES = {
	'720x1280': 0.3,
	'1280x720': 0.3,
	'1024x1792': 0.5,
	'1792x1024': 0.5,
	'1080x1920': 0.7,
	'1920x1080': 0.7,
};

function soraModel(id: string, family: ModelInfo['family']): ModelInfo {
	const pricePerSecond = family === 'sora-2' ? SORA_2_PRICES : SORA_2_PRO_PRICES;
	return { id, family, sizes: Object.keys(pricePerSecond), pricePerSecond };
}

const KNOWN_MODELS: ModelInfo[] = [
	soraModel('sora-2', 'sora-2'),
	soraModel('sora-2-2025-10-06', 'sora-2'),
	soraModel('sora-2-2025-12-08', 'sora-2'),
	soraModel('sora-2-pro', 'sora-2-pro'),
	soraModel('sora-2-pro-2025-10-06', 'sora-2-pro'),
];

/** Sizes only the pro models make. */
export const PRO_ONLY_SIZES: readonly string[] = Object.keys(SORA_2_PRO_PRICES).filter((size) => !(size in SORA_2_PRICES));

function findModel(id: string): ModelInfo | undefined {
	return KNOWN_MODELS.find((model) => model.id === id);
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

const words = (values: string[]) =>
	values.length > 1 ? `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}` : (values[0] ?? '');

/**
 * A sentence explaining why a well-known (non-Sora) model cannot make this size, listing what it makes; undefined
 * when it can or the table does not confirm its sizes. Models described by resolution + aspect ratio are checked
 * on both (1280x720 is 720p at 16:9).
 */
function knownSizeProblem(model: string, size: string): string | undefined {
	const known = findWellKnown(model);
	if (!known || known.family === 'sora') return undefined;
	if (known.sizes) {
		return known.sizes.includes(size) ? undefined : `${known.name} (${model}) cannot make ${size} videos; it makes ${words(known.sizes)}`;
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

/** Returns a sentence explaining why the model cannot make this size, or undefined when it can. */
export function sizeProblem(model: string, size: string): string | undefined {
	if (!/^\d+x\d+$/.test(size)) {
		return `Size "${size}" is not WIDTHxHEIGHT (for example 1280x720)`;
	}
	const info = findModel(model);
	if (info && !info.sizes.includes(size)) {
		return `Model ${model} cannot make ${size} videos; it supports ${info.sizes.join(', ')}. Pick one of those sizes or a sora-2-pro model`;
	}
	return knownSizeProblem(model, size);
}

/** What a model can do, from the server's own list where it says so, else from the built-in table. */
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
	/** Whether the server listed it (else it comes from the built-in table only). */
	listed: boolean;
}

export function capabilitiesOf(id: string, listed?: ServerModel): ModelCapabilities {
	const known = findWellKnown(id);
	const sora = findModel(id.replace(/^.*\//, ''));
	const prices = [
		...(listed?.pricePerSecond !== undefined ? [listed.pricePerSecond] : []),
		...Object.values(sora?.pricePerSecond ?? known?.pricePerSecond ?? {}),
	];
	return {
		id,
		name: listed?.name ?? known?.name ?? id,
		video: listed?.video ?? (known || sora ? true : undefined),
		seconds: listed?.seconds?.length ? listed.seconds : known?.seconds,
		sizes: listed?.sizes?.length ? listed.sizes : (sora?.sizes ?? known?.sizes),
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

/** Every id the built-in table knows, the first of each model (Sora's dated ids too): the picker's fallback. */
export function builtInModelIds(): string[] {
	return [...KNOWN_MODELS.map((model) => model.id), ...WELL_KNOWN.filter((model) => model.family !== 'sora').map((model) => model.ids[0])];
}

/** Estimated price in USD, or undefined when the model or size has no known price. */
export function estimateCost(model: string, size: string, seconds: number): number | undefined {
	const known = findModel(model) ? undefined : findWellKnown(model)?.pricePerSecond;
	const price = known
		? (known[size] ?? known[resolutionOf(size) ?? ''] ?? known['*'])
		: findModel(model)?.pricePerSecond[size];
	if (price === undefined || !Number.isFinite(seconds)) return undefined;
	return Math.round(price * seconds * 100) / 100;
}
