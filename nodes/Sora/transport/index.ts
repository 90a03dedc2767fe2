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

export type SoraContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

export const CREDENTIAL_NAME = 'soraApi';

export interface SoraCredentials {
	apiKey: string;
	baseUrl: string;
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

/** Reads and checks the credential's base URL; the key itself never leaves n8n's helpers. */
export async function getServer(this: SoraContext, itemIndex = 0): Promise<SoraCredentials> {
	const credentials = await this.getCredentials<SoraCredentials>(CREDENTIAL_NAME, itemIndex);
	const baseUrl = String(credentials.baseUrl ?? '').trim().replace(/\/+$/, '');
	if (!/^https?:\/\/[^/]+/i.test(baseUrl)) {
		throw new NodeOperationError(this.getNode(), `The base URL "${baseUrl}" is not a full http(s) URL`, {
			itemIndex,
			description:
				'Open the Sora API credential and enter the server address with its scheme, for example https://api.example.com/v1 or http://localhost:4010/v1.',
		});
	}
	return { apiKey: String(credentials.apiKey ?? ''), baseUrl };
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
export function apiError(
	ctx: SoraContext,
	statusCode: number,
	rawBody: unknown,
	apiKey: string,
	itemIndex?: number,
): NodeApiError {
	const body = parseBody(rawBody);
	const parsed = parseApiError(body);
	const snippet = typeof body === 'string' ? body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200) : '';
	const message = redact(
		parsed?.message ??
			(snippet ? `The server answered ${statusCode} with a non-JSON body: ${snippet}` : `The server answered ${statusCode}`),
		apiKey,
	);
	const advice = STATUS_ADVICE[statusCode] ?? (statusCode >= 500 ? STATUS_ADVICE[500] : STATUS_ADVICE[400]);
	const errorResponse: JsonObject = {
		message,
		httpCode: String(statusCode),
		...(parsed?.code ? { code: parsed.code } : {}),
		...(parsed?.param ? { param: parsed.param } : {}),
	};
	return new NodeApiError(ctx.getNode(), errorResponse, {
		message: parsed?.code ? `${message} (${parsed.code})` : message,
		description: advice,
		httpCode: String(statusCode),
		itemIndex,
	});
}

function connectionError(ctx: SoraContext, error: Error, apiKey: string, itemIndex?: number): NodeApiError {
	const code = (error as { code?: string }).code;
	const message = redact(error.message, apiKey);
	return new NodeApiError(ctx.getNode(), { message, ...(code ? { code } : {}) } as JsonObject, {
		message: `Could not reach the server: ${message}`,
		description:
			'Check the base URL in the Sora API credential and that the server is running and reachable from n8n.',
		itemIndex,
	});
}

function isAbort(ctx: SoraContext): boolean {
	return 'getExecutionCancelSignal' in ctx && ctx.getExecutionCancelSignal()?.aborted === true;
}

function cancelSignal(ctx: SoraContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;
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
		abortSignal: cancelSignal(this),
	};
	for (let attempt = 0; ; attempt++) {
		let response: IN8nHttpFullResponse;
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				CREDENTIAL_NAME,
				request,
			)) as IN8nHttpFullResponse;
		} catch (error) {
			const failure = error as Error;
			if (failure instanceof NodeApiError || failure instanceof NodeOperationError) throw failure;
			if (retry && attempt + 1 < MAX_ATTEMPTS && !isAbort(this)) {
				await sleep(backoffMs(attempt), cancelSignal(this));
				continue;
			}
			throw connectionError(this, error as Error, server.apiKey, itemIndex);
		}
		const { statusCode, headers } = response;
		if (statusCode >= 200 && statusCode < 300) {
			const body = parseBody(response.body);
			if (typeof body === 'string' && body.length > 0 && method !== 'DELETE') {
				// A 2xx with a body that is not JSON: a proxy page or a truncated answer.
				if (retry && attempt + 1 < MAX_ATTEMPTS) {
					await sleep(backoffMs(attempt), cancelSignal(this));
					continue;
				}
				throw apiError(this, 502, body, server.apiKey, itemIndex);
			}
			return { body, headers, statusCode };
		}
		if (retry && attempt + 1 < MAX_ATTEMPTS && shouldRetry(statusCode, headers)) {
			const wait = backoffMs(attempt, headers);
			if (wait <= MAX_RETRY_WAIT_MS) {
				await sleep(wait, cancelSignal(this));
				continue;
			}
		}
		throw apiError(this, statusCode, response.body, server.apiKey, itemIndex);
	}
}

export interface DownloadedBody {
	stream: Readable;
	contentLength: number | undefined;
	mimeType: string | undefined;
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
	options: { qs?: IDataObject; itemIndex?: number; rangeStart?: number } = {},
): Promise<DownloadedBody> {
	const server = await getServer.call(this, options.itemIndex);
	let url = `${server.baseUrl}${path}`;
	let qs = options.qs;
	const origin = new URL(server.baseUrl).origin;
	for (let hop = 0; hop < 5; hop++) {
		const sameOrigin = new URL(url).origin === origin;
		const request: IHttpRequestOptions = {
			method: 'GET',
			url,
			qs,
			headers: options.rangeStart ? { range: `bytes=${options.rangeStart}-` } : {},
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			timeout: DEFAULT_TIMEOUT_MS,
			abortSignal: cancelSignal(this),
		};
		let response: IN8nHttpFullResponse;
		try {
			response = (
				sameOrigin
					? await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_NAME, request)
					: await this.helpers.httpRequest(request)
			) as IN8nHttpFullResponse;
		} catch (error) {
			throw connectionError(this, error as Error, server.apiKey, options.itemIndex);
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
			};
		}
		throw apiError(this, statusCode, await readSmallBody(response.body), server.apiKey, options.itemIndex);
	}
	throw new NodeOperationError(this.getNode(), 'The download was redirected too many times', {
		itemIndex: options.itemIndex,
	});
}
