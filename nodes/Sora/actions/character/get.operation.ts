import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { SoraClient } from '../../api/client';
import { readId } from '../parameters';

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

export async function execute(this: IExecuteFunctions, itemIndex: number, client: SoraClient): Promise<INodeExecutionData[]> {
	const id = readId.call(this, itemIndex, 'characterId', 'character');
	return [{ json: { ...(await client.getCharacter(id, itemIndex)) }, pairedItem: { item: itemIndex } }];
}
