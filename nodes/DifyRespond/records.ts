import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { FieldProblem, isObject, readPath, shown } from './itemFields';

/** Where each part of a record is read from in an item (dot paths, e.g. `payload.text`). */
export interface RecordFields {
	content: string;
	score: string;
	title: string;
	metadata: string;
}

/** What the trigger's item says Dify asked for. */
export interface RetrievalLimits {
	top_k: number;
	score_threshold: number;
}

export interface DifyRecord extends IDataObject {
	content: string;
	score: number;
	title: string;
	metadata: IDataObject;
}

function toRecord(json: IDataObject, itemIndex: number, fields: RecordFields): DifyRecord {
	const content = readPath(json, fields.content);
	if (typeof content !== 'string' && typeof content !== 'number') {
		throw new FieldProblem(itemIndex, fields.content, `must be text (Dify's record "content"), but item ${itemIndex + 1} has ${shown(content)}`);
	}
	const rawScore = readPath(json, fields.score);
	const score = typeof rawScore === 'string' && rawScore.trim() !== '' ? Number(rawScore) : rawScore;
	if (typeof score !== 'number' || !Number.isFinite(score)) {
		throw new FieldProblem(itemIndex, fields.score, `must be a number (Dify's record "score"), but item ${itemIndex + 1} has ${shown(rawScore)}`);
	}
	const title = readPath(json, fields.title);
	if (title !== undefined && title !== null && typeof title !== 'string' && typeof title !== 'number') {
		throw new FieldProblem(itemIndex, fields.title, `must be text (Dify's record "title"), but item ${itemIndex + 1} has ${shown(title)}`);
	}
	const metadata = readPath(json, fields.metadata);
	if (metadata !== undefined && metadata !== null && !isObject(metadata)) {
		throw new FieldProblem(itemIndex, fields.metadata, `must be an object (Dify's record "metadata"), but item ${itemIndex + 1} has ${shown(metadata)}`);
	}
	// Dify's retrieval fails on a null metadata and drops score and title without one: always an object.
	return { content: String(content), score, title: title === undefined || title === null ? '' : String(title), metadata: metadata ?? {} };
}

/**
 * The records Dify gets from the items: one record per item (an empty item, as "Always Output Data"
 * sends when nothing was found, is none), best score first, none under the threshold Dify enabled
 * (Dify sends 0 when its threshold is off, so 0 filters nothing), at most top_k.
 */
export function buildRecords(items: INodeExecutionData[], fields: RecordFields, limits: RetrievalLimits): DifyRecord[] {
	const records = items.flatMap((item, index) => (Object.keys(item.json).length === 0 ? [] : [toRecord(item.json, index, fields)]));
	const kept = limits.score_threshold > 0 ? records.filter((r) => r.score >= limits.score_threshold) : records;
	// Array.prototype.sort is stable: records with equal scores keep the workflow's order.
	return kept.sort((a, b) => b.score - a.score).slice(0, Math.max(0, limits.top_k));
}
