import { sleep } from 'n8n-workflow';

/** How long one API call that is not a run may take, from the moment it is sent to its last byte. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 300_000;
/**
 * The largest JSON answer read from Dify. Its biggest legitimate answers (a blocking workflow run
 * with large outputs, a page of 100 chunks) are a few MB; anything past this is a broken server.
 */
export const MAX_JSON_RESPONSE_BYTES = 128 * 1024 * 1024;
/** Error bodies are only sampled for the message: Dify's are tiny JSON envelopes or a proxy's HTML page. */
export const MAX_ERROR_BODY_BYTES = 1024 * 1024;

/** Thrown when a body is larger than the limit allowed for it; the socket is already destroyed. */
export class BodyTooLargeError extends Error {
	constructor(readonly limitBytes: number) {
		super(`the answer was larger than ${formatBytes(limitBytes)}`);
	}
}

/** Thrown when a request's deadline passed; the socket is already destroyed. */
export class DeadlineError extends Error {
	constructor(
		readonly phase: 'answer' | 'body',
		readonly afterMs: number,
	) {
		super(phase === 'answer' ? `no answer within ${afterMs / 1000} s` : `the answer did not finish within ${afterMs / 1000} s`);
	}
}

export function formatBytes(bytes: number): string {
	if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
	if (bytes >= 1024) return `${Math.round(bytes / 102.4) / 10} KB`;
	return `${bytes} bytes`;
}

/** A timer that calls `onFire` after `ms` unless stopped first; one pending timer, no global setTimeout. */
export function armTimer(ms: number, onFire: () => void): () => void {
	const stop = new AbortController();
	void sleep(Math.max(1, ms), stop.signal).then(onFire, () => undefined);
	return () => stop.abort();
}

/**
 * An AbortController that also aborts when `outer` does (the execution's cancel signal). Not
 * AbortSignal.any: Node may collect such a combined signal while a request still waits on it, and
 * then it never fires.
 */
export function linkedAbort(outer: AbortSignal | undefined): AbortController & { unlink: () => void } {
	const controller = new AbortController() as AbortController & { unlink: () => void };
	const forward = () => controller.abort();
	if (outer?.aborted) controller.abort();
	else outer?.addEventListener('abort', forward, { once: true });
	controller.unlink = () => outer?.removeEventListener('abort', forward);
	return controller;
}

type Destroyable = { destroy?: (error?: Error) => void };

/** Closes a response body's socket: the only way to stop a server that keeps sending. */
export function destroyBody(body: unknown): void {
	const destroy = (body as Destroyable | undefined)?.destroy;
	if (typeof destroy === 'function') destroy.call(body);
}

export interface ReadLimits {
	maxBytes: number;
	/** Time allowed for the whole body, from now. */
	deadlineMs?: number;
	/** 'truncate': return the first maxBytes and close the socket (error samples); 'fail': throw BodyTooLargeError. */
	overflow: 'truncate' | 'fail';
}

/**
 * Reads a response body into memory within a size and a time limit. Bytes are counted as they
 * arrive; past a limit the socket is destroyed, so an endless body neither grows memory nor keeps
 * the node waiting.
 */
export async function readBounded(body: unknown, limits: ReadLimits): Promise<Buffer> {
	if (body === undefined || body === null) return Buffer.alloc(0);
	if (Buffer.isBuffer(body)) return body;
	if (typeof body === 'string') return Buffer.from(body, 'utf8');
	if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function') return Buffer.from(JSON.stringify(body), 'utf8');
	const parts: Buffer[] = [];
	let size = 0;
	let timedOut = false;
	let overflowed = false;
	let failure: unknown;
	const stop = limits.deadlineMs === undefined ? () => undefined : armTimer(limits.deadlineMs, () => {
		timedOut = true;
		destroyBody(body);
	});
	try {
		for await (const chunk of body as AsyncIterable<Buffer | string>) {
			const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
			if (size + buf.length > limits.maxBytes) {
				if (limits.overflow === 'truncate') parts.push(buf.subarray(0, limits.maxBytes - size));
				overflowed = true;
				destroyBody(body);
				break;
			}
			parts.push(buf);
			size += buf.length;
		}
	} catch (error) {
		failure = error;
	} finally {
		stop();
	}
	if (overflowed && limits.overflow === 'fail') throw new BodyTooLargeError(limits.maxBytes);
	if (timedOut) {
		if (limits.overflow === 'fail') throw new DeadlineError('body', limits.deadlineMs ?? 0);
	} else if (failure !== undefined) {
		throw new BodyReadError(failure);
	}
	return Buffer.concat(parts);
}

/** The connection failed while a body was read; `cause` is the socket's error. */
export class BodyReadError extends Error {
	constructor(readonly cause: unknown) {
		super(cause instanceof Error ? cause.message : 'the connection failed while reading');
	}
}
