import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { asNodeError } from '../transport/errors';
import { difyRequest, type DifyRequest, type DifyTarget } from '../transport/request';
import { StreamCutError, streamEvents, type StreamState } from '../transport/stream';
import { backOff, eventsRequest, gaveUp, MAX_ATTEMPTS_WITHOUT_PROGRESS, ReplayFilter, type ReattachPlan } from './reattach';
import type { StreamFamily } from '../types';
import { ChatStreamer, getStreamSettings, type StreamSettings } from './streamOptions';

/** Folds Dify's events (or a blocking answer) into one result; `add` returns text to forward to n8n Chat. */
export interface EventFold {
	add(event: IDataObject): string | undefined;
	addBlocking(body: IDataObject): void;
}

/** The stop call for a task (docs/dify-behaviour.md, 'Stopping a task'): Dify reads a JSON body with `user` on every stop endpoint. */
export function stopRequestFor(base: string, user: string): (taskId: string) => DifyRequest {
	return (taskId) => ({ method: 'POST', path: `${base}/${encodeURIComponent(taskId)}/stop`, body: { user }, user });
}

/**
 * Reads a stream (a new run, or a reattached one) into `fold`, forwarding answer text to a streaming
 * Chat Trigger as it arrives. Tells the chat about a failure before rethrowing it. With a `reattach`
 * plan, a stream cut after the run started is continued through Dify's events route (never by
 * sending the generation again), within the same Timeout.
 */
export async function readStream(
	this: IExecuteFunctions,
	target: DifyTarget,
	req: DifyRequest,
	family: StreamFamily,
	settings: StreamSettings,
	fold: EventFold,
	stopRequest: ((taskId: string) => DifyRequest) | undefined,
	reattach?: ReattachPlan,
): Promise<StreamState> {
	const chat = new ChatStreamer(this, req.itemIndex ?? 0, settings.streamToChat);
	const state: StreamState = { seen: new Set() };
	const signal = this.getExecutionCancelSignal?.();
	const deadline = Date.now() + settings.totalTimeoutMs;
	const filter = reattach ? new ReplayFilter() : undefined;
	let current = req;
	let attempts = 0;
	try {
		for (;;) {
			try {
				for await (const event of streamEvents.call(
					this,
					target,
					{ ...current, abortSignal: signal },
					{
						family,
						totalTimeoutMs: Math.max(1, deadline - Date.now()),
						silenceTimeoutMs: settings.silenceTimeoutMs,
						stopRequest,
						keepRunOnCut: reattach !== undefined,
					},
					state,
				)) {
					if (!filter || filter.accept(event)) await chat.text(fold.add(event));
				}
				break;
			} catch (error) {
				const runId = state.workflowRunId;
				if (!reattach || !filter || !runId) throw asNodeError(this.getNode(), error, req.itemIndex);
				if (current !== req && error instanceof NodeApiError && error.httpCode === '404') {
					await reattach.refused.call(this, runId, deadline, error);
					break;
				}
				if (!(error instanceof StreamCutError)) throw asNodeError(this.getNode(), error, req.itemIndex);
				attempts = current === req || filter.madeProgress ? 1 : attempts + 1;
				if (attempts > MAX_ATTEMPTS_WITHOUT_PROGRESS) throw gaveUp.call(this, runId, attempts - 1, error, req.itemIndex);
				await backOff(attempts, deadline, signal);
				if (signal?.aborted) throw asNodeError(this.getNode(), error, req.itemIndex);
				current = eventsRequest(runId, req);
				filter.reconnect();
			}
		}
		if (filter?.gap && reattach?.afterGap) await reattach.afterGap.call(this, state);
	} catch (error) {
		await chat.fail((error as Error).message);
		throw asNodeError(this.getNode(), error, req.itemIndex);
	}
	if (state.blockingBody) fold.addBlocking(state.blockingBody);
	await chat.end();
	return state;
}

/** Sends a generation request (chat, completion, workflow run) in the chosen response mode. */
export async function generate(
	this: IExecuteFunctions,
	target: DifyTarget,
	req: DifyRequest,
	responseMode: 'streaming' | 'blocking',
	family: StreamFamily,
	fold: EventFold,
	stopRequest: (taskId: string) => DifyRequest,
	/** The item's Options, when the operation has read them already (one parameter read less per item). */
	options?: object,
	/** Workflow and chatflow runs: how to continue when the stream is cut (unless the option is off). */
	reattach?: ReattachPlan,
): Promise<void> {
	const settings = getStreamSettings.call(this, req.itemIndex ?? 0, options);
	// Dify refuses a generation over the app's concurrency limit before starting it: safe to resend.
	const generation: DifyRequest = { ...req, busyRetry: { maxWaitMs: settings.maxBusyWaitMs } };
	if (responseMode === 'blocking') {
		fold.addBlocking(await difyRequest.call(this, target, { ...generation, timeoutMs: settings.totalTimeoutMs, timeoutOption: 'Timeout' }));
		return;
	}
	await readStream.call(this, target, generation, family, settings, fold, stopRequest, settings.reattach ? reattach : undefined);
}
