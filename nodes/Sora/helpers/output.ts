/**
 * The one output builder: turns a finished job into an n8n item, streaming its MP4 (and optional
 * thumbnail) into n8n's binary store, never holding a whole video in memory.
 */
import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getServer, soraRequest } from '../transport';
import type { AssetLocation } from './dialects';
import { assetLocation, mayCarryResultUrl, requireFeature } from './dialects';
import { downloadVerified } from './download';
import { estimateCost } from './models';
import type { Video } from './schemas';
import { parseVideo } from './schemas';

export type Variant = 'video' | 'thumbnail' | 'spritesheet';

const VARIANT_FILE: Record<Variant, { extension: string; mimeType: string }> = {
	video: { extension: 'mp4', mimeType: 'video/mp4' },
	thumbnail: { extension: 'webp', mimeType: 'image/webp' },
	spritesheet: { extension: 'jpg', mimeType: 'image/jpeg' },
};

export interface DeliveryOptions {
	download: boolean;
	binaryProperty: string;
	downloadThumbnail: boolean;
}

/**
 * Downloads one asset of a video into binary data. A body shorter than its Content-Length (a
 * dropped connection) is never returned: it is resumed or tried again, then reported by video id
 * (see ./download).
 */
export async function downloadAsset(
	this: IExecuteFunctions | IPollFunctions,
	videoId: string,
	variant: Variant,
	itemIndex: number,
	video?: Video,
): Promise<IBinaryData> {
	const file = VARIANT_FILE[variant];
	const location = await locateAsset.call(this, videoId, variant, itemIndex, video);
	return await downloadVerified.call(
		this,
		videoId,
		variant,
		itemIndex,
		{ fileName: `${videoId}.${file.extension}`, mimeType: file.mimeType },
		location,
	);
}

/**
 * Where an asset lives on the credential's server (helpers/dialects): /content, OpenRouter's
 * ?index=0, or a result URL the video carries (fetched without the key on another origin). A
 * server without thumbnails is refused before any request.
 */
async function locateAsset(
	this: IExecuteFunctions | IPollFunctions,
	videoId: string,
	variant: Variant,
	itemIndex: number,
	video?: Video,
): Promise<AssetLocation> {
	const { dialect } = await getServer.call(this, itemIndex);
	if (variant !== 'video') requireFeature(this, dialect, variant, undefined, itemIndex);
	let source = video;
	if (!source && variant === 'video' && mayCarryResultUrl(dialect)) {
		const response = await soraRequest.call(this, 'GET', `/videos/${encodeURIComponent(videoId)}`, { itemIndex });
		source = parseVideo(response.body);
	}
	return assetLocation(dialect, videoId, variant, source);
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
	item.binary = { [options.binaryProperty]: await downloadAsset.call(this, video.id, 'video', itemIndex, video) };
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
	if (video.urls?.length) return { download_url: video.urls[0] };
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
