import type { INodeProperties } from 'n8n-workflow';

/** The video picker shared by every operation that works on an existing video. */
export const videoIdField: INodeProperties = {
	displayName: 'Video',
	name: 'videoId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The video job, picked from recent videos or given by ID (map the ID field of an earlier Sora node with an expression)',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchVideos', searchable: true },
		},
		{
			displayName: 'ID',
			name: 'id',
			type: 'string',
			placeholder: 'video_123',
		},
	],
};
