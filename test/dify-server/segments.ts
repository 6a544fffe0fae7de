/** Chunks (segments) and child chunks (docs/dify-behaviour.md, 'Chunks and child chunks'). */
import { randomUUID } from 'node:crypto';
import type { Ctx, Router } from './http';
import { invalidParam, notFound, nowSeconds, queryInt, readJsonObject } from './http';
import { datasetOf, documentOf, segmentOf, str } from './knowledgeHttp';
import { childChunkJson, pageOf, segmentJson } from './knowledgeShapes';
import { displayStatus, type KbDocument, type KbSegment } from './knowledgeStore';

/** Chunk writes need a finished, enabled document: Dify answers 404 otherwise (docs/dify-behaviour.md, 'Chunks and child chunks'). */
function writableDocument(ctx: Ctx): KbDocument {
	const document = documentOf(ctx, datasetOf(ctx));
	if (document.indexingStatus !== 'completed') throw notFound('Document is not completed.');
	if (!document.enabled) throw notFound('Document is disabled.');
	return document;
}

/** Body-schema errors of the chunk routes are a non-standard `{"error": …}` with 400. */
async function schemaError(ctx: Ctx, text: string) {
	await ctx.out.json(400, { error: text });
}

async function create(ctx: Ctx) {
	const document = writableDocument(ctx);
	const body = readJsonObject(ctx);
	const items = body.segments;
	if (!Array.isArray(items) || !items.length) return schemaError(ctx, '1 validation error for SegmentCreatePayload\nsegments\n  List should have at least 1 item after validation, not 0');
	for (const item of items as Record<string, unknown>[]) {
		if (typeof item?.content !== 'string' || !item.content.trim()) return schemaError(ctx, '1 validation error for SegmentCreatePayload\nsegments.0.content\n  Field required');
		if (document.docForm === 'qa_model' && !str(item.answer)) throw invalidParam('Answer is required');
	}
	const store = ctx.state.knowledge;
	const at = nowSeconds();
	let position = store.segmentsOf(document.id).reduce((max, s) => Math.max(max, s.position), 0);
	const created = (items as Record<string, unknown>[]).map((item) => {
		const segment: KbSegment = {
			id: randomUUID(),
			datasetId: document.datasetId,
			documentId: document.id,
			position: ++position,
			content: String(item.content),
			answer: str(item.answer) ?? '',
			keywords: Array.isArray(item.keywords) ? item.keywords.map(String) : [],
			enabled: true,
			hitCount: 0,
			createdAt: at,
			updatedAt: at,
			childChunks: [],
			summary: null,
		};
		store.segments.set(segment.id, segment);
		return segment;
	});
	return ctx.out.json(200, { data: created.map((s) => segmentJson(ctx.state, s)), doc_form: document.docForm });
}

function list(ctx: Ctx) {
	const document = documentOf(ctx, datasetOf(ctx));
	// Malformed numbers fall back to the defaults on this route.
	const int = (name: string, fallback: number) => {
		const value = Number(ctx.query.get(name));
		return Number.isInteger(value) && value > 0 ? value : fallback;
	};
	const keyword = ctx.query.get('keyword') ?? '';
	const statuses = ctx.query.getAll('status').filter(Boolean);
	const rows = ctx.state.knowledge
		.segmentsOf(document.id)
		.filter((s) => s.content.includes(keyword))
		.filter((s) => !statuses.length || statuses.includes(String(segmentJson(ctx.state, s).status)));
	const result = pageOf(rows, int('page', 1), int('limit', 20));
	return ctx.out.json(200, { ...result, data: result.data.map((s) => segmentJson(ctx.state, s)), doc_form: document.docForm });
}

function get(ctx: Ctx) {
	const document = documentOf(ctx, datasetOf(ctx));
	return ctx.out.json(200, { data: segmentJson(ctx.state, segmentOf(ctx, document)), doc_form: document.docForm });
}

function update(ctx: Ctx) {
	const document = documentOf(ctx, datasetOf(ctx));
	const segment = segmentOf(ctx, document);
	const body = readJsonObject(ctx);
	const changes = body.segment as Record<string, unknown> | undefined;
	if (!changes || typeof changes !== 'object') return schemaError(ctx, '1 validation error for SegmentUpdatePayload\nsegment\n  Field required');
	if (displayStatus(document) === 'indexing' || displayStatus(document) === 'queuing') throw invalidParam('Segment is indexing, please try again later');
	if (!segment.enabled && changes.enabled !== true) throw invalidParam("Can't update disabled segment");
	if (typeof changes.content === 'string') segment.content = changes.content;
	if (typeof changes.answer === 'string') segment.answer = changes.answer;
	if (Array.isArray(changes.keywords)) segment.keywords = changes.keywords.map(String);
	if (typeof changes.enabled === 'boolean') segment.enabled = changes.enabled;
	if (changes.summary !== undefined) segment.summary = str(changes.summary) ?? null;
	if (changes.regenerate_child_chunks === true) {
		segment.childChunks = segment.content.split('\n').filter(Boolean).map((content, k) => ({
			id: randomUUID(), segmentId: segment.id, content, position: k + 1, type: 'automatic', createdAt: nowSeconds(), updatedAt: nowSeconds(),
		}));
	}
	segment.updatedAt = nowSeconds();
	return ctx.out.json(200, { data: segmentJson(ctx.state, segment), doc_form: document.docForm });
}

function remove(ctx: Ctx) {
	const document = documentOf(ctx, datasetOf(ctx));
	ctx.state.knowledge.segments.delete(segmentOf(ctx, document).id);
	return ctx.out.empty(204);
}

function childContent(ctx: Ctx): string {
	const body = readJsonObject(ctx);
	if (typeof body.content !== 'string' || !body.content.trim()) throw invalidParam('Content is required');
	return body.content;
}

function createChild(ctx: Ctx) {
	const segment = segmentOf(ctx, writableDocument(ctx));
	const content = childContent(ctx);
	const at = nowSeconds();
	const chunk = { id: randomUUID(), segmentId: segment.id, content, position: segment.childChunks.length + 1, type: 'customized' as const, createdAt: at, updatedAt: at };
	segment.childChunks.push(chunk);
	return ctx.out.json(200, { data: childChunkJson(chunk) });
}

function listChildren(ctx: Ctx) {
	const segment = segmentOf(ctx, documentOf(ctx, datasetOf(ctx)));
	const page = queryInt(ctx, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
	const limit = queryInt(ctx, 'limit', 20, 1, Number.MAX_SAFE_INTEGER);
	const keyword = ctx.query.get('keyword') ?? '';
	const rows = segment.childChunks.filter((c) => c.content.includes(keyword));
	const size = Math.min(limit, 100);
	const { data } = pageOf(rows, page, limit);
	// This list has no has_more, but total_pages (docs/dify-behaviour.md, 'Pagination').
	return ctx.out.json(200, { data: data.map(childChunkJson), total: rows.length, total_pages: Math.ceil(rows.length / size), page, limit });
}

function childOf(ctx: Ctx) {
	const segment = segmentOf(ctx, documentOf(ctx, datasetOf(ctx)));
	const chunk = segment.childChunks.find((c) => c.id === ctx.params.child_chunk_id);
	if (!chunk) throw notFound('Child chunk not found.');
	return { segment, chunk };
}

function updateChild(ctx: Ctx) {
	const { chunk } = childOf(ctx);
	chunk.content = childContent(ctx);
	chunk.updatedAt = nowSeconds();
	return ctx.out.json(200, { data: childChunkJson(chunk) });
}

function removeChild(ctx: Ctx) {
	const { segment, chunk } = childOf(ctx);
	segment.childChunks = segment.childChunks.filter((c) => c !== chunk);
	return ctx.out.empty(204);
}

export function registerSegmentRoutes(router: Router): void {
	const segments = '/datasets/{dataset_id:uuid}/documents/{document_id:uuid}/segments';
	const segment = `${segments}/{segment_id:uuid}`;
	router.add('POST', segments, 'knowledge', create);
	router.add('GET', segments, 'knowledge', list);
	router.add('GET', segment, 'knowledge', get);
	router.add('POST', segment, 'knowledge', update);
	router.add('DELETE', segment, 'knowledge', remove);
	router.add('POST', `${segment}/child_chunks`, 'knowledge', createChild);
	router.add('GET', `${segment}/child_chunks`, 'knowledge', listChildren);
	router.add('PATCH', `${segment}/child_chunks/{child_chunk_id:uuid}`, 'knowledge', updateChild);
	router.add('DELETE', `${segment}/child_chunks/{child_chunk_id:uuid}`, 'knowledge', removeChild);
}
