import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { SoraClient } from '../../api/client';
import { createOptions, modelField, promptFields, waitField } from '../../descriptions/generation';
import { videoIdField } from '../../descriptions/videoLocator';
import type { SubmittedJob } from '../../jobs/submit';
import { estimateLike, fetchCompletedSource, showsLike, submitJob } from '../../jobs/submit';
import { getBinaryInput, readBinaryBuffer } from '../../media/binaryInput';
import { looksLikeMp4 } from '../../api/probes';
import { readId, readModel, readPrompt, readJobOptions } from '../parameters';

const properties: INodeProperties[] = [
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		default: 'videoId',
		options: [
			{ name: 'Existing Video', value: 'videoId', description: 'A finished video on the server' },
			{ name: 'Uploaded Video File', value: 'binary', description: 'An MP4 in the input item (eligible accounts only)' },
		],
	},
	{ ...videoIdField, displayOptions: { show: { source: ['videoId'] } } },
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { source: ['binary'] } },
		hint: 'The name of the input binary field containing the MP4 to edit',
	},
	{ ...modelField, displayOptions: { show: { source: ['binary'] } } },
	...promptFields,
	waitField,
	createOptions(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['edit'] } },
	properties,
);

/** One well-defined change to a video: by id, or to an uploaded file with a model. */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: SoraClient): Promise<SubmittedJob> {
	const prompt = readPrompt.call(this, itemIndex);
	const wait = readJobOptions.call(this, itemIndex);
	if (this.getNodeParameter('source', itemIndex) === 'videoId') {
		const id = readId.call(this, itemIndex, 'videoId', 'video');
		const source = await fetchCompletedSource.call(this, client, itemIndex, id, 'edited');
		const job = { kind: 'edit' as const, sourceId: id, body: { prompt, video: { id } }, shows: { ...showsLike(source, [source.seconds]), prompt } };
		return await submitJob.call(this, client, itemIndex, job, wait, estimateLike(source, Number(source.seconds)));
	}
	const model = readModel.call(this, itemIndex);
	const input = getBinaryInput.call(this, itemIndex, 'binaryPropertyName');
	const file = await readBinaryBuffer.call(this, itemIndex, input);
	if (!looksLikeMp4(file)) {
		throw new NodeOperationError(this.getNode(), `The file in "${input.field}" is not an MP4 video`, {
			itemIndex,
			description: 'Edit takes an MP4 video file.',
		});
	}
	const form = new FormData();
	form.append('prompt', prompt);
	form.append('model', model);
	form.append('video', new Blob([file], { type: 'video/mp4' }), input.binary.fileName ?? 'source.mp4');
	return await submitJob.call(this, client, itemIndex, { kind: 'edit', body: form, shows: { prompt, model } }, wait);
}
