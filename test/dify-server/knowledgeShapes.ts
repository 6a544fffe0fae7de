/** The wire shapes of the Knowledge API (docs/dify-behaviour.md, 'Knowledge bases', 'Documents', 'Chunks and child chunks'), built from the store. */
import type { ServerState } from './state';
import { ACCOUNT } from './state';
import { PIPELINE_DATASET_ID, PIPELINE_ID } from './pipeline';
import { displayStatus, type KbChildChunk, type KbDataset, type KbDocument, type KbSegment, type KnowledgeStore } from './knowledgeStore';

const DEFAULT_RETRIEVAL = {
	search_method: 'semantic_search',
	reranking_enable: false,
	reranking_mode: null,
	reranking_model: { reranking_provider_name: '', reranking_model_name: '' },
	weights: null,
	top_k: 4,
	score_threshold_enabled: false,
	score_threshold: 0.5,
};

export function retrievalOf(dataset: KbDataset): Record<string, unknown> {
	const model = { ...DEFAULT_RETRIEVAL, ...(dataset.retrievalModel ?? {}) };
	// Economy datasets always search by keyword (docs/dify-behaviour.md, 'Knowledge bases').
	if (dataset.indexingTechnique === 'economy') model.search_method = 'keyword_search';
	return model;
}

export function datasetJson(store: KnowledgeStore, dataset: KbDataset, withMembers = false): Record<string, unknown> {
	const documents = store.documentsOf(dataset.id);
	const json: Record<string, unknown> = {
		id: dataset.id,
		name: dataset.name,
		description: dataset.description,
		provider: dataset.provider,
		permission: dataset.permission,
		data_source_type: 'upload_file',
		indexing_technique: dataset.indexingTechnique,
		app_count: 0,
		document_count: documents.length,
		word_count: documents.reduce((sum, d) => sum + d.wordCount, 0),
		created_by: ACCOUNT.id,
		author_name: ACCOUNT.name,
		created_at: dataset.createdAt,
		updated_by: ACCOUNT.id,
		updated_at: dataset.updatedAt,
		embedding_model: dataset.embeddingModel,
		embedding_model_provider: dataset.embeddingModelProvider,
		embedding_available: true,
		retrieval_model_dict: retrievalOf(dataset),
		summary_index_setting: dataset.summaryIndexSetting,
		tags: store.tagsOf(dataset.id).map((t) => ({ id: t.id, name: t.name, type: 'knowledge' })),
		doc_form: dataset.docForm,
		external_knowledge_info: {
			external_knowledge_id: null,
			external_knowledge_api_id: null,
			external_knowledge_api_name: null,
			external_knowledge_api_endpoint: null,
		},
		external_retrieval_model: null,
		doc_metadata: store.fieldsOf(dataset.id).map((f) => ({ id: f.id, name: f.name, type: f.type })),
		built_in_field_enabled: dataset.builtInFieldEnabled,
		pipeline_id: dataset.id === PIPELINE_DATASET_ID ? PIPELINE_ID : null,
		runtime_mode: dataset.id === PIPELINE_DATASET_ID ? 'rag_pipeline' : 'general',
		chunk_structure: dataset.docForm,
		icon_info: { icon_type: null, icon: null, icon_background: null, icon_url: null },
		is_published: false,
		total_documents: documents.length,
		total_available_documents: documents.filter((d) => displayStatus(d) === 'available').length,
		enable_api: dataset.enableApi,
		is_multimodal: false,
	};
	if (withMembers || dataset.permission === 'partial_members') json.partial_member_list = dataset.partialMembers;
	return json;
}

function uploadInfo(state: ServerState, document: KbDocument): Record<string, unknown> {
	const file = document.fileId ? state.files.get(document.fileId) : undefined;
	if (!file) return { upload_file_id: null };
	return {
		upload_file_id: file.id,
		upload_file: { id: file.id, name: file.name, size: file.size, extension: file.extension, mime_type: file.mimeType, created_by: ACCOUNT.id, created_at: file.createdAt },
	};
}

function metadataValues(state: ServerState, document: KbDocument): Record<string, unknown>[] {
	return state.knowledge.fieldsOf(document.datasetId)
		.filter((f) => document.metadata.has(f.id))
		.map((f) => ({ id: f.id, name: f.name, type: f.type, value: document.metadata.get(f.id) }));
}

/** A document as lists and create/update answers show it. */
export function documentJson(state: ServerState, document: KbDocument): Record<string, unknown> {
	return {
		id: document.id,
		position: document.position,
		data_source_type: document.dataSourceType,
		data_source_info: uploadInfo(state, document),
		data_source_detail_dict: document.fileId ? { upload_file: uploadInfo(state, document).upload_file } : {},
		dataset_process_rule_id: `${document.datasetId.slice(0, 8)}-rule`,
		name: document.name,
		created_from: 'api',
		created_by: ACCOUNT.id,
		created_at: document.createdAt,
		tokens: document.wordCount,
		indexing_status: document.indexingStatus,
		error: document.indexingStatus === 'error' ? document.error : null,
		enabled: document.enabled,
		disabled_at: document.enabled ? null : document.updatedAt,
		disabled_by: document.enabled ? null : ACCOUNT.id,
		archived: document.archived,
		display_status: displayStatus(document),
		word_count: document.wordCount,
		hit_count: 0,
		doc_form: document.docForm,
		doc_metadata: metadataValues(state, document),
		summary_index_status: null,
		need_summary: false,
	};
}

/** `GET …/documents/{id}` with `metadata=all|only|without` (docs/dify-behaviour.md, 'Documents'). */
export function documentDetailJson(state: ServerState, document: KbDocument, metadata: string): Record<string, unknown> {
	if (metadata === 'only') return { id: document.id, doc_type: null, doc_metadata: metadataValues(state, document) };
	const segments = state.knowledge.segmentsOf(document.id);
	const base = documentJson(state, document);
	const json: Record<string, unknown> = {
		id: document.id,
		position: document.position,
		data_source_type: document.dataSourceType,
		data_source_info: base.data_source_info,
		dataset_process_rule_id: base.dataset_process_rule_id,
		dataset_process_rule: state.knowledge.datasets.get(document.datasetId)?.processRule ?? {},
		document_process_rule: document.processRule,
		name: document.name,
		created_from: 'api',
		created_by: ACCOUNT.id,
		created_at: document.createdAt,
		tokens: document.wordCount,
		indexing_status: document.indexingStatus,
		completed_at: document.completedAt,
		updated_at: document.updatedAt,
		indexing_latency: document.completedAt ? 1.5 : null,
		error: base.error,
		enabled: document.enabled,
		disabled_at: base.disabled_at,
		disabled_by: base.disabled_by,
		archived: document.archived,
		segment_count: segments.length,
		average_segment_length: segments.length ? Math.round(segments.reduce((n, s) => n + s.content.length, 0) / segments.length) : 0,
		hit_count: 0,
		display_status: displayStatus(document),
		doc_form: document.docForm,
		doc_language: document.docLanguage,
		summary_index_status: null,
		need_summary: false,
	};
	if (metadata === 'all') {
		json.doc_type = null;
		json.doc_metadata = base.doc_metadata;
	}
	return json;
}

export function childChunkJson(chunk: KbChildChunk): Record<string, unknown> {
	return {
		id: chunk.id,
		segment_id: chunk.segmentId,
		content: chunk.content,
		position: chunk.position,
		word_count: chunk.content.split(/\s+/).filter(Boolean).length,
		type: chunk.type,
		created_at: chunk.createdAt,
		updated_at: chunk.updatedAt,
	};
}

export function segmentJson(state: ServerState, segment: KbSegment): Record<string, unknown> {
	const document = state.knowledge.documents.get(segment.documentId);
	const status = document?.indexingStatus === 'completed' ? 'completed' : document?.indexingStatus === 'error' ? 'error' : 'indexing';
	return {
		id: segment.id,
		position: segment.position,
		document_id: segment.documentId,
		content: segment.content,
		sign_content: segment.content,
		answer: segment.answer,
		word_count: segment.content.split(/\s+/).filter(Boolean).length,
		tokens: Math.ceil(segment.content.length / 4),
		keywords: segment.keywords,
		index_node_id: `node-${segment.id.slice(0, 8)}`,
		index_node_hash: `hash-${segment.id.slice(0, 8)}`,
		hit_count: segment.hitCount,
		enabled: segment.enabled,
		disabled_at: segment.enabled ? null : segment.updatedAt,
		disabled_by: segment.enabled ? null : ACCOUNT.id,
		status,
		created_by: ACCOUNT.id,
		created_at: segment.createdAt,
		updated_at: segment.updatedAt,
		updated_by: ACCOUNT.id,
		indexing_at: segment.createdAt,
		completed_at: status === 'completed' ? segment.updatedAt : null,
		error: null,
		stopped_at: null,
		child_chunks: segment.childChunks.map(childChunkJson),
		attachments: [],
		summary: segment.summary,
	};
}

/** `{data, has_more, limit, total, page}` with Dify's quirks: the page is capped at 100 while `limit` is echoed, and `has_more` is `len(data) == limit`. */
export function pageOf<T>(rows: T[], page: number, limit: number): { data: T[]; has_more: boolean; limit: number; total: number; page: number } {
	const size = Math.min(limit, 100);
	const data = rows.slice((page - 1) * size, page * size);
	return { data, has_more: data.length === limit, limit, total: rows.length, page };
}
