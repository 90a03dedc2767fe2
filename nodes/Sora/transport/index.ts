/**
 * The one way this package talks to a Sora-compatible server: every call goes through
 * `httpRequestWithAuthentication` so n8n's proxy settings, credential injection and SSRF rules
 * apply. Errors become NodeApiError with the server's own message, the API key is never echoed,
 * and idempotent requests are retried with the official SDKs' backoff rules.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

/** Node's Readable, named through n8n's own types because nodes may not import 'stream'. */
export type Readable = Exclude<Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0], Buffer>;

import { parseApiError } from '../helpers/schemas';
import type { Dialect } from '../helpers/dialects';
import { dialectFromCredentials } from '../helpers/dialects';

export type SoraContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

export const CREDENTIAL_NAME = 'soraApi';

export interface SoraCredentials {
	apiKey: string;
	baseUrl: string;
	/** The server's dialect, from the credential's server preset. */
	dialect: Dialect;
}

export interface RequestOptions {
	body?: IDataObject | FormData;
	qs?: IDataObject;
	headers?: IDataObject;
	itemIndex?: number;
	/** Retry on 408/409/429/5xx and connection errors. On for reads and deletes; creates opt in only with an idempotency key. */
	retry?: boolean;
	timeoutMs?: number;
}

export interface ApiResponse {
	body: unknown;
	headers: IDataObject;
	statusCode: number;
}

const RETRY_STATUSES = new Set([408, 409, 429, 500, 502, 503, 504]);
const MAX_ATTEMPTS = 4;
const MAX_RETRY_WAIT_MS = 60_000;
const DEFAULT_TIMEOUT_MS = 120_000;
/** All retries of one request together never wait longer than this. */
const MAX_TOTAL_RETRY_WAIT_MS = 90_000;

/** Connection errors raised before the request reached the server: sending again cannot double anything. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL']);

/** What went wrong with a request, for callers that decide whether (and when) to send it again. */
export interface FailureInfo {
	/** HTTP status, when the server answered. */
	statusCode?: number;
	/** Connection error code (ECONNRESET, ETIMEDOUT, …), when it did not. */
	code?: string;
	/** A 2xx whose body is not JSON: truncated on the way, or a proxy's page. */
	malformed?: boolean;
	/** How long the server asked us to wait (retry-after-ms / Retry-After). */
	retryAfterMs?: number;
	/** The server may have acted on the request: a create may have started a paid job. */
	maybeProcessed: boolean;
	/** Sending the request again can help (408/409/429/5xx, connection errors, x-should-retry). */
	retryable: boolean;
}

const failures = new WeakMap<Error, FailureInfo>();

/** The classification of an error thrown by this module; undefined for any other error. */
export function failureOf(error: unknown): FailureInfo | undefined {
	return error instanceof Error ? failures.get(error) : undefined;
}

function remember<E extends Error>(error: E, info: FailureInfo): E {
	failures.set(error, info);
	return error;
}

/** Reads and checks the credential's base URL; the key itself never leaves n8n's helpers. */
export async function getServer(this: SoraContext, itemIndex = 0): Promise<SoraCredentials> {
	const credentials = await this.getCredentials(CREDENTIAL_NAME, itemIndex);
	const baseUrl = String(credentials.baseUrl ?? '').trim().replace(/\/+$/, '');
	if (!/^https?:\/\/[^/]+/i.test(baseUrl)) {
		throw new NodeOperationError(this.getNode(), `The base URL "${baseUrl}" is not a full http(s) URL`, {
			itemIndex,
			description:
				'Open the Sora API credential and enter the server address with its scheme, for example https://api.example.com/v1 or http://localhost:4010/v1.',
		});
	}
	return { apiKey: String(credentials.apiKey ?? ''), baseUrl, dialect: dialectFromCredentials(credentials) };
}

/** Replaces every occurrence of the API key in a text, so no message or log line can carry it. */
export function redact(text: string, apiKey: string): string {
	if (!apiKey || apiKey.length < 4) return text;
	return text.split(apiKey).join('[redacted]');
}

function header(headers: IDataObject, name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	return value === undefined || value === null ? undefined : String(value);
}

/** How long the server asks us to wait, from retry-after-ms or Retry-After (seconds or HTTP date). */
export function retryAfterMs(headers: IDataObject): number | undefined {
	const ms = Number(header(headers, 'retry-after-ms'));
	if (Number.isFinite(ms) && ms >= 0) return ms;
	const retryAfter = header(headers, 'retry-after');
	if (retryAfter === undefined) return undefined;
	const seconds = Number(retryAfter);
	if (Number.isFinite(seconds)) return seconds * 1000;
	const date = Date.parse(retryAfter);
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The SDKs' backoff: 0.5 s doubling to 8 s with up to 25 % jitter, unless the server says otherwise. */
export function backoffMs(attempt: number, headers: IDataObject = {}): number {
	const asked = retryAfterMs(headers);
	if (asked !== undefined && asked <= MAX_RETRY_WAIT_MS) return asked;
	const base = Math.min(500 * 2 ** attempt, 8000);
	return base * (1 - Math.random() * 0.25);
}

function shouldRetry(statusCode: number, headers: IDataObject): boolean {
	const told = header(headers, 'x-should-retry');
	if (told === 'true') return true;
	if (told === 'false') return false;
	return RETRY_STATUSES.has(statusCode);
}

const STATUS_ADVICE: Record<number, string> = {
	400: 'The server rejected the request. Check the parameters named in the message.',
	401: 'The API key was refused. Open the Sora API credential and check the key (and the "Send Key As" setting for Azure).',
	403: 'The key is valid but has no access to this model or endpoint. Check the project, organization and model access on the server.',
	404: 'Nothing was found at this address. Check the id, and that the credential base URL points at the API root (usually ending in /v1).',
	409: 'The server reported a conflict. Wait a moment and run the node again.',
	413: 'The upload is too large for the server. Use a smaller or shorter file.',
	429: 'The server is rate limiting requests or the quota is used up. Wait and retry, lower the concurrency, or check billing.',
	500: 'The server had an internal error. Retry later.',
	502: 'The server or a proxy in front of it failed. Retry later.',
	503: 'The server is overloaded or down for maintenance. Retry later.',
	504: 'The server did not answer in time. Retry later.',
};

function parseBody(body: unknown): unknown {
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body);
	} catch {
		return body;
	}
}

/** Turns a non-2xx response into a NodeApiError carrying the server's message and the HTTP status. */
function snippetOf(body: unknown): string {
	if (typeof body !== 'string') return '';
	return body
		.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
		.replace(/<[^>]*>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim()
		.slice(0, 200);
}

export function apiError(
	ctx: SoraContext,
	statusCode: number,
	rawBody: unknown,
	apiKey: string,
	itemIndex?: number,
	headers: IDataObject = {},
): NodeApiError {
	const body = parseBody(rawBody);
	const parsed = parseApiError(body);
	const snippet = snippetOf(body);
	const message = redact(
		parsed?.message ??
			(snippet ? `The server answered ${statusCode} with a non-JSON body: ${snippet}` : `The server answered ${statusCode}`),
		apiKey,
	);
	let advice = STATUS_ADVICE[statusCode] ?? (statusCode >= 500 ? STATUS_ADVICE[500] : STATUS_ADVICE[400]);
	if (statusCode === 404 && !parsed?.code) {
		// No error code: the address itself is wrong, not an id.
		advice = `There is no Videos API at this address. The base URL in the Sora API credential must be the API root that comes before /videos (usually ending in /v1, for example https://host/v1).`;
	}
	const retryAfter = retryAfterMs(headers);
	if (retryAfter !== undefined && retryAfter > MAX_RETRY_WAIT_MS) {
		advice = `${advice} The server asked to wait ${Math.ceil(retryAfter / 1000)} s before trying again.`;
	}
	const errorResponse: JsonObject = {
		message,
		httpCode: String(statusCode),
		...(parsed?.code ? { code: parsed.code } : {}),
		...(parsed?.param ? { param: parsed.param } : {}),
	};
	const error = new NodeApiError(ctx.getNode(), errorResponse, {
		message: parsed?.code ? `${message} (${parsed.code})` : message,
		description: advice,
		httpCode: String(statusCode),
		itemIndex,
	});
	return remember(error, {
		statusCode,
		retryAfterMs: retryAfter,
		// 429 means "not processed"; a 5xx, 408 or 409 may come after the server acted.
		maybeProcessed: statusCode >= 500 || statusCode === 408 || statusCode === 409,
		retryable: shouldRetry(statusCode, headers),
	});
}

/** A 2xx whose body is not JSON: cut off on the way, or an HTML page from a proxy or a wrong base URL. */
function nonJsonError(ctx: SoraContext, statusCode: number, body: string, apiKey: string, itemIndex?: number): NodeApiError {
	const looksLikeJson = /^\s*[[{]/.test(body);
	const message = looksLikeJson
		? `The server answered ${statusCode} with incomplete JSON (the response was cut off)`
		: `The server answered ${statusCode} with a page that is not JSON: ${redact(snippetOf(body), apiKey) || '(empty)'}`;
	const error = new NodeApiError(ctx.getNode(), { message, httpCode: '502' } as JsonObject, {
		message,
		description: looksLikeJson
			? 'The connection or a proxy cut the answer short. Retry later.'
			: 'Check that the base URL in the Sora API credential is the API root of a server that speaks the Sora 2 Videos API (usually ending in /v1), not a web page, a login page or a proxy.',
		httpCode: '502',
		itemIndex,
	});
	return remember(error, { statusCode, malformed: true, maybeProcessed: true, retryable: looksLikeJson });
}

/** The error code of a failed connection (n8n wraps it in a NodeApiError whose httpCode is the code). */
function errorCode(error: Error): string | undefined {
	const candidates = [
		(error as { httpCode?: unknown }).httpCode,
		(error as { code?: unknown }).code,
		(error as { cause?: { code?: unknown } }).cause?.code,
	];
	const code = candidates.find((value) => typeof value === 'string' && value !== '' && !/^\d+$/.test(value));
	return code as string | undefined;
}

function connectionError(ctx: SoraContext, error: Error, apiKey: string, itemIndex?: number): NodeApiError {
	const code = errorCode(error);
	const message = redact(error.message, apiKey);
	const wrapped = new NodeApiError(ctx.getNode(), { message, ...(code ? { code } : {}) } as JsonObject, {
		description:
			'Check the base URL in the Sora API credential and that the server is running and reachable from n8n.',
		itemIndex,
	});
	// Set afterwards: NodeApiError replaces any message that names a common error code with its own.
	wrapped.message =
		code && NOT_SENT_CODES.has(code)
			? `Could not reach the server: ${message}`
			: /connection/i.test(message)
				? message
				: `The connection to the server failed: ${message}`;
	const tls = !!code && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO/.test(code);
	return remember(wrapped, {
		code,
		maybeProcessed: !code || !NOT_SENT_CODES.has(code),
		retryable: !tls,
	});
}

function isAbort(ctx: SoraContext): boolean {
	return 'getExecutionCancelSignal' in ctx && ctx.getExecutionCancelSignal()?.aborted === true;
}

function cancelSignal(ctx: SoraContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;
}

const MAX_REDIRECTS = 5;

/**
 * Sends one request and follows its redirects by hand: the credential (Authorization, api-key,
 * organization and project headers) goes only to the API's own origin; another host (a signed URL,
 * a CDN) is asked without it. 301/302/303 turn a non-GET request into a GET, as browsers do.
 */
async function sendFollowingRedirects(
	this: SoraContext,
	request: IHttpRequestOptions,
	apiOrigin: string,
): Promise<IN8nHttpFullResponse> {
	let current = request;
	for (let hop = 0; ; hop++) {
		// A fresh headers object per hop: an authenticate step that writes into it cannot reach the next host.
		const hopRequest = { ...current, headers: { ...(current.headers ?? {}) } };
		const response = (
			new URL(current.url).origin === apiOrigin
				? await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_NAME, hopRequest)
				: await this.helpers.httpRequest(hopRequest)
		) as IN8nHttpFullResponse;
		const location = header(response.headers, 'location');
		if (response.statusCode < 300 || response.statusCode >= 400 || !location || hop >= MAX_REDIRECTS) {
			return response;
		}
		const keepMethod = response.statusCode === 307 || response.statusCode === 308 || current.method === 'GET';
		current = {
			...current,
			url: new URL(location, current.url).toString(),
			qs: undefined,
			...(keepMethod ? {} : { method: 'GET', body: undefined }),
		};
	}
}

/**
 * One request to the server, relative to the credential's base URL. Returns the parsed body and
 * headers of a 2xx response; throws NodeApiError otherwise.
 */
export async function soraRequest(
	this: SoraContext,
	method: IHttpRequestMethods,
	path: string,
	options: RequestOptions = {},
): Promise<ApiResponse> {
	const { itemIndex } = options;
	const server = await getServer.call(this, itemIndex);
	const retry = options.retry ?? (method === 'GET' || method === 'DELETE');
	const request: IHttpRequestOptions = {
		method,
		url: `${server.baseUrl}${path}`,
		qs: options.qs,
		headers: { accept: 'application/json', ...(options.headers ?? {}) },
		body: options.body,
		json: !(options.body instanceof FormData),
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
		sendCredentialsOnCrossOriginRedirect: false,
		// Followed by hand: n8n strips only Authorization on a cross-origin redirect, not api-key.
		disableFollowRedirect: true,
		abortSignal: cancelSignal(this),
	};
	let waited = 0;
	let actedBefore = false;
	for (let attempt = 0; ; attempt++) {
		let failure: NodeApiError;
		let passThrough: unknown;
		try {
			const response = await sendFollowingRedirects.call(this, request, new URL(server.baseUrl).origin);
			const { statusCode, headers } = response;
			const body = statusCode >= 200 && statusCode < 300 ? parseBody(response.body) : undefined;
			// A delete whose earlier answer was lost (now 404), or that answers in plain text, did delete.
			const deleted = { body: { id: decodeURIComponent(path.split('/').pop() ?? ''), object: 'video.deleted', deleted: true }, headers, statusCode: 200 };
			if (method === 'DELETE' && statusCode === 404 && actedBefore) return deleted;
			if (statusCode < 200 || statusCode >= 300) {
				failure = apiError(this, statusCode, response.body, server.apiKey, itemIndex, headers);
			} else if (typeof body === 'string' && body.length > 0) {
				if (method === 'DELETE' && !/^\s*[[{]/.test(body)) return deleted;
				failure = nonJsonError(this, statusCode, body, server.apiKey, itemIndex);
			} else if (method === 'DELETE' && (body === undefined || body === '')) {
				return deleted; // 204 No Content
			} else {
				return { body, headers, statusCode };
			}
		} catch (error) {
			// n8n wraps connection failures (reset, refused, timeout) in a NodeApiError without an HTTP status;
			// its own errors (a missing credential, a cancelled execution) pass through.
			if (error instanceof NodeOperationError || isAbort(this)) passThrough = error;
			failure = connectionError(this, error as Error, server.apiKey, itemIndex);
		}
		if (passThrough) throw passThrough;
		const info = failureOf(failure) as FailureInfo;
		actedBefore ||= info.maybeProcessed;
		const wait = info.retryAfterMs ?? backoffMs(attempt);
		if (
			!retry ||
			!info.retryable ||
			attempt + 1 >= MAX_ATTEMPTS ||
			wait > MAX_RETRY_WAIT_MS ||
			waited + wait > MAX_TOTAL_RETRY_WAIT_MS
		) {
			throw failure;
		}
		waited += wait;
		await sleep(wait, cancelSignal(this));
	}
}

export interface DownloadedBody {
	stream: Readable;
	contentLength: number | undefined;
	mimeType: string | undefined;
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
		const chunks: Buffer[] = [];
		let total = 0;
		for await (const chunk of body as Readable) {
			chunks.push(Buffer.from(chunk as Buffer));
			total += (chunk as Buffer).length;
			if (total > 64 * 1024) break;
		}
		return Buffer.concat(chunks).toString('utf8');
	}
	return typeof body === 'string' ? body : JSON.stringify(body ?? '');
}

/**
 * Opens a binary download as a stream. Redirects are followed by hand: the credential goes only to
 * the API's own origin, a signed URL on another host is fetched without it.
 */
export async function openDownload(
	this: IExecuteFunctions | IPollFunctions,
	path: string,
	options: { qs?: IDataObject; itemIndex?: number; rangeStart?: number; ifRange?: string } = {},
): Promise<DownloadedBody> {
	const server = await getServer.call(this, options.itemIndex);
	// A result URL the server handed out (a signed URL elsewhere) is taken as it is.
	let url = /^https?:\/\//i.test(path) ? path : `${server.baseUrl}${path}`;
	let qs = options.qs;
	const origin = new URL(server.baseUrl).origin;
	for (let hop = 0; hop < 5; hop++) {
		const sameOrigin = new URL(url).origin === origin;
		const request: IHttpRequestOptions = {
			method: 'GET',
			url,
			qs,
			headers: options.rangeStart
				? { range: `bytes=${options.rangeStart}-`, ...(options.ifRange ? { 'if-range': options.ifRange } : {}) }
				: {},
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			timeout: DEFAULT_TIMEOUT_MS,
			abortSignal: cancelSignal(this),
		};
		let response: IN8nHttpFullResponse | undefined;
		let thrown: unknown;
		try {
			response = (
				sameOrigin
					? await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_NAME, request)
					: await this.helpers.httpRequest(request)
			) as IN8nHttpFullResponse;
		} catch (error) {
			thrown = error;
		}
		if (!response) {
			if (thrown instanceof NodeOperationError || isAbort(this)) throw thrown;
			throw connectionError(this, thrown as Error, server.apiKey, options.itemIndex);
		}
		const { statusCode, headers } = response;
		if (statusCode >= 300 && statusCode < 400 && header(headers, 'location')) {
			(response.body as Readable)?.destroy?.();
			url = new URL(header(headers, 'location') as string, url).toString();
			qs = undefined;
			continue;
		}
		if (statusCode >= 200 && statusCode < 300) {
			const length = Number(header(headers, 'content-length'));
			return {
				stream: response.body as Readable,
				contentLength: Number.isFinite(length) ? length : undefined,
				mimeType: header(headers, 'content-type')?.split(';')[0],
				statusCode,
				acceptsRanges: /\bbytes\b/i.test(header(headers, 'accept-ranges') ?? ''),
				contentRange: header(headers, 'content-range'),
				etag: header(headers, 'etag'),
			};
		}
		throw apiError(this, statusCode, await readSmallBody(response.body), server.apiKey, options.itemIndex, headers);
	}
	throw new NodeOperationError(this.getNode(), 'The download was redirected too many times', {
		itemIndex: options.itemIndex,
	});
}
