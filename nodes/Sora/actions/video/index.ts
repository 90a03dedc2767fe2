import type { INodeProperties } from 'n8n-workflow';

import * as download from './download.operation';
import * as get from './get.operation';
import * as imageToVideo from './imageToVideo.operation';
import * as textToVideo from './textToVideo.operation';

export { download, get, imageToVideo, textToVideo };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['video'] } },
		options: [
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
				name: 'Download',
				value: 'download',
				action: 'Download a video',
				description: 'Download the MP4, thumbnail or spritesheet of a finished video',
			},
		],
		default: 'textToVideo',
	},
	...textToVideo.description,
	...imageToVideo.description,
	...get.description,
	...download.description,
];
