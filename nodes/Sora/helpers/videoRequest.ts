/**
 * Reads and checks what every create operation sends, then submits it. Everything that the API
 * would reject is refused here, before a request is sent, so no money is spent on a doomed job.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, jsonParse } from 'n8n-workflow';

import { getServer, soraRequest } from '../transport';
import { reserveBudget } from './costGuard';
import type { Dialect } from './dialects';
import { OPENAI_DIALECT, checkCreate, checkSize as checkDialectSize, createForm, createJson } from './dialects';
import { sizeProblem } from './models';
import { composePrompt } from './promptBuilder';
import { createJobOnce } from './safeCreate';
import type { PendingJob } from './polling';
import { parseVideo } from './schemas';
import type { Video } from './schemas';

export const MAX_PROMPT_LENGTH = 32_000;
export const MAX_CHARACTERS = 2;

export interface CharacterRef {
	id: string;
	name: string;
}

export interface VideoRequest {
	prompt: string;
	model: string;
	seconds: string;
	size: string;
	characters: CharacterRef[];
	additional: IDataObject;
	/** How the credential's server spells the request. */
	dialect?: Dialect;
}

export function readModel(this: IExecuteFunctions, itemIndex: number): string {
	const model = String(this.getNodeParameter('model', itemIndex, '', { extractValue: true }) ?? '').trim();
	if (!model) {
		throw new NodeOperationError(this.getNode(), 'No model is selected', {
			itemIndex,
			description: 'Pick a model from the list or enter the model id your server offers.',
		});
	}
	return model;
}

export function readPrompt(this: IExecuteFunctions, itemIndex: number): string {
	const mode = this.getNodeParameter('promptMode', itemIndex, 'text') as string;
	const prompt =
		mode === 'builder'
			? composePrompt({
					style: this.getNodeParameter('style', itemIndex, '') as string,
					shots: this.getNodeParameter('shots', itemIndex, {}) as IDataObject,
					dialogue: this.getNodeParameter('dialogue', itemIndex, {}) as IDataObject,
					soundEffects: this.getNodeParameter('soundEffects', itemIndex, '') as string,
					ambience: this.getNodeParameter('ambience', itemIndex, '') as string,
				})
			: String(this.getNodeParameter('prompt', itemIndex, '') ?? '');
	if (!prompt.trim()) {
		throw new NodeOperationError(this.getNode(), 'The prompt is empty', {
			itemIndex,
			description:
				'Describe the video in the Prompt field, or add at least one shot in the prompt builder (an expression that resolves to empty text counts as empty).',
		});
	}
	if (prompt.length > MAX_PROMPT_LENGTH) {
		throw new NodeOperationError(
			this.getNode(),
			`The prompt is ${prompt.length.toLocaleString('en-US')} characters long; the limit is 32,000`,
			{ itemIndex, description: 'Shorten the prompt.' },
		);
	}
	return prompt;
}

export function readCharacters(this: IExecuteFunctions, itemIndex: number, prompt: string): CharacterRef[] {
	const collection = this.getNodeParameter('characters', itemIndex, {}) as {
		character?: Array<{ id?: string; name?: string }>;
	};
	const characters = (collection.character ?? []).map((c) => ({
		id: String(c.id ?? '').trim(),
		name: String(c.name ?? '').trim(),
	}));
	if (characters.length > MAX_CHARACTERS) {
		throw new NodeOperationError(this.getNode(), `${characters.length} characters were given; a video can star at most 2`, {
			itemIndex,
			description: 'Remove characters until two are left.',
		});
	}
	for (const [index, character] of characters.entries()) {
		if (!character.id) {
			throw new NodeOperationError(this.getNode(), `Character ${index + 1} has no ID`, {
				itemIndex,
				description: 'Enter the ID returned by Character → Create (it starts with "char_" on OpenAI-style servers).',
			});
		}
		if (!character.name) {
			throw new NodeOperationError(this.getNode(), `Character ${character.id} has no name`, {
				itemIndex,
				description: 'Enter the character name exactly as the prompt mentions it.',
			});
		}
		if (!prompt.includes(character.name)) {
			throw new NodeOperationError(
				this.getNode(),
				`The prompt does not mention the character "${character.name}"`,
				{
					itemIndex,
					description: `Write the name "${character.name}" into the prompt exactly like this (same spelling and case); the server only keeps a character that the prompt names.`,
				},
			);
		}
	}
	return characters;
}

export function readAdditionalFields(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const raw = options.additionalBodyFields ?? '{}';
	let parsed: unknown = raw;
	if (typeof raw === 'string') {
		try {
			parsed = raw.trim() ? jsonParse(raw) : {};
		} catch {
			parsed = undefined;
		}
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new NodeOperationError(this.getNode(), 'Additional Body Fields is not a JSON object', {
			itemIndex,
			description: 'Enter a JSON object such as {"generate_audio": true}, or {} for none.',
		});
	}
	return parsed as IDataObject;
}

export function checkSize(this: IExecuteFunctions, itemIndex: number, model: string, size: string, dialect?: Dialect): void {
	const problem = sizeProblem(model, size);
	if (problem) {
		throw new NodeOperationError(this.getNode(), problem, {
			itemIndex,
			description: 'Change the Size or the Model so that they fit together.',
		});
	}
	if (dialect) checkDialectSize(this, itemIndex, dialect, size);
}

/**
 * Reads the parameters every create-from-prompt operation shares and checks them against the
 * credential's server. `size` may still be "matchImage".
 */
export async function readVideoRequest(this: IExecuteFunctions, itemIndex: number): Promise<VideoRequest> {
	const prompt = readPrompt.call(this, itemIndex);
	const model = readModel.call(this, itemIndex);
	const seconds = String(this.getNodeParameter('seconds', itemIndex, '4'));
	const size = String(this.getNodeParameter('size', itemIndex, '720x1280'));
	const characters = readCharacters.call(this, itemIndex, prompt);
	const additional = readAdditionalFields.call(this, itemIndex);
	if (size !== 'matchImage') checkSize.call(this, itemIndex, model, size);
	const { dialect } = await getServer.call(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	checkCreate(this, itemIndex, dialect, { seconds, size, characters, downloadThumbnail: options.downloadThumbnail === true });
	return { prompt, model, seconds, size, characters, additional, dialect };
}

/** What the cost guard needs to know about a create request. */
export function estimateOf(request: VideoRequest) {
	return { model: request.model, size: request.size, seconds: Number(request.seconds) };
}

/** The JSON body of a create request, in the dialect of the credential's server (helpers/dialects). */
export function jsonBody(request: VideoRequest, extra: IDataObject = {}): IDataObject {
	return createJson(request.dialect ?? OPENAI_DIALECT, request, extra);
}

/** The same body as multipart form fields, for requests that carry a file. */
export function formBody(request: VideoRequest): FormData {
	return createForm(request.dialect ?? OPENAI_DIALECT, request);
}

export interface WaitOptions {
	wait: boolean;
	maxWaitMs: number;
	binaryProperty: string;
	downloadThumbnail: boolean;
}

export function readWaitOptions(this: IExecuteFunctions, itemIndex: number): WaitOptions {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const binaryProperty = String(options.binaryPropertyOutput ?? 'data').trim() || 'data';
	return {
		wait: this.getNodeParameter('waitForCompletion', itemIndex, true) as boolean,
		maxWaitMs: Number(options.maxWaitMinutes ?? 20) * 60_000,
		binaryProperty,
		downloadThumbnail: options.downloadThumbnail === true,
	};
}

/** A job the router still has to wait for (or hand back at once when waiting is off). */
export interface SubmittedJob extends PendingJob {
	kind: 'job';
	options: WaitOptions;
	/** Extra JSON for the output item (for example an extension count). */
	extra?: IDataObject;
}

/**
 * Sends one create request. The idempotency key lets servers that honour it answer a repeated
 * request with the job they already started instead of charging for a second one.
 */
export async function submitJob(
	this: IExecuteFunctions,
	itemIndex: number,
	path: string,
	body: IDataObject | FormData,
	estimate?: { model: string; size: string; seconds: number },
): Promise<SubmittedJob> {
	const options = readWaitOptions.call(this, itemIndex);
	if (estimate) reserveBudget.call(this, itemIndex, estimate);
	// Retried with one idempotency key and checked against the job list: never two paid jobs (./safeCreate).
	const { video, submittedAt } = await createJobOnce.call(this, itemIndex, path, body);
	return { kind: 'job', video, itemIndex, submittedAt, maxWaitMs: options.maxWaitMs, options };
}

/** The current state of one video job. */
export async function fetchVideo(this: IExecuteFunctions, itemIndex: number, id: string): Promise<Video> {
	const response = await soraRequest.call(this, 'GET', `/videos/${encodeURIComponent(id)}`, { itemIndex });
	return parseVideo(response.body);
}

/** Remix, edit and extend work on finished videos only; say so before paying for a doomed job. */
export async function fetchCompletedSource(this: IExecuteFunctions, itemIndex: number, id: string, action: string): Promise<Video> {
	const source = await fetchVideo.call(this, itemIndex, id);
	if (source.status !== 'completed') {
		throw new NodeOperationError(this.getNode(), `Video ${id} is ${source.status.replace('_', ' ')}; only a completed video can be ${action}`, {
			itemIndex,
			description: 'Wait until the video is completed (Wait for Completion, or the Sora Trigger), then run this step.',
		});
	}
	return source;
}

/** The price of making another clip like `source` (same model and size), for the cost guard. */
export function estimateLike(source: Video, seconds: number) {
	return { model: source.model ?? '', size: source.size ?? '', seconds };
}
