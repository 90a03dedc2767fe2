/**
 * The one place where server responses are validated and normalised. Servers that speak the
 * Sora 2 Videos API differ in the details (missing "required" fields, numeric seconds, extra
 * status words, ISO timestamps), so decoding is lenient and the output shape is always the same.
 */
import { z } from 'zod';

import type { Server } from '../servers';
import { contractVideo } from '../servers';

type VideoStatus = 'queued' | 'in_progress' | 'completed' | 'failed';

const STATUS_WORDS: Record<string, VideoStatus> = {
	queued: 'queued',
	pending: 'queued',
	submitted: 'queued',
	not_started: 'queued',
	in_progress: 'in_progress',
	processing: 'in_progress',
	running: 'in_progress',
	generating: 'in_progress',
	completed: 'completed',
	succeeded: 'completed',
	success: 'completed',
	failed: 'failed',
	failure: 'failed',
	error: 'failed',
	// new-api reports "unknown" (progress 0) until its background sweep picks a task up (model/task.go).
	unknown: 'queued',
	cancelled: 'failed',
	canceled: 'failed',
	expired: 'failed',
};

/** Unix seconds from a number, a numeric string or an ISO date; null when absent or unreadable. */
const timestamp = z.preprocess((value) => {
	if (typeof value === 'number') return value > 1e12 ? Math.floor(value / 1000) : value;
	if (typeof value === 'string' && value !== '') {
		if (/^\d+$/.test(value)) return Number(value);
		const ms = Date.parse(value);
		return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
	}
	return null;
}, z.number().nullable());

const optionalText = z.preprocess(
	(value) => (value === undefined || value === null ? null : String(value)),
	z.string().nullable(),
);

const errorObject = z
	.object({
		code: optionalText.optional(),
		message: optionalText.optional(),
	})
	.passthrough();

const urlList = z.preprocess(
	(value) => (typeof value === 'string' ? [value] : Array.isArray(value) ? value : []),
	z.array(z.unknown()).transform((urls) => urls.filter((url): url is string => typeof url === 'string' && /^https?:\/\//i.test(url))),
);

const videoObject = z
	.object({
		id: z.preprocess((value) => (typeof value === 'number' ? String(value) : value), z.string().min(1)),
		model: optionalText.optional(),
		status: z.string(),
		progress: z.preprocess((value) => {
			if (value === undefined || value === null || value === '') return null;
			const progress = typeof value === 'string' ? parseFloat(value) : Number(value);
			return Number.isFinite(progress) ? progress : null;
		}, z.number().nullable()),
		created_at: timestamp.optional(),
		completed_at: timestamp.optional(),
		expires_at: timestamp.optional(),
		prompt: optionalText.optional(),
		size: optionalText.optional(),
		seconds: optionalText.optional(),
		remixed_from_video_id: optionalText.optional(),
		error: z.union([errorObject, z.string(), z.null()]).optional(),
		/** A result URL: OpenRouter's signed `urls` first, then its content proxy, then new-api's `url`. */
		urls: urlList.optional(),
		unsigned_urls: urlList.optional(),
		url: urlList.optional(),
		cost: z.number().optional(),
	})
	.passthrough();


export interface Video {
	id: string;
	object: 'video';
	status: VideoStatus;
	progress: number | null;
	model: string | null;
	prompt: string | null;
	size: string | null;
	seconds: string | null;
	created_at: number | null;
	completed_at: number | null;
	expires_at: number | null;
	remixed_from_video_id: string | null;
	error: { code: string; message: string } | null;
	/** Where the finished MP4 can be fetched, when the server says so (OpenRouter, new-api gateways). */
	urls?: string[];
	/** The server's own word when it is none we know; `status` is then `in_progress` (not finished). */
	raw_status?: string;
	/** What the job cost in USD, when the server says so (OpenRouter's usage.cost). */
	cost_usd?: number;
}

function normaliseError(
	status: string,
	error: z.infer<typeof videoObject>['error'],
): Video['error'] {
	if (typeof error === 'string') {
		return { code: status === 'cancelled' || status === 'canceled' || status === 'expired' ? status : 'error', message: error };
	}
	if (error && (error.code || error.message)) {
		return { code: error.code ?? 'error', message: error.message ?? String(error.code) };
	}
	if (status === 'cancelled' || status === 'canceled') {
		return { code: 'cancelled', message: 'The server cancelled this video job.' };
	}
	if (status === 'expired') {
		return { code: 'expired', message: 'The video job expired on the server before it finished.' };
	}
	return null;
}

/**
 * Validates one video object from `server` and returns it in the official shape. The server module first fills in
 * the contract's field names from its own (new-api's task_id, OpenRouter's resolution + aspect ratio…).
 */
export function parseVideo(data: unknown, server: Server): Video {
	const raw = videoObject.parse(contractVideo(server, data));
	const rawStatus = raw.status.toLowerCase();
	// A word we do not know (a gateway passing a provider's own, new-api's UNKNOWN) means "not finished":
	// callers keep waiting instead of failing, and the word is kept for whoever reads the item.
	const known = Object.prototype.hasOwnProperty.call(STATUS_WORDS, rawStatus) ? STATUS_WORDS[rawStatus] : undefined;
	const status = known ?? 'in_progress';
	const error = status === 'failed' ? normaliseError(rawStatus, raw.error) : null;
	const urls = [...(raw.urls ?? []), ...(raw.unsigned_urls ?? []), ...(raw.url ?? [])];
	return {
		id: raw.id,
		object: 'video',
		status,
		progress: status === 'completed' ? 100 : raw.progress,
		model: raw.model ?? null,
		prompt: raw.prompt ?? null,
		size: raw.size ?? null,
		seconds: raw.seconds ?? null,
		created_at: raw.created_at ?? null,
		completed_at: raw.completed_at ?? null,
		expires_at: raw.expires_at ?? null,
		remixed_from_video_id: raw.remixed_from_video_id ?? null,
		error: status === 'failed' ? (error ?? { code: 'failed', message: 'The video job failed.' }) : null,
		...(status === 'completed' && urls.length ? { urls } : {}),
		...(known ? {} : { raw_status: raw.status }),
		...(raw.cost !== undefined ? { cost_usd: raw.cost } : {}),
	};
}

const videoListSchema = z.object({
	data: z.array(z.unknown()),
	first_id: optionalText.optional(),
	last_id: optionalText.optional(),
	has_more: z.boolean().optional(),
});

export interface VideoList {
	data: Video[];
	last_id: string | null;
	has_more: boolean;
}

export function parseVideoList(data: unknown, server: Server): VideoList {
	const raw = videoListSchema.parse(data);
	const videos = raw.data.map((video) => parseVideo(video, server));
	return {
		data: videos,
		last_id: raw.last_id ?? videos[videos.length - 1]?.id ?? null,
		has_more: raw.has_more ?? false,
	};
}

const characterSchema = z
	.object({
		id: z.string().min(1),
		name: optionalText.optional(),
		created_at: timestamp.optional(),
	})
	.passthrough();

export interface Character {
	id: string;
	object: 'character';
	name: string | null;
	created_at: number | null;
}

export function parseCharacter(data: unknown): Character {
	const raw = characterSchema.parse(data);
	return { id: raw.id, object: 'character', name: raw.name ?? null, created_at: raw.created_at ?? null };
}

const errorEnvelopeSchema = z.object({
	error: z.union([
		z
			.object({
				message: optionalText.optional(),
				type: optionalText.optional(),
				param: optionalText.optional(),
				code: optionalText.optional(),
			})
			.passthrough(),
		z.string(),
	]),
});

export interface ApiErrorBody {
	message: string;
	type: string | null;
	param: string | null;
	code: string | null;
}

/** new-api's task errors: `{code, message, data}` without an `error` key (relay/relay_task.go). */
const taskErrorSchema = z.object({ code: optionalText, message: z.string().min(1) }).passthrough();

/** FastAPI's own errors in front of LiteLLM (a 405 for a route it lacks): `{detail}`. */
const detailSchema = z.object({ detail: z.string().min(1) });

/**
 * Reads a server's error body: OpenAI's envelope (also LiteLLM, Azure, OpenRouter, new-api's content
 * errors), a plain-string `error`, new-api's task errors and FastAPI's `detail`; undefined for anything else.
 */
export function parseApiError(data: unknown): ApiErrorBody | undefined {
	const parsed = errorEnvelopeSchema.safeParse(data);
	if (parsed.success) {
		const error = parsed.data.error;
		if (typeof error === 'string') return { message: error, type: null, param: null, code: null };
		return {
			message: error.message ?? error.code ?? 'Unknown error',
			type: error.type ?? null,
			param: error.param ?? null,
			code: error.code ?? null,
		};
	}
	const task = taskErrorSchema.safeParse(data);
	if (task.success) return { message: task.data.message, type: null, param: null, code: task.data.code };
	const detail = detailSchema.safeParse(data);
	if (detail.success) return { message: detail.data.detail, type: null, param: null, code: null };
	return undefined;
}

const deletedSchema = z.object({ id: z.string(), deleted: z.boolean().optional() }).passthrough();

export function parseDeleted(data: unknown): { id: string; deleted: boolean } {
	const raw = deletedSchema.parse(data);
	return { id: raw.id, deleted: raw.deleted ?? true };
}
