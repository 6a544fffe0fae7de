import type { IDataObject } from 'n8n-workflow';

/** The largest page Dify serves on every list (it caps `limit` at 100, often while echoing a larger one; docs/dify-behaviour.md, 'Page-size cap'). */
export const DIFY_MAX_PAGE_SIZE = 100;

/** n8n's Return All / Limit choice, resolved by the operation. */
export interface Take {
	returnAll: boolean;
	limit: number;
	/** Stop after a page for which this holds (a trigger reading back only as far as its cursor). */
	until?: (page: IDataObject[]) => boolean;
}

export interface Page {
	data: IDataObject[];
	has_more?: boolean;
	total?: number;
}

/** The page size stays constant across a walk (page numbers depend on it): the largest Dify allows, or the limit when smaller. */
export function pageSize(take: Take, maxPageSize = DIFY_MAX_PAGE_SIZE): number {
	return take.returnAll ? maxPageSize : Math.max(1, Math.min(maxPageSize, take.limit));
}

/**
 * `page`/`limit` lists (annotations, feedbacks, workflow logs, datasets…). Dify computes
 * `has_more` as `len(data) == limit` on several of them, which is wrong when it capped the page
 * size, so `total` is trusted first and a short page ends the walk.
 */
export async function collectPages(
	fetchPage: (page: number, limit: number) => Promise<Page>,
	take: Take,
	maxPageSize = DIFY_MAX_PAGE_SIZE,
): Promise<IDataObject[]> {
	const out: IDataObject[] = [];
	const size = pageSize(take, maxPageSize);
	for (let page = 1; ; page++) {
		const result = await fetchPage(page, size);
		const data = Array.isArray(result.data) ? result.data : [];
		out.push(...data);
		if (!take.returnAll && out.length >= take.limit) return out.slice(0, take.limit);
		if (data.length === 0 || take.until?.(data)) return out;
		if (typeof result.total === 'number') {
			if (out.length >= result.total) return out;
		} else if (result.has_more === false) {
			return out;
		} else if (result.has_more === undefined && data.length < size) {
			return out;
		}
	}
}

/** `last_id` cursor lists (conversations, conversation variables): pages follow the given order. */
export async function collectAfterCursor(
	fetchPage: (lastId: string | undefined, limit: number) => Promise<Page>,
	take: Take,
	maxPageSize = DIFY_MAX_PAGE_SIZE,
): Promise<IDataObject[]> {
	const out: IDataObject[] = [];
	let lastId: string | undefined;
	while (true) {
		const result = await fetchPage(lastId, pageSize(take, maxPageSize));
		const data = Array.isArray(result.data) ? result.data : [];
		out.push(...data);
		if (!take.returnAll && out.length >= take.limit) return out.slice(0, take.limit);
		if (!result.has_more || data.length === 0 || take.until?.(data)) return out;
		lastId = data[data.length - 1].id as string;
	}
}

/**
 * `first_id` cursor (message history): each page holds the messages just before the cursor,
 * ordered oldest to newest. We return newest first, so "Limit 10" means the latest ten.
 */
export async function collectBeforeCursor(
	fetchPage: (firstId: string | undefined, limit: number) => Promise<Page>,
	take: Take,
	maxPageSize = DIFY_MAX_PAGE_SIZE,
): Promise<IDataObject[]> {
	const out: IDataObject[] = [];
	let firstId: string | undefined;
	while (true) {
		const result = await fetchPage(firstId, pageSize(take, maxPageSize));
		const data = Array.isArray(result.data) ? result.data : [];
		out.push(...[...data].reverse());
		if (!take.returnAll && out.length >= take.limit) return out.slice(0, take.limit);
		if (!result.has_more || data.length === 0 || take.until?.(data)) return out;
		firstId = data[0].id as string;
	}
}

/** Reads Dify's list envelope defensively (some lists have no `has_more` or `total`). */
export function asPage(body: IDataObject | undefined): Page {
	return {
		data: Array.isArray(body?.data) ? (body!.data as IDataObject[]) : [],
		has_more: typeof body?.has_more === 'boolean' ? body.has_more : undefined,
		total: typeof body?.total === 'number' ? body.total : undefined,
	};
}
