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

/**
 * A saved cursor ahead of this machine's clock by more than this is damaged (or the clock jumped):
 * this code never saves one beyond "now", and two servers' clocks differ by seconds, not minutes.
 */
export const FUTURE_MARGIN_SECONDS = 300;

/** How many events one poll emits by default; a larger backlog comes out over the next polls. */
export const DEFAULT_MAX_EVENTS_PER_POLL = 500;

/**
 * The cursor as n8n stored it, checked: static data outlives versions of this node and can be edited
 * or damaged. A cursor that cannot be trusted is reported, never used (it would fail every poll or
 * hide every event). Undefined with no problem: there was none.
 */
export function readCursor(stored: unknown, nowSeconds: number): { cursor?: Cursor; problem?: string } {
	if (stored === undefined || stored === null) return {};
	if (typeof stored !== 'object' || Array.isArray(stored)) return { problem: 'it is not an object' };
	const raw = stored as Record<string, unknown>;
	if (typeof raw.key !== 'string') return { problem: 'it has no event key' };
	if (typeof raw.since !== 'number' || !Number.isFinite(raw.since) || raw.since < 0) return { problem: `its time (${JSON.stringify(raw.since)}) is not a time` };
	if (raw.since > nowSeconds + FUTURE_MARGIN_SECONDS) return { problem: `its time (${new Date(Math.min(raw.since, 8.64e12) * 1000).toISOString()}) is in the future` };
	if (!Array.isArray(raw.seen)) return { problem: 'its list of events already emitted is not a list' };
	const seen: Cursor['seen'] = [];
	for (const entry of raw.seen) {
		if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'number' || !Number.isFinite(entry[1])) {
			return { problem: 'its list of events already emitted holds something that is not an event' };
		}
		seen.push([entry[0], entry[1]]);
	}
	return { cursor: { key: raw.key, since: raw.since, seen } };
}

export interface Advance {
	emit: StampedEvent[];
	cursor: Cursor;
	/** Events left for the next polls because of `maxEvents`. */
	deferred: number;
}

/**
 * Decides what a poll emits and where the next one starts. `rows` are what the event returned for
 * the window starting at `previous.since - overlap` (or the newest page on a first poll). At most
 * `maxEvents` are emitted, oldest first; when more were waiting, the cursor stops exactly at the last
 * one emitted, so the next poll continues there with nothing lost or repeated.
 */
export function advance(
	key: string,
	previous: Cursor | undefined,
	rows: StampedEvent[],
	options: { overlap: number; nowSeconds: number; emitExisting: boolean; maxEvents?: number },
): Advance {
	const fresh = previous?.key !== key;
	const seen = new Map<string, number>(fresh ? [] : previous!.seen);
	// A row stamped ahead of "now" (a wrong clock, a hostile server) is emitted once, but the cursor
	// stays at "now": the overlap window re-reads it (it is in `seen`), and later real events still come.
	const ceiling = options.nowSeconds;
	const waiting: StampedEvent[] = [];
	if (!fresh || options.emitExisting) {
		const taken = new Set<string>();
		// Dify lists newest first; reversed, rows of the same second keep their order once sorted by time.
		for (const row of [...rows].reverse()) {
			// A row can come twice in one poll when new events shift Dify's pages while we read them.
			if (row.final && !seen.has(row.id) && !taken.has(row.id)) waiting.push(row);
			taken.add(row.id);
		}
	}
	waiting.sort((a, b) => a.at - b.at);
	const max = Math.max(1, options.maxEvents ?? Infinity);
	const emit = waiting.length > max ? waiting.slice(0, max) : waiting;
	const deferred = waiting.length - emit.length;

	let since: number;
	if (deferred > 0) {
		since = Math.min(emit[emit.length - 1].at, ceiling);
	} else {
		let newest = fresh ? -Infinity : previous!.since;
		for (const row of rows) newest = Math.max(newest, Math.min(row.at, ceiling));
		// Nothing seen yet: the next poll reads from the beginning, whatever the two clocks say.
		since = Number.isFinite(newest) ? newest : 0;
	}
	for (const row of rows) {
		if (!row.final && row.at > options.nowSeconds - MAX_PENDING_SECONDS) since = Math.min(since, row.at);
	}
	if (fresh && !options.emitExisting) {
		// A first poll skips what exists: all of it counts as seen.
		for (const row of rows) if (row.final) seen.set(row.id, row.at);
	} else {
		for (const row of emit) seen.set(row.id, row.at);
	}
	const keep = [...seen].filter(([, at]) => at >= since - options.overlap);
	return { emit, cursor: { key, since, seen: keep }, deferred };
}
