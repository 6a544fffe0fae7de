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

/**
 * The most pages one list operation reads: 1,000 pages of Dify's largest page size (100) is
 * 100,000 rows, far beyond any list a workflow step should hold in memory.
 */
export const MAX_PAGES = 1000;

/** Why a walk over Dify's pages stopped early; the message says what Dify sent and what to do. */
export class PagingError extends Error {}

/**
 * Guards one walk: no page may bring only rows already seen (a server repeating a page or a
 * cursor would loop forever), and no walk reads more than MAX_PAGES pages.
 */
class Walk {
	private readonly seen = new Set<string>();
	private pages = 0;
	private rows = 0;

	constructor(private readonly maxPages = MAX_PAGES) {}

	/** Call with each page read; throws when the walk must stop. */
	page(data: IDataObject[], cursor?: string): void {
		this.pages += 1;
		this.rows += data.length;
		const ids = data.map((row) => row.id).filter((id): id is string => typeof id === 'string' && id !== '');
		if (ids.length && ids.length === data.length && ids.every((id) => this.seen.has(id))) {
			throw new PagingError(
				`Dify sent page ${this.pages} of the list again: all its ${ids.length} rows were already read${cursor ? ` (cursor ${cursor})` : ''}, while it still says there are more. Reading stopped after ${this.pages} pages so the node does not loop forever; the rows read are not returned. Turn off Return All and set a Limit, or check the Dify server.`,
			);
		}
		for (const id of ids) this.seen.add(id);
	}

	/** Call before reading the next page. */
	next(): void {
		if (this.pages >= this.maxPages) {
			throw new PagingError(
				`Stopped after reading ${this.pages} pages (${this.rows} rows): Dify still said there were more, and a list operation reads at most ${this.maxPages} pages. Turn off Return All and set a Limit, or narrow the list with the operation's filters.`,
			);
		}
	}

	/** A cursor must never come back: the server would answer the same page forever. */
	cursor(value: string | undefined, used: Set<string>): void {
		if (value === undefined) return;
		if (used.has(value)) {
			throw new PagingError(
				`Dify answered with a cursor it had already given (${value}) after ${this.pages} pages, so the next page would repeat an earlier one. Reading stopped so the node does not loop forever. Turn off Return All and set a Limit, or check the Dify server.`,
			);
		}
		used.add(value);
	}
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
	const walk = new Walk();
	for (let page = 1; ; page++) {
		walk.next();
		const result = await fetchPage(page, size);
		const data = Array.isArray(result.data) ? result.data : [];
		walk.page(data);
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
	const walk = new Walk();
	const used = new Set<string>();
	while (true) {
		walk.next();
		const result = await fetchPage(lastId, pageSize(take, maxPageSize));
		const data = Array.isArray(result.data) ? result.data : [];
		walk.page(data, lastId);
		out.push(...data);
		if (!take.returnAll && out.length >= take.limit) return out.slice(0, take.limit);
		if (!result.has_more || data.length === 0 || take.until?.(data)) return out;
		lastId = data[data.length - 1].id as string;
		walk.cursor(lastId, used);
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
	const walk = new Walk();
	const used = new Set<string>();
	while (true) {
		walk.next();
		const result = await fetchPage(firstId, pageSize(take, maxPageSize));
		const data = Array.isArray(result.data) ? result.data : [];
		walk.page(data, firstId);
		out.push(...[...data].reverse());
		if (!take.returnAll && out.length >= take.limit) return out.slice(0, take.limit);
		if (!result.has_more || data.length === 0 || take.until?.(data)) return out;
		firstId = data[0].id as string;
		walk.cursor(firstId, used);
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
