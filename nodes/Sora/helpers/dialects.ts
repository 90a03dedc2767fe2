/**
 * The one place that knows how the servers that speak the Sora 2 Videos API differ from OpenAI's
 * reference (API-NOTES §9): which operations they have, how a create request is spelled, where a
 * finished video's bytes live and what a list call needs. The credential's server preset selects
 * the dialect; everything here is pure, so the operations stay the same for every server.
 */
import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Video } from './schemas';

export type ServerPreset = 'openai' | 'azure' | 'litellm' | 'openrouter' | 'newapi';

export interface Dialect {
	server: ServerPreset;
	/** How sentences name the server. */
	name: string;
	/** LiteLLM only: the provider whose videos a list call asks for (custom-llm-provider). */
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
	| 'fileId';

const NAMES: Record<ServerPreset, string> = {
	openai: 'OpenAI',
	azure: 'Azure OpenAI',
	litellm: 'LiteLLM proxy',
	openrouter: 'OpenRouter',
	newapi: 'The new-api gateway',
};

/**
 * What each server lacks. Azure documents create, remix and characters but no edits or extensions;
 * new-api gateways serve create, retrieve, content (or a result URL) and remix; OpenRouter has
 * create, poll and content only. LiteLLM proxies every route to the provider behind it.
 */
const LACKS: Record<ServerPreset, readonly Feature[]> = {
	openai: [],
	azure: ['edit', 'extend'],
	litellm: [],
	newapi: ['list', 'delete', 'edit', 'extend', 'thumbnail', 'spritesheet'],
	openrouter: ['list', 'delete', 'remix', 'edit', 'extend', 'characters', 'thumbnail', 'spritesheet', 'fileId'],
};

export const AZURE_SECONDS = ['4', '8', '12'];
export const AZURE_SIZES = ['720x1280', '1280x720'];

/** OpenRouter spells a size as a resolution and an aspect ratio. */
const OPENROUTER_SIZES: Record<string, { resolution: string; aspect_ratio: string }> = {
	'1280x720': { resolution: '720p', aspect_ratio: '16:9' },
	'720x1280': { resolution: '720p', aspect_ratio: '9:16' },
	'1920x1080': { resolution: '1080p', aspect_ratio: '16:9' },
	'1080x1920': { resolution: '1080p', aspect_ratio: '9:16' },
};

export const OPENAI_DIALECT: Dialect = { server: 'openai', name: NAMES.openai };

function isPreset(value: unknown): value is ServerPreset {
	return typeof value === 'string' && value in NAMES;
}

/** The dialect a credential selects. Credentials saved before presets existed speak OpenAI's. */
export function dialectFromCredentials(credentials: IDataObject): Dialect {
	const server = isPreset(credentials.server) ? credentials.server : 'openai';
	const provider = server === 'litellm' ? String(credentials.litellmProvider ?? '').trim() : '';
	return { server, name: NAMES[server], ...(provider ? { provider } : {}) };
}

export function supports(dialect: Dialect, feature: Feature): boolean {
	return !LACKS[dialect.server].includes(feature);
}

const LACK_SENTENCES: Record<Feature, { what: string; description: string }> = {
	list: {
		what: 'has no video list',
		description:
			'Use Video → Get with the ID from the node that created the video (Wait for Completion does the waiting), or choose a server preset whose server lists videos.',
	},
	delete: { what: 'cannot delete videos', description: 'Videos expire on the server by themselves; remove this step.' },
	remix: { what: 'has no remix', description: 'Make a new video with Text to Video or Image to Video and a changed prompt instead.' },
	edit: { what: 'has no video edits', description: 'Make a new video with a changed prompt instead, or use a server with edits (OpenAI, LiteLLM proxy).' },
	extend: {
		what: 'has no video extensions',
		description: 'Make a longer clip with Text to Video instead, or use a server with extensions (OpenAI, LiteLLM proxy).',
	},
	characters: { what: 'has no characters', description: 'Remove the characters and describe the subject in the prompt instead.' },
	thumbnail: { what: 'serves only the MP4 of a video, no thumbnail', description: 'Download the video asset, and turn off Download Thumbnail.' },
	spritesheet: { what: 'serves only the MP4 of a video, no spritesheet', description: 'Download the video asset instead.' },
	fileId: {
		what: 'cannot take an uploaded file ID as the first frame',
		description: 'Give the image as a binary field or an image URL instead.',
	},
};

/** Any n8n context: execute, poll or load-options functions. */
type AnyContext = { getNode(): INode };

/** The sentence that refuses an operation a server lacks, before anything is sent. */
export function unsupportedError(
	ctx: AnyContext,
	dialect: Dialect,
	feature: Feature,
	action?: string,
	itemIndex?: number,
): NodeOperationError {
	const { what, description } = LACK_SENTENCES[feature];
	const message = `${dialect.name} ${what}${action ? `, so ${action} cannot run against it` : ''}`;
	return new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
}

export function requireFeature(ctx: AnyContext, dialect: Dialect, feature: Feature, action?: string, itemIndex?: number): void {
	if (!supports(dialect, feature)) throw unsupportedError(ctx, dialect, feature, action, itemIndex);
}

/** The feature each operation of the Sora node needs beyond create, get and download. */
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

export interface CreateFields {
	prompt: string;
	model: string;
	seconds: string;
	size: string;
	characters: Array<{ id: string }>;
	additional: IDataObject;
}

/**
 * Checks what a create request asks for against the server, before anything is paid for. `size`
 * may still be "matchImage"; it is checked again once the image is read.
 */
export function checkCreate(
	ctx: AnyContext,
	itemIndex: number,
	dialect: Dialect,
	fields: { seconds: string; size: string; characters: unknown[]; downloadThumbnail?: boolean },
): void {
	if (fields.characters.length) requireFeature(ctx, dialect, 'characters', 'a video with characters', itemIndex);
	if (fields.downloadThumbnail) requireFeature(ctx, dialect, 'thumbnail', 'Download Thumbnail', itemIndex);
	if (dialect.server === 'azure' && !AZURE_SECONDS.includes(fields.seconds)) {
		throw new NodeOperationError(ctx.getNode(), `Azure OpenAI cannot make ${fields.seconds} s videos; it makes 4, 8 or 12 seconds`, {
			itemIndex,
			description: 'Set Duration to 4, 8 or 12 seconds.',
		});
	}
	if (fields.size !== 'matchImage') checkSize(ctx, itemIndex, dialect, fields.size);
}

export function checkSize(ctx: AnyContext, itemIndex: number, dialect: Dialect, size: string): void {
	if (dialect.server === 'azure' && !AZURE_SIZES.includes(size)) {
		throw new NodeOperationError(ctx.getNode(), `Azure OpenAI cannot make ${size} videos; it makes 720x1280 and 1280x720 only`, {
			itemIndex,
			description: 'Set Size to 720x1280 (portrait) or 1280x720 (landscape), and use an image of that size.',
		});
	}
	if (dialect.server === 'openrouter' && !OPENROUTER_SIZES[size]) {
		throw new NodeOperationError(
			ctx.getNode(),
			`OpenRouter cannot make ${size} videos; it takes 720p or 1080p in 16:9 or 9:16`,
			{
				itemIndex,
				description:
					'Set Size to 1280x720, 720x1280, 1920x1080 or 1080x1920 (the model decides which of them it offers), and use an image of that size.',
			},
		);
	}
}

/** Whether the server takes multipart uploads on create; OpenRouter takes JSON only. */
export function takesMultipart(dialect: Dialect): boolean {
	return dialect.server !== 'openrouter';
}

/**
 * The JSON body of a create request in the server's dialect. `extra.input_reference` (an
 * `{image_url}` or `{file_id}` object) becomes OpenRouter's `frame_images`.
 */
export function createJson(dialect: Dialect, fields: CreateFields, extra: IDataObject = {}): IDataObject {
	const { input_reference: reference, ...rest } = extra;
	const characters = fields.characters.length ? { characters: fields.characters.map(({ id }) => ({ id })) } : {};
	if (dialect.server === 'openrouter') {
		const imageUrl = (reference as IDataObject | undefined)?.image_url;
		return {
			prompt: fields.prompt,
			model: fields.model,
			duration: Number(fields.seconds),
			...OPENROUTER_SIZES[fields.size],
			...(imageUrl
				? { frame_images: [{ type: 'image_url', image_url: { url: imageUrl }, frame_type: 'first_frame' }] }
				: {}),
			...rest,
			...fields.additional,
		};
	}
	return {
		prompt: fields.prompt,
		model: fields.model,
		seconds: fields.seconds,
		// Gateways of the new-api family read an integer duration; the new-api project itself reads seconds.
		...(dialect.server === 'newapi' ? { duration: Number(fields.seconds) } : {}),
		size: fields.size,
		...characters,
		...(reference ? { input_reference: reference } : {}),
		...rest,
		...fields.additional,
	};
}

/** The same body as multipart form fields, for requests that carry a file (never OpenRouter). */
export function createForm(dialect: Dialect, fields: CreateFields): FormData {
	const form = new FormData();
	form.append('prompt', fields.prompt);
	form.append('model', fields.model);
	form.append('seconds', fields.seconds);
	if (dialect.server === 'newapi') form.append('duration', fields.seconds);
	form.append('size', fields.size);
	fields.characters.forEach(({ id }, index) => form.append(`characters[${index}][id]`, id));
	for (const [key, value] of Object.entries(fields.additional)) {
		form.append(key, typeof value === 'string' ? value : JSON.stringify(value));
	}
	return form;
}

/** Whether a finished video may carry its result as a URL instead of (or besides) /content. */
export function mayCarryResultUrl(dialect: Dialect): boolean {
	return dialect.server === 'newapi' || dialect.server === 'openrouter';
}

export interface AssetLocation {
	/** A path under the base URL, or an absolute URL (a signed URL is fetched without the key). */
	path: string;
	qs?: IDataObject;
}

/** Where the bytes of one asset of a video are, in the server's dialect. */
export function assetLocation(dialect: Dialect, videoId: string, variant: string, video?: Video): AssetLocation {
	const content = `/videos/${encodeURIComponent(videoId)}/content`;
	if (variant === 'video' && video?.urls?.length) return { path: video.urls[0] };
	if (dialect.server === 'openrouter') return { path: content, qs: { index: 0 } };
	return { path: content, qs: { variant } };
}
