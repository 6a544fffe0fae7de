import { indexedDocument, kb, knowledge, newDataset, rl, sent } from './knowledge.support';
import { failure, useDifyServer } from './support';

const server = useDifyServer();

async function documentWithChunks() {
	const datasetId = await newDataset(server(), `Chunks ${Math.random()}`);
	const doc = await indexedDocument(server(), datasetId, 'chunks.md', 'First paragraph.\nSecond paragraph.');
	return { datasetId, documentId: doc.id, base: { datasetId: rl(datasetId), documentId: rl(doc.id) } };
}

describe('Chunk', () => {
	it('creates several chunks with answers and keywords in one request', async () => {
		const { datasetId, documentId, base } = await documentWithChunks();
		const result = await knowledge(server(), {
			resource: 'segment',
			operation: 'create',
			...base,
			chunks: { chunk: [{ content: 'Q1', answer: 'A1', keywords: 'alpha, beta' }, { content: 'Q2', answer: '', keywords: '' }] },
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.content)).toEqual(['Q1', 'Q2']);
		expect(sent(server(), 'POST', `/datasets/${datasetId}/documents/${documentId}/segments`)[0].json).toEqual({
			segments: [{ content: 'Q1', answer: 'A1', keywords: ['alpha', 'beta'] }, { content: 'Q2' }],
		});
	});

	it('refuses chunks for a document that is still indexing, and says to wait', async () => {
		const datasetId = await newDataset(server(), 'Busy chunks');
		const created = await kb(server(), 'POST', `/datasets/${datasetId}/document/create-by-text`, { name: 'b.md', text: 'b' });
		const error = failure(await knowledge(server(), { resource: 'segment', operation: 'create', datasetId: rl(datasetId), documentId: rl(created.document.id), chunks: { chunk: [{ content: 'x' }] } }));
		expect(error.message).toContain('Document is not completed.');
		expect(error.description).toMatch(/still being indexed/);
	});

	it('reads Dify\'s non-standard {"error": …} answer to a bad chunk body', async () => {
		const { base } = await documentWithChunks();
		const error = failure(await knowledge(server(), { resource: 'segment', operation: 'create', ...base, chunks: { chunk: [{ content: '   ' }] } }));
		expect(error.message).toMatch(/^Dify answered HTTP 400 without an error code: 1 validation error for SegmentCreatePayload/);
	});

	it('gets, lists (status, keyword), updates and deletes a chunk', async () => {
		const { datasetId, documentId, base } = await documentWithChunks();
		const list = await knowledge(server(), { resource: 'segment', operation: 'getAll', ...base, returnAll: true, filters: { keyword: 'Second', status: ['completed', 'indexing'] } });
		expect(list.items.map((i) => i.json.content)).toEqual(['Second paragraph.']);
		expect(sent(server(), 'GET', `/datasets/${datasetId}/documents/${documentId}/segments`)[0].query).toMatchObject({ status: ['completed', 'indexing'], keyword: 'Second' });
		const segmentId = list.items[0].json.id as string;
		const got = await knowledge(server(), { resource: 'segment', operation: 'get', ...base, segmentId });
		expect(got.items[0].json).toMatchObject({ id: segmentId, doc_form: 'text_model' });
		const updated = await knowledge(server(), { resource: 'segment', operation: 'update', ...base, segmentId, updateFields: { content: 'Changed.', keywords: 'x, y', enabled: true, regenerateChildChunks: false } });
		expect(updated.items[0].json).toMatchObject({ content: 'Changed.', keywords: ['x', 'y'] });
		expect(sent(server(), 'POST', `/datasets/${datasetId}/documents/${documentId}/segments/${segmentId}`)[0].json).toEqual({
			segment: { content: 'Changed.', enabled: true, keywords: ['x', 'y'], regenerate_child_chunks: false },
		});
		const deleted = await knowledge(server(), { resource: 'segment', operation: 'delete', ...base, segmentId });
		expect(deleted.items[0].json).toEqual({ deleted: true, segment_id: segmentId });
		const missing = failure(await knowledge(server(), { resource: 'segment', operation: 'get', ...base, segmentId }));
		expect(missing.description).toMatch(/Chunk → Get Many/);
	});
});

describe('Child Chunk', () => {
	it('creates, lists, updates and deletes child chunks', async () => {
		const { datasetId, documentId, base } = await documentWithChunks();
		const segmentId = (await kb(server(), 'GET', `/datasets/${datasetId}/documents/${documentId}/segments`)).data[0].id;
		const path = `/datasets/${datasetId}/documents/${documentId}/segments/${segmentId}/child_chunks`;
		const created = await knowledge(server(), { resource: 'childChunk', operation: 'create', ...base, segmentId, content: 'A child.' });
		expect(created.items[0].json).toMatchObject({ content: 'A child.', type: 'customized' });
		expect(sent(server(), 'POST', path)[0].json).toEqual({ content: 'A child.' });
		const childChunkId = created.items[0].json.id as string;
		const list = await knowledge(server(), { resource: 'childChunk', operation: 'getAll', ...base, segmentId, returnAll: true, keyword: 'child' });
		expect(list.items.map((i) => i.json.id)).toEqual([childChunkId]);
		const updated = await knowledge(server(), { resource: 'childChunk', operation: 'update', ...base, segmentId, childChunkId, content: 'Renamed child.' });
		expect(updated.items[0].json).toMatchObject({ content: 'Renamed child.' });
		expect(sent(server(), 'PATCH', `${path}/${childChunkId}`)[0].json).toEqual({ content: 'Renamed child.' });
		const deleted = await knowledge(server(), { resource: 'childChunk', operation: 'delete', ...base, segmentId, childChunkId });
		expect(deleted.items[0].json).toEqual({ deleted: true, child_chunk_id: childChunkId });
		const again = failure(await knowledge(server(), { resource: 'childChunk', operation: 'delete', ...base, segmentId, childChunkId }));
		expect(again.message).toContain('Child chunk not found.');
	});
});

describe('Metadata', () => {
	it('creates, lists (custom and built-in), renames, sets on a document, toggles built-in fields and deletes', async () => {
		const datasetId = await newDataset(server(), 'Meta');
		const doc = await indexedDocument(server(), datasetId, 'm.md', 'Metadata text.');
		const created = await knowledge(server(), { resource: 'metadata', operation: 'create', datasetId: rl(datasetId), name: 'category', type: 'string' });
		expect(created.items[0].json).toMatchObject({ name: 'category', type: 'string' });
		const metadataId = created.items[0].json.id as string;
		const duplicate = failure(await knowledge(server(), { resource: 'metadata', operation: 'create', datasetId: rl(datasetId), name: 'category', type: 'string' }));
		expect(duplicate.description).toMatch(/unique per knowledge base/);
		const renamed = await knowledge(server(), { resource: 'metadata', operation: 'rename', datasetId: rl(datasetId), metadataId, name: 'topic' });
		expect(renamed.items[0].json).toEqual({ id: metadataId, type: 'string', name: 'topic' });
		const set = await knowledge(server(), { resource: 'metadata', operation: 'setDocumentValues', datasetId: rl(datasetId), documentId: rl(doc.id), values: { value: [{ field: 'topic', value: 'billing' }] }, partialUpdate: true });
		expect(set.error).toBeUndefined();
		expect(sent(server(), 'POST', `/datasets/${datasetId}/documents/metadata`)[0].json).toEqual({
			operation_data: [{ document_id: doc.id, metadata_list: [{ id: metadataId, name: 'topic', value: 'billing' }], partial_update: true }],
		});
		const unknown = failure(await knowledge(server(), { resource: 'metadata', operation: 'setDocumentValues', datasetId: rl(datasetId), documentId: rl(doc.id), values: { value: [{ field: 'colour', value: 'red' }] } }));
		expect(unknown.message).toBe('The knowledge base has no metadata field "colour"');
		const builtIn = await knowledge(server(), { resource: 'metadata', operation: 'setBuiltInFields', datasetId: rl(datasetId), enabled: true });
		expect(builtIn.items[0].json).toEqual({ result: 'success', built_in_field_enabled: true });
		expect(sent(server(), 'POST', `/datasets/${datasetId}/metadata/built-in/enable`)).toHaveLength(1);
		const list = await knowledge(server(), { resource: 'metadata', operation: 'getAll', datasetId: rl(datasetId) });
		expect(list.items[0].json).toEqual({ id: metadataId, name: 'topic', type: 'string', count: 1, built_in: false });
		expect(list.items.slice(1).map((i) => i.json.name)).toEqual(['document_name', 'uploader', 'upload_date', 'last_update_date', 'source']);
		expect(list.items[1].json).toMatchObject({ built_in: true, enabled: true });
		const deleted = await knowledge(server(), { resource: 'metadata', operation: 'delete', datasetId: rl(datasetId), metadataId });
		expect(deleted.items[0].json).toEqual({ deleted: true, metadata_id: metadataId });
		const gone = failure(await knowledge(server(), { resource: 'metadata', operation: 'rename', datasetId: rl(datasetId), metadataId, name: 'x' }));
		expect(gone.message).toContain('Metadata not found.');
	});
});

describe('Tag', () => {
	it('creates, lists (count as a number), renames, binds, unbinds and deletes', async () => {
		const datasetId = await newDataset(server(), 'Tagged');
		const created = await knowledge(server(), { resource: 'tag', operation: 'create', name: 'faq' });
		const tagId = created.items[0].json.id as string;
		const duplicate = failure(await knowledge(server(), { resource: 'tag', operation: 'create', name: 'faq' }));
		expect(duplicate.description).toMatch(/Tag names are unique/);
		await knowledge(server(), { resource: 'tag', operation: 'rename', tagId, name: 'help' });
		expect(sent(server(), 'PATCH', '/datasets/tags')[0].json).toEqual({ tag_id: tagId, name: 'help' });
		const bound = await knowledge(server(), { resource: 'tag', operation: 'bind', datasetId: rl(datasetId), tagIds: tagId });
		expect(bound.items[0].json).toEqual({ bound: true, tag_ids: [tagId], target_id: datasetId });
		const list = await knowledge(server(), { resource: 'tag', operation: 'getAll' });
		expect(list.items.map((i) => i.json)).toEqual([{ id: tagId, name: 'help', type: 'knowledge', binding_count: 1 }]);
		await knowledge(server(), { resource: 'tag', operation: 'unbind', datasetId: rl(datasetId), tagIds: tagId });
		expect(sent(server(), 'POST', '/datasets/tags/unbinding')[0].json).toEqual({ tag_ids: [tagId], target_id: datasetId });
		const deleted = await knowledge(server(), { resource: 'tag', operation: 'delete', tagId });
		expect(deleted.items[0].json).toEqual({ deleted: true, tag_id: tagId });
		expect(sent(server(), 'DELETE', '/datasets/tags')[0].json).toEqual({ tag_id: tagId });
		const gone = failure(await knowledge(server(), { resource: 'tag', operation: 'rename', tagId, name: 'x' }));
		expect(gone.description).toMatch(/Tag → Get Many/);
	});
});

describe('Model', () => {
	it('lists embedding and rerank models one item per model, and explains a bad type', async () => {
		const embedding = await knowledge(server(), { resource: 'model', operation: 'getAll', modelType: 'text-embedding' });
		expect(embedding.items.map((i) => [i.json.provider, i.json.model])).toEqual([
			['langgenius/openai/openai', 'text-embedding-3-small'],
			['langgenius/openai/openai', 'text-embedding-3-large'],
		]);
		const rerank = await knowledge(server(), { resource: 'model', operation: 'getAll', modelType: 'rerank' });
		expect(rerank.items[0].json).toMatchObject({ provider: 'langgenius/cohere/cohere', model: 'rerank-english-v3.0', label: 'rerank-english-v3.0' });
		const bad = failure(await knowledge(server(), { resource: 'model', operation: 'getAll', modelType: 'vision' }));
		expect(bad.message).toContain("'vision' is not a valid ModelType");
	});
});
