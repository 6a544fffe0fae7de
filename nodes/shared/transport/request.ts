import { NodeOperationError, sleep } from 'n8n-workflow';
import type {
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
} from 'n8n-workflow';

import type { DifyCredentialType } from '../types';
import { normaliseBaseUrl } from './baseUrl';
import {
	BodyTooLargeError,
	DEFAULT_REQUEST_TIMEOUT_MS,
	DeadlineError,
	destroyBody,
	MAX_ERROR_BODY_BYTES,
	MAX_JSON_RESPONSE_BYTES,
	readBounded,
} from './limits';
import {
	difyApiError,
	findErrorCode,
	isWrongAppTypeCode,
	bodyTooLargeError,
	deadlineError,
	networkError,
	notDifyResponseError,
	type Advise,
	redirectError,
	type AppIdentity,
	type DifyErrorBody,
	type FailedRequest,
} from './errors';

/** Anything that may call Dify: an operation, a list search or resource mapper, a polling trigger. */
export type DifyContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

/** Who is calling: which credential to use, and the node's own reading of Dify's errors. */
export interface DifyTarget {
	credential: DifyCredentialType;
	advise?: Advise;
}

export interface DifyRequest {
	method: IHttpRequestMethods;
	/** Path below `/v1`, starting with a slash. */
	path: string;
	qs?: IDataObject;
	/** A JSON object, or a ready multipart body (bytes or a Readable) with its content type in `headers`. */
	body?: IDataObject | Buffer | StreamBody;
	headers?: Record<string, string>;
	/** The `user` sent, so "Conversation Not Exists" can say which one. */
	user?: string;
	itemIndex?: number;
	/** Total time allowed for the request, in ms (for a stream: until its headers). */
	timeoutMs?: number;
	/** The node option that sets `timeoutMs`, named in the error when it passes. */
	timeoutOption?: string;
	abortSignal?: AbortSignal;
	/**
	 * Generation POSTs only: wait and send again while Dify answers `too_many_requests` (the app's
	 * concurrency limit, refused before any work starts), for at most `maxWaitMs` in total.
	 */
	busyRetry?: { maxWaitMs: number };
}

/** A Node Readable (typed loosely: community nodes may not import `stream`). */
export type StreamBody = AsyncIterable<Buffer> & { pipe: unknown };

export interface RawResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
	/** Set when the busy back-off gave up: what it tried, for the error message. */
	busy?: BusyWait;
}

export interface BusyWait {
	waitedMs: number;
	attempts: number;
	maxWaitMs: number;
	/** The Retry-After that was larger than the wait left, when that is why it gave up. */
	retryAfterMs?: number;
}

export interface Connection {
	baseUrl: string;
	secret?: string;
	/** The decrypted credential, handed to n8n's request helper so it does not read and decrypt it again per request. */
	credential?: ICredentialsDecrypted;
}

/**
 * Connections read in this node run, by credential type. n8n reads a credential from its database and
 * decrypts it on every getCredentials call, and the credential cannot change during a run, so it is
 * read once per run (context) instead of once per request; a failed read is not kept.
 */
const connections = new WeakMap<object, Map<string, Promise<Connection>>>();

export async function getConnection(this: DifyContext, target: DifyTarget): Promise<Connection> {
	let byType = connections.get(this);
	if (!byType) {
		byType = new Map();
		connections.set(this, byType);
	}
	let connection = byType.get(target.credential);
	if (!connection) {
		const cache = byType;
		connection = readConnection.call(this, target);
		cache.set(target.credential, connection);
		connection.catch(() => cache.delete(target.credential));
	}
	return await connection;
}

async function readConnection(this: DifyContext, target: DifyTarget): Promise<Connection> {
	const credentials = await this.getCredentials(target.credential);
	return {
		baseUrl: normaliseBaseUrl(credentials.baseUrl as string),
		secret: typeof credentials.apiKey === 'string' ? credentials.apiKey : undefined,
		credential: { id: '', name: target.credential, type: target.credential, data: credentials },
	};
}

export function headerValue(headers: RawResponse['headers'], name: string): string {
	const value = headers[name] ?? headers[name.toLowerCase()];
	return Array.isArray(value) ? value.join(', ') : String(value ?? '');
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const MAX_RETRIES = 2;
/** Worth a second try; a refused connection or an unknown host will not heal in a second. */
const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE', 'ECONNABORTED']);

/**
 * The one place that sends a request to Dify. Errors are answered by Dify as JSON envelopes, so we
 * ask n8n not to throw on HTTP status and build actionable errors ourselves.
 */
export async function sendRaw(
	this: DifyContext,
	target: DifyTarget,
	conn: Connection,
	req: DifyRequest,
	responseEncoding: 'json' | 'stream',
): Promise<RawResponse> {
	assertSafePath(this, conn, req);
	const isRaw = Buffer.isBuffer(req.body) || isStream(req.body);
	const deadlineMs = req.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
	const options: IHttpRequestOptions = {
		method: req.method,
		url: `${conn.baseUrl}${req.path}`,
		qs: req.qs,
		headers: {
			...(responseEncoding === 'json' ? { Accept: 'application/json' } : {}),
			...(req.body !== undefined && !isRaw ? { 'Content-Type': 'application/json' } : {}),
			...req.headers,
		},
		body: req.body as IHttpRequestOptions['body'],
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		abortSignal: req.abortSignal,
		// Dify's API never redirects. Following one would send the key and the body to whatever host
		// the answer names (n8n re-attaches Authorization across origins), so a 3xx is an error instead.
		// It also keeps axios from buffering a streamed upload for a possible resend.
		disableFollowRedirect: true,
		sendCredentialsOnCrossOriginRedirect: false,
		// The body is always read here, within a size and time limit, never by axios into unbounded memory.
		encoding: 'stream',
	};
	// Only idempotent reads are retried: a repeated POST could run an app twice. The one exception is
	// a generation Dify refused before starting it (busyRetry).
	const retries = req.method === 'GET' ? MAX_RETRIES : 0;
	const busy = req.busyRetry && req.method === 'POST' && !isStream(req.body) ? { waitedMs: 0, attempts: 0 } : undefined;
	for (let attempt = 0; ; attempt++) {
		let response: RawResponse;
		const started = Date.now();
		try {
			// n8n replaces a request's abortSignal with the execution's cancel signal, so the deadline
			// until the answer's headers is axios' own wall-clock `timeout` (it stops counting once the
			// headers are in: the body is read below, within what is left).
			// Without the decrypted credential n8n reads it from its database and decrypts it for every
			// request; n8n may add pre-authentication data to it, so each request gets its own copy.
			const decrypted = conn.credential ? { credentialsDecrypted: { ...conn.credential, data: { ...conn.credential.data } } } : undefined;
			response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				target.credential,
				{ ...options, timeout: deadlineMs },
				decrypted,
			)) as RawResponse;
		} catch (error) {
			if (isTimeout(error) && Date.now() - started >= deadlineMs - 100) {
				throw deadlineError(this.getNode(), new DeadlineError('answer', deadlineMs), failed(target, conn, req), req.timeoutOption);
			}
			if (attempt < retries && !req.abortSignal?.aborted && TRANSIENT_NETWORK.has(findErrorCode(error) ?? '')) {
				await sleep(500 * 2 ** attempt);
				continue;
			}
			throw networkError(this.getNode(), error, failed(target, conn, req));
		}
		if (response.statusCode >= 300 && response.statusCode < 400) {
			destroyBody(response.body);
			throw redirectError(this.getNode(), response.statusCode, headerValue(response.headers, 'location'), failed(target, conn, req));
		}
		if (responseEncoding === 'json') {
			response = await readJsonBody(this, target, conn, req, response, deadlineMs - (Date.now() - started));
		}
		if (busy && response.statusCode === 429) {
			const refusal = await readRefusal(response);
			const maxWaitMs = req.busyRetry?.maxWaitMs ?? 0;
			const left = maxWaitMs - busy.waitedMs;
			// A Retry-After of 0 must not turn into a busy loop.
			let waitMs = refusal.retryAfterMs === undefined ? backoffMs(busy.attempts) : Math.max(refusal.retryAfterMs, 250);
			if (refusal.retryAfterMs === undefined) waitMs = Math.min(waitMs, left);
			const cancel = req.abortSignal ?? (this as Partial<IExecuteFunctions>).getExecutionCancelSignal?.();
			if (!refusal.retryable || waitMs > left || left <= 0 || cancel?.aborted) {
				if (!refusal.retryable) return refusal.response;
				return {
					...refusal.response,
					busy: { waitedMs: busy.waitedMs, attempts: busy.attempts + 1, maxWaitMs, retryAfterMs: waitMs > left ? refusal.retryAfterMs : undefined },
				};
			}
			busy.attempts += 1;
			busy.waitedMs += waitMs;
			await sleep(waitMs, cancel).catch(() => undefined);
			if (cancel?.aborted) return { ...refusal.response, busy: { ...busy, maxWaitMs } };
			continue;
		}
		if (attempt < retries && RETRYABLE_STATUS.has(response.statusCode)) {
			const retryAfter = Number(headerValue(response.headers, 'retry-after'));
			const waitMs = Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 10) * 1000 : 500 * 2 ** attempt;
			destroyBody(response.body);
			await sleep(waitMs);
			continue;
		}
		return response;
	}
}

/** axios' deadline error (n8n keeps its code on the error or its cause). */
function isTimeout(error: unknown): boolean {
	const code = findErrorCode(error);
	return code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout of \d+ms exceeded/i.test((error as Error | undefined)?.message ?? '');
}

/**
 * Reads a JSON answer within the request's deadline and MAX_JSON_RESPONSE_BYTES. The body becomes
 * the parsed JSON, or the text when it is not JSON (a proxy's page), as n8n's `json: true` did.
 */
async function readJsonBody(ctx: DifyContext, target: DifyTarget, conn: Connection, req: DifyRequest, response: RawResponse, leftMs: number): Promise<RawResponse> {
	const limit = response.statusCode >= 400 ? MAX_ERROR_BODY_BYTES : MAX_JSON_RESPONSE_BYTES;
	let bytes: Buffer;
	try {
		bytes = await readBounded(response.body, { maxBytes: limit, deadlineMs: Math.max(1, leftMs), overflow: response.statusCode >= 400 ? 'truncate' : 'fail' });
	} catch (error) {
		const total = req.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
		if (error instanceof DeadlineError) throw deadlineError(ctx.getNode(), new DeadlineError('body', total), failed(target, conn, req), req.timeoutOption);
		if (error instanceof BodyTooLargeError) throw bodyTooLargeError(ctx.getNode(), error, failed(target, conn, req));
		throw networkError(ctx.getNode(), error, failed(target, conn, req));
	}
	const text = bytes.toString('utf8');
	const parsed = text.trim() === '' ? undefined : parseMaybeJson(text);
	return { ...response, body: parsed ?? text };
}

/**
 * Every segment of a path must be a real segment: an empty, "." or ".." one (also percent-encoded)
 * is removed by the URL parser and turns the request into another endpoint, e.g. DELETE of a
 * document into DELETE of its knowledge base. The operations check their ID fields first; this
 * is the last line of defence for any path built from data.
 */
function assertSafePath(ctx: DifyContext, conn: Connection, req: DifyRequest): void {
	if (req.path === '/') return;
	const segments = req.path.split('?')[0].split('/').slice(1);
	const bad = segments.some((segment) => {
		const plain = segment.replace(/%2e/gi, '.');
		return plain === '' || plain === '.' || plain === '..';
	});
	if (!bad) return;
	throw new NodeOperationError(ctx.getNode(), `Refused to send ${req.method} ${req.path}: an ID in the address is empty, "." or ".."`, {
		itemIndex: req.itemIndex,
		description: `Such an ID would change which Dify endpoint is called. Check the ID fields of this operation (Base URL ${conn.baseUrl}).`,
	});
}

/** Exponential back-off with jitter between busy retries: 0.5 s, 1 s, 2 s … capped at 8 s, each ±50 %. */
export function backoffMs(attempt: number): number {
	const ceiling = Math.min(500 * 2 ** attempt, 8000);
	return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** Retry-After as seconds or as an HTTP date, in ms; undefined when absent or unreadable. */
export function retryAfterMs(headers: RawResponse['headers'], now = Date.now()): number | undefined {
	const raw = headerValue(headers, 'retry-after').trim();
	if (!raw) return undefined;
	if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
	const date = Date.parse(raw);
	return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/**
 * Whether a 429 to a generation may be sent again. Dify's `too_many_requests` is its concurrency
 * limiter, which refuses before any work starts (docs/dify-behaviour.md, 'Rate limits and concurrency'). A 429 without Dify's
 * envelope comes from a proxy in front of Dify, so Dify never saw the request; it is retried only
 * when the proxy says when (Retry-After), because a gateway's quota answers 429 too and does not heal
 * in seconds. Everything else, `rate_limit_error` (Dify Cloud's quota) included, is final.
 */
async function readRefusal(response: RawResponse): Promise<{ retryable: boolean; retryAfterMs?: number; response: RawResponse }> {
	const parsed = typeof response.body === 'object' && response.body !== null && !isStream(response.body) ? response.body : undefined;
	const text = parsed === undefined ? await readText(response.body) : '';
	const body = asErrorBody(parsed ?? parseMaybeJson(text));
	const after = retryAfterMs(response.headers);
	const consumed: RawResponse = { ...response, body: parsed ?? text };
	if (body) return { retryable: body.code === 'too_many_requests', retryAfterMs: after, response: consumed };
	return { retryable: after !== undefined, retryAfterMs: after, response: consumed };
}

export function failed(target: DifyTarget, conn: Connection, req: DifyRequest, app?: AppIdentity): FailedRequest {
	return {
		baseUrl: conn.baseUrl,
		method: req.method,
		path: req.path,
		user: req.user,
		itemIndex: req.itemIndex,
		advise: target.advise,
		secret: conn.secret,
		app,
	};
}

/**
 * Reads a small (error) body: at most `maxBytes` and `deadlineMs`, then the socket is closed and
 * what arrived is returned. Streamed error bodies are tiny JSON or HTML pages.
 */
export async function readText(body: unknown, maxBytes = MAX_ERROR_BODY_BYTES, deadlineMs = 30_000): Promise<string> {
	if (body === undefined || body === null) return '';
	if (typeof body === 'string') return body;
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
		return (await readBounded(body, { maxBytes, deadlineMs, overflow: 'truncate' })).toString('utf8');
	}
	return JSON.stringify(body);
}

function asErrorBody(value: unknown): DifyErrorBody | undefined {
	if (value && typeof value === 'object' && !Array.isArray(value)) {
		const body = value as DifyErrorBody & { error?: unknown };
		if (typeof body.message === 'string' || typeof body.code === 'string') return body;
		// Chunk endpoints answer schema errors as {"error": "<text>"} (docs/dify-behaviour.md, 'Chunks and child chunks'), with no code.
		if (typeof body.error === 'string') return { message: body.error };
	}
	return undefined;
}

export function parseMaybeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/** The app's mode and name (GET /info), to name the right node when Dify says the key is for another app type. */
export async function lookUpApp(this: DifyContext, target: DifyTarget, conn: Connection): Promise<AppIdentity | undefined> {
	try {
		const info = await sendRaw.call(this, target, conn, { method: 'GET', path: '/info' }, 'json');
		const body = info.body as IDataObject | undefined;
		if (info.statusCode !== 200 || typeof body?.mode !== 'string') return undefined;
		return { mode: body.mode, name: typeof body.name === 'string' ? body.name : undefined };
	} catch {
		return undefined;
	}
}

/** Builds the error for a non-2xx (or non-JSON) response. */
export async function errorFromResponse(
	this: DifyContext,
	target: DifyTarget,
	conn: Connection,
	req: DifyRequest,
	response: RawResponse,
): Promise<Error> {
	const contentType = headerValue(response.headers, 'content-type');
	const parsed =
		typeof response.body === 'object' && response.body !== null && !isStream(response.body)
			? response.body
			: undefined;
	const text = parsed === undefined ? await readText(response.body) : '';
	const body = asErrorBody(parsed ?? parseMaybeJson(text));
	if (!body) {
		return notDifyResponseError(this.getNode(), response.statusCode, contentType, { ...failed(target, conn, req), busy: response.busy }, text);
	}
	const app = isWrongAppTypeCode(body.code) ? await lookUpApp.call(this, target, conn) : undefined;
	return difyApiError(this.getNode(), body, response.statusCode, { ...failed(target, conn, req, app), busy: response.busy });
}

export function isStream(value: unknown): boolean {
	return (
		!!value &&
		typeof value === 'object' &&
		typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function' &&
		!Buffer.isBuffer(value)
	);
}

/** A JSON request: returns Dify's parsed body (undefined for 204). */
export async function difyRequest(this: DifyContext, target: DifyTarget, req: DifyRequest): Promise<IDataObject> {
	const conn = await getConnection.call(this, target);
	const response = await sendRaw.call(this, target, conn, req, 'json');
	if (response.statusCode >= 400) {
		throw await errorFromResponse.call(this, target, conn, req, response);
	}
	if (response.statusCode === 204) return {};
	let body = response.body;
	if (typeof body === 'string') {
		const parsed = parseMaybeJson(body);
		if (parsed === undefined && body.trim() !== '') {
			throw notDifyResponseError(
				this.getNode(),
				response.statusCode,
				headerValue(response.headers, 'content-type'),
				failed(target, conn, req),
				body,
			);
		}
		body = parsed;
	}
	return body as IDataObject;
}
