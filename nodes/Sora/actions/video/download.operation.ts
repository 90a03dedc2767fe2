import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { SoraClient, Variant } from '../../api/client';
import { videoIdField } from '../../descriptions/videoLocator';
import { readId } from '../parameters';

const properties: INodeProperties[] = [
	videoIdField,
	{
		displayName: 'Asset',
		name: 'variant',
		type: 'options',
		default: 'video',
		options: [
			{ name: 'Video (MP4)', value: 'video' },
			{ name: 'Thumbnail (WebP)', value: 'thumbnail' },
			{ name: 'Spritesheet (JPEG)', value: 'spritesheet' },
		],
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyOutput',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the output binary field to put the file in',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['download'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: SoraClient): Promise<INodeExecutionData[]> {
	const id = readId.call(this, itemIndex, 'videoId', 'video');
	const variant = this.getNodeParameter('variant', itemIndex) as Variant;
	const field = String(this.getNodeParameter('binaryPropertyOutput', itemIndex, 'data')).trim() || 'data';
	const binary = await client.downloadAsset(id, variant, itemIndex);
	return [{ json: { id, variant }, binary: { [field]: binary }, pairedItem: { item: itemIndex } }];
}
