/**
 * The one way this package talks to a Sora-compatible server: every call goes through
 * `httpRequestWithAuthentication` so n8n's proxy settings, credential injection and SSRF rules
 * apply. Redirects are followed by hand so the key reaches only the API's own origin, errors are
 * classified (./errors), and idempotent requests are retried (./retry).
 */
import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ServerConnection, SoraContext } from '../servers';
import { CREDENTIAL_NAME } from '../servers';
import type { FailureInfo } from './errors';
import { MAX_RETRY_WAIT_MS, apiError, connectionError, failureOf, header, nonJsonError, parseBody } from './errors';
import { retrying, settle } from './retry';

/** Node's Readable, named through n8n's own types because nodes may not import 'stream'. */
export type Readable = Exclude<Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0], Buffer>;

export interface RequestOptions {
	body?: IDataObject | FormData;
	qs?: IDataObject;
	headers?: IDataObject;
	itemIndex?: number;
	/** Retry on 408/409/429/5xx and connection errors. On for reads and deletes; creates handle their own. */
	retry?: boolean;
	timeoutMs?: number;
	/**
	 * Epoch ms by which the request, its retries and their waits are over: the caller (the trigger) has a
	 * time budget. Past it the request is aborted.
	 */
	deadline?: number;
}

export interface ApiResponse {
	body: unknown;
	headers: IDataObject;
	statusCode: number;
	/**
	 * A DELETE answered 404 after an earlier attempt got no clear answer (a 5xx, a reset, cut-off
	 * JSON): what that attempt got. The video is gone, most likely deleted by that attempt.
	 */
	goneAfter?: string;
}

export const DEFAULT_TIMEOUT_MS = 120_000;
const MAX_REDIRECTS = 5;
/** Reads and deletes: 4 attempts, never more than 90 s of waiting in all. */
const READ_POLICY = { attempts: 4, totalWaitMs: 90_000, maxWaitMs: MAX_RETRY_WAIT_MS };

/** The execution's cancel signal (poll and load-options contexts have none). */
export function cancelSignal(ctx: SoraContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;
}

/**
 * What stops a request: its deadline when it has one (only the trigger sets one, and a poll has no
 * cancel signal), else the execution's cancel signal.
 */
export function stopSignal(ctx: SoraContext, deadline?: number): AbortSignal | undefined {
	return deadline === undefined ? cancelSignal(ctx) : AbortSignal.timeout(Math.max(0, deadline - Date.now()));
}

/** The timeout of one attempt: the default, or less when a deadline is nearer. */
export function attemptTimeout(timeoutMs: number, deadline?: number): number {
	return deadline === undefined ? timeoutMs : Math.max(1, Math.min(timeoutMs, deadline - Date.now()));
}

/**
 * Sends one request and follows its redirects by hand: the credential (Authorization, api-key,
 * organization and project headers) goes only to the API's own origin; another host (a signed URL,
 * a CDN) is asked without it. 301/302/303 turn a non-GET request into a GET, as browsers do. A
 * streamed body of a redirect is closed before the next hop.
 */
export async function sendFollowingRedirects(
	this: SoraContext,
	server: ServerConnection,
	request: IHttpRequestOptions,
): Promise<IN8nHttpFullResponse> {
	const apiOrigin = new URL(server.baseUrl).origin;
	let current: IHttpRequestOptions = {
		...request,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// Followed by hand: n8n strips only Authorization on a cross-origin redirect, not api-key.
		disableFollowRedirect: true,
		abortSignal: request.abortSignal ?? cancelSignal(this),
	};
	for (let hop = 0; ; hop++) {
		// A fresh headers object per hop: an authenticate step that writes into it cannot reach the next host.
		const hopRequest = { ...current, headers: { ...(current.headers ?? {}) } };
		const response = (
			new URL(current.url).origin === apiOrigin
				? await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_NAME, hopRequest)
				: await this.helpers.httpRequest(hopRequest)
		) as IN8nHttpFullResponse;
		const location = header(response.headers, 'location');
		if (response.statusCode < 300 || response.statusCode >= 400 || !location) return response;
		(response.body as Readable | undefined)?.destroy?.();
		if (hop >= MAX_REDIRECTS) {
			throw new NodeOperationError(this.getNode(), `The server redirected the request more than ${MAX_REDIRECTS} times`, {
				description: 'Check the base URL in the Sora API credential: it should be the API root itself, not an address that forwards.',
			});
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

/** Whether the execution was cancelled, so a failure is the cancellation and nothing else. */
export function isCancelled(ctx: SoraContext): boolean {
	return cancelSignal(ctx)?.aborted === true;
}

/**
 * One request to the server, relative to its base URL. Returns the parsed body and headers of a
 * 2xx response; throws a classified NodeApiError otherwise.
 */
export async function apiRequest(
	this: SoraContext,
	server: ServerConnection,
	method: IHttpRequestMethods,
	path: string,
	options: RequestOptions = {},
): Promise<ApiResponse> {
	const { itemIndex, deadline } = options;
	const retry = options.retry ?? (method === 'GET' || method === 'DELETE');
	const signal = stopSignal(this, deadline);
	const request: IHttpRequestOptions = {
		method,
		url: `${server.baseUrl}${path}`,
		qs: options.qs,
		headers: { accept: 'application/json', ...(options.headers ?? {}) },
		body: options.body,
		json: !(options.body instanceof FormData),
		timeout: attemptTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, deadline),
		sendCredentialsOnCrossOriginRedirect: false,
		abortSignal: signal,
	};
	/** What an earlier attempt got when the server may have acted on it (for a DELETE's later 404). */
	let actedBefore: string | undefined;
	const attempt = async (): Promise<ApiResponse> => {
		const sent = await settle(
			sendFollowingRedirects.call(this, server, { ...request, timeout: attemptTimeout(request.timeout ?? DEFAULT_TIMEOUT_MS, deadline) }),
		);
		if (!sent.ok) {
			// n8n wraps connection failures (reset, refused, timeout) in a NodeApiError without an HTTP status;
			// its own errors (a missing credential, a cancelled execution) pass through.
			if (sent.error instanceof NodeOperationError || isCancelled(this)) throw sent.error;
			throw connectionError(this, sent.error, server.apiKey, itemIndex);
		}
		const response = sent.value;
		const { statusCode, headers } = response;
		const body = statusCode >= 200 && statusCode < 300 ? parseBody(response.body) : undefined;
		// A delete whose earlier attempt may have been carried out finds nothing now: the caller says so.
		if (method === 'DELETE' && statusCode === 404 && actedBefore) return { body: undefined, headers, statusCode, goneAfter: actedBefore };
		if (statusCode < 200 || statusCode >= 300) {
			throw apiError(this, statusCode, response.body, server.apiKey, itemIndex, headers);
		}
		if (typeof body === 'string' && body.length > 0) throw nonJsonError(this, statusCode, body, server.apiKey, itemIndex);
		return { body, headers, statusCode };
	};
	return await retrying(signal, { ...READ_POLICY, deadline }, attempt, (error) => {
		const info = failureOf(error) as FailureInfo | undefined;
		if (info?.maybeProcessed) actedBefore ??= info.statusCode ? `HTTP ${info.statusCode}` : (info.code ?? 'a dropped connection');
		return retry && info?.retryable === true;
	});
}
