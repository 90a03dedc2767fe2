import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as character from './actions/character';
import { router } from './actions/router';
import * as video from './actions/video';
import { searchModels, searchVideos } from './methods/listSearch';

export class Sora implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Sora',
		name: 'sora',
		icon: { light: 'file:../../icons/sora.svg', dark: 'file:../../icons/sora.dark.svg' },
		group: ['transform'],
		version: 1,
		// The operation's own name on the canvas ("Text to Video"), not its internal value.
		subtitle:
			'={{ {"textToVideo": "Text to Video", "imageToVideo": "Image to Video", "remix": "Remix", "edit": "Edit", "extend": "Extend", "get": "Get", "getMany": "Get Many", "download": "Download", "delete": "Delete", "create": "Create"}[$parameter["operation"]] + ($parameter["resource"] === "character" ? " Character" : "") + ($parameter["model"] && $parameter["model"].value ? " · " + $parameter["model"].value : "") }}',
		// Shown in the node creator's action list and as the AI tool's default description. The node creator's entry
		// "Sora" stands for this node and the Sora Trigger together and takes the trigger's description (see there).
		description: 'Generate videos from text or images with Sora, Veo, Kling and other models of a Sora 2 Videos API server',
		defaults: { name: 'Sora' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'soraApi', required: true }],
		usableAsTool: true,
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Video', value: 'video' },
					{ name: 'Character', value: 'character' },
				],
				default: 'video',
			},
			...video.description,
			...character.description,
		],
	};

	methods = { listSearch: { searchModels, searchVideos } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
