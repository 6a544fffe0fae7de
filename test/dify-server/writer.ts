import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { MisbehaveRule } from './types';
import type { Timers } from './timers';

export interface ResponseTap {
	head(status: number, headers: OutgoingHttpHeaders): void;
	chunk(data: Buffer): void;
}

/**
 * Every byte of a response goes through here so that `splitAt` can cut the body at absolute
 * offsets (also inside a multi-byte character) and deliver the pieces as separate socket writes.
 */
export class ResponseWriter {
	private written = 0;
	private readonly splits: number[];
	private chain: Promise<void> = Promise.resolve();

	constructor(
		private readonly res: ServerResponse,
		private readonly timers: Timers,
		rule: MisbehaveRule | undefined,
		/** Sees the head and every byte written, when the server was started with `onResponse`. */
		private readonly tap?: ResponseTap,
	) {
		this.splits = [...new Set(rule?.splitAt ?? [])].filter((n) => n > 0).sort((a, b) => a - b);
	}

	get alive(): boolean {
		return !this.res.destroyed && !this.res.writableEnded;
	}

	get headersSent(): boolean {
		return this.res.headersSent;
	}

	head(status: number, headers: OutgoingHttpHeaders): void {
		if (this.res.headersSent) return;
		this.tap?.head(status, headers);
		this.res.writeHead(status, headers);
	}

	/** Resolves once the data (and the pauses between its split pieces) has been handed to the socket. */
	write(data: Buffer | string): Promise<void> {
		const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
		this.chain = this.chain.then(() => this.writeSplit(buf));
		return this.chain;
	}

	end(): Promise<void> {
		this.chain = this.chain.then(() => {
			if (this.alive) this.res.end();
		});
		return this.chain;
	}

	destroy(): void {
		this.res.socket?.destroy();
		this.res.destroy();
	}

	async json(status: number, body: unknown, headers: OutgoingHttpHeaders = {}): Promise<void> {
		const buf = Buffer.from(JSON.stringify(body), 'utf8');
		this.head(status, { 'Content-Type': 'application/json', 'Content-Length': buf.length, ...headers });
		await this.write(buf);
		await this.end();
	}

	async empty(status: number): Promise<void> {
		this.head(status, { 'Content-Length': 0 });
		await this.end();
	}

	private async writeSplit(buf: Buffer): Promise<void> {
		let offset = 0;
		while (offset < buf.length && this.alive) {
			const cut = this.splits.find((s) => s > this.written && s < this.written + (buf.length - offset));
			const size = cut === undefined ? buf.length - offset : cut - this.written;
			this.tap?.chunk(buf.subarray(offset, offset + size));
			this.res.write(buf.subarray(offset, offset + size));
			offset += size;
			this.written += size;
			// A few ms, not a macrotask: the client shares our event loop in jest and would merge the reads.
			if (this.splits.includes(this.written)) await this.timers.sleep(5);
		}
	}
}
