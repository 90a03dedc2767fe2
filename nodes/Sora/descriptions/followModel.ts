/**
 * Duration and Size that follow the chosen model. For every model id whose durations (or sizes) the built-in table
 * (../models/known) confirms, the node has one Duration (or Size) parameter whose options are exactly those, shown
 * only while the Model is that id; one more, with every value the node knows, is shown
 * for any other model and whenever the Model is an expression. All of them share the parameter's name, so a
 * workflow stores one value whichever is shown, and an expression is still possible on each.
 *
 * Why not options loaded from the server: n8n's lint requires every parameter with loaded options to be called
 * "… Name or ID" with a fixed description, which would mislabel a number of seconds. Static options per model set
 * read well, change in the editor as soon as the Model changes, and work offline; the server's own capabilities
 * (OpenRouter's list) show in the model picker, and a value a known model cannot make is refused before paying
 * (../models/catalogue durationProblem, sizeProblem).
 *
 * The conditions are `hide` rules only: n8n shows a parameter with a `show` rule whenever the value it looks at
 * is an expression (n8n-workflow node-helpers.js displayParameter), which would show every variant at once.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { SIZES } from '../models/catalogue';
import type { KnownModel } from '../models/known';
import { KNOWN_MODELS } from '../models/known';

/** One model id (as a server spells it) and the option values the table confirms for it. */
interface Variant<T> {
	id: string;
	values: T[];
}

/**
 * OpenRouter's slugs of table models (OpenRouterTeam/docs cookbook/video-generation/choose-video-model.mdx, the
 * list's actual output): the Model holds them as they are, provider prefix included.
 */
const OPENROUTER_SLUGS = [
	'google/veo-3.1',
	'google/veo-3.1-fast',
	'google/veo-3.1-lite',
	'kwaivgi/kling-v3.0-pro',
	'kwaivgi/kling-v3.0-std',
	'kwaivgi/kling-video-o1',
	'minimax/hailuo-2.3',
	'bytedance/seedance-2.0',
	'bytedance/seedance-2.0-fast',
	'bytedance/seedance-1-5-pro',
	'alibaba/wan-2.7',
	'alibaba/wan-2.6',
];

/** Every id of every model, and OpenRouter's slugs, each with what `valuesOf` confirms for its model. */
function variantsOf<T>(models: KnownModel[], valuesOf: (model: KnownModel) => T[] | undefined): Array<Variant<T>> {
	const out: Array<Variant<T>> = [];
	for (const model of models) {
		const values = valuesOf(model);
		if (!values?.length) continue;
		const slugs = OPENROUTER_SLUGS.filter((slug) => model.ids.includes(slug.replace(/^.*\//, '')));
		for (const id of [...model.ids, ...slugs]) out.push({ id, values });
	}
	return out;
}

/** Sora keeps the contract's own parameter (every size and duration the node always had). */
const OTHERS = KNOWN_MODELS.filter((model) => model.family !== 'sora');

/**
 * One parameter per model id plus the catch-all, every one with the base parameter's name and texts. Each id's
 * parameter hides unless the Model is exactly that id (`not` compares whole values, so an expression hides it too);
 * the catch-all hides for every id that has its own. Plain comparisons only: a `regex` condition runs in a VM with
 * a 250 ms limit in n8n's backend, which a busy machine can exceed, failing the workflow.
 */
function variants<T>(
	base: INodeProperties,
	list: Array<Variant<T>>,
	option: (value: T) => INodePropertyOptions,
	defaultOf: (values: T[]) => string,
	extraOptions: INodePropertyOptions[] = [],
): INodeProperties[] {
	return [
		{ ...base, displayOptions: { hide: { model: list.map((variant) => variant.id) } } },
		...list.map((variant) => ({
			...base,
			default: extraOptions.length ? base.default : defaultOf(variant.values),
			options: [...extraOptions, ...variant.values.map(option)],
			displayOptions: { hide: { model: [{ _cnd: { not: variant.id } }] } },
		})),
	];
}

/** Duration (Seconds): the model's own durations where the table confirms them. */
export function durationFields(base: INodeProperties): INodeProperties[] {
	return variants(
		base,
		variantsOf(OTHERS, (model) => model.seconds),
		(seconds: number) => ({ name: `${seconds} s`, value: String(seconds) }),
		(values) => String(values.includes(4) ? 4 : values[0]),
	);
}

/** The short side of a resolution word ('720p' → 720, '4k' → 2160). */
const linesOf = (resolution: string) => (resolution.toLowerCase() === '4k' ? 2160 : parseInt(resolution, 10));

/** WIDTHxHEIGHT of a resolution at an aspect ratio (720p at 16:9 → 1280x720), even numbers as encoders want. */
function sizeOf(resolution: string, aspect: string): string | undefined {
	const lines = linesOf(resolution);
	const [w, h] = aspect.split(':').map(Number);
	if (!lines || !w || !h) return undefined;
	const long = Math.round((lines * Math.max(w, h)) / Math.min(w, h) / 2) * 2;
	return w >= h ? `${long}x${lines}` : `${lines}x${long}`;
}

/** Every size a well-known model makes: its exact sizes, or each resolution at each aspect ratio. */
function sizesOf(model: KnownModel): Array<{ size: string; label: string }> | undefined {
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
			const size = sizeOf(resolution, aspect);
			return size ? [{ size, label: `${resolution}, ${aspect}` }] : [];
		}),
	);
}

/** Size: the model's own sizes where the table confirms them; `extra` comes first (Image to Video's Match Input Image). */
export function sizeFields(base: INodeProperties, extra: INodePropertyOptions[] = []): INodeProperties[] {
	return variants(
		base,
		variantsOf(OTHERS, sizesOf),
		({ size, label }) => ({ name: size === label ? size : `${size} (${label})`, value: size }),
		(values) => (values.some((v) => v.size === '1280x720') ? '1280x720' : values[0].size),
		extra,
	);
}
