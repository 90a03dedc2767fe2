/**
 * Duration and Size that follow the chosen model, as ONE parameter each (same names and stored values as ever, so
 * saved workflows load unchanged). Each OPTION carries its own display rule on the Model, built from the registry
 * (../models): n8n's editor offers an options parameter only the options whose own displayOptions pass (editor-ui
 * `getParameterDisplayableOptions`, in n8n 2.40.7's bundle dist/assets/workflows.store-*.js, filters the options with
 * n8n-workflow's `displayParameter`; `INodePropertyOptions.displayOptions` is n8n-workflow's own type). The Model is a
 * resource locator: n8n-workflow `getPropertyValues` compares its `.value`.
 * A model id no row knows sees the contract's values (what it always saw), a Model given by expression every
 * value; the node still refuses before paying what a known model cannot make (../models durationProblem, sizeProblem).
 *
 * Plain string lists only: a `regex` condition runs in a VM with a 250 ms limit in n8n's backend. n8n passes a
 * `show` rule whose value is an expression, and a `hide` rule never matches one (n8n-workflow displayParameter).
 *
 * Why not options loaded from the server: n8n's lint requires every parameter with loaded options to be called
 * "… Name or ID" with a fixed description, which would mislabel a number of seconds.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { KnownModel } from '../models';
import { KNOWN_MODELS, SIZES, sizesOf, spellingsOf } from '../models';

/** One option value and what it shows, with the models (by row) that make it. */
interface Choice {
	value: string;
	name: string;
	makers: Set<KnownModel>;
}

/**
 * The options of one parameter. A value that any model may be asked for (`everyone`: the contract's, which the
 * node always offered for every model) is hidden for the spellings of every model whose confirmed list lacks it,
 * so an id no row knows sees it. A value only some models make (3 s, 1584x672) is shown for the
 * spellings of those models only, as before, when only their own variant offered it. An expression passes both.
 */
function toOptions(choices: Choice[], confirmed: KnownModel[], everyone: readonly string[]): INodePropertyOptions[] {
	return choices.map(({ value, name, makers }) => {
		if (!everyone.includes(value)) return { name, value, displayOptions: { show: { model: [...makers].flatMap(spellingsOf) } } };
		const hide = confirmed.filter((model) => !makers.has(model)).flatMap(spellingsOf);
		return { name, value, ...(hide.length ? { displayOptions: { hide: { model: hide } } } : {}) };
	});
}

/** The values `valuesOf` gives for every model, after `base` (the values offered whatever the model). */
function collect<T>(
	base: Array<{ value: string; name: string }>,
	valuesOf: (model: KnownModel) => T[] | undefined,
	toChoice: (value: T) => { value: string; name: string },
): { choices: Choice[]; confirmed: KnownModel[] } {
	const choices = new Map<string, Choice>(base.map((b) => [b.value, { ...b, makers: new Set<KnownModel>() }]));
	const confirmed: KnownModel[] = [];
	for (const model of KNOWN_MODELS) {
		const values = valuesOf(model);
		if (!values?.length) continue;
		confirmed.push(model);
		for (const value of values) {
			const choice = toChoice(value);
			if (!choices.has(choice.value)) choices.set(choice.value, { ...choice, makers: new Set() });
			choices.get(choice.value)!.makers.add(model);
		}
	}
	return { choices: [...choices.values()], confirmed };
}

const secondsChoice = (seconds: number) => ({ name: `${seconds} s`, value: String(seconds) });

/** Duration (Seconds): every duration a model makes, each offered only for the models that make it (`offered`: for any model). */
export function durationField(base: INodeProperties, offered: readonly number[]): INodeProperties {
	const { choices, confirmed } = collect(offered.map(secondsChoice), (model) => model.seconds, secondsChoice);
	choices.sort((a, b) => Number(a.value) - Number(b.value));
	return { ...base, options: toOptions(choices, confirmed, offered.map(String)) };
}

/** Size: every size a model makes, each offered only for the models that make it; `extra` first, always offered. */
export function sizeField(base: INodeProperties, extra: INodePropertyOptions[] = []): INodeProperties {
	const contract = SIZES.map(({ size, label }) => ({ value: size, name: `${size} (${label})` }));
	const { choices, confirmed } = collect(contract, sizesOf, ({ size, label }) => ({ value: size, name: size === label ? size : `${size} (${label})` }));
	return { ...base, options: [...extra, ...toOptions(choices, confirmed, SIZES.map(({ size }) => size))] };
}
