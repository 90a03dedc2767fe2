/**
 * The named endpoints of the Sora 2 Videos API: the only place that knows a path. A client is
 * made once per run (or poll, or list search) for the credential's server, and passed down.
 */
import type { IBinaryData, IDataObject, IExecuteFunctions, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ListedModel } from '../models';
import type { JobShows, ServerConnection, SoraContext } from '../servers';
import { listHeaders, requireFeature, resolveServer, serverOf } from '../servers';
import type { AssetLocation } from './download';
import { downloadVerified } from './download';
import { header } from './errors';
import type { ApiResponse, RequestOptions } from './request';
import { apiRequest } from './request';
import { settle } from './retry';
import type { Character, Video, VideoList } from './schemas';
import { parseCharacter, parseDeleted, parseVideo, parseVideoList } from './schemas';

export type Variant = 'video' | 'thumbnail' | 'spritesheet';

const VARIANT_FILE: Record<Variant, { extension: string; mimeType: string }> = {
	video: { extension: 'mp4', mimeType: 'video/mp4' },
	thumbnail: { extension: 'webp', mimeType: 'image/webp' },
	spritesheet: { extension: 'jpg', mimeType: 'image/jpeg' },
};

/** The four requests that start a paid job. */
type JobKind = 'create' | 'remix' | 'edit' | 'extend';

export interface JobRequest {
	kind: JobKind;
	body: IDataObject | FormData;
	/** The video a remix or an edit works on (an extension's list entry does not say). */
	sourceId?: string;
	/**
	 * What the started job will show in the job list, so a job whose answer was lost can be recognised there
	 * (../jobs/fingerprint): for a create, what the server module reads back from the body it spelled
	 * (servers listShows); for a remix, edit or extension, the prompt and what the source shows.
	 */
	shows?: JobShows;
}

const videoPath = (id: string) => `/videos/${encodeURIComponent(id)}`;

const JOB_PATHS: Record<JobKind, (sourceId?: string) => string> = {
	create: () => '/videos',
	remix: (id) => `${videoPath(id ?? '')}/remix`,
	edit: () => '/videos/edits',
	extend: () => '/videos/extensions',
};

export interface VideoPage extends VideoList {
	/** The cursor of the next page; undefined on the last one. */
	next: string | undefined;
}

export class SoraClient {
	constructor(
		readonly ctx: SoraContext,
		readonly server: ServerConnection,
	) {}

	private async request(method: 'GET' | 'POST' | 'DELETE', path: string, options?: RequestOptions): Promise<ApiResponse> {
		return await apiRequest.call(this.ctx, this.server, method, path, options);
	}

	/** Sends one job-creating request once (no retry here: ../jobs/createOnce decides). */
	async startJob(job: JobRequest, options: { itemIndex: number; headers: IDataObject }): Promise<ApiResponse> {
		return await this.request('POST', JOB_PATHS[job.kind](job.sourceId), { ...options, body: job.body, retry: false });
	}

	/**
	 * The current state of a job, with the server's poll hint: `openai-poll-after-ms`, which LiteLLM
	 * passes on as `llm_provider-openai-poll-after-ms` (litellm/proxy/common_request_processing.py).
	 * The id stays the one the caller knows: some LiteLLM versions re-encode it in their answers.
	 */
	async pollVideo(id: string, itemIndex?: number): Promise<{ video: Video; pollAfterMs?: number }> {
		const response = await this.request('GET', videoPath(id), { itemIndex });
		const hint = Number(header(response.headers, 'openai-poll-after-ms') ?? header(response.headers, 'llm_provider-openai-poll-after-ms'));
		const video = parseVideo(response.body, this.server);
		return { video: { ...video, id }, pollAfterMs: Number.isFinite(hint) && hint > 0 ? hint : undefined };
	}

	async getVideo(id: string, itemIndex?: number): Promise<Video> {
		return (await this.pollVideo(id, itemIndex)).video;
	}

	/**
	 * The job list, one page at a time, following the cursor until the last page or until the
	 * server hands back the cursor it was given. Servers without a list are refused before any
	 * request, naming `action`.
	 */
	async *listVideos(
		action: string,
		options: { order?: 'asc' | 'desc' | string; limit?: number; after?: string; itemIndex?: number; retry?: boolean; deadline?: number } = {},
	): AsyncGenerator<VideoPage> {
		const headers = listHeaders(this.ctx, this.server, action);
		let after = options.after;
		for (;;) {
			const response = await this.request('GET', '/videos', {
				itemIndex: options.itemIndex,
				retry: options.retry,
				headers,
				deadline: options.deadline,
				qs: { limit: options.limit ?? 100, order: options.order ?? 'desc', ...(after ? { after } : {}) },
			});
			const page = parseVideoList(response.body, this.server);
			const next = page.has_more && page.last_id && page.last_id !== after ? page.last_id : undefined;
			yield { ...page, next };
			if (!next) return;
			after = next;
		}
	}

	/**
	 * Deletes a video. Only a JSON answer that confirms it (or 204 No Content) counts as deleted; a
	 * 404 that follows an attempt the server may have carried out means the video is gone, and the
	 * result says so in `note`.
	 */
	async deleteVideo(id: string, itemIndex: number): Promise<{ id: string; deleted: true; note?: string }> {
		const response = await this.request('DELETE', videoPath(id), { itemIndex });
		if (response.goneAfter) {
			return {
				id,
				deleted: true,
				note: `Already gone: the first delete request got no clear answer (${response.goneAfter}) and the server no longer has the video, so that request most likely deleted it.`,
			};
		}
		if (response.statusCode === 204) return { id, deleted: true };
		const body = response.body;
		const isAnswer = typeof body === 'object' && body !== null && typeof (body as IDataObject).id === 'string';
		const answer = isAnswer ? parseDeleted(body) : undefined;
		if (answer?.deleted !== true) {
			throw new NodeOperationError(
				this.ctx.getNode(),
				`The server answered ${response.statusCode} to the delete of video ${id} without confirming it`,
				{
					itemIndex,
					description: `Check with Get whether video ${id} still exists. The answer was: ${JSON.stringify(body ?? '(empty)').slice(0, 200)}`,
				},
			);
		}
		return { id: answer.id, deleted: true };
	}

	/**
	 * The server's own model list (../servers: one list per server, LiteLLM's model info before its plain list).
	 * A list the server does not have or the key may not read gives way to the next one, and in the end to an
	 * empty list: the picker then shows the built-in table, and any id can still be typed.
	 */
	async listModels(): Promise<ListedModel[]> {
		for (const { path, parse } of serverOf(this.server).modelLists) {
			const answer = await settle(this.request('GET', path, { retry: false, timeoutMs: 15_000 }));
			if (!answer.ok) continue;
			const models = parse(answer.value.body);
			if (models.length) return models;
		}
		return [];
	}

	async createCharacter(form: FormData, itemIndex: number): Promise<Character> {
		return parseCharacter((await this.request('POST', '/videos/characters', { body: form, itemIndex })).body);
	}

	async getCharacter(id: string, itemIndex: number): Promise<Character> {
		return parseCharacter((await this.request('GET', `/videos/characters/${encodeURIComponent(id)}`, { itemIndex })).body);
	}

	/** The content endpoint of an asset, in the server's spelling (`?variant=…`, OpenRouter's `?index=0`). */
	contentLocation(id: string, variant: Variant): AssetLocation {
		return { path: `${videoPath(id)}/content`, qs: serverOf(this.server).assetQuery(variant) };
	}

	/** Where an agent (or a person) can fetch the assets of a finished video, with the API key. */
	assetUrls(video: Video): IDataObject {
		if (video.status !== 'completed') return {};
		if (video.urls?.length) return { download_url: video.urls[0] };
		const content = `${this.server.baseUrl}${videoPath(video.id)}/content`;
		return { download_url: content, thumbnail_url: `${content}?variant=thumbnail` };
	}

	/**
	 * Downloads one asset of a video into binary data: from a result URL the video carries (fetched
	 * without the key on another origin), else from the content endpoint. A server without
	 * thumbnails is refused before any request. With a `deadline` (epoch ms) the download is over by then.
	 */
	async downloadAsset(videoId: string, variant: Variant, itemIndex: number, video?: Video, deadline?: number): Promise<IBinaryData> {
		const { server } = this;
		if (variant !== 'video') requireFeature(this.ctx, server, variant, undefined, itemIndex);
		let source = video;
		if (!source && variant === 'video' && serverOf(server).mayCarryResultUrl) source = await this.getVideo(videoId, itemIndex);
		const location = variant === 'video' && source?.urls?.length ? { path: source.urls[0] } : this.contentLocation(videoId, variant);
		const file = VARIANT_FILE[variant];
		return await downloadVerified.call(this.ctx as IExecuteFunctions | IPollFunctions, this.server, location, {
			videoId,
			variant,
			itemIndex,
			fileName: `${videoId}.${file.extension}`,
			mimeType: file.mimeType,
			deadline,
		});
	}
}

/** A client for the credential's server; a bad credential is reported for `itemIndex`. */
export async function connect(this: SoraContext, itemIndex?: number): Promise<SoraClient> {
	return new SoraClient(this, await resolveServer.call(this, itemIndex));
}
