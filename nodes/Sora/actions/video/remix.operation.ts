import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { SoraClient } from '../../api/client';
import { createOptions, promptFields, waitField } from '../../descriptions/generation';
import { videoIdField } from '../../descriptions/videoLocator';
import type { SubmittedJob } from '../../jobs/submit';
import { estimateLike, fetchCompletedSource, showsLike, submitJob } from '../../jobs/submit';
import { serverOf } from '../../servers';
import { readId, readPrompt, readJobOptions } from '../parameters';

const properties: INodeProperties[] = [videoIdField, ...promptFields, waitField, createOptions()];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['remix'] } },
	properties,
);

/** The legacy remix endpoint: a new job from a finished video and a changed prompt. */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: SoraClient): Promise<SubmittedJob> {
	const id = readId.call(this, itemIndex, 'videoId', 'video');
	const prompt = readPrompt.call(this, itemIndex);
	const source = await fetchCompletedSource.call(this, client, itemIndex, id, 'remixed');
	return await submitJob.call(
		this,
		client,
		itemIndex,
		{ kind: 'remix', sourceId: id, body: serverOf(client.server).remixBody(prompt, source), shows: { ...showsLike(source, [source.seconds]), prompt } },
		readJobOptions.call(this, itemIndex),
		estimateLike(source, Number(source.seconds)),
	);
}
