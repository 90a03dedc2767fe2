import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { SoraClient } from '../../api/client';
import { generationFields, promptFields, sizeField } from '../../descriptions/generation';
import type { SubmittedJob } from '../../jobs/submit';
import { submitJob } from '../../jobs/submit';
import { createJson, listShows } from '../../servers';
import { readVideoRequest, readJobOptions } from '../parameters';

const properties: INodeProperties[] = [
	...promptFields,
	...generationFields(sizeField),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['textToVideo'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: SoraClient): Promise<SubmittedJob> {
	const { server } = client;
	const request = readVideoRequest.call(this, itemIndex, server);
	const body = createJson(server, request);
	const job = { kind: 'create' as const, body, shows: listShows(server, body) };
	return await submitJob.call(this, client, itemIndex, job, readJobOptions.call(this, itemIndex), request);
}
