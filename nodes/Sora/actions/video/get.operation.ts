import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId } from '../../helpers/ids';
import { videoJson } from '../../helpers/output';
import { fetchVideo } from '../../helpers/videoRequest';
import { videoIdField } from './videoIdField';

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['get'] } }, [
	videoIdField,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const id = readId.call(this, itemIndex, 'videoId', 'video');
	return [{ json: videoJson(await fetchVideo.call(this, itemIndex, id)), pairedItem: { item: itemIndex } }];
}
