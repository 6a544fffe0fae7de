import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { asNodeError } from '../transport/errors';
import { difyRequest, type DifyRequest, type DifyTarget } from '../transport/request';
import { streamEvents, type StreamState } from '../transport/stream';
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
 * Chat Trigger as it arrives. Tells the chat about a failure before rethrowing it.
 */
export async function readStream(
	this: IExecuteFunctions,
	target: DifyTarget,
	req: DifyRequest,
	family: StreamFamily,
	settings: StreamSettings,
	fold: EventFold,
	stopRequest: ((taskId: string) => DifyRequest) | undefined,
): Promise<StreamState> {
	const chat = new ChatStreamer(this, req.itemIndex ?? 0, settings.streamToChat);
	const state: StreamState = { seen: new Set() };
	try {
		for await (const event of streamEvents.call(
			this,
			target,
			{ ...req, abortSignal: this.getExecutionCancelSignal?.() },
			{ family, totalTimeoutMs: settings.totalTimeoutMs, silenceTimeoutMs: settings.silenceTimeoutMs, stopRequest },
			state,
		)) {
			await chat.text(fold.add(event));
		}
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
): Promise<void> {
	const settings = getStreamSettings.call(this, req.itemIndex ?? 0, options);
	// Dify refuses a generation over the app's concurrency limit before starting it: safe to resend.
	const generation: DifyRequest = { ...req, busyRetry: { maxWaitMs: settings.maxBusyWaitMs } };
	if (responseMode === 'blocking') {
		fold.addBlocking(await difyRequest.call(this, target, { ...generation, timeoutMs: settings.totalTimeoutMs, timeoutOption: 'Timeout' }));
		return;
	}
	await readStream.call(this, target, generation, family, settings, fold, stopRequest);
}
