import type { AllEntities, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { SoraClient } from '../api/client';
import type { SubmittedJob } from '../jobs/submit';

/** Every resource and its operations, as the node's parameters name them. */
type NodeMap = {
	video: 'textToVideo' | 'imageToVideo' | 'remix' | 'edit' | 'extend' | 'get' | 'getMany' | 'download' | 'delete';
	character: 'create' | 'get';
};

export type SoraType = AllEntities<NodeMap>;

/** What one operation makes of one item: output items, or a job the router follows. */
export type OperationResult = INodeExecutionData[] | SubmittedJob;

export interface Operation {
	execute(this: IExecuteFunctions, itemIndex: number, client: SoraClient): Promise<OperationResult>;
}
