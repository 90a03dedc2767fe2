import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as get from './get.operation';

export { create, get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['character'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create a character',
				description: 'Register a reusable character (cameo) from a short clip',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a character',
				description: 'Get a character by ID',
			},
		],
		default: 'create',
	},
	...create.description,
	...get.description,
];
