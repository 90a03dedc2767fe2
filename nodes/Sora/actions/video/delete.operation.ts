import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId } from '../../helpers/ids';
import { parseDeleted } from '../../helpers/schemas';
import { soraRequest } from '../../transport';
import { videoIdField } from './videoIdField';

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['delete'] } }, [
	videoIdField,
]);

/** Removes a finished job and its assets from the server. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const id = readId.call(this, itemIndex, 'videoId', 'video');
	const response = await soraRequest.call(this, 'DELETE', `/videos/${encodeURIComponent(id)}`, { itemIndex });
	return [{ json: { ...parseDeleted(response.body) }, pairedItem: { item: itemIndex } }];
}
