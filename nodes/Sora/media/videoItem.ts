/**
 * The one output builder: turns a finished job into an n8n item, streaming its MP4 (and optional
 * thumbnail) into n8n's binary store, never holding a whole video in memory.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { SoraClient } from '../api/client';
import type { Video } from '../api/schemas';
import { estimateCost } from '../models';

export interface DeliveryOptions {
	download: boolean;
	binaryProperty: string;
	downloadThumbnail: boolean;
	/** Epoch ms by which the downloads are over (the trigger's time budget). */
	deadline?: number;
}

/** The JSON every video item carries: the normalised Video plus its estimated cost. */
export function videoJson(video: Video): IDataObject {
	const seconds = Number(video.seconds);
	const cost = video.model && video.size ? estimateCost(video.model, video.size, seconds) : undefined;
	return { ...video, ...(cost !== undefined ? { estimated_cost_usd: cost } : {}) } as unknown as IDataObject;
}

/** A finished (or failed) video as an output item, with its binary when asked for. */
export async function videoItem(
	client: SoraClient,
	video: Video,
	itemIndex: number,
	options: DeliveryOptions,
): Promise<INodeExecutionData> {
	const item: INodeExecutionData = { json: videoJson(video), pairedItem: { item: itemIndex } };
	if (video.status !== 'completed' || !options.download) return item;
	item.binary = { [options.binaryProperty]: await client.downloadAsset(video.id, 'video', itemIndex, video, options.deadline) };
	if (options.downloadThumbnail) {
		item.binary.thumbnail = await client.downloadAsset(video.id, 'thumbnail', itemIndex, undefined, options.deadline);
	}
	return item;
}

/** The in-band failure of a job as an error the user can act on. */
export function failedJobError(this: IExecuteFunctions | IPollFunctions, video: Video, itemIndex: number) {
	const code = video.error?.code ?? 'failed';
	const advice: Record<string, string> = {
		moderation_blocked:
			'The prompt, image or character was blocked by moderation. Rephrase the prompt or use other input; no video was produced.',
	};
	return new NodeOperationError(
		this.getNode(),
		`Video ${video.id} failed: ${video.error?.message ?? 'no reason given'} (${code})`,
		{
			itemIndex,
			description: advice[code] ?? 'The server could not produce this video. Adjust the prompt or settings and try again.',
		},
	);
}
