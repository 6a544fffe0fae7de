import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INode, JsonObject } from 'n8n-workflow';


/** Dify's error envelope (docs/dify-behaviour.md, 'Error envelope', 'Error frames'); `code` is missing on worker-side stream errors. */
export interface DifyErrorBody {
	code?: string;
	message?: string;
	status?: number;
	params?: string;
}

/** The app a key belongs to, as Dify's GET /info reports it. */
export interface AppIdentity {
	mode: string;
	name?: string;
}

/** What we know about the request that failed, to write an error the user can act on. */
export interface FailedRequest {
	baseUrl: string;
	method: string;
	path: string;
	user?: string;
	itemIndex?: number;
	/** The app the key belongs to, as GET /info reports it, to say which node the key is for. */
	app?: AppIdentity;
	/** The calling node's reading of Dify's errors. */
	advise?: Advise;
	/** Redacted from every message, as a last line of defence. */
	secret?: string;
	/** Set when a generation was refused as busy until the node gave up waiting. */
	busy?: { waitedMs: number; attempts: number; maxWaitMs: number; retryAfterMs?: number };
}

/** The facts of a failed Dify call that a node's advice reads; the key is there only to tell key types apart. */
export interface DifyFailure {
	body: DifyErrorBody;
	httpStatus?: number;
	req: FailedRequest;
	/** What Dify said, as the message shows it without advice ("Dify error <code>: <message>"). */
	said: string;
	/** The answer was not Dify's JSON (a proxy's page): only `httpStatus` and `req` are known. */
	notDify?: boolean;
}

/** What a node adds to an error: its own headline instead of Dify's words, and what to do about it. */
export interface ErrorAdvice {
	headline?: string;
	hint?: string;
}

/**
 * A node's reading of Dify's errors in its own terms (fields, menus, which node to use). The transport
 * knows Dify, not the nodes: each caller brings its advice with its target.
 */
export type Advise = (failure: DifyFailure) => ErrorAdvice | undefined;

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** " (refused 7 times over 12.5 s of waiting)" for an error after the busy back-off gave up. */
function busySuffix(req: FailedRequest): string {
	const busy = req.busy;
	if (!busy) return '';
	return busy.attempts > 1 ? ` (refused ${busy.attempts} times over ${seconds(busy.waitedMs)} of waiting)` : ' (refused; the node did not wait)';
}

const WRONG_APP_CODES = new Set(['not_chat_app', 'not_workflow_app', 'not_completion_app', 'app_unavailable']);

/** Dify's codes for "this key's app is of another type" (or not usable at all). */
export function isWrongAppTypeCode(code: string | undefined): boolean {
	return code !== undefined && WRONG_APP_CODES.has(code);
}

export function redact(text: string, secret?: string): string {
	if (!secret || secret.length < 4) return text;
	return text.split(secret).join('***');
}

/**
 * Removes the key from every string an error carries: n8n copies Dify's text into `message`,
 * `description`, `messages`, `context` and the response kept as `cause`, and all of them reach the
 * execution data and logs. Walks the error's own properties (cycle-safe, depth-bounded).
 */
export function redactError<T extends Error>(error: T, secret?: string): T {
	if (!secret || secret.length < 4) return error;
	const seen = new Set<unknown>();
	const walk = (value: unknown, depth: number): unknown => {
		if (typeof value === 'string') return redact(value, secret);
		if (!value || typeof value !== 'object' || depth > 6 || seen.has(value)) return value;
		seen.add(value);
		if (Array.isArray(value)) {
			for (let k = 0; k < value.length; k++) value[k] = walk(value[k], depth + 1);
			return value;
		}
		if (Buffer.isBuffer(value)) return value;
		const record = value as Record<string, unknown>;
		for (const key of Object.getOwnPropertyNames(record)) {
			if (key === 'node') continue; // the node definition is n8n's, not server text
			try {
				const next = walk(record[key], depth + 1);
				if (next !== record[key]) record[key] = next;
			} catch {
				// a read-only property: left as it is
			}
		}
		return value;
	};
	walk(error, 0);
	return error;
}

/** Turns Dify's error envelope (HTTP error or stream `error` frame) into an actionable NodeApiError. */
export function difyApiError(node: INode, body: DifyErrorBody, httpStatus: number | undefined, req: FailedRequest): NodeApiError {
	const code = body.code;
	const difyMessage = (body.message ?? '').trim() || '(Dify sent no message)';
	// Dify's stream error frames carry no code; say so instead of inventing one.
	const said = code
		? `Dify error ${code}: ${difyMessage}`
		: `Dify ${httpStatus ? `answered HTTP ${httpStatus}` : 'reported an error'} without an error code: ${difyMessage}`;
	const advice = req.advise?.({ body, httpStatus, req, said });
	const message = redact(`${advice?.headline ?? said}${busySuffix(req)}`, req.secret);
	const hint = advice?.hint;
	const where = `${req.method} ${req.baseUrl}${req.path}${httpStatus ? ` answered HTTP ${httpStatus}` : ' failed'}`;
	const description = redact(hint ? `${hint} (${where})` : where, req.secret);
	const response: JsonObject = { code: code ?? null, message: difyMessage, status: body.status ?? httpStatus ?? null };
	if (body.params) response.params = body.params;
	const error = new NodeApiError(node, response, {
		message,
		description,
		httpCode: httpStatus ? String(httpStatus) : undefined,
		itemIndex: req.itemIndex,
	});
	return redactError(error, req.secret);
}

/** A response that is not Dify's JSON at all: a proxy's HTML page, an empty body, plain text. */
export function notDifyResponseError(node: INode, httpStatus: number, contentType: string, req: FailedRequest, sample: string): NodeApiError {
	const kind = /html/i.test(contentType) ? 'an HTML page' : contentType ? `"${contentType}"` : 'a body that is not JSON';
	const gateway = httpStatus === 502 || httpStatus === 503 || httpStatus === 504;
	const advice = req.busy ? req.advise?.({ body: {}, httpStatus, req, said: `HTTP ${httpStatus}`, notDify: true }) : undefined;
	const message = redact(`Dify at ${req.baseUrl} answered HTTP ${httpStatus} with ${kind} instead of Dify's JSON${busySuffix(req)}`, req.secret);
	const description = redact(
		req.busy
			? `A proxy in front of Dify refused the request (HTTP 429 with Retry-After), so Dify never saw it. ${advice?.hint ?? 'Retry later, or raise the proxy\'s limit.'} Request: ${req.method} ${req.path}.`
			: gateway
			? `A proxy or gateway in front of Dify failed (HTTP ${httpStatus}): Dify is down, overloaded, or timed out. Retry later; for long runs use the streaming response mode. Request: ${req.method} ${req.path}.`
			: `Check that the Base URL of the credential points at the Dify API (e.g. https://api.dify.ai/v1). Request: ${req.method} ${req.path}. Start of the body: ${sample.slice(0, 160)}`,
		req.secret,
	);
	const error = new NodeApiError(node, { status: httpStatus, contentType } as JsonObject, {
		message,
		description,
		httpCode: String(httpStatus),
		itemIndex: req.itemIndex,
	});
	return redactError(error, req.secret);
}

const NETWORK_CODES: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused (is Dify running and is the port right?)',
	ENOTFOUND: 'the host name could not be resolved (DNS); check the Base URL',
	EAI_AGAIN: 'the host name could not be resolved right now (DNS); check the Base URL',
	ECONNRESET: 'the connection was reset',
	ETIMEDOUT: 'the connection timed out',
	ECONNABORTED: 'the request timed out',
	EHOSTUNREACH: 'the host is unreachable',
	CERT_HAS_EXPIRED: 'its TLS certificate has expired',
	DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified',
};

export function findErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
		const candidate = (current as IDataObject).code;
		if (typeof candidate === 'string' && /^[A-Z_]+$/.test(candidate)) return candidate;
		current = (current as IDataObject).cause ?? (current as IDataObject).reason;
	}
	return undefined;
}

/**
 * Words for a socket failure. Raw codes stay out of messages: n8n replaces any message containing
 * ECONNRESET & co. with its own generic text, which would hide which server failed.
 */
export function describeNetworkFailure(error: unknown): string {
	const code = findErrorCode(error);
	if (code && NETWORK_CODES[code]) return NETWORK_CODES[code];
	const message = (error as Error | undefined)?.message ?? '';
	return message && !/^E[A-Z_]+$/.test(message) ? message.replace(/\bE[A-Z]{4,}\b/g, 'network error') : 'aborted';
}

/** A transport failure before any HTTP status: names the base URL, never the key. */
export function networkError(node: INode, error: unknown, req: FailedRequest): NodeApiError | NodeOperationError {
	const code = findErrorCode(error);
	const what = describeNetworkFailure(error);
	const message = redact(`Cannot reach Dify at ${req.baseUrl}: ${what}`, req.secret);
	// No `code`-like key: n8n would swap our message for its generic text for ECONNREFUSED and friends.
	const failure = new NodeApiError(node, { message, network_failure: code ?? 'unknown' } as JsonObject, {
		message,
		description: `Request: ${req.method} ${req.path}. Check the Base URL of the Dify credential and that this n8n instance can reach it.`,
		itemIndex: req.itemIndex,
	});
	return redactError(failure, req.secret);
}

/**
 * What a catch block throws: n8n's own node errors pass through unchanged (they already carry the
 * message, hint and item), anything else is wrapped so n8n shows it as this node's error.
 */
export function asNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error as Error, { itemIndex });
}

/** The host a redirect points at (never its path or query, which may hold signatures). */
export function redirectHost(location: string, base: string): string | undefined {
	try {
		return new URL(location, base).host || undefined;
	} catch {
		return undefined;
	}
}

/** A 3xx from Dify's address: never followed, since the key and the body would go along. */
export function redirectError(node: INode, httpStatus: number, location: string, req: FailedRequest): NodeApiError {
	const host = location ? redirectHost(location, `${req.baseUrl}${req.path}`) : undefined;
	const where = host ? `a redirect to ${host}` : 'a redirect without a usable target';
	const message = `Dify at ${req.baseUrl} answered HTTP ${httpStatus}, ${where}; the node does not follow redirects`;
	const description = `Following it would send the API key and the request to that address. Put the final address of the Dify API in the credential's Base URL${host ? ` (the redirect points at ${host})` : ''}, e.g. https://<host>/v1 instead of http://, or with the path a proxy expects. Request: ${req.method} ${req.path}.`;
	const error = new NodeApiError(node, { status: httpStatus, redirect_host: host ?? null } as JsonObject, {
		message,
		description,
		httpCode: String(httpStatus),
		itemIndex: req.itemIndex,
	});
	return redactError(error, req.secret);
}

/** A request that outlived its deadline (connect, headers or body). */
export function deadlineError(node: INode, limit: { phase: 'answer' | 'body'; afterMs: number; message: string }, req: FailedRequest, option: string | undefined): NodeApiError {
	const message = `Dify at ${req.baseUrl} did not answer in time: ${limit.message}`;
	const description = option
		? `The request waited for the whole "${option}" set in the node's options (${seconds(limit.afterMs)}), then the connection was closed. Raise "${option}" if the app legitimately takes longer. Request: ${req.method} ${req.path}.`
		: `Every API call that is not a run gets ${seconds(limit.afterMs)} from the moment it is sent; Dify answers these in seconds, so Dify or a proxy in front of it is stuck. The connection was closed. Request: ${req.method} ${req.path}.`;
	const error = new NodeApiError(node, { message, limit_ms: limit.afterMs } as JsonObject, { message, description, itemIndex: req.itemIndex });
	return redactError(error, req.secret);
}

/** A JSON answer past the size limit: reading stopped and the socket was closed. */
export function bodyTooLargeError(node: INode, limit: { limitBytes: number; message: string }, req: FailedRequest): NodeApiError {
	const message = `Dify at ${req.baseUrl} sent an answer too large to read: ${limit.message}`;
	const description = `Reading stopped at the limit and the connection was closed. No legitimate Dify answer comes near it; check the Base URL points at Dify. Request: ${req.method} ${req.path}.`;
	const error = new NodeApiError(node, { message, limit_bytes: limit.limitBytes } as JsonObject, { message, description, itemIndex: req.itemIndex });
	return redactError(error, req.secret);
}
