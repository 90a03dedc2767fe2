import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { generationFields, promptFields, sizeField } from '../../helpers/fields';
import type { SubmittedJob } from '../../helpers/videoRequest';
import { estimateOf, jsonBody, readVideoRequest, submitJob } from '../../helpers/videoRequest';

const properties: INodeProperties[] = [
	...promptFields,
	...generationFields(sizeField),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['textToVideo'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<SubmittedJob> {
	const request = await readVideoRequest.call(this, itemIndex);
	return await submitJob.call(this, itemIndex, '/videos', jsonBody(request), estimateOf(request));
}
