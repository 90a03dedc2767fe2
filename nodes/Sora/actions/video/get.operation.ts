import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId } from '../../helpers/ids';
import { videoJson } from '../../helpers/output';
import { parseVideo } from '../../helpers/schemas';
import { soraRequest } from '../../transport';
import { videoIdField } from './videoIdField';

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['get'] } }, [
	videoIdField,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const id = readId.call(this, itemIndex, 'videoId', 'video');
	const response = await soraRequest.call(this, 'GET', `/videos/${encodeURIComponent(id)}`, { itemIndex });
	return [{ json: videoJson(parseVideo(response.body)), pairedItem: { item: itemIndex } }];
}
