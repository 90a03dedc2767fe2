/**
 * Failure classification: every error a request raises becomes a NodeApiError with the server's
 * own message (the API key never echoed), remembered with what a caller needs to decide whether
 * and when to send the request again.
 */
import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { parseApiError } from './schemas';

type AnyContext = { getNode(): INode };

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

/** The classification of an error raised by the api layer; undefined for any other error. */
export function failureOf(error: unknown): FailureInfo | undefined {
	return typeof error === 'object' && error !== null ? failures.get(error as Error) : undefined;
}

/** Marks an error with its classification. */
function classified<E extends Error>(error: E, info: FailureInfo): E {
	failures.set(error, info);
	return error;
}

const RETRY_STATUSES = new Set([408, 409, 429, 500, 502, 503, 504]);
/** A server's Retry-After beyond this is not waited for: the error tells the user instead. */
export const MAX_RETRY_WAIT_MS = 60_000;

/** Connection errors raised before the request reached the server: sending again cannot double anything. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL']);

/** Replaces every occurrence of the API key in a text, so no message or log line can carry it. */
export function redact(text: string, apiKey: string): string {
	if (!apiKey || apiKey.length < 4) return text;
	return text.split(apiKey).join('[redacted]');
}

/** A header of an n8n response, whatever its case. */
export function header(headers: IDataObject, name: string): string | undefined {
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

/** Advice for error codes whose HTTP status says too little (new-api answers 400 for an unknown task). */
const CODE_ADVICE: Record<string, string> = {
	task_not_exist:
		'The gateway has no job with this ID. Check the ID (map it from the node that created the video); jobs of another gateway or key are not visible.',
};

/** A body as JSON when it is JSON, else as it came. */
export function parseBody(body: unknown): unknown {
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body);
	} catch {
		return body;
	}
}

/** The readable text of a non-JSON body (an HTML page, a proxy's message), shortened. */
export function snippetOf(body: unknown): string {
	if (typeof body !== 'string') return '';
	return body
		.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
		.replace(/<[^>]*>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim()
		.slice(0, 200);
}

/** Turns a non-2xx response into a NodeApiError carrying the server's message and the HTTP status. */
export function apiError(
	ctx: AnyContext,
	statusCode: number,
	rawBody: unknown,
	apiKey: string,
	itemIndex?: number,
	headers: IDataObject = {},
): NodeApiError {
	const body = parseBody(rawBody);
	const parsed = parseApiError(body);
	const snippet = snippetOf(body);
	// new-api's task errors repeat the code as the message ("task_not_exist"): say it once.
	const codeOnly = !!parsed?.code && parsed.message === parsed.code;
	const message = redact(
		codeOnly
			? `The server answered ${statusCode}: ${parsed?.code}`
			: (parsed?.message ??
					(snippet ? `The server answered ${statusCode} with a non-JSON body: ${snippet}` : `The server answered ${statusCode}`)),
		apiKey,
	);
	let advice =
		CODE_ADVICE[parsed?.code ?? ''] ?? STATUS_ADVICE[statusCode] ?? (statusCode >= 500 ? STATUS_ADVICE[500] : STATUS_ADVICE[400]);
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
		message: parsed?.code && !codeOnly ? `${message} (${parsed.code})` : message,
		description: advice,
		httpCode: String(statusCode),
		itemIndex,
	});
	return classified(error, {
		statusCode,
		retryAfterMs: retryAfter,
		// 429 means "not processed"; a 5xx, 408 or 409 may come after the server acted.
		maybeProcessed: statusCode >= 500 || statusCode === 408 || statusCode === 409,
		retryable: shouldRetry(statusCode, headers),
	});
}

/** A 2xx whose body is not JSON: cut off on the way, or an HTML page from a proxy or a wrong base URL. */
export function nonJsonError(ctx: AnyContext, statusCode: number, body: string, apiKey: string, itemIndex?: number): NodeApiError {
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
	return classified(error, { statusCode, malformed: true, maybeProcessed: true, retryable: looksLikeJson });
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

/** A request that got no answer: refused, reset, timed out, or a TLS failure. */
export function connectionError(ctx: AnyContext, error: Error, apiKey: string, itemIndex?: number): NodeApiError {
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
	return classified(wrapped, {
		code,
		maybeProcessed: !code || !NOT_SENT_CODES.has(code),
		retryable: !tls,
	});
}
