import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { SoraClient } from '../../api/client';
import { videoIdField } from '../../descriptions/videoLocator';
import { readId } from '../parameters';

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['delete'] } }, [
	videoIdField,
]);

/**
 * Removes a finished job and its assets from the server. The video is looked up first: a delete
 * whose first answer is lost may find it gone on the next attempt, and only a video known to have
 * existed can then be reported deleted; an id the server never had is its 404 error.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: SoraClient): Promise<INodeExecutionData[]> {
	const id = readId.call(this, itemIndex, 'videoId', 'video');
	await client.getVideo(id, itemIndex);
	return [{ json: { ...(await client.deleteVideo(id, itemIndex)) }, pairedItem: { item: itemIndex } }];
}
