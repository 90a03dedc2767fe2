import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { SoraClient } from '../../api/client';
import { modelFilter } from '../../descriptions/generation';
import { videoJson } from '../../media/videoItem';

const PAGE_SIZE = 100;

const properties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		default: 50,
		typeOptions: { minValue: 1 },
		displayOptions: { show: { returnAll: [false] } },
		description: 'Max number of results to return',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Status',
				name: 'status',
				type: 'multiOptions',
				default: [],
				options: [
					{ name: 'Queued', value: 'queued' },
					{ name: 'In Progress', value: 'in_progress' },
					{ name: 'Completed', value: 'completed' },
					{ name: 'Failed', value: 'failed' },
				],
			},
			modelFilter,
		],
	},
	{
		displayName: 'Order',
		name: 'order',
		type: 'options',
		default: 'desc',
		options: [
			{ name: 'Newest First', value: 'desc' },
			{ name: 'Oldest First', value: 'asc' },
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['getMany'] } },
	properties,
);

/** Pages through the list with its cursor; the API has no filters, so they apply to each page here. */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: SoraClient): Promise<INodeExecutionData[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex) as number);
	const order = this.getNodeParameter('order', itemIndex) as string;
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const statuses = (filters.status as string[] | undefined) ?? [];
	const model = String(filters.model ?? '').trim();
	const output: INodeExecutionData[] = [];
	for await (const page of client.listVideos('Get Many', { order, limit: PAGE_SIZE, itemIndex })) {
		for (const video of page.data) {
			if (statuses.length && !statuses.includes(video.status)) continue;
			if (model && video.model !== model) continue;
			output.push({ json: videoJson(video), pairedItem: { item: itemIndex } });
			if (output.length >= limit) return output;
		}
	}
	return output;
}
