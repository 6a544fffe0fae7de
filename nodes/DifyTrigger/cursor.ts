import type { StampedEvent } from './types';

/**
 * Where a trigger stopped, kept in n8n's workflow static data. `since` is the time of the newest
 * event seen, or of the oldest one not final yet, whichever is earlier: the cursor never moves past
 * something that may still become an event. `seen` holds the events already emitted (or skipped on
 * the first poll) from `overlap` seconds before `since` on, so re-reading that window (for rows
 * Dify writes late, and for ties within a second) never emits twice.
 */
export interface Cursor {
	key: string;
	since: number;
	seen: Array<[id: string, at: number]>;
}

/** How long a row may stay not final before it stops holding the cursor back (a paused document). */
export const MAX_PENDING_SECONDS = 24 * 3600;

export interface Advance {
	emit: StampedEvent[];
	cursor: Cursor;
}

/**
 * Decides what a poll emits and where the next one starts. `rows` are what the event returned for
 * the window starting at `previous.since - overlap` (or the newest page on a first poll).
 */
export function advance(
	key: string,
	previous: Cursor | undefined,
	rows: StampedEvent[],
	options: { overlap: number; nowSeconds: number; emitExisting: boolean },
): Advance {
	const fresh = previous?.key !== key;
	const seen = new Map<string, number>(fresh ? [] : previous!.seen);
	const emit: StampedEvent[] = [];
	if (!fresh || options.emitExisting) {
		const taken = new Set<string>();
		// Dify lists newest first; reversed, rows of the same second keep their order once sorted by time.
		for (const row of [...rows].reverse()) {
			// A row can come twice in one poll when new events shift Dify's pages while we read them.
			if (row.final && !seen.has(row.id) && !taken.has(row.id)) emit.push(row);
			taken.add(row.id);
		}
	}

	let newest = fresh ? -Infinity : previous!.since;
	for (const row of rows) newest = Math.max(newest, row.at);
	// Nothing seen yet: the next poll reads from the beginning, whatever the two clocks say.
	let since = Number.isFinite(newest) ? newest : 0;
	for (const row of rows) {
		if (!row.final && row.at > options.nowSeconds - MAX_PENDING_SECONDS) since = Math.min(since, row.at);
	}
	for (const row of rows) if (row.final) seen.set(row.id, row.at);
	const keep = [...seen].filter(([, at]) => at >= since - options.overlap);

	emit.sort((a, b) => a.at - b.at);
	return { emit, cursor: { key, since, seen: keep } };
}
