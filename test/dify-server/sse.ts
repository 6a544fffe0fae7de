import type { Ctx } from './http';
import type { Frame } from './channel';
import type { ActiveStream } from './state';

export const PING_FRAME = 'event: ping\n\n';

/** How the family writes its `error` frame (docs/dify-behaviour.md, 'Error frames'); misbehaviour rules reuse it. */
export type ErrorEnvelope = (err: { code?: string; message: string; status: number }) => Frame;

export const chatErrorEnvelope =
	(ids: { conversation_id: string; message_id: string; created_at: number }): ErrorEnvelope =>
	(err) => ({ event: 'error', ...ids, ...withCode(err) });

export const completionErrorEnvelope =
	(ids: { message_id: string; created_at: number }): ErrorEnvelope =>
	(err) => ({ event: 'error', ...ids, ...withCode(err) });

export const workflowErrorEnvelope =
	(workflowRunId: string): ErrorEnvelope =>
	(err) => ({ event: 'error', workflow_run_id: workflowRunId, ...withCode(err) });

/** The worker-side frame of workflow/chatflow streams: no code, no ids. */
export const workerErrorFrame = (message: string): Frame => ({ event: 'error', message, status: 500 });

function withCode(err: { code?: string; message: string; status: number }): Frame {
	return err.code === undefined
		? { message: err.message, status: err.status }
		: { code: err.code, status: err.status, message: err.message };
}

/**
 * One `text/event-stream` response: `data: <compact json>\n\n` frames and `event: ping\n\n`
 * keep-alives on idle, with the frame-counting misbehaviour rules applied on the way out.
 */
export class SseStream implements ActiveStream {
	private frames = 0;
	private lastWrite = Date.now();
	private stopPings: (() => void) | null = null;
	private ended = false;
	private stalled = false;
	private readonly eventCounts = new Map<string, number>();
	/** Called when a drop rule cuts the stream (the run may hold its frames until a reattach). */
	onCut?: (frame: Frame) => void;

	constructor(
		private readonly ctx: Ctx,
		private readonly errorEnvelope: ErrorEnvelope,
	) {}

	get alive(): boolean {
		return !this.ended && this.ctx.out.alive;
	}

	open(): void {
		const { state } = this.ctx;
		this.ctx.out.head(200, {
			'Content-Type': 'text/event-stream; charset=utf-8',
			'Cache-Control': 'no-cache',
			Connection: 'keep-alive',
			'X-Accel-Buffering': 'no',
		});
		this.ctx.res.flushHeaders();
		state.streams.add(this);
		this.ctx.res.on('close', () => this.cleanup());
		const every = state.pingIntervalMs;
		this.stopPings = state.timers.every(every, () => {
			if (Date.now() - this.lastWrite >= every - 5) void this.ping();
		});
	}

	async ping(): Promise<void> {
		if (!this.alive) return;
		this.lastWrite = Date.now();
		await this.ctx.out.write(PING_FRAME);
	}

	/** Returns false once the stream no longer accepts frames (client gone, or a rule took over). */
	async send(frame: Frame): Promise<boolean> {
		if (!this.alive || this.stalled) return false;
		const rule = this.ctx.rule;
		const n = this.frames;
		if (rule) {
			if (rule.stallWithPingsAfterFrames === n) {
				this.stopPings?.();
				const every = rule.pingEveryMs ?? this.ctx.state.pingIntervalMs;
				this.stopPings = this.ctx.state.timers.every(every, () => void this.ping());
				return this.stall();
			}
			if (rule.stallSilentAfterFrames === n) {
				this.stopPings?.();
				this.stopPings = null;
				return this.stall();
			}
			const event = String(frame.event);
			const seen = (this.eventCounts.get(event) ?? 0) + 1;
			this.eventCounts.set(event, seen);
			const drop = rule.dropBeforeEvent;
			if (rule.dropAfterFrames === n || (drop && drop.event === event && (drop.occurrence ?? 1) === seen)) {
				if (rule.holdRunOnCut) this.onCut?.(frame);
				this.destroy();
				return false;
			}
			if (rule.endAfterFrames === n) {
				if (rule.holdRunOnCut) this.onCut?.(frame);
				await this.end();
				return false;
			}
			const errorRule = rule.errorFrameAfterFrames;
			if (errorRule && errorRule.after === n) {
				const status = errorRule.status ?? (errorRule.code === undefined ? 500 : 400);
				await this.writeFrame(this.errorEnvelope({ code: errorRule.code, message: errorRule.message, status }));
				await this.end();
				return false;
			}
		}
		await this.writeFrame(frame);
		this.frames += 1;
		return this.alive;
	}

	async end(): Promise<void> {
		this.cleanup();
		await this.ctx.out.end();
	}

	destroy(): void {
		this.cleanup();
		this.ctx.out.destroy();
	}

	private stall(): boolean {
		// Never finishes on its own: only the client, reset() or close() ends it.
		this.stalled = true;
		return false;
	}

	private async writeFrame(frame: Frame): Promise<void> {
		this.lastWrite = Date.now();
		this.ctx.state.onFrame?.(this.ctx.path, frame);
		await this.ctx.out.write(`data: ${JSON.stringify(frame)}\n\n`);
	}

	private cleanup(): void {
		this.ended = true;
		this.stopPings?.();
		this.stopPings = null;
		this.ctx.state.streams.delete(this);
	}
}

/** Forwards a run's frames to the client until the segment ends or the stream stops accepting. */
export async function pipeFrames(stream: SseStream, frames: AsyncIterableIterator<Frame>): Promise<void> {
	try {
		for await (const frame of frames) {
			if (!(await stream.send(frame))) return;
		}
		await stream.end();
	} finally {
		await frames.return?.();
	}
}
