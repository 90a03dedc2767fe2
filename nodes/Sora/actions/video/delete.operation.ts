import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { SoraClient } from '../../api/client';
import { videoIdField } from '../../descriptions/videoLocator';
import { readId } from '../parameters';

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['delete'] } }, [
	videoIdField,
]);

/** Removes a finished job and its assets from the server. */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: SoraClient): Promise<INodeExecutionData[]> {
	const id = readId.call(this, itemIndex, 'videoId', 'video');
	return [{ json: { ...(await client.deleteVideo(id, itemIndex)) }, pairedItem: { item: itemIndex } }];
}
