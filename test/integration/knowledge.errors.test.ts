import type { INodeListSearchResult } from 'n8n-workflow';

import { runListSearch } from '../harness/n8n';
import { indexedDocument, knowledge, newDataset, rl } from './knowledge.support';
import { callNode, failure, sendParams, useDifyServer } from './support';

const server = useDifyServer();

describe('keys', () => {
	it('an app key on the Knowledge node says which key to use and where to find it, without showing it', async () => {
		const key = server().keys.chat;
		const error = failure(await knowledge(server(), { resource: 'dataset', operation: 'getAll', returnAll: false, limit: 5, filters: {} }, { key }));
		expect(error.message).toBe('Dify error unauthorized: Access token is invalid');
		expect(error.description).toMatch(/^The credential holds an app API key \("app-…"\).*Knowledge, then Service API \(top right\) → API Key/);
		expect(JSON.stringify(error)).not.toContain(key);
	});

	it('a wrong Knowledge key says where the right one comes from', async () => {
		const error = failure(await knowledge(server(), { resource: 'tag', operation: 'getAll' }, { key: 'dataset-notARealKey00000000000' }));
		expect(error.description).toMatch(/^Dify rejected the Knowledge API key/);
	});

	it('the Knowledge key on an app node says an app key is needed', async () => {
		const error = failure(await callNode(server(), { key: server().keys.knowledge, parameters: sendParams('hi') }));
		expect(error.description).toMatch(/^The credential holds a Knowledge API key \("dataset-…"\), which only works with the Dify Knowledge node\. App nodes need the API key of the app itself \("app-…"\): in Dify open the app, then API Access/);
		expect(JSON.stringify(error)).not.toContain(server().keys.knowledge);
	});
});

describe('knowledge base admission and plan limits', () => {
	it('explains a disabled Service API and a plan-limit 403', async () => {
		const id = await newDataset(server(), 'Limited');
		server().misbehave({ path: `/datasets/${id}`, jsonError: { status: 403, code: 'forbidden', message: 'Dataset api access is not enabled.' } });
		const disabled = failure(await knowledge(server(), { resource: 'dataset', operation: 'get', datasetId: rl(id) }));
		expect(disabled.description).toMatch(/Service API is turned off for this knowledge base/);
		server().misbehave({ path: `/datasets/${id}/document/create-by-text`, jsonError: { status: 403, code: 'forbidden', message: 'The number of documents has reached the limit of your subscription.' } });
		const limit = failure(await knowledge(server(), { resource: 'document', operation: 'createFromText', datasetId: rl(id), name: 'a', text: 'b', options: {} }));
		expect(limit.description).toMatch(/plan's limit is reached \(Dify answers plan limits with 403\)/);
	});

	it('with Continue On Fail gives one error item per failed item, paired, and keeps the others', async () => {
		const id = await newDataset(server(), 'Mixed');
		await indexedDocument(server(), id, 'ok.md', 'Green tea is healthy.');
		const result = await knowledge(
			server(),
			{ resource: 'dataset', operation: 'retrieve', datasetId: rl('={{ $json.kb }}'), query: '={{ $json.q }}', options: {} },
			{ continueOnFail: true, items: [{ json: { kb: id, q: 'green tea' } }, { json: { kb: '00000000-0000-4000-8000-000000000000', q: 'tea' } }] },
		);
		expect(result.items).toHaveLength(2);
		expect(result.items[0]).toMatchObject({ json: { query: 'green tea', records: [expect.objectContaining({ content: 'Green tea is healthy.' })] }, pairedItem: { item: 0 } });
		expect(result.items[1]).toMatchObject({ json: { error: 'Dify error not_found: Dataset not found.' }, pairedItem: { item: 1 } });
	});
});

describe('pickers', () => {
	const search = async (method: string, parameters: Record<string, unknown>, filter?: string, paginationToken?: string) =>
		(await runListSearch({
			type: 'dify.difyKnowledge',
			method,
			parameters: { resource: 'document', operation: 'get', ...parameters },
			credentials: { difyKnowledgeApi: { baseUrl: server().apiBase, apiKey: server().keys.knowledge } },
			filter,
			paginationToken,
		})) as INodeListSearchResult;

	it('lists knowledge bases with a keyword filter and pages', async () => {
		for (let k = 0; k < 101; k++) await newDataset(server(), `Picker ${k}`);
		const first = await search('searchDatasets', {}, 'Picker');
		expect(first.results).toHaveLength(100);
		expect(first.paginationToken).toBe('2');
		const second = await search('searchDatasets', {}, 'Picker', first.paginationToken);
		expect(second.results).toHaveLength(1);
		expect(second.paginationToken).toBeUndefined();
		expect(first.results[0]).toEqual({ name: 'Picker 100 (0 documents)', value: expect.any(String) });
	});

	it('counts documents in the picker in the singular for one', async () => {
		const id = await newDataset(server(), 'Single');
		await indexedDocument(server(), id, 'only.md', 'Only one.');
		const found = await search('searchDatasets', {}, 'Single');
		expect(found.results).toEqual([{ name: 'Single (1 document)', value: id }]);
	});

	it('lists the documents of the knowledge base chosen above (by URL too), and asks for it first', async () => {
		const id = await newDataset(server(), 'Picked');
		const doc = await indexedDocument(server(), id, 'picked.md', 'Picked.');
		const byId = await search('searchDocuments', { datasetId: rl(id) });
		expect(byId.results).toEqual([{ name: 'picked.md', value: doc.id }]);
		const byUrl = await search('searchDocuments', { datasetId: rl(`https://cloud.dify.ai/datasets/${id}/documents`, 'url') }, 'pick');
		expect(byUrl.results).toEqual([{ name: 'picked.md', value: doc.id }]);
		await expect(search('searchDocuments', { datasetId: rl('') })).rejects.toThrow('Choose the knowledge base first');
	});
});
