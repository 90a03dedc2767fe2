/**
 * Reading and checking the parameters the operations share. Everything the API would reject is
 * refused here, before a request is sent, so no money is spent on a doomed job.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, jsonParse } from 'n8n-workflow';

import { composePrompt } from '../descriptions/promptBuilder';
import { lostJobSearchMs } from '../jobs/createOnce';
import { DEFAULT_CONCURRENCY, normaliseConcurrency } from '../jobs/pool';
import type { JobOptions } from '../jobs/submit';
import type { CreateFields, Server, ModelExtras } from '../servers';
import { checkCreate } from '../servers';

const MAX_PROMPT_LENGTH = 32_000;
const MAX_CHARACTERS = 2;

interface CharacterRef {
	id: string;
	name: string;
}

/** What every create-from-prompt operation sends; `size` may be "matchImage" until the image is read. */
export interface VideoRequest extends CreateFields {
	characters: CharacterRef[];
	/** Options → Skip Model Checks: the catalogue's refusals of a duration or size are overruled. */
	skipModelChecks: boolean;
}

/** Reads an id parameter (plain string or resource locator) and refuses an empty one. */
export function readId(this: IExecuteFunctions, itemIndex: number, parameter: string, what: string): string {
	const value = this.getNodeParameter(parameter, itemIndex, '', { extractValue: true });
	const id = String(value ?? '').trim();
	if (!id) {
		throw new NodeOperationError(this.getNode(), `The ${what} ID is empty`, {
			itemIndex,
			description: `Enter the ${what} ID, or map it from an earlier node with an expression such as {{ $json.id }}.`,
		});
	}
	return id;
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

/**
 * The Duration parameter as whole seconds, read once: its options are strings, an expression may give a number.
 * From here on it is a number until a server spells it (../servers createJson).
 */
export function readSeconds(this: IExecuteFunctions, itemIndex: number): number {
	const raw = this.getNodeParameter('seconds', itemIndex, '4');
	const seconds = Number(raw);
	if (!Number.isInteger(seconds) || seconds <= 0) {
		throw new NodeOperationError(this.getNode(), `The duration "${String(raw).slice(0, 40)}" is not a whole number of seconds`, {
			itemIndex,
			description: 'Pick a duration from the list, or give a whole number such as 8 by expression.',
		});
	}
	return seconds;
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

function readCharacters(this: IExecuteFunctions, itemIndex: number, prompt: string): CharacterRef[] {
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

function readAdditionalFields(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return readJsonObject.call(this, itemIndex, options.additionalBodyFields ?? '{}', 'Additional Body Fields', '{"generate_audio": true}');
}

/** Reads a JSON object option (a string in the editor, an object from an expression). */
function readJsonObject(this: IExecuteFunctions, itemIndex: number, raw: unknown, label: string, example: string): IDataObject {
	let parsed: unknown = raw ?? {};
	if (typeof parsed === 'string') {
		try {
			parsed = parsed.trim() ? jsonParse(parsed) : {};
		} catch {
			parsed = undefined;
		}
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new NodeOperationError(this.getNode(), `${label} is not a JSON object`, {
			itemIndex,
			description: `Enter a JSON object such as ${example}, or {} for none.`,
		});
	}
	return parsed as IDataObject;
}

function checkUrl(this: IExecuteFunctions, itemIndex: number, url: string, label: string, httpsOnly = false): string {
	if (!(httpsOnly ? /^https:\/\/[^/]/i : /^(https?:\/\/[^/]|data:image\/)/i).test(url)) {
		throw new NodeOperationError(this.getNode(), `${label} "${url.slice(0, 100)}" is not ${httpsOnly ? 'an https://' : 'an image'} URL`, {
			itemIndex,
			description: httpsOnly ? 'Enter an address that starts with https://.' : 'Enter an http(s):// URL of the image itself, or a data:image/… URL.',
		});
	}
	return url;
}

/** The model options the user added (ModelExtras); absent ones are not sent at all. */
function readModelExtras(this: IExecuteFunctions, itemIndex: number, options: IDataObject): ModelExtras {
	const extras: ModelExtras = {};
	const negative = String(options.negativePrompt ?? '').trim();
	if (negative) extras.negativePrompt = negative;
	if (options.generateAudio !== undefined) extras.generateAudio = options.generateAudio === true;
	if (options.seed !== undefined) {
		const seed = Number(options.seed);
		if (!Number.isInteger(seed) || seed < 0) {
			throw new NodeOperationError(this.getNode(), `The seed ${String(options.seed)} is not a whole number of 0 or more`, {
				itemIndex,
				description: 'Enter a whole number such as 42.',
			});
		}
		extras.seed = seed;
	}
	const lastFrame = String(options.lastFrameUrl ?? '').trim();
	if (lastFrame) extras.lastFrameUrl = checkUrl.call(this, itemIndex, lastFrame, 'The last frame');
	const references = String(options.referenceImageUrls ?? '')
		.split(',')
		.map((url) => url.trim())
		.filter(Boolean);
	if (references.length) extras.referenceImageUrls = references.map((url) => checkUrl.call(this, itemIndex, url, 'The reference image'));
	if (options.providerRouting !== undefined) {
		const routing = readJsonObject.call(this, itemIndex, options.providerRouting, 'Provider Routing', '{"order": ["google-vertex"]}');
		if (Object.keys(routing).length) extras.providerRouting = routing;
	}
	const callback = String(options.callbackUrl ?? '').trim();
	if (callback) extras.callbackUrl = checkUrl.call(this, itemIndex, callback, 'The callback URL', true);
	return extras;
}

/**
 * Reads the parameters every create-from-prompt operation shares and checks them against the
 * model and the credential's server. `size` may still be "matchImage".
 */
export function readVideoRequest(this: IExecuteFunctions, itemIndex: number, server: Server): VideoRequest {
	const prompt = readPrompt.call(this, itemIndex);
	const model = readModel.call(this, itemIndex);
	const seconds = readSeconds.call(this, itemIndex);
	const size = String(this.getNodeParameter('size', itemIndex, '720x1280'));
	const characters = readCharacters.call(this, itemIndex, prompt);
	const additional = readAdditionalFields.call(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const extras = readModelExtras.call(this, itemIndex, options);
	const skipModelChecks = options.skipModelChecks === true;
	checkCreate(this, itemIndex, server, { model, seconds, size, characters, extras, downloadThumbnail: options.downloadThumbnail === true, skipModelChecks });
	return { prompt, model, seconds, size, characters, additional, extras, skipModelChecks };
}

/**
 * The "Concurrency" option (create operations; the default elsewhere), read once per run from the first item: how
 * many items are submitted, how many status requests and how many downloads are in flight at once. Every submitted
 * job runs on the server side by side, as far as the server allows, followed by one polling loop.
 */
export function readConcurrency(this: IExecuteFunctions): number {
	return normaliseConcurrency(this.getNodeParameter('options.concurrency', 0, DEFAULT_CONCURRENCY));
}

/** Wait for Completion, the output options, the cost limit and Lost Job Search of every operation that starts a job. */
export function readJobOptions(this: IExecuteFunctions, itemIndex: number): JobOptions {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const binaryProperty = String(options.binaryPropertyOutput ?? 'data').trim() || 'data';
	return {
		wait: this.getNodeParameter('waitForCompletion', itemIndex, true) as boolean,
		maxWaitMs: Number(options.maxWaitMinutes ?? 20) * 60_000,
		binaryProperty,
		downloadThumbnail: options.downloadThumbnail === true,
		maxCostUsd: Math.max(0, Number(options.maxCostPerExecution ?? 0) || 0),
		lostJobSearchMs: lostJobSearchMs(options.lostJobSearchSeconds),
	};
}
