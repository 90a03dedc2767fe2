/**
 * The servers that speak the Sora 2 Videos API, one file each, behind one interface (./types):
 * which operations they have, how a create request is spelled, and where a finished video's bytes
 * live. The credential's server preset selects one; it is resolved once per run and passed down.
 */
import type { IDataObject, IExecuteFunctions, ILoadOptionsFunctions, INode, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { durationProblem, sizeProblem } from '../models/catalogue';
import { azure } from './azure';
import { BASE_URL_HINT, FULL_HTTP_URL } from './baseUrl';
import { litellm } from './litellm';
import { OPTION_LABELS, takenLabels, withModelOptions } from './modelOptions';
import { newapi } from './newapi';
import { openai } from './openai';
import { openrouter } from './openrouter';
import type { CreateFields, Dialect, Feature, ImageReference, ModelExtras, Refusal, ServerDefinition, ServerPreset } from './types';

export type { CreateFields, Dialect, Feature, ImageReference, ModelExtras } from './types';

export const CREDENTIAL_NAME = 'soraApi';

const SERVERS: Record<ServerPreset, ServerDefinition> = { openai, azure, litellm, newapi, openrouter };

/** Any n8n context: execute, poll or load-options functions. */
type AnyContext = { getNode(): INode };

export type SoraContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

/** The credential's server: where it is, the key n8n sends to it, and how it speaks. */
export interface Server {
	apiKey: string;
	baseUrl: string;
	dialect: Dialect;
}

function isPreset(value: unknown): value is ServerPreset {
	return typeof value === 'string' && value in SERVERS;
}

/** The dialect a credential selects. Credentials saved before presets existed speak OpenAI's. */
export function dialectFromCredentials(credentials: IDataObject): Dialect {
	const server = isPreset(credentials.server) ? credentials.server : 'openai';
	const provider = server === 'litellm' ? String(credentials.litellmProvider ?? '').trim() : '';
	return { server, name: SERVERS[server].name, ...(provider ? { provider } : {}) };
}

/** Reads the credential and checks its base URL; the key itself never leaves n8n's helpers. */
export async function resolveServer(this: SoraContext, itemIndex = 0): Promise<Server> {
	const credentials = await this.getCredentials(CREDENTIAL_NAME, itemIndex);
	const baseUrl = String(credentials.baseUrl ?? '').trim().replace(/\/+$/, '');
	if (!FULL_HTTP_URL.test(baseUrl)) {
		throw new NodeOperationError(this.getNode(), `The base URL "${baseUrl}" is not a full http(s) URL`, {
			itemIndex,
			description: BASE_URL_HINT,
		});
	}
	return { apiKey: String(credentials.apiKey ?? ''), baseUrl, dialect: dialectFromCredentials(credentials) };
}

export function supports(dialect: Dialect, feature: Feature): boolean {
	return !SERVERS[dialect.server].lacks(dialect).includes(feature);
}

const LACK_SENTENCES: Record<Feature, Refusal> = {
	list: {
		message: 'has no video list',
		description:
			'Use Video → Get with the ID from the node that created the video (Wait for Completion does the waiting), or choose a server preset whose server lists videos.',
	},
	delete: { message: 'cannot delete videos', description: 'Videos expire on the server by themselves; remove this step.' },
	remix: { message: 'has no remix', description: 'Make a new video with Text to Video or Image to Video and a changed prompt instead.' },
	edit: { message: 'has no video edits', description: 'Make a new video with a changed prompt instead, or use a server with edits (OpenAI, LiteLLM proxy).' },
	extend: {
		message: 'has no video extensions',
		description: 'Make a longer clip with Text to Video instead, or use a server with extensions (OpenAI, LiteLLM proxy).',
	},
	characters: { message: 'has no characters', description: 'Remove the characters and describe the subject in the prompt instead.' },
	thumbnail: { message: 'serves only the MP4 of a video, no thumbnail', description: 'Download the video asset, and turn off Download Thumbnail.' },
	spritesheet: { message: 'serves only the MP4 of a video, no spritesheet', description: 'Download the video asset instead.' },
	fileId: {
		message: 'cannot take an uploaded file ID as the first frame',
		description: 'Give the image as a binary field or an image URL instead.',
	},
	listPrompts: {
		message: 'shows no prompts in its video list',
		description: 'Remove the Prompt Contains filter of the Sora Trigger; filter by Model, or check the prompt of each delivered video in a later node.',
	},
};

/** Refuses, before anything is sent, what the server lacks. */
export function requireFeature(ctx: AnyContext, dialect: Dialect, feature: Feature, action?: string, itemIndex?: number): void {
	if (supports(dialect, feature)) return;
	const { message, description } = LACK_SENTENCES[feature];
	const name = SERVERS[dialect.server].nameFor?.(dialect, feature) ?? dialect.name;
	throw new NodeOperationError(
		ctx.getNode(),
		`${name} ${message}${action ? `, so ${action} cannot run against it` : ''}`,
		{ itemIndex, description },
	);
}

/** What each operation needs beyond create, get and download. */
const OPERATION_FEATURES: Record<string, { feature: Feature; action: string }> = {
	'video.getMany': { feature: 'list', action: 'Get Many' },
	'video.delete': { feature: 'delete', action: 'Delete' },
	'video.remix': { feature: 'remix', action: 'Remix' },
	'video.edit': { feature: 'edit', action: 'Edit' },
	'video.extend': { feature: 'extend', action: 'Extend' },
	'character.create': { feature: 'characters', action: 'Character → Create' },
	'character.get': { feature: 'characters', action: 'Character → Get' },
};

/** Refuses an operation the credential's server lacks, before any item runs. */
export function checkOperation(ctx: AnyContext, dialect: Dialect, resource: string, operation: string): void {
	const need = OPERATION_FEATURES[`${resource}.${operation}`];
	if (need) requireFeature(ctx, dialect, need.feature, need.action);
}

/** Headers a list call needs; refuses servers without a list (and LiteLLM without a provider). */
export function listHeaders(ctx: AnyContext, dialect: Dialect, action: string): IDataObject {
	requireFeature(ctx, dialect, 'list', action);
	if (dialect.server !== 'litellm') return {};
	if (!dialect.provider) {
		throw new NodeOperationError(ctx.getNode(), `LiteLLM proxy needs a provider to list videos, so ${action} cannot run yet`, {
			description:
				'Open the Sora API credential and set LiteLLM Provider to the provider your video models run on (for example openai, azure, gemini or vertex_ai). LiteLLM lists videos only with a custom-llm-provider.',
		});
	}
	return { 'custom-llm-provider': dialect.provider };
}

/**
 * The one size check: the size's form, what the model makes (unless `skipModelChecks`: the user's
 * Skip Model Checks option), and what the server makes.
 */
export function checkSize(ctx: AnyContext, itemIndex: number, dialect: Dialect, model: string, size: string, skipModelChecks = false): void {
	const problem = sizeProblem(skipModelChecks ? '' : model, size);
	if (problem) {
		throw new NodeOperationError(ctx.getNode(), problem, {
			itemIndex,
			description: skipModelChecks
				? 'Give the size as WIDTHxHEIGHT.'
				: `Change the Size or the Model so that they fit together. If your server makes this size for ${model} even so, turn on Options → ${SKIP_MODEL_CHECKS}: the size is then sent as it is and the server decides.`,
		});
	}
	const refusal = SERVERS[dialect.server].sizeProblem?.(size);
	if (refusal) throw new NodeOperationError(ctx.getNode(), refusal.message, { itemIndex, description: refusal.description });
}

/**
 * Checks what a create request asks for against the model and the server, before anything is paid
 * for. `size` may still be "matchImage"; it is checked once the image is read.
 */
export function checkCreate(
	ctx: AnyContext,
	itemIndex: number,
	dialect: Dialect,
	fields: { model: string; seconds: number; size: string; characters: unknown[]; extras?: ModelExtras; downloadThumbnail?: boolean; skipModelChecks?: boolean },
): void {
	if (fields.size !== 'matchImage') checkSize(ctx, itemIndex, dialect, fields.model, fields.size, fields.skipModelChecks);
	if (fields.characters.length) requireFeature(ctx, dialect, 'characters', 'a video with characters', itemIndex);
	if (fields.downloadThumbnail) requireFeature(ctx, dialect, 'thumbnail', 'Download Thumbnail', itemIndex);
	const refusal = SERVERS[dialect.server].secondsProblem?.(fields.seconds);
	if (refusal) throw new NodeOperationError(ctx.getNode(), refusal.message, { itemIndex, description: refusal.description });
	// The catalogue's word, which the user may overrule (a server that knows a newer version of the model).
	const modelRefusal = fields.skipModelChecks ? undefined : durationProblem(fields.model, fields.seconds, fields.size);
	if (modelRefusal) {
		throw new NodeOperationError(ctx.getNode(), modelRefusal, {
			itemIndex,
			description: `Set Duration (and Size) to what the model makes. If your server makes it even so, turn on Options → ${SKIP_MODEL_CHECKS}: the node then sends the value as it is and the server decides (a value given by expression is checked the same way).`,
		});
	}
	checkModelOptions(ctx, itemIndex, dialect, fields.model, fields.extras ?? {});
}

/** The option that lets a user who knows better send what the model catalogue says a model does not make. */
const SKIP_MODEL_CHECKS = 'Skip Model Checks';

/** The server as model-option sentences name it: LiteLLM with the provider behind it, which decides. */
const withProvider = (dialect: Dialect) => (dialect.provider ? `${dialect.name} with provider ${dialect.provider}` : dialect.name);

/** Refuses a model option the server (or the vendor behind it) does not take for this model, naming those it does. */
function checkModelOptions(ctx: AnyContext, itemIndex: number, dialect: Dialect, model: string, extras: ModelExtras): void {
	const set = (Object.keys(extras) as Array<keyof ModelExtras>).filter((key) => extras[key] !== undefined);
	if (!set.length) return;
	const spelling = SERVERS[dialect.server].modelOptions?.(dialect, model);
	const refused = set.find((key) => !spelling?.[key]);
	if (!refused) return;
	const label = OPTION_LABELS[refused];
	const taken = takenLabels(spelling);
	throw new NodeOperationError(ctx.getNode(), `${withProvider(dialect)} takes no "${label}" option for the model ${model}`, {
		itemIndex,
		description: `${taken ? `For this model it takes ${taken}.` : 'It takes no model options for this model.'} Remove "${label}" from the options, or send the vendor's own field for it in Additional Body Fields.`,
	});
}

/**
 * Refuses, before paying, a model option that cannot travel in a multipart upload (a form carries text only; LiteLLM
 * reads no JSON out of form fields, so vertex_ai's `extra_body` would be lost and numbers become strings).
 */
export function checkFormOptions(ctx: AnyContext, itemIndex: number, dialect: Dialect, fields: CreateFields): void {
	const spelling = SERVERS[dialect.server].modelOptions?.(dialect, fields.model);
	for (const key of Object.keys(fields.extras) as Array<keyof ModelExtras>) {
		const value = fields.extras[key];
		const spell = spelling?.[key] as ((v: unknown) => IDataObject) | undefined;
		if (value === undefined || !spell || Object.values(spell(value)).every((v) => typeof v === 'string')) continue;
		throw new NodeOperationError(ctx.getNode(), `${withProvider(dialect)} cannot take "${OPTION_LABELS[key]}" with a first frame, which goes to it as a file upload`, {
			itemIndex,
			description: `A file upload carries text fields only, and "${OPTION_LABELS[key]}" is not text for this server. Remove it for Image to Video, or use it with Text to Video.`,
		});
	}
}

/** Whether the server takes multipart uploads on create for this model; OpenRouter takes JSON only. */
export function takesMultipart(dialect: Dialect, model = ''): boolean {
	const definition = SERVERS[dialect.server];
	return definition.createForm !== undefined && (definition.multipart?.(dialect, model) ?? true);
}

/** The JSON body of a create request in the server's spelling. */
export function createJson(dialect: Dialect, fields: CreateFields, reference?: ImageReference): IDataObject {
	const definition = SERVERS[dialect.server];
	// The server's body, then the model options in its spelling, then Additional Body Fields, which win.
	const body = definition.createJson(fields, reference, dialect);
	withModelOptions(body, fields.extras, definition.modelOptions?.(dialect, fields.model));
	return definition.addAdditional ? definition.addAdditional(body, fields.additional) : Object.assign(body, fields.additional);
}

/** The same body as multipart form fields, for requests that carry a file (never JSON-only servers). */
export function createForm(dialect: Dialect, fields: CreateFields): FormData {
	const definition = SERVERS[dialect.server];
	if (!definition.createForm) throw new Error(`${definition.name} takes JSON only`);
	const form = definition.createForm(fields);
	// Model options as form fields: text as it is, anything else as JSON (how multipart carries them).
	for (const [key, value] of Object.entries(withModelOptions({}, fields.extras, definition.modelOptions?.(dialect, fields.model)))) {
		form.append(key, typeof value === 'string' ? value : JSON.stringify(value));
	}
	return form;
}

/** Whether a finished video may carry its result as a URL instead of (or besides) /content. */
export function mayCarryResultUrl(dialect: Dialect): boolean {
	return SERVERS[dialect.server].mayCarryResultUrl;
}

/** Whether a first frame given as a URL must be fetched by the node and uploaded as a file. */
export function uploadsImageUrls(dialect: Dialect, model = ''): boolean {
	const { imageUrl } = SERVERS[dialect.server];
	return (typeof imageUrl === 'function' ? imageUrl(dialect, model) : imageUrl) === 'upload';
}

/** Whether the server fetches first-frame URLs itself over https only (an http:// one is refused, not inlined). */
export function fetchesHttpsOnly(dialect: Dialect): boolean {
	return SERVERS[dialect.server].httpsImageUrlsOnly === true;
}

/** The body of a remix, in the server's spelling. */
export function remixBody(dialect: Dialect, prompt: string, source: { model: string | null }): IDataObject {
	return SERVERS[dialect.server].remixBody(prompt, source);
}

/** The query that picks an asset variant from a video's content. */
export function assetQuery(dialect: Dialect, variant: string): IDataObject {
	return SERVERS[dialect.server].assetQuery(variant);
}

/** Where the server lists its models, in the order to try them. */
export function modelLists(dialect: Dialect): ServerDefinition['modelLists'] {
	return SERVERS[dialect.server].modelLists;
}
