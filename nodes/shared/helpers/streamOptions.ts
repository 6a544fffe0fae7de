import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { DEFAULT_SILENCE_TIMEOUT_MS, DEFAULT_TOTAL_TIMEOUT_MS } from '../transport/stream';

/** Long enough for a batch above the app's limit to get through, short enough not to look hung. */
export const DEFAULT_MAX_BUSY_WAIT_S = 300;

export const responseModeField: INodeProperties = {
	displayName: 'Response Mode',
	name: 'responseMode',
	type: 'options',
	options: [
		{
			name: 'Streaming',
			value: 'streaming',
			description:
				'Read the answer as Dify produces it. Works for every app type (Agent apps accept nothing else) and for runs longer than the ~100 s limit of Dify Cloud\'s gateway.',
		},
		{
			name: 'Blocking',
			value: 'blocking',
			description: 'Wait for the whole answer in one response. Not supported by Agent apps; Dify Cloud cuts runs longer than ~100 s.',
		},
	],
	default: 'streaming',
	description: 'How to receive the answer. The node always outputs the complete answer either way.',
};

/** Options shared by every streaming operation. */
export const streamOptionFields: INodeProperties[] = [
	{
		displayName: 'Items at Once',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 32 },
		default: 1,
		description:
			'How many input items to send to Dify at the same time. Keep 1 for turns of one conversation (they must stay in order); raise it for independent runs. Above the app\'s limit of concurrent requests Dify refuses runs (too_many_requests) and the node waits for a free slot, see Max Wait When Dify Is Busy.',
	},
	{
		displayName: 'Max Wait When Dify Is Busy (Seconds)',
		name: 'maxBusyWait',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: DEFAULT_MAX_BUSY_WAIT_S,
		description:
			'When Dify refuses a run with too_many_requests (the app\'s limit of concurrent requests is reached; Dify has not started anything), wait and send it again, honouring Retry-After, for at most this long per item. 0 = fail at once. Quota errors (rate_limit_error) are never retried.',
	},
	{
		displayName: 'Stream to Chat',
		name: 'streamToChat',
		type: 'boolean',
		default: true,
		description:
			'Whether to forward the answer text as it arrives when the workflow was started by a Chat Trigger or a Webhook in "Streaming" response mode',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1800,
		description: 'Longest time a run may take before the node stops it and fails',
	},
	{
		displayName: 'Silence Timeout (Seconds)',
		name: 'silenceTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 300,
		description:
			'Longest time without an event from Dify before the node stops a streaming run. Keep-alive pings (every 10 s) do not count: a stream that only pings is stuck.',
	},
];

/** Workflow and chatflow runs only: chat and completion apps have no run to reattach to. */
export const reattachOptionField: INodeProperties = {
	displayName: 'Reattach After Disconnect',
	name: 'reattach',
	type: 'boolean',
	default: true,
	description:
		'Whether to reattach to the run when the stream is cut after the run started (a proxy, load balancer or network dropping the connection), instead of failing. The run is never sent again; Timeout still counts from the start. Off: a cut stream fails the item.',
};

export interface StreamSettings {
	/** Continue a cut workflow/chatflow stream through Dify's events route. */
	reattach: boolean;
	streamToChat: boolean;
	totalTimeoutMs: number;
	silenceTimeoutMs: number;
	/** Total wait allowed while Dify answers too_many_requests (generations only). */
	maxBusyWaitMs: number;
}

/** The stream options of item `i`; pass the item's Options when the operation has read them already. */
export function getStreamSettings(this: IExecuteFunctions, i: number, read?: object): StreamSettings {
	const options = (read ?? this.getNodeParameter('options', i, {})) as { reattach?: boolean; streamToChat?: boolean; timeout?: number; silenceTimeout?: number; maxBusyWait?: number };
	return {
		reattach: options.reattach !== false,
		streamToChat: options.streamToChat !== false,
		totalTimeoutMs: (options.timeout ?? DEFAULT_TOTAL_TIMEOUT_MS / 1000) * 1000,
		silenceTimeoutMs: (options.silenceTimeout ?? DEFAULT_SILENCE_TIMEOUT_MS / 1000) * 1000,
		maxBusyWaitMs: Math.max(0, Number(options.maxBusyWait ?? DEFAULT_MAX_BUSY_WAIT_S) || 0) * 1000,
	};
}

/** Forwards text to a streaming Chat Trigger / Webhook response, when n8n runs the workflow that way. */
export class ChatStreamer {
	private begun = false;

	private readonly enabled: boolean;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly itemIndex: number,
		wanted: boolean,
	) {
		const streaming = typeof ctx.isStreaming === 'function' && ctx.isStreaming();
		const asTool = typeof ctx.isToolExecution === 'function' && ctx.isToolExecution();
		this.enabled = wanted && streaming && !asTool;
	}

	async text(delta: string | undefined): Promise<void> {
		if (!this.enabled || !delta) return;
		if (!this.begun) {
			this.begun = true;
			await this.ctx.sendChunk('begin', this.itemIndex);
		}
		await this.ctx.sendChunk('item', this.itemIndex, delta);
	}

	async end(): Promise<void> {
		if (this.enabled && this.begun) await this.ctx.sendChunk('end', this.itemIndex);
	}

	async fail(message: string): Promise<void> {
		if (this.enabled && this.begun) await this.ctx.sendChunk('error', this.itemIndex, message);
	}
}
