import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { SoraClient } from '../../api/client';
import { videoIdField } from '../../descriptions/videoLocator';
import { videoJson } from '../../media/videoItem';
import { readId } from '../parameters';

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['get'] } }, [
	videoIdField,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: SoraClient): Promise<INodeExecutionData[]> {
	const id = readId.call(this, itemIndex, 'videoId', 'video');
	return [{ json: videoJson(await client.getVideo(id, itemIndex)), pairedItem: { item: itemIndex } }];
}
