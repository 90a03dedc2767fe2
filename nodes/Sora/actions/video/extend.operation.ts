import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { SoraClient } from '../../api/client';
import { createOptions, promptFields, secondsField, waitField } from '../../descriptions/generation';
import { videoIdField } from '../../descriptions/videoLocator';
import type { SubmittedJob } from '../../jobs/submit';
import { estimateLike, fetchCompletedSource, showsLike, submitJob } from '../../jobs/submit';
import { readId, readPrompt, readSeconds, readJobOptions } from '../parameters';

const MAX_TOTAL_SECONDS = 120;
const MAX_EXTENSIONS = 6;

const properties: INodeProperties[] = [
	videoIdField,
	...promptFields,
	{ ...secondsField, displayName: 'Seconds to Add', required: true, description: 'Length of the new segment; the result is the whole stitched clip' },
	waitField,
	createOptions(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['extend'] } },
	properties,
);

/**
 * Continues a finished video shot by shot. The result's `extension_count` lets a chain of Extend
 * steps know how many extensions came before, since the API does not report it.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: SoraClient): Promise<SubmittedJob> {
	const id = readId.call(this, itemIndex, 'videoId', 'video');
	const prompt = readPrompt.call(this, itemIndex);
	const seconds = readSeconds.call(this, itemIndex);
	const input = this.getInputData()[itemIndex]?.json ?? {};
	const previous = input.id === id ? Number(input.extension_count ?? 0) : 0;
	if (previous >= MAX_EXTENSIONS) {
		throw new NodeOperationError(this.getNode(), `Video ${id} was already extended ${previous} times; the limit is 6`, {
			itemIndex,
			description: 'Start a new clip instead, or extend an earlier version of this video.',
		});
	}
	const source = await fetchCompletedSource.call(this, client, itemIndex, id, 'extended');
	const total = Number(source.seconds) + seconds;
	if (total > MAX_TOTAL_SECONDS) {
		throw new NodeOperationError(
			this.getNode(),
			`Extending this ${source.seconds} s video by ${seconds} s would make it ${total} s; the limit is 120 s`,
			{ itemIndex, description: `Add at most ${MAX_TOTAL_SECONDS - Number(source.seconds)} seconds, or start a new clip.` },
		);
	}
	const job = await submitJob.call(
		this,
		client,
		itemIndex,
		// The job shows the stitched total, or on some servers only the seconds added.
		{ kind: 'extend', body: { prompt, seconds: String(seconds), video: { id } }, shows: { ...showsLike(source, [String(total), String(seconds)]), prompt } },
		readJobOptions.call(this, itemIndex),
		estimateLike(source, seconds),
	);
	job.extra = { extension_count: previous + 1 };
	return job;
}
