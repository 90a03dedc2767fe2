/**
 * Downloads that never hand on a truncated or corrupt file. The body is streamed into n8n's binary
 * store; when the connection drops mid-way and the server serves byte ranges, the download resumes
 * where it stopped (`Range`, checked against `Content-Range`, `If-Range` when there is an ETag) into
 * the same binary. Otherwise the whole file is fetched again. What is stored is always checked
 * against the announced length; a download that cannot complete is an error naming the video id.
 */
import type { IBinaryData, IDataObject, IExecuteFunctions, IHttpRequestOptions, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Server } from '../servers';
import { apiError, connectionError, failureOf, header, parseBody, redact, snippetOf } from './errors';
import { detectImageFormat, looksLikeMp4, readFirstBytes } from './probes';
import { parseApiError } from './schemas';
import type { Readable } from './request';
import { DEFAULT_TIMEOUT_MS, attemptTimeout, isCancelled, sendFollowingRedirects, stopSignal } from './request';
import { retrying, settle } from './retry';

type Context = IExecuteFunctions | IPollFunctions;

/** Where the bytes of an asset are: a path under the base URL, or an absolute URL (a signed URL is fetched without the key). */
export interface AssetLocation {
	path: string;
	qs?: IDataObject;
}

interface DownloadedBody {
	stream: Readable;
	contentLength: number | undefined;
	statusCode: number;
	/** The server said it serves byte ranges (Accept-Ranges: bytes). */
	acceptsRanges: boolean;
	/** `Content-Range` of a 206 answer, e.g. "bytes 100-999/1000". */
	contentRange: string | undefined;
	/** Validator for `If-Range`, so a resumed download cannot mix two versions of a file. */
	etag: string | undefined;
}

async function readSmallBody(body: unknown): Promise<string> {
	if (body && typeof (body as Readable)[Symbol.asyncIterator] === 'function') {
		return (await readFirstBytes(body as Readable, 64 * 1024 + 1)).bytes.toString('utf8');
	}
	return typeof body === 'string' ? body : JSON.stringify(body ?? '');
}

/** Opens an asset as a stream, from `rangeStart` when given. */
async function openDownload(
	this: Context,
	server: Server,
	location: AssetLocation,
	options: { itemIndex?: number; rangeStart?: number; ifRange?: string; signal?: AbortSignal; deadline?: number } = {},
): Promise<DownloadedBody> {
	// A result URL the server handed out (a signed URL elsewhere) is taken as it is.
	const url = /^https?:\/\//i.test(location.path) ? location.path : `${server.baseUrl}${location.path}`;
	const request: IHttpRequestOptions = {
		method: 'GET',
		url,
		qs: location.qs,
		headers: options.rangeStart
			? { range: `bytes=${options.rangeStart}-`, ...(options.ifRange ? { 'if-range': options.ifRange } : {}) }
			: {},
		encoding: 'stream',
		timeout: attemptTimeout(DEFAULT_TIMEOUT_MS, options.deadline),
		// Also aborts a body that is still streaming when the deadline passes.
		abortSignal: options.signal,
	};
	const sent = await settle(sendFollowingRedirects.call(this, server, request));
	if (!sent.ok) {
		if (sent.error instanceof NodeOperationError || isCancelled(this) || options.signal?.aborted) throw sent.error;
		throw connectionError(this, sent.error, server.apiKey, options.itemIndex);
	}
	const response = sent.value;
	const { statusCode, headers } = response;
	if (statusCode >= 200 && statusCode < 300) {
		const length = Number(header(headers, 'content-length'));
		return {
			stream: response.body as Readable,
			contentLength: Number.isFinite(length) ? length : undefined,
			statusCode,
			acceptsRanges: /\bbytes\b/i.test(header(headers, 'accept-ranges') ?? ''),
			contentRange: header(headers, 'content-range'),
			etag: header(headers, 'etag'),
		};
	}
	throw apiError(this, statusCode, await readSmallBody(response.body), server.apiKey, options.itemIndex, headers);
}

/** Whole-file attempts (each may resume several times), within 60 s of waiting; without a Retry-After, 2 s at most between them. */
const DOWNLOAD_POLICY = { attempts: 6, totalWaitMs: 60_000, backoffCapMs: 2_000 };
/** Re-opening a dropped body at an offset: 4 tries, 10 s at most between them. */
const REOPEN_POLICY = { attempts: 4, totalWaitMs: 30_000, maxWaitMs: 10_000, backoffCapMs: 10_000 };
/** Resumes of one attempt; each must make progress. */
const MAX_RESUMES = 8;

/** The server ignored or mangled a Range request: resuming into the same file is not possible. */
class RangeNotHonoured extends Error {}

/** The body was longer than announced, or the server changed it mid-way: never store such a file. */
class CorruptBody extends Error {}

/** The server answered 2xx with something other than the asset (a JSON error, a web page): never stored. */
class WrongContent extends Error {}

/** How each asset must start; enough bytes are read to tell. */
const SIGNATURES: Record<string, { what: string; matches: (head: Buffer) => boolean }> = {
	video: { what: 'an MP4', matches: looksLikeMp4 },
	thumbnail: { what: 'a WebP image', matches: (head) => detectImageFormat(head) === 'webp' },
	spritesheet: { what: 'a JPEG image', matches: (head) => detectImageFormat(head) === 'jpeg' },
};
const SIGNATURE_BYTES = 16;
/** What is kept of a wrong body to read its message. */
const ERROR_BODY_BYTES = 64 * 1024;

/** A sentence on what came instead of the asset, with the server's own message when it has one. */
function describeWrongBody(body: Buffer, expected: string, apiKey: string): string {
	if (body.length === 0) return `the server sent an empty body instead of ${expected}`;
	const text = body.toString('utf8');
	const parsed = parseApiError(parseBody(text));
	const kind = /^\s*[[{]/.test(text) ? 'a JSON body' : /^\s*</.test(text) ? 'a web page' : 'bytes';
	const message = parsed?.message ?? (kind === 'bytes' ? '' : snippetOf(text));
	return redact(`the server sent ${kind} instead of ${expected}${message ? `: ${message}` : ''}`, apiKey);
}

/**
 * The body, checked at its first bytes against what the asset must be: LiteLLM, for one, can
 * answer an upstream 404 with a JSON error as `200 video/mp4` (BerriAI/litellm#32602).
 */
async function* checkedContent(source: AsyncIterable<unknown>, variant: string, apiKey: string): AsyncGenerator<Buffer> {
	const iterator = source[Symbol.asyncIterator]();
	const toBuffer = (chunk: unknown) => (Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
	const chunks: Buffer[] = [];
	let size = 0;
	let done = false;
	try {
		while (size < SIGNATURE_BYTES) {
			const next = await iterator.next();
			if (next.done) {
				done = true;
				break;
			}
			chunks.push(toBuffer(next.value));
			size += chunks[chunks.length - 1].length;
		}
		const signature = SIGNATURES[variant];
		if (signature && !signature.matches(Buffer.concat(chunks))) {
			while (!done && size < ERROR_BODY_BYTES) {
				const next = await iterator.next();
				if (next.done) break;
				chunks.push(toBuffer(next.value));
				size += chunks[chunks.length - 1].length;
			}
			throw new WrongContent(describeWrongBody(Buffer.concat(chunks).subarray(0, ERROR_BODY_BYTES), signature.what, apiKey));
		}
		if (chunks.length) yield Buffer.concat(chunks);
		while (!done) {
			const next = await iterator.next();
			if (next.done) return;
			yield toBuffer(next.value);
		}
	} finally {
		await iterator.return?.();
	}
}

/** Size in bytes n8n stored for a binary, when the store can tell. */
async function storedBytes(ctx: Context, binary: IBinaryData): Promise<number | undefined> {
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

/**
 * The bytes of `first`, continued with Range requests whenever the connection drops before `total`
 * bytes arrived. Every continuation must be a 206 that starts exactly where the data stopped.
 */
async function* resumingBody(
	this: Context,
	first: DownloadedBody,
	total: number,
	reopen: (offset: number) => Promise<DownloadedBody>,
	stopped: () => boolean,
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
		if (dropped instanceof CorruptBody || (dropped && stopped())) throw dropped;
		if (received === total) return;
		if (resumes >= MAX_RESUMES) {
			throw new Error(
				`the connection dropped after ${received} of ${total} bytes${dropped ? ` (${dropped.message})` : ''}`,
			);
		}
		current = await reopen(received);
		// Dropped before the first byte arrived: a plain 200 is the same start again (no Range was asked).
		if (received === 0 && current.statusCode === 200) continue;
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
 */
export async function downloadVerified(
	this: Context,
	server: Server,
	location: AssetLocation,
	asset: {
		videoId: string;
		variant: string;
		itemIndex: number;
		fileName: string;
		mimeType: string;
		/** Epoch ms by which the download (with its retries and resumes) is over or aborted. */
		deadline?: number;
	},
): Promise<IBinaryData> {
	const { videoId, variant, itemIndex, deadline } = asset;
	const signal = stopSignal(this, deadline);
	const stopped = () => isCancelled(this) || signal?.aborted === true;
	let rangesWork = true;
	const attempt = async (): Promise<IBinaryData> => {
		const body = await openDownload.call(this, server, location, { itemIndex, signal, deadline });
		const total = body.contentLength;
		const resumable = rangesWork && body.acceptsRanges && total !== undefined && total > 0;
		const reopen = async (offset: number) =>
			await retrying(signal, { ...REOPEN_POLICY, deadline }, async () =>
				await openDownload.call(this, server, location, { itemIndex, rangeStart: offset, ifRange: body.etag, signal, deadline }),
			);
		const bytes = resumable ? resumingBody.call(this, body, total, reopen, stopped) : body.stream;
		const source = readableFrom(body.stream, checkedContent(bytes, variant, server.apiKey)) ?? body.stream;
		// The type is what the first bytes proved, not what the server's header says.
		const binary = await this.helpers.prepareBinaryData(source, asset.fileName, asset.mimeType);
		const stored = await storedBytes(this, binary);
		if (total !== undefined && stored !== undefined && stored !== total) throw new Error(`received ${stored} of ${total} bytes`);
		return binary;
	};
	// Unclassified failures (a short body, a range the server did not honour) are worth another try too.
	const outcome = await settle(
		retrying(signal, { ...DOWNLOAD_POLICY, deadline }, attempt, (error) => {
			if (error instanceof RangeNotHonoured) rangesWork = false;
			if (error instanceof WrongContent) return false;
			return failureOf(error)?.retryable ?? true;
		}),
	);
	if (outcome.ok) return outcome.value;
	const { error } = outcome;
	if (stopped()) throw error;
	const info = failureOf(error);
	if (info && !info.retryable) throw naming(error, videoId);
	throw new NodeOperationError(this.getNode(), `Could not download the ${variant === 'video' ? 'MP4' : variant} of video ${videoId}: ${error.message}`, {
		itemIndex,
		description: `The video itself is safe on the server until it expires. Fetch it later with Video → Download using id ${videoId}.`,
	});
}
