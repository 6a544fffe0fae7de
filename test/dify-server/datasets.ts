/** Knowledge bases and retrieval (docs/dify-behaviour.md, 'Knowledge bases', 'Retrieval models'). */
import type { Ctx, Router } from './http';
import { HttpError, invalidParam, nowSeconds, pydanticError, queryInt, readJsonObject } from './http';
import { datasetJson, pageOf, retrievalOf, segmentJson } from './knowledgeShapes';
import { datasetOf, str } from './knowledgeHttp';
import { displayStatus, newDataset } from './knowledgeStore';

const TECHNIQUES = ['high_quality', 'economy'];
const PERMISSIONS = ['only_me', 'all_team_members', 'partial_members'];
/** Embedding models the workspace has configured (see the models route). */
const EMBEDDING_MODELS = new Set(['text-embedding-3-small', 'text-embedding-3-large']);

function list(ctx: Ctx) {
	const page = queryInt(ctx, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
	const limit = queryInt(ctx, 'limit', 20, 1, Number.MAX_SAFE_INTEGER);
	const keyword = ctx.query.get('keyword') ?? '';
	const tagIds = ctx.query.getAll('tag_ids').filter(Boolean);
	const store = ctx.state.knowledge;
	// A dataset must carry every listed tag; newest first.
	const rows = [...store.datasets.values()]
		.filter((d) => d.name.includes(keyword))
		.filter((d) => tagIds.every((id) => store.tags.get(id)?.targets.has(d.id)))
		.sort((a, b) => b.seq - a.seq);
	const result = pageOf(rows, page, limit);
	return ctx.out.json(200, { ...result, data: result.data.map((d) => datasetJson(store, d)) });
}

function checkFields(body: Record<string, unknown>, model: string): void {
	if (body.name !== undefined && (typeof body.name !== 'string' || body.name.length < 1 || body.name.length > 40)) {
		throw pydanticError(model, 'name', 'String should have at most 40 characters', 'string_too_long', body.name);
	}
	if (body.description !== undefined && String(body.description).length > 400) throw invalidParam('Description cannot exceed 400 characters.');
	if (body.indexing_technique != null && !TECHNIQUES.includes(String(body.indexing_technique))) throw invalidParam('Invalid indexing technique.');
	if (body.permission !== undefined && !PERMISSIONS.includes(String(body.permission))) throw invalidParam('Invalid permission.');
	if (body.embedding_model !== undefined && !EMBEDDING_MODELS.has(String(body.embedding_model))) {
		throw invalidParam(`Model ${String(body.embedding_model)} not exist. Please check your model provider settings.`);
	}
}

function nameTaken(ctx: Ctx, name: string, exceptId?: string): boolean {
	return [...ctx.state.knowledge.datasets.values()].some((d) => d.name === name && d.id !== exceptId);
}

const DUPLICATE = () => new HttpError(409, 'dataset_name_duplicate', 'The dataset name already exists. Please modify your dataset name.');

function create(ctx: Ctx) {
	const body = readJsonObject(ctx);
	if (typeof body.name !== 'string' || !body.name.trim()) throw pydanticError('DatasetCreatePayload', 'name', 'Field required', 'missing', body);
	checkFields(body, 'DatasetCreatePayload');
	if (nameTaken(ctx, body.name)) throw DUPLICATE();
	const dataset = newDataset(
		ctx.state.knowledge,
		{
			name: body.name,
			description: str(body.description) ?? '',
			indexingTechnique: str(body.indexing_technique) ?? null,
			permission: str(body.permission) ?? 'only_me',
			provider: str(body.provider) ?? 'vendor',
			embeddingModel: str(body.embedding_model) ?? (body.indexing_technique === 'high_quality' ? 'text-embedding-3-small' : null),
			embeddingModelProvider: str(body.embedding_model_provider) ?? (body.indexing_technique === 'high_quality' ? 'langgenius/openai/openai' : null),
			retrievalModel: (body.retrieval_model as Record<string, unknown>) ?? null,
			summaryIndexSetting: (body.summary_index_setting as Record<string, unknown>) ?? null,
		},
		nowSeconds(),
	);
	return ctx.out.json(200, datasetJson(ctx.state.knowledge, dataset));
}

function get(ctx: Ctx) {
	return ctx.out.json(200, datasetJson(ctx.state.knowledge, datasetOf(ctx)));
}

function update(ctx: Ctx) {
	const dataset = datasetOf(ctx);
	const body = readJsonObject(ctx);
	checkFields(body, 'DatasetUpdatePayload');
	if (typeof body.name === 'string' && nameTaken(ctx, body.name, dataset.id)) throw DUPLICATE();
	if (typeof body.name === 'string') dataset.name = body.name;
	if (typeof body.description === 'string') dataset.description = body.description;
	if (body.indexing_technique !== undefined) dataset.indexingTechnique = str(body.indexing_technique) ?? null;
	if (typeof body.permission === 'string') dataset.permission = body.permission;
	if (typeof body.embedding_model === 'string') dataset.embeddingModel = body.embedding_model;
	if (typeof body.embedding_model_provider === 'string') dataset.embeddingModelProvider = body.embedding_model_provider;
	if (body.retrieval_model && typeof body.retrieval_model === 'object') dataset.retrievalModel = body.retrieval_model as Record<string, unknown>;
	if (Array.isArray(body.partial_member_list)) dataset.partialMembers = body.partial_member_list.map((m) => String((m as { user_id?: unknown }).user_id ?? ''));
	dataset.updatedAt = nowSeconds();
	return ctx.out.json(200, datasetJson(ctx.state.knowledge, dataset, true));
}

async function remove(ctx: Ctx) {
	const dataset = datasetOf(ctx);
	const store = ctx.state.knowledge;
	for (const document of store.documentsOf(dataset.id)) {
		for (const segment of store.segmentsOf(document.id)) store.segments.delete(segment.id);
		store.documents.delete(document.id);
	}
	for (const field of store.fieldsOf(dataset.id)) store.metadata.delete(field.id);
	for (const tag of store.tags.values()) tag.targets.delete(dataset.id);
	store.datasets.delete(dataset.id);
	return ctx.out.empty(204);
}

/** Metadata filter of a retrieval, on the chunk's document (docs/dify-behaviour.md, 'Retrieval models': the common operators). */
function matches(values: Record<string, unknown>, condition: Record<string, unknown>): boolean {
	const actual = values[String(condition.name)];
	const expected = condition.value;
	const text = actual === undefined || actual === null ? '' : String(actual);
	switch (condition.comparison_operator) {
		case 'is':
		case '=':
			return text === String(expected);
		case 'is not':
		case '≠':
			return text !== String(expected);
		case 'contains':
			return text.includes(String(expected));
		case 'not contains':
			return !text.includes(String(expected));
		case 'start with':
			return text.startsWith(String(expected));
		case 'end with':
			return text.endsWith(String(expected));
		case 'empty':
			return text === '';
		case 'not empty':
			return text !== '';
		case '>':
			return Number(actual) > Number(expected);
		case '<':
			return Number(actual) < Number(expected);
		case '≥':
			return Number(actual) >= Number(expected);
		case '≤':
			return Number(actual) <= Number(expected);
		case 'in':
			return Array.isArray(expected) && expected.map(String).includes(text);
		case 'not in':
			return Array.isArray(expected) && !expected.map(String).includes(text);
		default:
			return true;
	}
}

/** Word-overlap scoring: deterministic, and good enough to tell relevant chunks from others. */
function score(query: string, content: string): number {
	const words = [...new Set(query.toLowerCase().split(/\W+/).filter((w) => w.length > 2))];
	if (!words.length) return 0;
	const text = content.toLowerCase();
	return Math.round((words.filter((w) => text.includes(w)).length / words.length) * 1000) / 1000;
}

function retrieve(ctx: Ctx) {
	const dataset = datasetOf(ctx);
	const body = readJsonObject(ctx);
	const query = str(body.query) ?? '';
	const attachments = Array.isArray(body.attachment_ids) ? body.attachment_ids : [];
	if (!query.trim() && !attachments.length) throw invalidParam('Query or attachment_ids is required');
	if (query.length > 250) throw invalidParam('Query cannot exceed 250 characters');
	const store = ctx.state.knowledge;
	if (!store.documentsOf(dataset.id).length) throw new HttpError(400, 'dataset_not_initialized', 'The dataset is still being initialized or indexing. Please wait a moment.');
	const model = { ...retrievalOf(dataset), ...((body.retrieval_model as Record<string, unknown>) ?? {}) };
	const topK = Number(model.top_k ?? 4);
	const threshold = model.score_threshold_enabled ? Number(model.score_threshold ?? 0) : 0;
	const filter = model.metadata_filtering_conditions as { logical_operator?: string; conditions?: Record<string, unknown>[] } | null | undefined;
	const records = [...store.segments.values()]
		.filter((s) => s.datasetId === dataset.id && s.enabled)
		.map((segment) => ({ segment, document: store.documents.get(segment.documentId)! }))
		.filter(({ document }) => displayStatus(document) === 'available')
		.filter(({ document }) => {
			const conditions = filter?.conditions ?? [];
			if (!conditions.length) return true;
			const values: Record<string, unknown> = {};
			for (const field of store.fieldsOf(dataset.id)) values[field.name] = document.metadata.get(field.id);
			return filter?.logical_operator === 'or' ? conditions.some((c) => matches(values, c)) : conditions.every((c) => matches(values, c));
		})
		.map((r) => ({ ...r, score: score(query, `${r.segment.content} ${r.segment.answer}`) }))
		.filter((r) => r.score > 0 && r.score >= threshold)
		.sort((a, b) => b.score - a.score || a.segment.position - b.segment.position)
		.slice(0, topK);
	for (const r of records) r.segment.hitCount += 1;
	return ctx.out.json(200, {
		query: { content: query },
		records: records.map(({ segment, document, score: s }) => {
			const { updated_at: _u, updated_by: _b, child_chunks: _c, attachments: _a, summary: _s, ...fields } = segmentJson(ctx.state, segment);
			return {
				segment: { ...fields, document: { id: document.id, data_source_type: document.dataSourceType, name: document.name, doc_type: null, doc_metadata: null } },
				child_chunks: segment.childChunks.map((c) => ({ id: c.id, content: c.content, position: c.position, score: s })),
				score: s,
				tsne_position: null,
				files: [],
				summary: null,
			};
		}),
	});
}

export function registerDatasetRoutes(router: Router): void {
	router.add('GET', '/datasets', 'knowledge', list);
	router.add('POST', '/datasets', 'knowledge', create);
	router.add('GET', '/datasets/{dataset_id:uuid}', 'knowledge', get);
	router.add('PATCH', '/datasets/{dataset_id:uuid}', 'knowledge', update);
	router.add('DELETE', '/datasets/{dataset_id:uuid}', 'knowledge', remove);
	router.add('POST', '/datasets/{dataset_id:uuid}/retrieve', 'knowledge', retrieve);
	// The older name of the same route, still served (docs/dify-behaviour.md, 'Knowledge API').
	router.add('POST', '/datasets/{dataset_id:uuid}/hit-testing', 'knowledge', retrieve);
}

