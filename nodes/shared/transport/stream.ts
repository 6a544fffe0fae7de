import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';
import type { IDataObject, JsonObject } from 'n8n-workflow';

import type { StreamFamily } from '../types';
import { asNodeError, describeNetworkFailure, difyApiError, redact, redactError } from './errors';
import {
	errorFromResponse,
	failed,
	getConnection,
	headerValue,
	parseMaybeJson,
	readText,
	sendRaw,
	type Connection,
	type DifyContext,
	type DifyRequest,
	type DifyTarget,
} from './request';
import { MAX_JSON_RESPONSE_BYTES } from './limits';
import { parseSse, SseLimitError, type SseFrame } from './sse';

export type DifyEvent = IDataObject & { event: string };

/** Dify's own API gives up after 300 s without a frame from its worker (docs/dify-behaviour.md, 'Stream format'). */
export const DEFAULT_SILENCE_TIMEOUT_MS = 300_000;
/** Dify stops apps after 1200 s by default (APP_MAX_EXECUTION_TIME); leave room for queueing. */
export const DEFAULT_TOTAL_TIMEOUT_MS = 1_800_000;

export interface StreamOptions {
	family: StreamFamily;
	silenceTimeoutMs?: number;
	totalTimeoutMs?: number;
	/** How to stop the Dify task when we give up on it (timeout or cancelled execution). */
	stopRequest?: (taskId: string) => DifyRequest;
	/** The caller reattaches to the run when the connection drops: a cut must not stop the task. */
	keepRunOnCut?: boolean;
}

/** What the stream told us so far, for stop calls, resume hints and error messages. */
export interface StreamState {
	taskId?: string;
	workflowRunId?: string;
	conversationId?: string;
	messageId?: string;
	lastEvent?: string;
	seen: Set<string>;
	/** Set when Dify answered a JSON document instead of a stream (e.g. an old proxy or server). */
	blockingBody?: IDataObject;
}

/** When each family's run is complete (docs/dify-behaviour.md, 'Stream order per app type'); chatflow order of the two events changed in 1.13.1. */
function isComplete(family: StreamFamily, seen: Set<string>): boolean {
	switch (family) {
		case 'chat':
		case 'completion':
			return seen.has('message_end');
		case 'workflow':
			return seen.has('workflow_finished') || seen.has('workflow_paused');
		case 'chatflow':
			return seen.has('workflow_paused') || (seen.has('workflow_finished') && seen.has('message_end'));
		case 'datasource':
			// Online documents and drives may send several results: only the end of the stream ends the run.
			return false;
	}
}

/** The run itself is over even if a trailing event is missing (chatflow failures end without message_end). */
function runFinished(family: StreamFamily, seen: Set<string>): boolean {
	if (family === 'chatflow') return seen.has('workflow_finished') || seen.has('workflow_paused');
	if (family === 'datasource') return seen.has('datasource_completed');
	return isComplete(family, seen);
}

export class StreamTimeoutError extends Error {
	constructor(
		readonly kind: 'silence' | 'total',
		readonly afterMs: number,
	) {
		super(kind === 'silence' ? `no data for ${afterMs / 1000} s` : `run exceeded ${afterMs / 1000} s`);
	}
}

const TICK: unique symbol = Symbol('tick');

/**
 * Yields SSE frames and enforces two clocks: total run time, and silence — time without an event
 * the caller could parse (it moves `clock.lastProgress`). Keep-alive pings and garbage do not count as progress: a stream that only pings is stuck (a known
 * Dify/proxy failure), and Dify itself gives up after 300 s without worker frames. One timer runs
 * at a time and is re-armed lazily, so thousands of events do not create thousands of timers.
 *
 * No Promise.race against the timer: each race leaves a reaction on the (long pending) timer promise
 * that keeps the race's result, i.e. every frame, alive until the timer fires, so a 200 MB stream
 * stayed in memory. The timer sets a flag and wakes the one waiter instead.
 */
async function* guard(
	frames: AsyncGenerator<SseFrame>,
	body: unknown,
	silenceMs: number,
	totalMs: number,
	signal: AbortSignal | undefined,
	started: number,
	clock: { lastProgress: number },
): AsyncGenerator<SseFrame> {
	const stopTimers = new AbortController();
	let ticked = false;
	let wake: (() => void) | undefined;
	const arm = (ms: number): void => {
		void sleep(Math.max(1, ms), stopTimers.signal).then(
			() => {
				ticked = true;
				wake?.();
			},
			() => undefined,
		);
	};
	arm(Math.min(silenceMs - (Date.now() - clock.lastProgress), totalMs - (Date.now() - started)));
	let pending: Promise<IteratorResult<SseFrame>> | undefined;
	try {
		while (true) {
			const next = (pending ??= frames.next());
			const result = ticked
				? TICK
				: await new Promise<IteratorResult<SseFrame> | typeof TICK>((resolve, reject) => {
						wake = () => resolve(TICK);
						next.then(resolve, reject);
					});
			wake = undefined;
			if (result === TICK) {
				ticked = false;
				const now = Date.now();
				if (now - started >= totalMs) throw new StreamTimeoutError('total', totalMs);
				if (now - clock.lastProgress >= silenceMs) throw new StreamTimeoutError('silence', silenceMs);
				arm(Math.min(silenceMs - (now - clock.lastProgress), totalMs - (now - started)));
				continue;
			}
			pending = undefined;
			if (result.done) return;
			if (signal?.aborted) throw new Error('The execution was cancelled');
			yield result.value;
		}
	} finally {
		stopTimers.abort();
		// Closing the socket ends the pending read and frees the connection.
		const destroy = (body as { destroy?: () => void } | undefined)?.destroy;
		if (typeof destroy === 'function') destroy.call(body);
		void frames.return(undefined).catch(() => undefined);
	}
}

/** Data frames in a row that are not JSON events before the stream is given up. */
export const MAX_UNPARSEABLE_FRAMES = 50;

function unparseableError(ctx: DifyContext, secret: string | undefined, req: DifyRequest, run: { count: number; first: string }): NodeApiError {
	const message = `Dify's stream sent ${run.count} data frames in a row that are not Dify events`;
	return redactError(
		new NodeApiError(ctx.getNode(), { message } as JsonObject, {
			message,
			description: `The first one began with: ${JSON.stringify(run.first)}. Each event of Dify's stream is a JSON object with an "event" field; check that the Base URL points at Dify and not at a proxy that rewrites the stream. Request: ${req.method} ${req.path}.`,
			itemIndex: req.itemIndex,
		}),
		secret,
	);
}

function ids(state: StreamState): string {
	const parts = [
		state.taskId && `task_id ${state.taskId}`,
		state.workflowRunId && `workflow_run_id ${state.workflowRunId}`,
		state.conversationId && `conversation_id ${state.conversationId}`,
	].filter(Boolean);
	return parts.length ? ` (${parts.join(', ')})` : '';
}

/**
 * Sends a streaming request and yields Dify's data events one by one, as they arrive. Throws a
 * NodeApiError for HTTP errors, JSON errors sent instead of a stream and `error` frames; throws
 * when the stream ends before the family's terminal event, so a cut stream never looks like success.
 */
export async function* streamEvents(
	this: DifyContext,
	target: DifyTarget,
	req: DifyRequest,
	options: StreamOptions,
	state: StreamState = { seen: new Set() },
): AsyncGenerator<DifyEvent> {
	const conn: Connection = await getConnection.call(this, target);
	const silenceMs = options.silenceTimeoutMs ?? DEFAULT_SILENCE_TIMEOUT_MS;
	const totalMs = options.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS;
	// Both clocks run from the moment the request is sent: a server that accepts the connection and
	// never answers is as stuck as one that stops sending frames.
	const started = Date.now();
	const firstByteMs = Math.min(silenceMs, totalMs);
	const response = await sendRaw.call(this, target, conn, { ...req, timeoutMs: req.timeoutMs ?? firstByteMs, timeoutOption: req.timeoutOption ?? (silenceMs <= totalMs ? 'Silence Timeout' : 'Timeout') }, 'stream');
	if (response.statusCode >= 400) {
		throw await errorFromResponse.call(this, target, conn, req, response);
	}
	const contentType = headerValue(response.headers, 'content-type');
	if (!/text\/event-stream/i.test(contentType)) {
		// Errors can arrive as JSON with status 200 from some proxies; a JSON answer is a blocking one.
		// Read within the same clocks and a size limit: an endless body must not keep the node waiting.
		const text = await readText(response.body, MAX_JSON_RESPONSE_BYTES, Math.max(1, Math.min(silenceMs, totalMs - (Date.now() - started))));
		const parsed = parseMaybeJson(text);
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
			const body = parsed as IDataObject;
			if (typeof body.code === 'string' && typeof body.message === 'string' && !('answer' in body)) {
				throw difyApiError(this.getNode(), body, response.statusCode, failed(target, conn, req));
			}
			state.blockingBody = body;
			return;
		}
		throw await errorFromResponse.call(this, target, conn, req, { ...response, statusCode: response.statusCode, body: text });
	}

	const clock = { lastProgress: started };
	const frames = guard(parseSse(response.body as AsyncIterable<Uint8Array>), response.body, silenceMs, totalMs, req.abortSignal, started, clock);
	let unparsed: { count: number; first: string } | undefined;
	try {
		for await (const frame of frames) {
			if (frame.data === undefined) continue; // `event: ping` and other data-less frames
			const event = parseMaybeJson(frame.data) as DifyEvent | undefined;
			if (!event || typeof event !== 'object' || typeof event.event !== 'string') {
				// Not progress: a stream of garbage must not keep the run alive until the total timeout.
				unparsed ??= { count: 0, first: frame.data.slice(0, 120) };
				unparsed.count += 1;
				if (unparsed.count >= MAX_UNPARSEABLE_FRAMES) throw unparseableError(this, conn.secret, req, unparsed);
				continue;
			}
			unparsed = undefined;
			clock.lastProgress = Date.now();
			state.lastEvent = event.event;
			if (typeof event.task_id === 'string') state.taskId ??= event.task_id;
			if (typeof event.workflow_run_id === 'string') state.workflowRunId ??= event.workflow_run_id;
			if (typeof event.conversation_id === 'string' && event.conversation_id) state.conversationId ??= event.conversation_id;
			if (typeof event.message_id === 'string') state.messageId ??= event.message_id;
			if (event.event === 'error' || event.event === 'datasource_error') {
				// A datasource node reports its failure as `datasource_error` with the reason in `error` (docs/dify-behaviour.md, 'Knowledge Pipeline runs').
				const message = (event.event === 'error' ? event.message : event.error) as string | undefined;
				throw difyApiError(
					this.getNode(),
					{ code: event.code as string | undefined, message, status: event.status as number | undefined },
					undefined,
					{ ...failed(target, conn, req), path: `${req.path} (stream${ids(state)})` },
				);
			}
			state.seen.add(event.event);
			yield event;
			if (isComplete(options.family, state.seen)) return;
		}
	} catch (error) {
		const cancelled = req.abortSignal?.aborted === true;
		const cut = !cancelled && !(error instanceof StreamTimeoutError || error instanceof NodeApiError || error instanceof NodeOperationError);
		if (state.taskId && options.stopRequest && !runFinished(options.family, state.seen) && !(cut && options.keepRunOnCut)) {
			// Best effort: an abandoned task would otherwise keep running (and billing) in Dify.
			await sendRaw.call(this, target, conn, { ...options.stopRequest(state.taskId), abortSignal: undefined }, 'json').catch(() => undefined);
		}
		if (error instanceof SseLimitError) {
			throw new NodeOperationError(this.getNode(), `Dify's stream was refused: ${error.message}${ids(state)}`, {
				itemIndex: req.itemIndex,
				description: `Reading stopped and the connection was closed. Dify's largest events (a workflow's outputs in workflow_finished) stay far below this limit, so the server at the Base URL is not answering like Dify. The task was asked to stop.`,
			});
		}
		if (error instanceof StreamTimeoutError) {
			throw new NodeOperationError(this.getNode(), redact(`Dify stream timed out: ${error.message}${ids(state)}`, conn.secret), {
				itemIndex: req.itemIndex,
				description:
					error.kind === 'silence'
						? 'Dify sent no event (only keep-alive pings, or nothing) for that long, so the run is stuck or the connection is dead. The task was asked to stop. Raise "Silence Timeout" in the options if a step of your app legitimately takes longer.'
						: 'The run took longer than the "Timeout" option allows. The task was asked to stop. Raise the timeout for long runs.',
			});
		}
		if (cancelled && !(error instanceof NodeApiError || error instanceof NodeOperationError)) {
			throw new NodeOperationError(this.getNode(), `The execution was cancelled while reading Dify's stream${ids(state)}`, { itemIndex: req.itemIndex });
		}
		// A socket reset while reading: same outcome as a stream cut before its end.
		if (cut) {
			throw cutShort(this, state, req, `the connection was interrupted (${describeNetworkFailure(error)})`);
		}
		throw asNodeError(this.getNode(), error, req.itemIndex);
	}
	if (runFinished(options.family, state.seen)) return;
	throw cutShort(this, state, req, 'the connection was closed');
}

/** The stream ended before the run did (closed or reset connection): the run may still be going. */
export class StreamCutError extends NodeOperationError {}

function cutShort(ctx: DifyContext, state: StreamState, req: DifyRequest, how: string): NodeOperationError {
	return new StreamCutError(
		ctx.getNode(),
		`Dify's stream ended before the run finished: ${how}${state.lastEvent ? `, last event ${state.lastEvent}` : ''}${ids(state)}`,
		{
			itemIndex: req.itemIndex,
			description:
				'The connection was closed early, by Dify, a proxy or the network. The answer is incomplete, so it is not returned as a success. For workflow and chatflow runs, check the outcome with the "Get Run" operation.',
		},
	);
}
