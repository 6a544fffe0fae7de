import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import type { FetchRequest } from './types';

/** Dify's largest page on the page/limit lists the trigger reads (§1.6). */
export const PAGE_SIZE = 100;

/**
 * Walks a newest-first page/limit list until it reaches rows older than `since` (or its end).
 * New rows arriving meanwhile only push rows onto later pages, so nothing is skipped; a row read
 * twice is dropped by the cursor.
 */
export async function readNewestFirst(
	this: IPollFunctions,
	request: FetchRequest,
	fetchPage: (page: number) => Promise<IDataObject[]>,
	timeOf: (row: IDataObject) => number,
): Promise<IDataObject[]> {
	const rows: IDataObject[] = [];
	for (let page = 1; ; page++) {
		const data = await fetchPage(page);
		rows.push(...data);
		if (request.firstPageOnly || data.length < PAGE_SIZE) return rows;
		if (request.since !== undefined && data.some((row) => timeOf(row) < request.since!)) return rows;
	}
}

/** Dify's timestamps are Unix seconds, except feedbacks' ISO strings. */
export function toSeconds(value: unknown): number {
	if (typeof value === 'number') return value;
	const ms = Date.parse(String(value ?? ''));
	return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}
