/**
 * Model options (negative prompt, seed, audio, last frame, reference images, …) are not part of the contract:
 * each server — and behind a gateway, each vendor — spells them its own way, and many take only some. A server
 * file says, per model, where each option it takes goes in the JSON body (a fragment merged into it); an option
 * it does not take is refused before anything is paid for. Every spelling names its source in the server file.
 */
import type { IDataObject } from 'n8n-workflow';

import type { ModelExtras } from './types';

/** Where each model option goes in a server's create body: the fragment to merge in for a value. */
export type OptionSpelling = { [K in keyof ModelExtras]?: (value: NonNullable<ModelExtras[K]>) => IDataObject };

/** The words the editor shows for each option (Options → …). */
export const OPTION_LABELS: Record<keyof ModelExtras, string> = {
	negativePrompt: 'Negative Prompt',
	generateAudio: 'Generate Audio',
	seed: 'Seed',
	lastFrameUrl: 'Last Frame URL',
	referenceImageUrls: 'Reference Image URLs',
	providerRouting: 'Provider Routing',
	callbackUrl: 'Callback URL',
};

/** Which servers (and vendors behind them) take each option, as the editor says it (from the spellings in the server files). */
export const OPTION_TAKERS: Record<keyof ModelExtras, string> = {
	negativePrompt: 'Kling, Veo and Wan behind new-api; Kling on fal.ai, Veo behind LiteLLM',
	generateAudio: 'OpenRouter; Kling, Veo, Seedance and Wan behind new-api; Veo on Vertex and Seedance behind LiteLLM',
	seed: 'OpenRouter; Veo, Seedance, Vidu and Wan behind new-api; Veo on Vertex and Seedance behind LiteLLM',
	lastFrameUrl: 'OpenRouter; Kling, Hailuo and Wan behind new-api',
	referenceImageUrls: 'OpenRouter',
	providerRouting: 'OpenRouter',
	callbackUrl: 'OpenRouter',
};

const isObject = (value: unknown): value is IDataObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Merges `fragment` into `body`: objects merge key by key, arrays are appended to (frame lists), the rest replaced. */
export function mergeInto(body: IDataObject, fragment: IDataObject): IDataObject {
	for (const [key, value] of Object.entries(fragment)) {
		const current = body[key];
		if (Array.isArray(current) && Array.isArray(value)) body[key] = [...current, ...value] as IDataObject[];
		else if (isObject(current) && isObject(value)) body[key] = mergeInto({ ...current }, value);
		else body[key] = value;
	}
	return body;
}

/** The body with the options the user set, spelled as the server takes them. */
export function withModelOptions(body: IDataObject, extras: ModelExtras, spelling: OptionSpelling | undefined): IDataObject {
	for (const key of Object.keys(extras) as Array<keyof ModelExtras>) {
		const value = extras[key];
		const spell = spelling?.[key] as ((v: unknown) => IDataObject) | undefined;
		if (value !== undefined && spell) mergeInto(body, spell(value));
	}
	return body;
}

/** The labels of the options a spelling takes, for sentences ("Negative Prompt, Seed and Generate Audio"). */
export function takenLabels(spelling: OptionSpelling | undefined): string {
	const labels = (Object.keys(spelling ?? {}) as Array<keyof ModelExtras>).map((key) => `"${OPTION_LABELS[key]}"`);
	if (!labels.length) return '';
	return labels.length > 1 ? `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}` : labels[0];
}
