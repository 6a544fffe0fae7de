import { advance, MAX_PENDING_SECONDS, type Cursor } from '../../nodes/DifyTrigger/cursor';
import type { StampedEvent } from '../../nodes/DifyTrigger/types';

const row = (id: string, at: number, final = true): StampedEvent => ({ id, at, final, json: { id } });
const opts = { overlap: 60, nowSeconds: 10_000, emitExisting: false };

describe('trigger cursor', () => {
	it('starts at the newest event without emitting history, then emits only what is new, oldest first', () => {
		const first = advance('k', undefined, [row('b', 200), row('a', 100)], opts);
		expect(first.emit).toEqual([]);
		expect(first.cursor.since).toBe(200);
		const next = advance('k', first.cursor, [row('d', 300), row('c', 250), row('b', 200)], opts);
		expect(next.emit.map((e) => e.id)).toEqual(['c', 'd']);
	});

	it('emits history on the first poll when asked to', () => {
		expect(advance('k', undefined, [row('b', 200), row('a', 100)], { ...opts, emitExisting: true }).emit.map((e) => e.id)).toEqual(['a', 'b']);
	});

	it('keeps events of the same second apart by id, and re-reads the overlap window without repeats', () => {
		const first = advance('k', undefined, [row('x', 500)], opts);
		// Two more rows in the same second as x, one written late with an older time inside the window.
		const second = advance('k', first.cursor, [row('z', 500), row('y', 500), row('x', 500), row('late', 470)], opts);
		expect(second.emit.map((e) => e.id)).toEqual(['late', 'y', 'z']);
		const third = advance('k', second.cursor, [row('z', 500), row('y', 500), row('x', 500), row('late', 470)], opts);
		expect(third.emit).toEqual([]);
	});

	it('forgets ids that fell out of the window, so static data stays small', () => {
		const cursor: Cursor = { key: 'k', since: 100, seen: [['a', 100]] };
		const next = advance('k', cursor, [row('b', 1000)], opts);
		expect(next.cursor.seen).toEqual([['b', 1000]]);
	});

	it('drops a row listed twice in one poll (pages shifted while reading)', () => {
		const cursor: Cursor = { key: 'k', since: 100, seen: [] };
		expect(advance('k', cursor, [row('n', 150), row('n', 150)], opts).emit).toHaveLength(1);
	});

	it('never moves past an event that is not final yet, and emits it once it is', () => {
		const cursor: Cursor = { key: 'k', since: 100, seen: [] };
		const pending = advance('k', cursor, [row('new', 900), row('indexing', 500, false)], opts);
		expect(pending.emit.map((e) => e.id)).toEqual(['new']);
		expect(pending.cursor.since).toBe(500);
		const done = advance('k', pending.cursor, [row('new', 900), row('indexing', 500, true)], opts);
		expect(done.emit.map((e) => e.id)).toEqual(['indexing']);
		expect(done.cursor.since).toBe(900);
	});

	it('stops waiting for a row that stays unfinished for more than a day', () => {
		const cursor: Cursor = { key: 'k', since: 100, seen: [] };
		const stale = advance('k', cursor, [row('new', 9000), row('stuck', 10_000 - MAX_PENDING_SECONDS - 1, false)], opts);
		expect(stale.cursor.since).toBe(9000);
	});

	it('starts afresh when the event or its scope changes, and from zero when Dify had nothing', () => {
		const cursor: Cursor = { key: 'old', since: 100, seen: [['a', 100]] };
		const changed = advance('new', cursor, [row('a', 100)], opts);
		expect(changed.emit).toEqual([]);
		expect(advance('k', undefined, [], opts).cursor.since).toBe(0);
	});
});
