import type { IDataObject } from 'n8n-workflow';

import { DIFY_MAX_PAGE_SIZE, type Take } from '../shared/transport/pagination';
import type { FetchRequest } from './types';

/**
 * How far a trigger reads a newest-first list: one page, everything, or back to the first page
 * that reaches rows older than `since`. New rows arriving meanwhile only push rows onto later
 * pages, so nothing is skipped; a row read twice is dropped by the cursor.
 */
export function takeSince(request: FetchRequest, timeOf: (row: IDataObject) => number): Take {
	const since = request.since;
	return {
		returnAll: !request.firstPageOnly,
		limit: DIFY_MAX_PAGE_SIZE,
		until: since === undefined ? undefined : (page) => page.some((row) => timeOf(row) < since),
	};
}

/** Dify's timestamps are Unix seconds, except feedbacks' ISO strings. */
export function toSeconds(value: unknown): number {
	if (typeof value === 'number') return value;
	const ms = Date.parse(String(value ?? ''));
	return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}
