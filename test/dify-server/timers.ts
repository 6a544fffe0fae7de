/**
 * All timers of one server instance, so close() can cancel every one of them and jest exits
 * without --forceExit. A sleep cancelled by close() never resolves: its producer simply stops.
 */
export class Timers {
	private readonly timeouts = new Set<NodeJS.Timeout>();
	private readonly intervals = new Set<NodeJS.Timeout>();
	private closed = false;

	get isClosed(): boolean {
		return this.closed;
	}

	sleep(ms: number): Promise<void> {
		if (this.closed) return new Promise(() => undefined);
		if (ms <= 0) return new Promise((resolve) => setImmediate(resolve));
		return new Promise((resolve) => {
			const t = setTimeout(() => {
				this.timeouts.delete(t);
				resolve();
			}, ms);
			this.timeouts.add(t);
		});
	}

	every(ms: number, fn: () => void): () => void {
		const t = setInterval(fn, ms);
		this.intervals.add(t);
		return () => {
			clearInterval(t);
			this.intervals.delete(t);
		};
	}

	clearAll(): void {
		for (const t of this.timeouts) clearTimeout(t);
		for (const t of this.intervals) clearInterval(t);
		this.timeouts.clear();
		this.intervals.clear();
	}

	close(): void {
		this.closed = true;
		this.clearAll();
	}
}
