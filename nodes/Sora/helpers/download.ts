/**
 * Downloads that never hand on a truncated or corrupt file. The body is streamed into n8n's binary
 * store; when the connection drops mid-way and the server serves byte ranges, the download resumes
 * where it stopped (`Range`, checked against `Content-Range`, `If-Range` when there is an ETag) into
 * the same binary. Otherwise the whole file is fetched again. What is stored is always checked
 * against the announced length; a download that cannot complete is an error naming the video id.
 */
import type { IBinaryData, IDataObject, IExecuteFunctions, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import type { DownloadedBody, Readable } from '../transport';
import { backoffMs, failureOf, openDownload } from '../transport';

type Context = IExecuteFunctions | IPollFunctions;

/** Whole-file attempts (each may resume several times), within MAX_DOWNLOAD_WAIT_MS of waiting. */
const DOWNLOAD_ATTEMPTS = 6;
/** Without a Retry-After, a download waits at most this long before its next attempt. */
const MAX_DOWNLOAD_BACKOFF_MS = 2_000;
/** Resumes of one attempt; each must make progress. */
const MAX_RESUMES = 8;
/** Retries of one download never wait longer than this in total. */
const MAX_DOWNLOAD_WAIT_MS = 60_000;

/** The server ignored or mangled a Range request: resuming into the same file is not possible. */
class RangeNotHonoured extends Error {}

/** The body was longer than announced, or the server changed it mid-way: never store such a file. */
class CorruptBody extends Error {}

function cancelSignal(ctx: Context): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;
}

/** Size in bytes n8n stored for a binary, when the store can tell. */
export async function storedBytes(ctx: Context, binary: IBinaryData): Promise<number | undefined> {
	if (binary.id) return (await ctx.helpers.getBinaryMetadata(binary.id)).fileSize;
	if (binary.data) return Buffer.from(binary.data, 'base64').length;
	return undefined;
}

/**
 * `Readable.from`, reached through the response stream's class because nodes may not import
 * 'stream' (every Readable subclass inherits the static method). Undefined if it is not there.
 */
function readableFrom(sample: Readable, source: AsyncIterable<Buffer>): Readable | undefined {
	const ctor = sample?.constructor as unknown as {
		from?: (iterable: AsyncIterable<Buffer>, options: { objectMode: boolean; highWaterMark: number }) => Readable;
	};
	if (typeof ctor?.from !== 'function') return undefined;
	return ctor.from(source, { objectMode: false, highWaterMark: 64 * 1024 });
}

/** Re-opens the body from `offset`, retrying a few times on transient answers (429, 5xx, resets). */
async function reopenAt(
	this: Context,
	path: string,
	options: { qs?: IDataObject; itemIndex: number; etag?: string },
	offset: number,
): Promise<DownloadedBody> {
	for (let attempt = 0; ; attempt++) {
		let failure: unknown;
		try {
			return await openDownload.call(this, path, { ...options, rangeStart: offset, ifRange: options.etag });
		} catch (error) {
			failure = error;
		}
		const info = failureOf(failure);
		if (!info?.retryable || attempt >= 3) throw failure;
		await sleep(Math.min(info.retryAfterMs ?? backoffMs(attempt), 10_000), cancelSignal(this));
	}
}

/**
 * The bytes of `first`, continued with Range requests whenever the connection drops before `total`
 * bytes arrived. Every continuation must be a 206 that starts exactly where the data stopped.
 */
async function* resumingBody(
	this: Context,
	first: DownloadedBody,
	total: number,
	reopen: (offset: number) => Promise<DownloadedBody>,
): AsyncGenerator<Buffer> {
	let current = first;
	let received = 0;
	for (let resumes = 0; ; resumes++) {
		let dropped: Error | undefined;
		try {
			for await (const chunk of current.stream) {
				const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
				received += buffer.length;
				if (received > total) throw new CorruptBody(`the server sent more than the announced ${total} bytes`);
				yield buffer;
			}
		} catch (error) {
			dropped = error as Error;
		} finally {
			current.stream.destroy?.();
		}
		if (dropped instanceof CorruptBody || (dropped && cancelSignal(this)?.aborted)) throw dropped;
		if (received === total) return;
		if (resumes >= MAX_RESUMES) {
			throw new Error(
				`the connection dropped after ${received} of ${total} bytes${dropped ? ` (${dropped.message})` : ''}`,
			);
		}
		current = await reopen(received);
		const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/i.exec(current.contentRange ?? '');
		if (
			current.statusCode !== 206 ||
			!range ||
			Number(range[1]) !== received ||
			(range[3] !== '*' && Number(range[3]) !== total)
		) {
			current.stream.destroy?.();
			throw new RangeNotHonoured(`the server did not resume the download at byte ${received}`);
		}
	}
}

/** Makes sure an error about a download names the video, so the user can fetch it later. */
function naming<E extends Error>(error: E, videoId: string): E {
	if (!error.message.includes(videoId)) error.message = `Could not download video ${videoId}: ${error.message}`;
	return error;
}

/**
 * Downloads one asset of a video into binary data, verified against its Content-Length, resuming
 * or retrying as needed. A 4xx that will not change (expired, not found, not ready) fails at once.
 * `location` defaults to `/videos/{id}/content?variant=…` under the base URL.
 */
export async function downloadVerified(
	this: Context,
	videoId: string,
	variant: string,
	itemIndex: number,
	file: { fileName: string; mimeType: string },
	location?: { path: string; qs?: IDataObject },
): Promise<IBinaryData> {
	const path = location?.path ?? `/videos/${encodeURIComponent(videoId)}/content`;
	const qs = location ? location.qs : { variant };
	let lastError: Error | undefined;
	let retryAfter: number | undefined;
	let waited = 0;
	let rangesWork = true;
	for (let attempt = 0; attempt < DOWNLOAD_ATTEMPTS; attempt++) {
		if (attempt > 0) {
			const wait = retryAfter ?? Math.min(backoffMs(attempt - 1), MAX_DOWNLOAD_BACKOFF_MS);
			if (waited + wait > MAX_DOWNLOAD_WAIT_MS) break;
			waited += wait;
			await sleep(wait, cancelSignal(this));
		}
		retryAfter = undefined;
		let failure: Error | undefined;
		try {
			const body = await openDownload.call(this, path, { qs, itemIndex });
			const total = body.contentLength;
			const resumable = rangesWork && body.acceptsRanges && total !== undefined && total > 0;
			const reopen = async (offset: number) =>
				await reopenAt.call(this, path, { qs, itemIndex, etag: body.etag }, offset);
			const source = resumable
				? readableFrom(body.stream, resumingBody.call(this, body, total, reopen))
				: undefined;
			const binary = await this.helpers.prepareBinaryData(
				source ?? body.stream,
				file.fileName,
				body.mimeType && body.mimeType !== 'application/octet-stream' ? body.mimeType : file.mimeType,
			);
			const stored = await storedBytes(this, binary);
			if (total === undefined || stored === undefined || stored === total) return binary;
			lastError = new Error(`received ${stored} of ${total} bytes`);
		} catch (error) {
			failure = error as Error;
		}
		if (!failure) continue;
		if (cancelSignal(this)?.aborted) throw failure;
		const info = failureOf(failure);
		if (info && !info.retryable) throw naming(failure, videoId);
		if (failure instanceof RangeNotHonoured) rangesWork = false;
		retryAfter = info?.retryAfterMs;
		lastError = failure;
	}
	const reason = lastError?.message ?? 'unknown error';
	throw new NodeOperationError(this.getNode(), `Could not download the ${variant} of video ${videoId}: ${reason}`, {
		itemIndex,
		description: `The video itself is safe on the server until it expires. Fetch it later with Video → Download using id ${videoId}.`,
	});
}
