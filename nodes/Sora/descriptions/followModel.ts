/**
 * Duration and Size that follow the chosen model. For every set of models the built-in table (../models/known)
 * confirms the same durations (or sizes) for, the node has one Duration (or Size) parameter whose options are
 * exactly those, shown only while the Model is one of them; one more, with every value the node knows, is shown
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

/** Models that share one option list, and the regular expression that matches their ids in the Model. */
interface Group<T> {
	values: T[];
	ids: string[];
}

const escape = (id: string) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** An id alone or after any 'provider/' prefix ('veo-3.1', 'google/veo-3.1', 'gemini/veo-3.1'). */
const anyOf = (ids: string[]) => `^(?:[^/]*/)*(?:${ids.map(escape).join('|')})$`;
const noneOf = (ids: string[]) => `^(?!(?:[^/]*/)*(?:${ids.map(escape).join('|')})$)`;

function groupBy<T>(models: KnownModel[], valuesOf: (model: KnownModel) => T[] | undefined): Array<Group<T>> {
	const groups = new Map<string, Group<T>>();
	for (const model of models) {
		const values = valuesOf(model);
		if (!values?.length) continue;
		const key = JSON.stringify(values);
		const group = groups.get(key) ?? { values, ids: [] };
		group.ids.push(...model.ids);
		groups.set(key, group);
	}
	return [...groups.values()];
}

/** Sora keeps the contract's own parameter (every size and duration the node always had). */
const OTHERS = KNOWN_MODELS.filter((model) => model.family !== 'sora');

/**
 * One parameter per group plus the catch-all, every one with the base parameter's name and texts. `hideWhen` of
 * the catch-all is every id some group covers.
 */
function variants<T>(
	base: INodeProperties,
	groups: Array<Group<T>>,
	option: (value: T) => INodePropertyOptions,
	defaultOf: (values: T[]) => string,
	extraOptions: INodePropertyOptions[] = [],
): INodeProperties[] {
	const grouped = groups.flatMap((group) => group.ids);
	return [
		{ ...base, displayOptions: { hide: { model: [{ _cnd: { regex: anyOf(grouped) } }] } } },
		...groups.map((group) => ({
			...base,
			default: extraOptions.length ? base.default : defaultOf(group.values),
			options: [...extraOptions, ...group.values.map(option)],
			displayOptions: { hide: { model: [{ _cnd: { regex: noneOf(group.ids) } }] } },
		})),
	];
}

/** Duration (Seconds): the model's own durations where the table confirms them. */
export function durationFields(base: INodeProperties): INodeProperties[] {
	const groups = groupBy(OTHERS, (model) => model.seconds);
	return variants(
		base,
		groups,
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
	const groups = groupBy(OTHERS, sizesOf);
	return variants(
		base,
		groups,
		({ size, label }) => ({ name: size === label ? size : `${size} (${label})`, value: size }),
		(values) => (values.some((v) => v.size === '1280x720') ? '1280x720' : values[0].size),
		extra,
	);
}
