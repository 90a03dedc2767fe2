/**
 * Parameter blocks shared by several operations, so every create operation shows the same
 * prompt, model, duration, size, characters and waiting options.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { DEFAULT_SEARCH_SECONDS } from '../jobs/createOnce';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from '../jobs/pool';
import type { ModelInput } from '../models';
import { DURATIONS, MODEL_EXAMPLES, SIZES, spellingsWithout } from '../models';
import { OPTION_TAKERS } from '../servers/modelOptions';
import { durationField, sizeField as modelSizeField } from './followModel';
import { builderFields, promptModeField } from './promptBuilder';

const promptField: INodeProperties = {
	displayName: 'Prompt',
	name: 'prompt',
	type: 'string',
	required: true,
	default: '',
	typeOptions: { rows: 4 },
	placeholder: 'A red fox trots through fresh snow at dawn, cinematic, soft light',
	displayOptions: { show: { promptMode: ['text'] } },
	description:
		'What the video shows and sounds like (1–32,000 characters). Describe subject, action, camera, lighting and audio. Mention every character by its exact name.',
};

export const modelField: INodeProperties = {
	displayName: 'Model',
	name: 'model',
	type: 'resourceLocator',
	default: { mode: 'list', value: 'sora-2' },
	required: true,
	description: 'The model that renders the video. Any model your server offers can be entered by its ID.',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchModels', searchable: true },
		},
		{
			displayName: 'ID',
			name: 'id',
			type: 'string',
			placeholder: `e.g. ${MODEL_EXAMPLES.ids}`,
		},
	],
};

export const secondsField: INodeProperties = {
	displayName: 'Duration (Seconds)',
	name: 'seconds',
	type: 'options',
	default: '4',
	description:
		`Length of the clip. The list shows what the chosen model makes (${MODEL_EXAMPLES.seconds}; …) and every value for a model the node does not know; a duration a known model cannot make is refused before anything is paid for, naming what it makes; turn on Options → Skip Model Checks to send it anyway.`,
	// Values stay strings: saved workflows store them so.
	options: DURATIONS.map((seconds) => ({ name: `${seconds} s`, value: String(seconds) })),
};

const SIZE_OPTIONS = SIZES.map(({ size, label }) => ({ name: `${size} (${label})`, value: size }));

const SIZE_DESCRIPTION =
	'Width x height of the video. The list shows what the chosen model makes (sora-2 makes 720p only; the larger sizes need a sora-2-pro model), and every size for a model the node does not know.';

export const sizeField: INodeProperties = {
	displayName: 'Size',
	name: 'size',
	type: 'options',
	default: '720x1280',
	description: SIZE_DESCRIPTION,
	options: SIZE_OPTIONS,
};

/** Image to Video can also take the size from the image itself. */
export const imageSizeField: INodeProperties = {
	displayName: 'Size',
	name: 'size',
	type: 'options',
	default: 'matchImage',
	description: SIZE_DESCRIPTION,
	options: [{ name: 'Match Input Image', value: 'matchImage' }, ...SIZE_OPTIONS],
};

const charactersField: INodeProperties = {
	displayName: 'Characters',
	name: 'characters',
	type: 'fixedCollection',
	placeholder: 'Add Character',
	default: {},
	typeOptions: { multipleValues: true, multipleValueButtonText: 'Add Character' },
	description:
		'Up to two characters created with Character → Create. Each name must appear verbatim in the prompt.',
	options: [
		{
			displayName: 'Character',
			name: 'character',
			values: [
				{
					displayName: 'Character ID',
					name: 'id',
					type: 'string',
					default: '',
					placeholder: 'char_123',
					description: 'The ID returned by Character → Create',
				},
				{
					displayName: 'Name',
					name: 'name',
					type: 'string',
					default: '',
					description: 'The name as it appears in the prompt',
				},
			],
		},
	],
};

export const waitField: INodeProperties = {
	displayName: 'Wait for Completion',
	name: 'waitForCompletion',
	type: 'boolean',
	default: true,
	description:
		'Whether to wait until the video is ready and output it as binary data. Turn off to return the job at once and pick it up later with Get, Download or the Sora Trigger.',
};

/** Where the MP4 goes: shared by the create operations and the Sora Trigger. */
export const binaryOutputOption: INodeProperties = {
	displayName: 'Put Output File in Field',
	name: 'binaryPropertyOutput',
	type: 'string',
	default: 'data',
	hint: 'The name of the output binary field for the MP4',
};

export const downloadThumbnailOption: INodeProperties = {
	displayName: 'Download Thumbnail',
	name: 'downloadThumbnail',
	type: 'boolean',
	default: false,
	description: 'Whether to also download the WebP thumbnail into the binary field "thumbnail"',
};

/** Filters by model: shared by Get Many and the Sora Trigger. */
export const modelFilter: INodeProperties = {
	displayName: 'Model',
	name: 'model',
	type: 'string',
	default: '',
	placeholder: 'sora-2-pro',
	description: 'Only videos made by this model',
};

const outputOptions: INodeProperties[] = [
	{
		displayName: 'Max Wait (Minutes)',
		name: 'maxWaitMinutes',
		type: 'number',
		default: 20,
		typeOptions: { minValue: 1, maxValue: 720 },
		description: 'How long to wait for the job before giving up (the job keeps running on the server)',
	},
	binaryOutputOption,
	downloadThumbnailOption,
];

const additionalBodyField: INodeProperties = {
	displayName: 'Additional Body Fields',
	name: 'additionalBodyFields',
	type: 'json',
	default: '{}',
	description:
		'JSON merged into the request body, for options specific to your server (for example {"generate_audio": true} on a gateway). OpenAI rejects unknown fields.',
};

/** The prompt, written by hand or built from shots. */
export const promptFields: INodeProperties[] = [promptModeField, promptField, ...builderFields];

const maxCostOption: INodeProperties = {
	displayName: 'Max Estimated Cost per Execution (USD)',
	name: 'maxCostPerExecution',
	type: 'number',
	default: 0,
	typeOptions: { minValue: 0, numberPrecision: 2 },
	description:
		'Stop before submitting a job that would bring the estimated cost of this execution above this amount: every job the Sora nodes of the execution submit counts, in loops too, and a job the server refused does not. 0 means no limit. Models without a known price are not counted.',
};

const lostJobSearchOption: INodeProperties = {
	displayName: 'Lost Job Search (Seconds)',
	name: 'lostJobSearchSeconds',
	type: 'number',
	default: DEFAULT_SEARCH_SECONDS,
	typeOptions: { minValue: 5, maxValue: 600 },
	description:
		"When the answer to a create is lost (timeout, 5xx, dropped connection), how long to keep looking for the job in the server's job list before the request may be sent again. It is sent again only if the list then shows no such job, so you are never charged twice; raise this for a gateway that lists new jobs late.",
};

const skipModelChecksOption: INodeProperties = {
	displayName: 'Skip Model Checks',
	name: 'skipModelChecks',
	type: 'boolean',
	default: false,
	description:
		"Whether to send a duration or size the node's model catalogue says this model does not make. Turn on when your server knows better (a newer version of the model): the value is sent as it is and the server decides, and may refuse it or charge for it.",
};

const concurrencyOption: INodeProperties = {
	displayName: 'Concurrency',
	name: 'concurrency',
	type: 'number',
	default: DEFAULT_CONCURRENCY,
	typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
	description:
		'How many items are submitted, checked and downloaded at the same time. All submitted jobs then run on the server side by side (as far as the server allows) and share one polling loop. Lower it if the server rate-limits requests.',
};

/** The Options collection of every operation that creates a video job. */
export function createOptions(...extra: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...outputOptions, maxCostOption, concurrencyOption, lostJobSearchOption, skipModelChecksOption, ...extra],
	};
}

/**
 * Options some servers' models take beyond the contract, each server (and vendor) spelling them its own way
 * (servers/*.ts `modelOptions`). One the server does not take for the model is refused before anything is paid for.
 */
const modelOptions: INodeProperties[] = [
	{
		displayName: 'Callback URL (OpenRouter Only)',
		name: 'callbackUrl',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/webhook/video-done',
		description: `An https:// address the server calls when the job ends (${OPTION_TAKERS.callbackUrl})`,
	},
	{
		displayName: 'Generate Audio',
		name: 'generateAudio',
		type: 'boolean',
		default: true,
		description: `Whether the model makes sound as well, where it offers the choice (${OPTION_TAKERS.generateAudio})`,
	},
	{
		displayName: 'Last Frame URL',
		name: 'lastFrameUrl',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/last-frame.png',
		description: `An image the video ends on, for models that take a last frame (${OPTION_TAKERS.lastFrameUrl})`,
	},
	{
		displayName: 'Negative Prompt',
		name: 'negativePrompt',
		type: 'string',
		default: '',
		placeholder: 'blurry, text, watermark',
		description: `What the video should not show, for models that take it (${OPTION_TAKERS.negativePrompt})`,
	},
	{
		displayName: 'Provider Routing (JSON, OpenRouter Only)',
		name: 'providerRouting',
		type: 'json',
		default: '{}',
		description: 'Which providers may serve the model, as OpenRouter\'s "provider" object, for example {"order": ["google-vertex"]}',
	},
	{
		displayName: 'Reference Image URLs',
		name: 'referenceImageUrls',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/style.png, https://example.com/product.png',
		description: `Images that guide subject or style, separated by commas (${OPTION_TAKERS.referenceImageUrls})`,
	},
	{
		displayName: 'Seed',
		name: 'seed',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0, numberPrecision: 0 },
		description: `A fixed seed, so the same request gives a similar result again (${OPTION_TAKERS.seed})`,
	},
];

/** Which model input each model option needs, so that it is not offered for a model the table says cannot take it. */
const OPTION_INPUTS: Record<string, ModelInput> = {
	generateAudio: 'generateAudio',
	lastFrameUrl: 'lastFrame',
	referenceImageUrls: 'referenceImages',
	seed: 'seed',
	negativePrompt: 'negativePrompt',
};

/**
 * The model options, each hidden while the Model (the root parameter, '/model' from inside the collection: n8n-workflow
 * getPropertyValues reads a leading '/' from the node's root and a locator's `.value`) is one the table says cannot take it.
 */
const perModel = (options: INodeProperties[]): INodeProperties[] =>
	options.map((option) => {
		const input = OPTION_INPUTS[option.name];
		const hide = input ? spellingsWithout(input) : [];
		return hide.length ? { ...option, displayOptions: { hide: { '/model': hide } } } : option;
	});

/** What Text to Video and Image to Video share after their prompt and input: model to options. */
export function generationFields(size: INodeProperties): INodeProperties[] {
	// Duration and Size follow the model (./followModel); Image to Video's Size keeps Match Input Image first.
	const matchImage = (size.options ?? []).filter((option) => 'value' in option && option.value === 'matchImage') as INodePropertyOptions[];
	return [
		modelField,
		durationField(secondsField, DURATIONS),
		modelSizeField(size, matchImage),
		charactersField,
		waitField,
		createOptions(additionalBodyField, ...perModel(modelOptions)),
	];
}
