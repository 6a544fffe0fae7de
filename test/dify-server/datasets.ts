import type { Ctx, Router } from './http';
import { queryInt } from './http';
import { ACCOUNT } from './state';
import { SANDBOX_DATASET_ID } from './generation';

const CREATED_AT = 1767225600; // 2026-01-01, fixed so listings are stable

function dataset(id: string, name: string, description: string, documents: number) {
	return {
		id,
		name,
		description,
		provider: 'vendor',
		permission: 'only_me',
		data_source_type: 'upload_file',
		indexing_technique: 'high_quality',
		app_count: 1,
		document_count: documents,
		word_count: documents * 1200,
		created_by: ACCOUNT.id,
		author_name: ACCOUNT.name,
		created_at: CREATED_AT,
		updated_by: ACCOUNT.id,
		updated_at: CREATED_AT,
		embedding_model: 'text-embedding-3-small',
		embedding_model_provider: 'langgenius/openai/openai',
		embedding_available: true,
		retrieval_model_dict: {
			search_method: 'semantic_search',
			reranking_enable: false,
			reranking_mode: null,
			reranking_model: { reranking_provider_name: '', reranking_model_name: '' },
			weights: null,
			top_k: 4,
			score_threshold_enabled: false,
			score_threshold: 0.5,
		},
		summary_index_setting: null,
		tags: [],
		doc_form: 'text_model',
		external_knowledge_info: {
			external_knowledge_id: null,
			external_knowledge_api_id: null,
			external_knowledge_api_name: null,
			external_knowledge_api_endpoint: null,
		},
		external_retrieval_model: null,
		doc_metadata: [],
		built_in_field_enabled: false,
		pipeline_id: null,
		runtime_mode: 'general',
		chunk_structure: null,
		icon_info: { icon_type: null, icon: null, icon_background: null, icon_url: null },
		is_published: false,
		total_documents: documents,
		total_available_documents: documents,
		enable_api: true,
		is_multimodal: false,
	};
}

/** A fixed workspace: three knowledge bases, enough for paging tests with small limits. */
const DATASETS = [
	dataset(SANDBOX_DATASET_ID, 'Sandbox Knowledge', 'Handbook used for citations', 3),
	dataset('0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e', 'Product FAQ', 'Frequently asked questions', 12),
	dataset('1c2d3e4f-5a6b-4c7d-9e8f-0a1b2c3d4e5f', 'Release Notes', '', 0),
];

function list(ctx: Ctx) {
	const page = queryInt(ctx, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
	const limit = queryInt(ctx, 'limit', 20, 1, Number.MAX_SAFE_INTEGER);
	const keyword = ctx.query.get('keyword') ?? '';
	const tagIds = ctx.query.getAll('tag_ids').filter(Boolean);
	let rows = DATASETS.filter((d) => d.name.includes(keyword));
	// No dataset carries tags here, so any tag filter empties the list, as it would in Dify.
	if (tagIds.length) rows = [];
	const size = Math.min(limit, 100);
	const data = rows.slice((page - 1) * size, page * size);
	return ctx.out.json(200, { data, has_more: data.length === limit, limit, total: rows.length, page });
}

export function registerDatasetRoutes(router: Router): void {
	router.add('GET', '/datasets', 'knowledge', list);
}
