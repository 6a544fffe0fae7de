/** Admission and lookups every Knowledge route shares, with Dify's status codes and messages (docs/dify-behaviour.md, 'Authentication and keys', 'Knowledge API'). */
import type { Ctx } from './http';
import { HttpError, invalidParam, notFound } from './http';
import type { KbDataset, KbDocument, KbSegment } from './knowledgeStore';

/** A dataset in the path must exist in the key's workspace and have its API on (docs/dify-behaviour.md, 'Authentication and keys'). */
export function datasetOf(ctx: Ctx): KbDataset {
	const dataset = ctx.state.knowledge.datasets.get(ctx.params.dataset_id);
	if (!dataset) throw notFound('Dataset not found.');
	if (!dataset.enableApi) throw new HttpError(403, 'forbidden', 'Dataset api access is not enabled.');
	return dataset;
}

export function documentOf(ctx: Ctx, dataset: KbDataset, message = 'Document not found.'): KbDocument {
	const document = ctx.state.knowledge.documents.get(ctx.params.document_id);
	if (!document || document.datasetId !== dataset.id) throw notFound(message);
	return document;
}

export function segmentOf(ctx: Ctx, document: KbDocument): KbSegment {
	const segment = ctx.state.knowledge.segments.get(ctx.params.segment_id);
	if (!segment || segment.documentId !== document.id) throw notFound('Segment not found.');
	return segment;
}

export function str(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

const PROCESS_MODES = ['automatic', 'custom', 'hierarchical'];

/** `DocumentService.process_rule_args_validate`: Dify's messages for a bad process rule. */
export function validateProcessRule(rule: unknown): Record<string, unknown> {
	if (!rule || typeof rule !== 'object') throw invalidParam('Process rule mode is required');
	const r = rule as Record<string, any>;
	if (!r.mode) throw invalidParam('Process rule mode is required');
	if (!PROCESS_MODES.includes(r.mode)) throw invalidParam('Process rule mode is invalid');
	if (r.mode === 'automatic') return { mode: 'automatic', rules: {} };
	if (!r.rules || typeof r.rules !== 'object') throw invalidParam('Process rule rules is required');
	if (!Array.isArray(r.rules.pre_processing_rules)) throw invalidParam('Process rule pre_processing_rules is required');
	const seg = r.rules.segmentation;
	if (!seg || typeof seg !== 'object') throw invalidParam('Process rule segmentation is required');
	if (!seg.separator || typeof seg.separator !== 'string') throw invalidParam('Process rule segmentation separator is required');
	if (!seg.max_tokens) throw invalidParam('Process rule segmentation max_tokens is required');
	if (!Number.isInteger(seg.max_tokens) || seg.max_tokens > 4000) throw invalidParam('Process rule segmentation max_tokens is invalid');
	return r;
}

export const DOC_FORMS = ['text_model', 'hierarchical_model', 'qa_model'];
