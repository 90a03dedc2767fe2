/**
 * What we know about the models behind the Sora 2 Videos API: their sizes, durations and prices.
 * Servers may put any other model behind the contract, so unknown ids are allowed and only the
 * generic limits apply to them.
 */

/** Every size the contract names, with the words the Size parameter shows for it. */
export const SIZES: ReadonlyArray<{ size: string; label: string }> = [
	{ size: '720x1280', label: 'Portrait 720p' },
	{ size: '1280x720', label: 'Landscape 720p' },
	{ size: '1024x1792', label: 'Portrait' },
	{ size: '1792x1024', label: 'Landscape' },
	{ size: '1080x1920', label: 'Portrait 1080p' },
	{ size: '1920x1080', label: 'Landscape 1080p' },
];

/** Every duration (seconds) the contract names. */
export const ALL_SECONDS: readonly number[] = [4, 8, 12, 16, 20];

export interface ModelInfo {
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

export const KNOWN_MODELS: ModelInfo[] = [
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

/** Returns a sentence explaining why the model cannot make this size, or undefined when it can. */
export function sizeProblem(model: string, size: string): string | undefined {
	if (!/^\d+x\d+$/.test(size)) {
		return `Size "${size}" is not WIDTHxHEIGHT (for example 1280x720)`;
	}
	const info = findModel(model);
	if (info && !info.sizes.includes(size)) {
		return `Model ${model} cannot make ${size} videos; it supports ${info.sizes.join(', ')}. Pick one of those sizes or a sora-2-pro model`;
	}
	return undefined;
}

/** Estimated price in USD, or undefined when the model or size has no known price. */
export function estimateCost(model: string, size: string, seconds: number): number | undefined {
	const price = findModel(model)?.pricePerSecond[size];
	if (price === undefined || !Number.isFinite(seconds)) return undefined;
	return Math.round(price * seconds * 100) / 100;
}
