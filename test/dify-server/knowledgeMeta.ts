/** Metadata fields, workspace tags and models of the Knowledge API (docs/dify-behaviour.md, 'Metadata', 'Tags', 'Models'). */
import { randomUUID } from 'node:crypto';
import type { Ctx, Router } from './http';
import { HttpError, invalidParam, notFound, readJsonObject } from './http';
import { datasetOf, str } from './knowledgeHttp';
import { TENANT_ID } from './state';

const BUILT_IN = [
	{ name: 'document_name', type: 'string' },
	{ name: 'uploader', type: 'string' },
	{ name: 'upload_date', type: 'time' },
	{ name: 'last_update_date', type: 'time' },
	{ name: 'source', type: 'string' },
];

function metadataName(ctx: Ctx, datasetId: string, name: unknown, exceptId?: string): string {
	if (typeof name !== 'string' || !name) throw invalidParam('Metadata name cannot be empty.');
	if (name.length > 255) throw invalidParam('Metadata name cannot exceed 255 characters.');
	if (BUILT_IN.some((f) => f.name === name)) throw invalidParam('Metadata name already exists in Built-in fields.');
	if (ctx.state.knowledge.fieldsOf(datasetId).some((f) => f.name === name && f.id !== exceptId)) throw invalidParam('Metadata name already exists.');
	return name;
}

function createField(ctx: Ctx) {
	const dataset = datasetOf(ctx);
	const body = readJsonObject(ctx);
	const type = String(body.type ?? '');
	if (!['string', 'number', 'time'].includes(type)) throw invalidParam(`Invalid metadata type: ${type}`);
	const field = { id: randomUUID(), datasetId: dataset.id, name: metadataName(ctx, dataset.id, body.name), type: type as 'string' };
	ctx.state.knowledge.metadata.set(field.id, field);
	return ctx.out.json(201, { id: field.id, type: field.type, name: field.name });
}

function listFields(ctx: Ctx) {
	const dataset = datasetOf(ctx);
	const store = ctx.state.knowledge;
	const documents = store.documentsOf(dataset.id);
	return ctx.out.json(200, {
		doc_metadata: store.fieldsOf(dataset.id).map((f) => ({ id: f.id, name: f.name, type: f.type, count: documents.filter((d) => d.metadata.has(f.id)).length })),
		built_in_field_enabled: dataset.builtInFieldEnabled,
	});
}

function fieldOf(ctx: Ctx, datasetId: string) {
	const field = ctx.state.knowledge.metadata.get(ctx.params.metadata_id);
	if (!field || field.datasetId !== datasetId) throw notFound('Metadata not found.');
	return field;
}

function renameField(ctx: Ctx) {
	const dataset = datasetOf(ctx);
	const field = fieldOf(ctx, dataset.id);
	field.name = metadataName(ctx, dataset.id, readJsonObject(ctx).name, field.id);
	return ctx.out.json(200, { id: field.id, type: field.type, name: field.name });
}

function deleteField(ctx: Ctx) {
	const dataset = datasetOf(ctx);
	const field = fieldOf(ctx, dataset.id);
	const store = ctx.state.knowledge;
	for (const document of store.documentsOf(dataset.id)) document.metadata.delete(field.id);
	store.metadata.delete(field.id);
	return ctx.out.empty(204);
}

function builtIn(ctx: Ctx) {
	datasetOf(ctx);
	return ctx.out.json(200, { fields: BUILT_IN });
}

function toggleBuiltIn(ctx: Ctx) {
	const dataset = datasetOf(ctx);
	// Other actions silently do nothing (docs/dify-behaviour.md, 'Metadata').
	if (ctx.params.action === 'enable') dataset.builtInFieldEnabled = true;
	if (ctx.params.action === 'disable') dataset.builtInFieldEnabled = false;
	return ctx.out.json(200, { result: 'success' });
}

function setDocumentMetadata(ctx: Ctx) {
	const dataset = datasetOf(ctx);
	const body = readJsonObject(ctx);
	const operations = body.operation_data;
	if (!Array.isArray(operations)) throw invalidParam('operation_data is required');
	const store = ctx.state.knowledge;
	for (const op of operations as Record<string, unknown>[]) {
		const document = store.documents.get(String(op.document_id));
		if (!document || document.datasetId !== dataset.id) throw notFound('Document not found.');
		if (!Array.isArray(op.metadata_list)) throw invalidParam('metadata_list is required');
		if (op.partial_update !== true) document.metadata.clear();
		for (const item of op.metadata_list as Record<string, unknown>[]) {
			const field = store.metadata.get(String(item.id));
			if (!field || field.datasetId !== dataset.id) throw notFound('Metadata not found.');
			document.metadata.set(field.id, item.value ?? null);
		}
	}
	return ctx.out.json(200, { result: 'success' });
}

function tagJson(tag: { id: string; name: string; targets: Set<string> }) {
	// binding_count is a string in Dify's answer (docs/dify-behaviour.md, 'Tags').
	return { id: tag.id, name: tag.name, type: 'knowledge', binding_count: String(tag.targets.size) };
}

function tagName(ctx: Ctx, name: unknown, exceptId?: string): string {
	if (typeof name !== 'string' || name.length < 1 || name.length > 50) throw invalidParam('Tag name must be between 1 to 50 characters.');
	if ([...ctx.state.knowledge.tags.values()].some((t) => t.name === name && t.id !== exceptId)) throw invalidParam('Tag name already exists');
	return name;
}

function tagOf(ctx: Ctx, id: unknown) {
	const tag = ctx.state.knowledge.tags.get(String(id));
	if (!tag) throw notFound('Tag not found');
	return tag;
}

function listTags(ctx: Ctx) {
	const tags = [...ctx.state.knowledge.tags.values()].sort((a, b) => a.seq - b.seq);
	return ctx.out.json(200, tags.map((t) => tagJson(t)));
}

function createTag(ctx: Ctx) {
	const body = readJsonObject(ctx);
	const store = ctx.state.knowledge;
	const tag = { id: randomUUID(), name: tagName(ctx, body.name), targets: new Set<string>(), seq: store.nextSeq() };
	store.tags.set(tag.id, tag);
	return ctx.out.json(200, { ...tagJson(tag), binding_count: '0' });
}

function renameTag(ctx: Ctx) {
	const body = readJsonObject(ctx);
	const tag = tagOf(ctx, body.tag_id);
	tag.name = tagName(ctx, body.name, tag.id);
	return ctx.out.json(200, tagJson(tag));
}

function deleteTag(ctx: Ctx) {
	const body = readJsonObject(ctx);
	ctx.state.knowledge.tags.delete(tagOf(ctx, body.tag_id).id);
	return ctx.out.empty(204);
}

function targetOf(ctx: Ctx, body: Record<string, unknown>) {
	const dataset = ctx.state.knowledge.datasets.get(String(body.target_id ?? ''));
	if (!dataset) throw notFound('Dataset not found.');
	return dataset;
}

function bind(ctx: Ctx) {
	const body = readJsonObject(ctx);
	if (!Array.isArray(body.tag_ids) || !body.tag_ids.length) throw invalidParam('Tag IDs is required.');
	const dataset = targetOf(ctx, body);
	for (const id of body.tag_ids) tagOf(ctx, id).targets.add(dataset.id);
	return ctx.out.empty(204);
}

function unbind(ctx: Ctx) {
	const body = readJsonObject(ctx);
	// The legacy single `tag_id` is still accepted (docs/dify-behaviour.md, 'Tags').
	const ids = Array.isArray(body.tag_ids) ? body.tag_ids : str(body.tag_id) ? [body.tag_id] : [];
	if (!ids.length) throw invalidParam('Tag IDs is required.');
	const dataset = targetOf(ctx, body);
	for (const id of ids) tagOf(ctx, id).targets.delete(dataset.id);
	return ctx.out.empty(204);
}

function datasetTags(ctx: Ctx) {
	const dataset = datasetOf(ctx);
	const tags = ctx.state.knowledge.tagsOf(dataset.id);
	return ctx.out.json(200, { data: tags.map((t) => ({ id: t.id, name: t.name })), total: tags.length });
}

function model(name: string, type: string, properties: Record<string, unknown>) {
	return {
		model: name,
		label: { en_US: name, zh_Hans: name },
		model_type: type,
		features: null,
		fetch_from: 'predefined-model',
		model_properties: properties,
		deprecated: false,
		status: 'active',
		load_balancing_enabled: false,
		has_invalid_load_balancing_configs: false,
	};
}

function provider(name: string, label: string, models: ReturnType<typeof model>[]) {
	const icon = { en_US: `https://cloud.dify.ai/icons/${label.toLowerCase()}.svg`, zh_Hans: `https://cloud.dify.ai/icons/${label.toLowerCase()}.svg` };
	return { tenant_id: TENANT_ID, provider: name, label: { en_US: label, zh_Hans: label }, icon_small: icon, icon_small_dark: icon, status: 'active', models };
}

const MODELS: Record<string, unknown[]> = {
	'text-embedding': [
		provider('langgenius/openai/openai', 'OpenAI', [
			model('text-embedding-3-small', 'text-embedding', { context_size: 8191, max_chunks: 32 }),
			model('text-embedding-3-large', 'text-embedding', { context_size: 8191, max_chunks: 32 }),
		]),
	],
	rerank: [provider('langgenius/cohere/cohere', 'Cohere', [model('rerank-english-v3.0', 'rerank', { context_size: 5120 })])],
};
const MODEL_TYPES = ['llm', 'text-embedding', 'rerank', 'speech2text', 'moderation', 'tts'];

function models(ctx: Ctx) {
	const type = ctx.params.model_type;
	if (!MODEL_TYPES.includes(type)) throw new HttpError(400, 'invalid_param', `'${type}' is not a valid ModelType`);
	return ctx.out.json(200, { data: MODELS[type] ?? [] });
}

export function registerKnowledgeMetaRoutes(router: Router): void {
	const base = '/datasets/{dataset_id:uuid}';
	router.add('POST', `${base}/metadata`, 'knowledge', createField);
	router.add('GET', `${base}/metadata`, 'knowledge', listFields);
	router.add('PATCH', `${base}/metadata/{metadata_id:uuid}`, 'knowledge', renameField);
	router.add('DELETE', `${base}/metadata/{metadata_id:uuid}`, 'knowledge', deleteField);
	router.add('GET', `${base}/metadata/built-in`, 'knowledge', builtIn);
	router.add('POST', `${base}/metadata/built-in/{action}`, 'knowledge', toggleBuiltIn);
	router.add('POST', `${base}/documents/metadata`, 'knowledge', setDocumentMetadata);
	router.add('GET', '/datasets/tags', 'knowledge', listTags);
	router.add('POST', '/datasets/tags', 'knowledge', createTag);
	router.add('PATCH', '/datasets/tags', 'knowledge', renameTag);
	router.add('DELETE', '/datasets/tags', 'knowledge', deleteTag);
	router.add('POST', '/datasets/tags/binding', 'knowledge', bind);
	router.add('POST', '/datasets/tags/unbinding', 'knowledge', unbind);
	router.add('GET', `${base}/tags`, 'knowledge', datasetTags);
	router.add('GET', '/workspaces/current/models/model-types/{model_type}', 'knowledge', models);
}
