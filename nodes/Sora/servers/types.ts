/**
 * The one interface every server file implements: what the server lacks, how a create request is
 * spelled for it, and where the bytes of a finished video live. Everything here is pure data and
 * pure functions, so the operations stay the same for every server.
 */
import type { IDataObject } from 'n8n-workflow';

import type { ModelListParser } from './modelLists';
import type { OptionSpelling } from './modelOptions';

/** The key of a server (the credential's Server preset). */
export type ServerId = 'openai' | 'azure' | 'litellm' | 'openrouter' | 'newapi';

/** The credential's server, as every mapping function receives it. */
export interface Server {
	id: ServerId;
	/** How sentences name the server. */
	name: string;
	/** LiteLLM only: the provider behind it (custom-llm-provider), which decides what it can do. */
	provider?: string;
}

/** What a server may lack. */
export type Feature =
	| 'list'
	| 'delete'
	| 'remix'
	| 'edit'
	| 'extend'
	| 'characters'
	| 'thumbnail'
	| 'spritesheet'
	| 'fileId'
	| 'listPrompts';

/** Options beyond the contract that some servers' models take, each server spelling them its own way (./modelOptions). */
export interface ModelExtras {
	negativePrompt?: string;
	generateAudio?: boolean;
	seed?: number;
	lastFrameUrl?: string;
	referenceImageUrls?: string[];
	providerRouting?: IDataObject;
	callbackUrl?: string;
}

/** What every create-from-prompt request carries, before a server spells it. */
export interface CreateFields {
	prompt: string;
	model: string;
	/** Whole seconds; each server converts to its own type at the edge. */
	seconds: number;
	size: string;
	characters: Array<{ id: string }>;
	additional: IDataObject;
	extras: ModelExtras;
}

/** A first frame the server fetches itself (a URL) or already holds (an uploaded file). */
export interface ImageReference {
	image_url?: string;
	file_id?: string;
}

/**
 * What the server's job list will show of a job-creating request (../jobs/fingerprint matches a lost create by it):
 * its prompt, model, size, and the durations it may show (an extension may show the stitched total or the part added).
 */
export interface JobShows {
	prompt?: string;
	model?: string;
	size?: string;
	seconds?: string[];
}

/** Why a server cannot do what was asked, and what to change. */
export interface Refusal {
	message: string;
	description: string;
}

export interface ServerModule {
	name: string;
	/** What the server lacks; LiteLLM's answer depends on the provider behind it. */
	lacks(server: Server): readonly Feature[];
	/**
	 * Which model options (ModelExtras) the server takes for this model, and where each goes in the JSON body;
	 * undefined or absent options are refused before paying. createJson merges them in (withModelOptions).
	 */
	modelOptions?(server: Server, model: string): OptionSpelling | undefined;
	/** How a refusal names the server, when that depends on more than the preset. */
	nameFor?(server: Server, feature: Feature): string;
	/** A duration the server cannot make, refused before paying. */
	secondsProblem?(seconds: number): Refusal | undefined;
	/** A size the server cannot make, refused before paying. */
	sizeProblem?(size: string): Refusal | undefined;
	/**
	 * How the server takes a first frame given as a URL: in the JSON body (as the server spells it),
	 * or only as an uploaded file, which the node then fetches and uploads itself.
	 */
	imageUrl: 'json' | 'upload' | ((server: Server, model: string) => 'json' | 'upload');
	/** The server fetches image URLs itself over https only, and says so: an http:// URL is refused rather than inlined. */
	httpsImageUrlsOnly?: boolean;
	/**
	 * Whether a create that carries a file goes as multipart (the default where createForm exists); false sends a
	 * binary first frame inside the JSON body (as a data: URL the server's createJson may respell).
	 */
	multipart?(server: Server, model: string): boolean;
	/** The JSON body of a create request, before model options and Additional Body Fields (index.ts adds both). */
	createJson(fields: CreateFields, reference: ImageReference | undefined, server: Server): IDataObject;
	/**
	 * Puts the user's Additional Body Fields into a create body, last, so they win over everything the node spelled
	 * (default: top-level keys replaced). new-api moves those its TaskSubmitReq lacks into `metadata`.
	 */
	addAdditional?(body: IDataObject, additional: IDataObject): IDataObject;
	/** The same body as multipart form fields, for requests that carry a file; absent on JSON-only servers. */
	createForm?(fields: CreateFields): FormData;
	/**
	 * What the job list shows of a create body this server spelled (Additional Body Fields included, as they were
	 * sent); default: the contract's prompt, model, size and seconds fields.
	 */
	shownInList?(body: IDataObject | FormData): JobShows;
	/**
	 * A video object as this server spells it, with the contract's field names filled in from its own before it is
	 * validated (api/schemas parseVideo); default: as it is.
	 */
	videoFields?(raw: Record<string, unknown>): Record<string, unknown>;
	/** The body of a remix: the new prompt, and what else the server needs to know about the source. */
	remixBody(prompt: string, source: { model: string | null }): IDataObject;
	/** The query that picks an asset variant from `/videos/{id}/content`. */
	assetQuery(variant: string): IDataObject;
	/** Whether a finished video may carry its result as a URL instead of (or besides) /content. */
	mayCarryResultUrl: boolean;
	/**
	 * Where the server lists its models, tried in order until one answers (relative to the base URL), and how
	 * the list is spelled. The model picker merges it with the built-in table.
	 */
	modelLists: ReadonlyArray<{ path: string; parse: ModelListParser }>;
}

/** An object field of a server's answer, {} when absent or not an object. */
export function objectField(raw: Record<string, unknown>, name: string): Record<string, unknown> {
	const value = raw[name];
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A text field of a JSON or multipart body, as the job list would show it; undefined when absent or not text. */
export function bodyField(body: IDataObject | FormData, name: string): string | undefined {
	const value = body instanceof FormData ? body.get(name) : body[name];
	if (value === undefined || value === null || typeof value === 'object') return undefined;
	return String(value);
}

/** What the job list shows of a create body spelled as the contract spells it. */
export function contractShows(body: IDataObject | FormData, secondsField = 'seconds'): JobShows {
	const seconds = bodyField(body, secondsField);
	return { prompt: bodyField(body, 'prompt') ?? '', model: bodyField(body, 'model'), size: bodyField(body, 'size'), seconds: seconds === undefined ? undefined : [seconds] };
}
