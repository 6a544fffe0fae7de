export type Frame = Record<string, unknown>;

type Item = { frame: Frame } | { segmentEnd: true };

/**
 * The pub/sub between a running generation and whoever listens (the streaming response, a blocking
 * waiter, a reattached `/workflow/{id}/events` stream). Like Dify since 1.13, the run does not
 * depend on its HTTP response: a dropped or stalled client leaves the run going.
 *
 * A segment is one stretch of execution: start → pause, or resume → finish. A subscriber joining
 * mid-segment first receives the frames of the current segment, so reattaching is deterministic.
 */
export class RunChannel {
	private segment: Frame[] = [];
	private ended = false;
	private readonly listeners = new Set<(item: Item) => void>();
	private endWaiters: (() => void)[] = [];
	private held: Item[] | undefined;

	/** While held, published frames wait (a client cut away; the run goes on when someone reattaches). */
	get holding(): boolean {
		return this.held !== undefined;
	}

	/**
	 * Holds the run from `from` on (the frame a cut client did not get): it and every later frame,
	 * even ones already published, wait for `release`, as if the run were still at that point.
	 */
	hold(from: Frame): void {
		if (this.held) return;
		const index = this.segment.indexOf(from);
		if (index < 0) return;
		this.held = this.segment.splice(index).map((frame): Item => ({ frame }));
		if (this.ended) {
			this.held.push({ segmentEnd: true });
			this.ended = false;
		}
	}

	release(): void {
		const held = this.held;
		this.held = undefined;
		for (const item of held ?? []) {
			if ('frame' in item) this.publish(item.frame);
			else this.endSegment();
		}
	}

	get segmentEnded(): boolean {
		return this.ended;
	}

	/** Called synchronously when a paused run is resumed, so a reattach right after sees the new segment. */
	beginSegment(): void {
		this.segment = [];
		this.ended = false;
	}

	publish(frame: Frame): void {
		if (this.held) {
			this.held.push({ frame });
			return;
		}
		if (this.ended) this.beginSegment();
		this.segment.push(frame);
		for (const l of [...this.listeners]) l({ frame });
	}

	endSegment(): void {
		if (this.held) {
			this.held.push({ segmentEnd: true });
			return;
		}
		this.ended = true;
		for (const l of [...this.listeners]) l({ segmentEnd: true });
		const waiters = this.endWaiters;
		this.endWaiters = [];
		for (const w of waiters) w();
	}

	waitSegmentEnd(): Promise<void> {
		if (this.ended) return Promise.resolve();
		return new Promise((resolve) => this.endWaiters.push(resolve));
	}

	/**
	 * Frames of the current segment, then live ones. Stops at the segment end unless
	 * `acrossSegments` (then only the consumer decides when to stop).
	 */
	subscribe(opts: { replay: boolean; acrossSegments: boolean }): AsyncIterableIterator<Frame> {
		const queue: Item[] = [];
		let wake: (() => void) | null = null;
		let done = false;
		const listener = (item: Item) => {
			queue.push(item);
			wake?.();
		};
		if (opts.replay) {
			for (const frame of this.segment) queue.push({ frame });
			if (this.ended) queue.push({ segmentEnd: true });
		}
		this.listeners.add(listener);
		const finish = () => {
			done = true;
			this.listeners.delete(listener);
		};
		const iterator: AsyncIterableIterator<Frame> = {
			[Symbol.asyncIterator]() {
				return iterator;
			},
			async next(): Promise<IteratorResult<Frame>> {
				for (;;) {
					if (done) return { done: true, value: undefined };
					const item = queue.shift();
					if (item) {
						if ('frame' in item) return { done: false, value: item.frame };
						if (!opts.acrossSegments) {
							finish();
							return { done: true, value: undefined };
						}
						continue;
					}
					await new Promise<void>((resolve) => (wake = resolve));
					wake = null;
				}
			},
			async return(): Promise<IteratorResult<Frame>> {
				finish();
				wake?.();
				return { done: true, value: undefined };
			},
		};
		return iterator;
	}
}
