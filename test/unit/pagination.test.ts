import type { IDataObject } from 'n8n-workflow';

import { collectAfterCursor, collectBeforeCursor, collectPages } from '../../nodes/shared/transport/pagination';

const items = (n: number, from = 0): IDataObject[] => Array.from({ length: n }, (_, k) => ({ id: `id-${from + k}` }));

describe('collectPages (page/limit)', () => {
	it('walks all pages using total, with the largest page size', async () => {
		const calls: Array<[number, number]> = [];
		const all = await collectPages(
			async (page, limit) => {
				calls.push([page, limit]);
				const data = items(250).slice((page - 1) * limit, page * limit);
				// Dify's heuristic has_more (len == limit) would say "more" on the last full page.
				return { data, has_more: data.length === limit, total: 250 };
			},
			{ returnAll: true, limit: 0 },
			100,
		);
		expect(all).toHaveLength(250);
		expect(calls).toEqual([[1, 100], [2, 100], [3, 100]]);
	});

	it('stops on a limit that cuts a page', async () => {
		const calls: number[] = [];
		const got = await collectPages(
			async (page, limit) => {
				calls.push(page);
				return { data: items(limit, (page - 1) * limit), has_more: true };
			},
			{ returnAll: false, limit: 7 },
			100,
		);
		expect(got.map((x) => x.id)).toEqual(items(7).map((x) => x.id));
		expect(calls).toEqual([1]);
	});

	it('ends on a short page when neither total nor has_more is given (feedbacks)', async () => {
		let pages = 0;
		const got = await collectPages(
			async (page, limit) => {
				pages++;
				return { data: page === 1 ? items(limit) : items(3, limit) };
			},
			{ returnAll: true, limit: 0 },
			101,
		);
		expect(got).toHaveLength(104);
		expect(pages).toBe(2);
	});
});

describe('cursor pagination', () => {
	it('follows last_id until has_more is false', async () => {
		const cursors: Array<string | undefined> = [];
		const got = await collectAfterCursor(
			async (lastId, limit) => {
				cursors.push(lastId);
				const start = lastId ? Number(lastId.slice(3)) + 1 : 0;
				const data = items(Math.min(limit, 230 - start), start);
				return { data, has_more: start + data.length < 230 };
			},
			{ returnAll: true, limit: 0 },
			100,
		);
		expect(got).toHaveLength(230);
		expect(cursors).toEqual([undefined, 'id-99', 'id-199']);
	});

	it('returns history newest first through first_id pages that are oldest-to-newest', async () => {
		// 150 messages, id-0 oldest. A page holds the `limit` messages just before the cursor.
		const all = items(150);
		const got = await collectBeforeCursor(
			async (firstId, limit) => {
				const end = firstId ? all.findIndex((m) => m.id === firstId) : all.length;
				const data = all.slice(Math.max(0, end - limit), end);
				return { data, has_more: end - limit > 0 };
			},
			{ returnAll: false, limit: 120 },
			100,
		);
		expect(got).toHaveLength(120);
		expect(got[0].id).toBe('id-149');
		expect(got[119].id).toBe('id-30');
	});
});
