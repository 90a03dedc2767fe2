import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { createOptions, promptFields, waitField } from '../../helpers/fields';
import { readId } from '../../helpers/ids';
import type { SubmittedJob } from '../../helpers/videoRequest';
import { estimateLike, fetchCompletedSource, readPrompt, submitJob } from '../../helpers/videoRequest';
import { videoIdField } from './videoIdField';

const properties: INodeProperties[] = [videoIdField, ...promptFields, waitField, createOptions()];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['remix'] } },
	properties,
);

/** The legacy remix endpoint: a new job from a finished video and a changed prompt. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<SubmittedJob> {
	const id = readId.call(this, itemIndex, 'videoId', 'video');
	const prompt = readPrompt.call(this, itemIndex);
	const source = await fetchCompletedSource.call(this, itemIndex, id, 'remixed');
	return await submitJob.call(
		this,
		itemIndex,
		`/videos/${encodeURIComponent(id)}/remix`,
		{ prompt },
		estimateLike(source, Number(source.seconds)),
	);
}
