import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { SoraClient } from '../../api/client';
import { getBinaryInput, readBinaryBuffer } from '../../media/binaryInput';
import { looksLikeMp4, readMp4Info } from '../../api/probes';

const MIN_CLIP_SECONDS = 2;
const MAX_CLIP_SECONDS = 4;
/** Encoders round durations by a frame or so; a "4 s" clip may read 4.02 s. */
const DURATION_TOLERANCE = 0.1;
const MAX_NAME_LENGTH = 80;

const properties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Captain Crunchy',
		description:
			'How prompts will call the character (1–80 characters). Use this exact name in every prompt that stars it.',
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field containing a 2–4 second MP4 of the character',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['character'], operation: ['create'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: SoraClient): Promise<INodeExecutionData[]> {
	const name = String(this.getNodeParameter('name', itemIndex, '')).trim();
	if (!name || name.length > MAX_NAME_LENGTH) {
		throw new NodeOperationError(this.getNode(), `The character name must be 1–80 characters long (it is ${name.length})`, {
			itemIndex,
			description: 'Enter a short, distinctive name that you will also write into prompts.',
		});
	}
	const input = getBinaryInput.call(this, itemIndex, 'binaryPropertyName');
	const clip = await readBinaryBuffer.call(this, itemIndex, input);
	const fail = (message: string, description: string) =>
		new NodeOperationError(this.getNode(), message, { itemIndex, description });
	if (!looksLikeMp4(clip)) {
		throw fail(`The file in "${input.field}" is not an MP4 video`, 'Upload the character as a 2–4 second MP4 clip.');
	}
	const info = readMp4Info(clip);
	if (!info) {
		throw fail(`The MP4 in "${input.field}" is damaged or truncated: its duration cannot be read`, 'Re-export the clip as a complete MP4.');
	}
	const seconds = Math.round(info.durationSeconds * 100) / 100;
	if (seconds < MIN_CLIP_SECONDS - DURATION_TOLERANCE || seconds > MAX_CLIP_SECONDS + DURATION_TOLERANCE) {
		throw fail(
			`The character clip is ${seconds} s long; it must be 2–4 seconds`,
			'Trim the clip to between 2 and 4 seconds showing the character clearly.',
		);
	}
	const warnings: string[] = [];
	const ratio = info.width && info.height ? info.width / info.height : 0;
	if (ratio && Math.abs(ratio - 16 / 9) > 0.02 && Math.abs(ratio - 9 / 16) > 0.02) {
		warnings.push(
			`The clip is ${info.width}x${info.height}, neither 16:9 nor 9:16: the character may look stretched. Use the aspect ratio of the videos you will make.`,
		);
	}
	if (info.width && Math.min(info.width, info.height) < 720) {
		warnings.push(`The clip is ${info.width}x${info.height}, below 720p: the character may lose detail.`);
	}
	if (warnings.length) {
		this.addExecutionHints(...warnings.map((message) => ({ message, type: 'warning' as const, location: 'outputPane' as const })));
	}

	const form = new FormData();
	form.append('name', name);
	form.append('video', new Blob([clip], { type: 'video/mp4' }), input.binary.fileName ?? 'character.mp4');
	const character = await client.createCharacter(form, itemIndex);
	return [
		{
			json: { ...character, ...(warnings.length ? { warnings } : {}) },
			pairedItem: { item: itemIndex },
		},
	];
}
