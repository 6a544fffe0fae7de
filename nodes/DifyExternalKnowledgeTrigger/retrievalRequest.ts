import type { IDataObject } from 'n8n-workflow';

/** The item a retrieval request becomes (Dify's field names, so expressions read like Dify's docs). */
export interface RetrievalItem extends IDataObject {
	knowledge_id: string;
	query: string;
	top_k: number;
	score_threshold: number;
	metadata_condition: IDataObject | null;
}

export type Parsed = { ok: true; item: RetrievalItem } | { ok: false; message: string };

const isObject = (v: unknown): v is IDataObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a `POST …/retrieval` body against what Dify sends (see docs/dify-behaviour.md,
 * 'External Knowledge API (Dify calls n8n)'). Dify sends `metadata_condition` as null or leaves it
 * out when no condition is set.
 */
export function parseRetrievalBody(body: unknown): Parsed {
	if (!isObject(body) || Object.keys(body).length === 0) {
		return { ok: false, message: 'The request body must be a JSON object with knowledge_id, query and retrieval_setting' };
	}
	const { knowledge_id, query, retrieval_setting, metadata_condition } = body;
	if (typeof knowledge_id !== 'string' || knowledge_id === '') return { ok: false, message: 'knowledge_id must be a non-empty string' };
	if (typeof query !== 'string') return { ok: false, message: 'query must be a string' };
	if (!isObject(retrieval_setting)) return { ok: false, message: 'retrieval_setting must be an object with top_k and score_threshold' };
	const { top_k, score_threshold } = retrieval_setting;
	if (typeof top_k !== 'number' || !Number.isInteger(top_k) || top_k < 0) return { ok: false, message: 'retrieval_setting.top_k must be a whole number of 0 or more' };
	const threshold = score_threshold ?? 0;
	if (typeof threshold !== 'number' || !Number.isFinite(threshold)) return { ok: false, message: 'retrieval_setting.score_threshold must be a number' };
	if (metadata_condition !== undefined && metadata_condition !== null && !isObject(metadata_condition)) {
		return { ok: false, message: 'metadata_condition must be an object or null' };
	}
	return {
		ok: true,
		item: { knowledge_id, query, top_k, score_threshold: threshold, metadata_condition: metadata_condition ?? null },
	};
}

/** The Knowledge IDs field: empty means every ID; otherwise a comma- or line-separated list. */
export function knowledgeIdAllowed(list: string, knowledgeId: string): boolean {
	const ids = list
		.split(/[,\n]/)
		.map((s) => s.trim())
		.filter((s) => s !== '');
	return ids.length === 0 || ids.includes(knowledgeId);
}
