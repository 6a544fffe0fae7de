import { knowledge, kb, indexedDocument, newDataset, rl, sent } from './knowledge.support';
import { failure, useDifyServer } from './support';

const server = useDifyServer();

describe('Knowledge Base', () => {
	it('creates a knowledge base with indexing, permission, embedding model, retrieval and summary settings', async () => {
		const result = await knowledge(server(), {
			resource: 'dataset',
			operation: 'create',
			name: 'Support articles',
			options: {
				description: 'From the help center',
				indexingTechnique: 'high_quality',
				permission: 'all_team_members',
				embeddingModel: 'text-embedding-3-large',
				embeddingModelProvider: 'langgenius/openai/openai',
				searchMethod: 'hybrid_search',
				topK: 6,
				summaryIndex: false,
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ name: 'Support articles', permission: 'all_team_members', embedding_model: 'text-embedding-3-large' });
		expect(sent(server(), 'POST', '/datasets')[0].json).toEqual({
			name: 'Support articles',
			description: 'From the help center',
			indexing_technique: 'high_quality',
			permission: 'all_team_members',
			embedding_model: 'text-embedding-3-large',
			embedding_model_provider: 'langgenius/openai/openai',
			retrieval_model: expect.objectContaining({ search_method: 'hybrid_search', top_k: 6, reranking_enable: false, score_threshold_enabled: false }),
			summary_index_setting: { enable: false },
		});
	});

	it('a new knowledge base made with the defaults takes its first document with the defaults', async () => {
		// Nothing opened under Options, as a new user would: the base has no technique yet...
		const created = await knowledge(server(), { resource: 'dataset', operation: 'create', name: 'First base', options: {} });
		expect(created.error).toBeUndefined();
		expect(sent(server(), 'POST', '/datasets')[0].json).not.toHaveProperty('indexing_technique');
		// ...and the first document gives it the default one instead of failing with "indexing_technique is required".
		const id = String(created.items[0].json.id);
		const added = await knowledge(server(), { resource: 'document', operation: 'createFromText', datasetId: rl(id), name: 'hello.md', text: 'Hello, knowledge.', options: {} });
		expect(added.error).toBeUndefined();
		expect(added.items[0].json).toMatchObject({ document: { name: 'hello.md' } });
		expect(sent(server(), 'POST', `/datasets/${id}/document/create-by-text`)[0].json).toMatchObject({ indexing_technique: 'high_quality' });
		expect((await kb(server(), 'GET', `/datasets/${id}`)).indexing_technique).toBe('high_quality');
	});

	it('names the duplicate name and what to do', async () => {
		await newDataset(server(), 'Twice');
		const error = failure(await knowledge(server(), { resource: 'dataset', operation: 'create', name: 'Twice', options: {} }));
		expect(error.message).toContain('dataset_name_duplicate');
		expect(error.description).toMatch(/choose another Name/);
	});

	it('gets, updates (only the fields set, retrieval laid over the current one) and deletes', async () => {
		const id = await newDataset(server(), 'Editable');
		const got = await knowledge(server(), { resource: 'dataset', operation: 'get', datasetId: rl(id) });
		expect(got.items[0].json).toMatchObject({ id, name: 'Editable' });
		const updated = await knowledge(server(), { resource: 'dataset', operation: 'update', datasetId: rl(id), updateFields: { name: 'Edited', topK: 9, partialMembers: 'u1, u2', permission: 'partial_members' } });
		expect(updated.error).toBeUndefined();
		expect(updated.items[0].json).toMatchObject({ name: 'Edited', partial_member_list: ['u1', 'u2'] });
		expect(sent(server(), 'PATCH', `/datasets/${id}`)[0].json).toEqual({
			name: 'Edited',
			permission: 'partial_members',
			retrieval_model: expect.objectContaining({ top_k: 9, search_method: 'semantic_search' }),
			partial_member_list: [{ user_id: 'u1' }, { user_id: 'u2' }],
		});
		const deleted = await knowledge(server(), { resource: 'dataset', operation: 'delete', datasetId: rl(id) });
		expect(deleted.items[0].json).toEqual({ deleted: true, dataset_id: id });
		const missing = failure(await knowledge(server(), { resource: 'dataset', operation: 'get', datasetId: rl(id) }));
		expect(missing.message).toContain('Dataset not found');
		expect(missing.description).toMatch(/pick it From List/);
	});

	it('accepts the knowledge base by the URL of its page in Dify', async () => {
		const id = await newDataset(server(), 'By URL');
		const got = await knowledge(server(), { resource: 'dataset', operation: 'get', datasetId: rl(`https://cloud.dify.ai/datasets/${id}/documents`, 'url') });
		expect(got.items[0].json).toMatchObject({ id });
	});

	it('lists with keyword and tag filters', async () => {
		const a = await newDataset(server(), 'Tagged one');
		await newDataset(server(), 'Tagged two');
		const tag = await kb(server(), 'POST', '/datasets/tags', { name: 'public' });
		await kb(server(), 'POST', '/datasets/tags/binding', { tag_ids: [tag.id], target_id: a });
		const byKeyword = await knowledge(server(), { resource: 'dataset', operation: 'getAll', returnAll: true, filters: { keyword: 'Tagged' } });
		expect(byKeyword.items.map((i) => i.json.name)).toEqual(['Tagged two', 'Tagged one']);
		const byTag = await knowledge(server(), { resource: 'dataset', operation: 'getAll', returnAll: true, filters: { tagIds: tag.id } });
		expect(byTag.items.map((i) => i.json.id)).toEqual([a]);
		expect(sent(server(), 'GET', '/datasets').at(-1)!.query.tag_ids).toBe(tag.id);
	});

	it('lists the tags of a knowledge base', async () => {
		const id = await newDataset(server(), 'With tags');
		const tag = await kb(server(), 'POST', '/datasets/tags', { name: 'internal' });
		await kb(server(), 'POST', '/datasets/tags/binding', { tag_ids: [tag.id], target_id: id });
		const result = await knowledge(server(), { resource: 'dataset', operation: 'getTags', datasetId: rl(id) });
		expect(result.items.map((i) => i.json)).toEqual([{ id: tag.id, name: 'internal' }]);
	});
});

describe('Retrieve', () => {
	it('answers one compact item per query: content, score, document name, chunk ID', async () => {
		const id = await newDataset(server(), 'Policies');
		const doc = await indexedDocument(server(), id, 'refunds.md', 'Refunds are paid within 14 days.\nShipping takes 3 days.');
		const result = await knowledge(server(), { resource: 'dataset', operation: 'retrieve', datasetId: rl(id), query: 'How fast are refunds paid?', simplify: true, options: {} });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toEqual({
			query: 'How fast are refunds paid?',
			records: [{ content: 'Refunds are paid within 14 days.', score: expect.any(Number), document_name: 'refunds.md', chunk_id: expect.any(String), document_id: doc.id }],
		});
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		expect(sent(server(), 'POST', `/datasets/${id}/retrieve`)[0].json).toEqual({ query: 'How fast are refunds paid?' });
	});

	it('sends search method, top K, threshold, reranking and a metadata filter as one complete retrieval model', async () => {
		const id = await newDataset(server(), 'Filtered');
		await indexedDocument(server(), id, 'a.md', 'Refunds in Germany take 5 days.');
		const result = await knowledge(server(), {
			resource: 'dataset',
			operation: 'retrieve',
			datasetId: rl(id),
			query: 'refunds',
			simplify: false,
			metadataFilter: { conditions: [{ name: 'country', operator: 'in', value: 'DE, AT' }, { name: 'year', operator: '≥', value: '2024' }] },
			options: { searchMethod: 'hybrid_search', topK: 2, scoreThreshold: 0.2, rerankingEnable: true, rerankingProvider: 'langgenius/cohere/cohere', rerankingModel: 'rerank-english-v3.0', logicalOperator: 'or', attachmentIds: 'img-1' },
		});
		expect(result.error).toBeUndefined();
		expect(sent(server(), 'POST', `/datasets/${id}/retrieve`)[0].json).toEqual({
			query: 'refunds',
			attachment_ids: ['img-1'],
			retrieval_model: {
				search_method: 'hybrid_search',
				reranking_enable: true,
				reranking_mode: 'reranking_model',
				reranking_model: { reranking_provider_name: 'langgenius/cohere/cohere', reranking_model_name: 'rerank-english-v3.0' },
				weights: null,
				top_k: 2,
				score_threshold_enabled: true,
				score_threshold: 0.2,
				metadata_filtering_conditions: {
					logical_operator: 'or',
					conditions: [
						{ name: 'country', comparison_operator: 'in', value: ['DE', 'AT'] },
						{ name: 'year', comparison_operator: '≥', value: 2024 },
					],
				},
			},
		});
	});

	it('explains an empty knowledge base, an over-long query and reranking without a model', async () => {
		const id = await newDataset(server(), 'Empty');
		const empty = failure(await knowledge(server(), { resource: 'dataset', operation: 'retrieve', datasetId: rl(id), query: 'anything', options: {} }));
		expect(empty.message).toContain('dataset_not_initialized');
		expect(empty.description).toMatch(/add a document/);
		const long = failure(await knowledge(server(), { resource: 'dataset', operation: 'retrieve', datasetId: rl(id), query: 'x'.repeat(251), options: {} }));
		expect(long.message).toMatch(/at most 250/);
		const rerank = failure(await knowledge(server(), { resource: 'dataset', operation: 'retrieve', datasetId: rl(id), query: 'q', options: { rerankingEnable: true } }));
		expect(rerank.message).toMatch(/no rerank model/);
	});
});
