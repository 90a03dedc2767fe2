/**
 * The servers that speak the Sora 2 Videos API, one file each, behind one interface (./types):
 * which operations they have, how a create request is spelled, and where a finished video's bytes
 * live. The credential's server preset selects one; it is resolved once per run and passed down.
 */
import type { IDataObject, IExecuteFunctions, ILoadOptionsFunctions, INode, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { durationProblem, sizeProblem } from '../models';
import { azure } from './azure';
import { BASE_URL_HINT, FULL_HTTP_URL } from './baseUrl';
import { litellm } from './litellm';
import { OPTION_LABELS, takenLabels, withModelOptions } from './modelOptions';
import { newapi } from './newapi';
import { openai } from './openai';
import { openrouter } from './openrouter';
import type { CreateFields, Server, Feature, ImageReference, JobShows, ModelExtras, Refusal, ServerModule, ServerId } from './types';
import { contractShows } from './types';

export type { CreateFields, Server, Feature, ImageReference, JobShows, ModelExtras } from './types';

export const CREDENTIAL_NAME = 'soraApi';

const SERVERS: Record<ServerId, ServerModule> = { openai, azure, litellm, newapi, openrouter };

/** Any n8n context: execute, poll or load-options functions. */
type AnyContext = { getNode(): INode };

export type SoraContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

/** The credential's server and where to reach it: its base URL and the key n8n sends to it. */
export interface ServerConnection extends Server {
	apiKey: string;
	baseUrl: string;
}

function isServerId(value: unknown): value is ServerId {
	return typeof value === 'string' && value in SERVERS;
}

/** The server a credential selects. Credentials saved before presets existed speak OpenAI's. */
export function serverFromCredentials(credentials: IDataObject): Server {
	const id = isServerId(credentials.server) ? credentials.server : 'openai';
	const provider = id === 'litellm' ? String(credentials.litellmProvider ?? '').trim() : '';
	return { id, name: SERVERS[id].name, ...(provider ? { provider } : {}) };
}

/** Reads the credential and checks its base URL; the key itself never leaves n8n's helpers. */
export async function resolveServer(this: SoraContext, itemIndex = 0): Promise<ServerConnection> {
	const credentials = await this.getCredentials(CREDENTIAL_NAME, itemIndex);
	const baseUrl = String(credentials.baseUrl ?? '').trim().replace(/\/+$/, '');
	if (!FULL_HTTP_URL.test(baseUrl)) {
		throw new NodeOperationError(this.getNode(), `The base URL "${baseUrl}" is not a full http(s) URL`, {
			itemIndex,
			description: BASE_URL_HINT,
		});
	}
	return { ...serverFromCredentials(credentials), apiKey: String(credentials.apiKey ?? ''), baseUrl };
}

/** The credential's server module, to ask what it spells (remix bodies, asset queries, model lists) directly. */
export function serverOf(server: Server): ServerModule {
	return SERVERS[server.id];
}

export function supports(server: Server, feature: Feature): boolean {
	return !SERVERS[server.id].lacks(server).includes(feature);
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
export function requireFeature(ctx: AnyContext, server: Server, feature: Feature, action?: string, itemIndex?: number): void {
	if (supports(server, feature)) return;
	const { message, description } = LACK_SENTENCES[feature];
	const name = SERVERS[server.id].nameFor?.(server, feature) ?? server.name;
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
export function checkOperation(ctx: AnyContext, server: Server, resource: string, operation: string): void {
	const need = OPERATION_FEATURES[`${resource}.${operation}`];
	if (need) requireFeature(ctx, server, need.feature, need.action);
}

/** Headers a list call needs; refuses servers without a list (and LiteLLM without a provider). */
export function listHeaders(ctx: AnyContext, server: Server, action: string): IDataObject {
	requireFeature(ctx, server, 'list', action);
	if (server.id !== 'litellm') return {};
	if (!server.provider) {
		throw new NodeOperationError(ctx.getNode(), `LiteLLM proxy needs a provider to list videos, so ${action} cannot run yet`, {
			description:
				'Open the Sora API credential and set LiteLLM Provider to the provider your video models run on (for example openai, azure, gemini or vertex_ai). LiteLLM lists videos only with a custom-llm-provider.',
		});
	}
	return { 'custom-llm-provider': server.provider };
}

/**
 * The one size check: the size's form, what the model makes (unless `skipModelChecks`: the user's
 * Skip Model Checks option), and what the server makes.
 */
export function checkSize(ctx: AnyContext, itemIndex: number, server: Server, model: string, size: string, skipModelChecks = false): void {
	const problem = sizeProblem(skipModelChecks ? '' : model, size);
	if (problem) {
		throw new NodeOperationError(ctx.getNode(), problem, {
			itemIndex,
			description: skipModelChecks
				? 'Give the size as WIDTHxHEIGHT.'
				: `Change the Size or the Model so that they fit together. If your server makes this size for ${model} even so, turn on Options → ${SKIP_MODEL_CHECKS}: the size is then sent as it is and the server decides.`,
		});
	}
	const refusal = SERVERS[server.id].sizeProblem?.(size);
	if (refusal) throw new NodeOperationError(ctx.getNode(), refusal.message, { itemIndex, description: refusal.description });
}

/**
 * Checks what a create request asks for against the model and the server, before anything is paid
 * for. `size` may still be "matchImage"; it is checked once the image is read.
 */
export function checkCreate(
	ctx: AnyContext,
	itemIndex: number,
	server: Server,
	fields: { model: string; seconds: number; size: string; characters: unknown[]; extras?: ModelExtras; downloadThumbnail?: boolean; skipModelChecks?: boolean },
): void {
	if (fields.size !== 'matchImage') checkSize(ctx, itemIndex, server, fields.model, fields.size, fields.skipModelChecks);
	if (fields.characters.length) requireFeature(ctx, server, 'characters', 'a video with characters', itemIndex);
	if (fields.downloadThumbnail) requireFeature(ctx, server, 'thumbnail', 'Download Thumbnail', itemIndex);
	const refusal = SERVERS[server.id].secondsProblem?.(fields.seconds);
	if (refusal) throw new NodeOperationError(ctx.getNode(), refusal.message, { itemIndex, description: refusal.description });
	// The catalogue's word, which the user may overrule (a server that knows a newer version of the model).
	const modelRefusal = fields.skipModelChecks ? undefined : durationProblem(fields.model, fields.seconds, fields.size);
	if (modelRefusal) {
		throw new NodeOperationError(ctx.getNode(), modelRefusal, {
			itemIndex,
			description: `Set Duration (and Size) to what the model makes. If your server makes it even so, turn on Options → ${SKIP_MODEL_CHECKS}: the node then sends the value as it is and the server decides (a value given by expression is checked the same way).`,
		});
	}
	checkModelOptions(ctx, itemIndex, server, fields.model, fields.extras ?? {});
}

/** The option that lets a user who knows better send what the model catalogue says a model does not make. */
const SKIP_MODEL_CHECKS = 'Skip Model Checks';

/** The server as model-option sentences name it: LiteLLM with the provider behind it, which decides. */
const withProvider = (server: Server) => (server.provider ? `${server.name} with provider ${server.provider}` : server.name);

/** Refuses a model option the server (or the vendor behind it) does not take for this model, naming those it does. */
function checkModelOptions(ctx: AnyContext, itemIndex: number, server: Server, model: string, extras: ModelExtras): void {
	const set = (Object.keys(extras) as Array<keyof ModelExtras>).filter((key) => extras[key] !== undefined);
	if (!set.length) return;
	const spelling = SERVERS[server.id].modelOptions?.(server, model);
	const refused = set.find((key) => !spelling?.[key]);
	if (!refused) return;
	const label = OPTION_LABELS[refused];
	const taken = takenLabels(spelling);
	throw new NodeOperationError(ctx.getNode(), `${withProvider(server)} takes no "${label}" option for the model ${model}`, {
		itemIndex,
		description: `${taken ? `For this model it takes ${taken}.` : 'It takes no model options for this model.'} Remove "${label}" from the options, or send the vendor's own field for it in Additional Body Fields.`,
	});
}

/**
 * Refuses, before paying, a model option that cannot travel in a multipart upload (a form carries text only; LiteLLM
 * reads no JSON out of form fields, so vertex_ai's `extra_body` would be lost and numbers become strings).
 */
function checkFormOptions(ctx: AnyContext, itemIndex: number, server: Server, fields: CreateFields): void {
	const spelling = SERVERS[server.id].modelOptions?.(server, fields.model);
	for (const key of Object.keys(fields.extras) as Array<keyof ModelExtras>) {
		const value = fields.extras[key];
		const spell = spelling?.[key] as ((v: unknown) => IDataObject) | undefined;
		if (value === undefined || !spell || Object.values(spell(value)).every((v) => typeof v === 'string')) continue;
		throw new NodeOperationError(ctx.getNode(), `${withProvider(server)} cannot take "${OPTION_LABELS[key]}" with a first frame, which goes to it as a file upload`, {
			itemIndex,
			description: `A file upload carries text fields only, and "${OPTION_LABELS[key]}" is not text for this server. Remove it for Image to Video, or use it with Text to Video.`,
		});
	}
}

/** Whether the server takes multipart uploads on create for this model; OpenRouter takes JSON only. */
function takesMultipart(server: Server, model = ''): boolean {
	const definition = SERVERS[server.id];
	return definition.createForm !== undefined && (definition.multipart?.(server, model) ?? true);
}

/** The JSON body of a create request in the server's spelling. */
export function createJson(server: Server, fields: CreateFields, reference?: ImageReference): IDataObject {
	const definition = SERVERS[server.id];
	// The server's body, then the model options in its spelling, then Additional Body Fields, which win.
	const body = definition.createJson(fields, reference, server);
	withModelOptions(body, fields.extras, definition.modelOptions?.(server, fields.model));
	return definition.addAdditional ? definition.addAdditional(body, fields.additional) : Object.assign(body, fields.additional);
}

/** The same body as multipart form fields, for requests that carry a file (never JSON-only servers). */
function createForm(server: Server, fields: CreateFields): FormData {
	const definition = SERVERS[server.id];
	if (!definition.createForm) throw new Error(`${definition.name} takes JSON only`);
	const form = definition.createForm(fields);
	// Model options as form fields: text as it is, anything else as JSON (how multipart carries them).
	for (const [key, value] of Object.entries(withModelOptions({}, fields.extras, definition.modelOptions?.(server, fields.model)))) {
		form.append(key, typeof value === 'string' ? value : JSON.stringify(value));
	}
	return form;
}

/** A video object from this server with the contract's field names filled in from its own (before validation). */
export function contractVideo(server: Server, value: unknown): unknown {
	const fields = SERVERS[server.id].videoFields;
	if (!fields || !value || typeof value !== 'object' || Array.isArray(value)) return value;
	return fields(value as Record<string, unknown>);
}

/** What the server's job list will show of a create body it spelled, as sent (to recognise a lost create). */
export function listShows(server: Server, body: IDataObject | FormData): JobShows {
	return (SERVERS[server.id].shownInList ?? contractShows)(body);
}


/**
 * How a first frame given as a URL travels to this server for this model: 'pass' (the URL goes in the JSON body and
 * the server fetches it) or 'fetch' (the node fetches the image and sends its bytes, see createWithImage). Servers that
 * take the first frame only as a file (Azure, most of LiteLLM, new-api's Sora channels) get it fetched and uploaded,
 * which reads http:// too. OpenAI and OpenRouter fetch it themselves, over https only, and an http:// URL is refused
 * for them; vendors behind new-api and fal.ai fetch https URLs themselves, an http:// one the node fetches and inlines.
 */
export function urlFrameRoute(ctx: AnyContext, itemIndex: number, server: Server, model: string, url: string): 'pass' | 'fetch' {
	const definition = SERVERS[server.id];
	const http = /^http:\/\//i.test(url);
	const upload = (typeof definition.imageUrl === 'function' ? definition.imageUrl(server, model) : definition.imageUrl) === 'upload';
	if (upload) return 'fetch';
	if (!http) return 'pass';
	if (definition.httpsImageUrlsOnly !== true) return 'fetch';
	throw new NodeOperationError(ctx.getNode(), `"${url.slice(0, 100)}" is an http:// URL; ${server.name} fetches the first frame over https:// only`, {
		itemIndex,
		description: 'Use the https:// address of the image, or fetch it with HTTP Request and use Image Source "Binary Field".',
	});
}

/**
 * The create body for a first frame the node holds as bytes: a multipart upload where the server takes one for this
 * model (model options that cannot travel as form text refused first), else a data: URL inside the JSON body.
 */
export function createWithImage(
	ctx: AnyContext,
	itemIndex: number,
	server: Server,
	fields: CreateFields,
	image: { bytes: Buffer; mimeType: string; fileName: string },
): IDataObject | FormData {
	if (!takesMultipart(server, fields.model)) {
		return createJson(server, fields, { image_url: `data:${image.mimeType};base64,${image.bytes.toString('base64')}` });
	}
	checkFormOptions(ctx, itemIndex, server, fields);
	const form = createForm(server, fields);
	form.append('input_reference', new Blob([image.bytes], { type: image.mimeType }), image.fileName);
	return form;
}
