import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { videoJson } from '../../helpers/output';
import { parseVideoList } from '../../helpers/schemas';
import { listHeaders } from '../../helpers/dialects';
import { getServer, soraRequest } from '../../transport';

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
			{
				displayName: 'Model',
				name: 'model',
				type: 'string',
				default: '',
				placeholder: 'sora-2-pro',
			},
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
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex) as number);
	const order = this.getNodeParameter('order', itemIndex) as string;
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const statuses = (filters.status as string[] | undefined) ?? [];
	const model = String(filters.model ?? '').trim();
	const output: INodeExecutionData[] = [];
	const headers = listHeaders(this, (await getServer.call(this, itemIndex)).dialect, 'Get Many');
	let after: string | undefined;
	do {
		const response = await soraRequest.call(this, 'GET', '/videos', {
			itemIndex,
			headers,
			qs: { limit: PAGE_SIZE, order, ...(after ? { after } : {}) },
		});
		const page = parseVideoList(response.body);
		for (const video of page.data) {
			if (statuses.length && !statuses.includes(video.status)) continue;
			if (model && video.model !== model) continue;
			output.push({ json: videoJson(video), pairedItem: { item: itemIndex } });
			if (output.length >= limit) return output;
		}
		after = page.has_more && page.last_id && page.last_id !== after ? page.last_id : undefined;
	} while (after);
	return output;
}
