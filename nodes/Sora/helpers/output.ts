/**
 * The one output builder: turns a finished job into an n8n item, streaming its MP4 (and optional
 * thumbnail) into n8n's binary store, never holding a whole video in memory.
 */
import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getServer, openDownload } from '../transport';
import { estimateCost } from './models';
import type { Video } from './schemas';

export type Variant = 'video' | 'thumbnail' | 'spritesheet';

const VARIANT_FILE: Record<Variant, { extension: string; mimeType: string }> = {
	video: { extension: 'mp4', mimeType: 'video/mp4' },
	thumbnail: { extension: 'webp', mimeType: 'image/webp' },
	spritesheet: { extension: 'jpg', mimeType: 'image/jpeg' },
};

const DOWNLOAD_ATTEMPTS = 3;

export interface DeliveryOptions {
	download: boolean;
	binaryProperty: string;
	downloadThumbnail: boolean;
}

/** Size in bytes n8n stored for a binary, when the store can tell. */
async function storedBytes(ctx: IExecuteFunctions | IPollFunctions, binary: IBinaryData): Promise<number | undefined> {
	if (binary.id) return (await ctx.helpers.getBinaryMetadata(binary.id)).fileSize;
	if (binary.data) return Buffer.from(binary.data, 'base64').length;
	return undefined;
}

/**
 * Downloads one asset of a video into binary data. A body shorter than its Content-Length (a
 * dropped connection) is never returned: the download is tried again, then reported by video id.
 */
export async function downloadAsset(
	this: IExecuteFunctions | IPollFunctions,
	videoId: string,
	variant: Variant,
	itemIndex: number,
): Promise<IBinaryData> {
	const file = VARIANT_FILE[variant];
	let lastError: Error | undefined;
	for (let attempt = 0; attempt < DOWNLOAD_ATTEMPTS; attempt++) {
		try {
			const body = await openDownload.call(this, `/videos/${encodeURIComponent(videoId)}/content`, {
				qs: { variant },
				itemIndex,
			});
			const binary = await this.helpers.prepareBinaryData(
				body.stream,
				`${videoId}.${file.extension}`,
				body.mimeType && body.mimeType !== 'application/octet-stream' ? body.mimeType : file.mimeType,
			);
			const stored = await storedBytes(this, binary);
			if (body.contentLength === undefined || stored === undefined || stored === body.contentLength) {
				return binary;
			}
			lastError = new Error(`received ${stored} of ${body.contentLength} bytes`);
		} catch (error) {
			const failure = error as Error;
			const status = Number((failure as { httpCode?: string }).httpCode);
			// 4xx answers (expired, not found) will not change on a retry.
			if (status >= 400 && status < 500 && status !== 408 && status !== 429) throw failure;
			lastError = failure;
		}
	}
	throw new NodeOperationError(
		this.getNode(),
		`Could not download the ${variant} of video ${videoId}: ${lastError?.message ?? 'unknown error'}`,
		{
			itemIndex,
			description: `The video itself is safe on the server until it expires. Fetch it later with Video → Download using id ${videoId}.`,
		},
	);
}

/** The JSON every video item carries: the normalised Video plus its estimated cost. */
export function videoJson(video: Video): IDataObject {
	const seconds = Number(video.seconds);
	const cost = video.model && video.size ? estimateCost(video.model, video.size, seconds) : undefined;
	return { ...video, ...(cost !== undefined ? { estimated_cost_usd: cost } : {}) } as unknown as IDataObject;
}

/** A finished (or failed) video as an output item, with its binary when asked for. */
export async function videoItem(
	this: IExecuteFunctions | IPollFunctions,
	video: Video,
	itemIndex: number,
	options: DeliveryOptions,
): Promise<INodeExecutionData> {
	const item: INodeExecutionData = { json: videoJson(video), pairedItem: { item: itemIndex } };
	if (video.status !== 'completed' || !options.download) return item;
	item.binary = { [options.binaryProperty]: await downloadAsset.call(this, video.id, 'video', itemIndex) };
	if (options.downloadThumbnail) {
		item.binary.thumbnail = await downloadAsset.call(this, video.id, 'thumbnail', itemIndex);
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

/** Where an agent (or a person) can fetch the assets of a finished video, with the API key. */
export async function assetUrls(this: IExecuteFunctions, video: Video): Promise<IDataObject> {
	if (video.status !== 'completed') return {};
	const { baseUrl } = await getServer.call(this);
	const content = `${baseUrl}/videos/${encodeURIComponent(video.id)}/content`;
	return { download_url: content, thumbnail_url: `${content}?variant=thumbnail` };
}

/** OpenAI's own server is gone; say so where the user looks, instead of failing with a bare 404. */
export async function warnIfRetiredServer(this: IExecuteFunctions): Promise<void> {
	const baseUrl = await getServer.call(this).then(
		(server) => server.baseUrl,
		() => '', // a bad credential is reported by the first request, with its item
	);
	if (/^https?:\/\/api\.openai\.com(\/|$)/i.test(baseUrl)) {
		this.addExecutionHints({
			message:
				'OpenAI retired its Videos API on 2026-09-24. Point the Sora API credential at a compatible server (LiteLLM proxy, Azure OpenAI, a gateway) or the bundled emulator.',
			type: 'warning',
			location: 'outputPane',
		});
	}
}
