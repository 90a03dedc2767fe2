import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId } from '../../helpers/ids';
import { parseCharacter } from '../../helpers/schemas';
import { soraRequest } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Character ID',
		name: 'characterId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'char_123',
		description: 'The ID returned by Character → Create',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['character'], operation: ['get'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const id = readId.call(this, itemIndex, 'characterId', 'character');
	const response = await soraRequest.call(this, 'GET', `/videos/characters/${encodeURIComponent(id)}`, { itemIndex });
	return [{ json: { ...parseCharacter(response.body) }, pairedItem: { item: itemIndex } }];
}
