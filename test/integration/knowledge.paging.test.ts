/**
 * Every Knowledge list walks Dify's pages with Return All. Dify caps a page at 100 while echoing the
 * limit asked for, and computes has_more as "this page is full": both mislead above 100 items.
 */
import { indexedDocument, kb, knowledge, newDataset, rl, sent } from './knowledge.support';
import { useDifyServer } from './support';

const server = useDifyServer();

async function documents(datasetId: string, count: number) {
	for (let k = 0; k < count; k++) await kb(server(), 'POST', `/datasets/${datasetId}/document/create-by-text`, { name: `doc-${k}.md`, text: `Text ${k}` });
}

it('documents: 250 with Return All in three pages of 100, and a Limit of 150 across two pages', async () => {
	const id = await newDataset(server(), 'Many documents');
	await documents(id, 250);
	const all = await knowledge(server(), { resource: 'document', operation: 'getAll', datasetId: rl(id), returnAll: true, filters: {} });
	expect(all.items).toHaveLength(250);
	expect(new Set(all.items.map((i) => i.json.id)).size).toBe(250);
	expect(sent(server(), 'GET', `/datasets/${id}/documents`).map((r) => [r.query.page, r.query.limit])).toEqual([['1', '100'], ['2', '100'], ['3', '100']]);
	server().requests.length = 0;
	const limited = await knowledge(server(), { resource: 'document', operation: 'getAll', datasetId: rl(id), returnAll: false, limit: 150, filters: {} });
	expect(limited.items).toHaveLength(150);
	expect(sent(server(), 'GET', `/datasets/${id}/documents`).map((r) => r.query.page)).toEqual(['1', '2']);
});

it('documents: exactly 200 stops at total, although Dify says has_more on the full second page', async () => {
	const id = await newDataset(server(), 'Two hundred');
	await documents(id, 200);
	const page2 = await kb(server(), 'GET', `/datasets/${id}/documents?page=2&limit=100`);
	expect(page2.has_more).toBe(true);
	// And asked for 150, Dify serves 100 and says has_more: false although 100 more exist.
	const capped = await kb(server(), 'GET', `/datasets/${id}/documents?page=1&limit=150`);
	expect([capped.data.length, capped.has_more, capped.limit]).toEqual([100, false, 150]);
	server().requests.length = 0;
	const all = await knowledge(server(), { resource: 'document', operation: 'getAll', datasetId: rl(id), returnAll: true, filters: {} });
	expect(all.items).toHaveLength(200);
	expect(sent(server(), 'GET', `/datasets/${id}/documents`)).toHaveLength(2);
});

it('knowledge bases: Return All over more than 100', async () => {
	for (let k = 0; k < 102; k++) await kb(server(), 'POST', '/datasets', { name: `kb-${k}` });
	const all = await knowledge(server(), { resource: 'dataset', operation: 'getAll', returnAll: true, filters: {} });
	expect(all.items).toHaveLength(105);
	expect(sent(server(), 'GET', '/datasets').map((r) => r.query.page)).toEqual(['1', '2']);
});

it('chunks and child chunks: Return All over more than 100', async () => {
	const id = await newDataset(server(), 'Many chunks');
	const text = Array.from({ length: 130 }, (_, k) => `Line ${k}`).join('\n');
	const doc = await indexedDocument(server(), id, 'lines.md', text);
	const chunks = await knowledge(server(), { resource: 'segment', operation: 'getAll', datasetId: rl(id), documentId: rl(doc.id), returnAll: true, filters: {} });
	expect(chunks.items.map((i) => i.json.content)).toEqual(Array.from({ length: 130 }, (_, k) => `Line ${k}`));
	expect(sent(server(), 'GET', `/datasets/${id}/documents/${doc.id}/segments`).map((r) => r.query.page)).toEqual(['1', '2']);

	const parent = await kb(server(), 'POST', '/datasets', { name: 'Parent-child', indexing_technique: 'high_quality' });
	const created = await kb(server(), 'POST', `/datasets/${parent.id}/document/create-by-text`, {
		name: 'pc.md',
		text,
		doc_form: 'hierarchical_model',
		process_rule: { mode: 'hierarchical', rules: { pre_processing_rules: [], segmentation: { separator: '\n\n', max_tokens: 4000 }, parent_mode: 'full-doc', subchunk_segmentation: { separator: '\n', max_tokens: 100 } } },
	});
	for (let poll = 0; poll < 2; poll++) await kb(server(), 'GET', `/datasets/${parent.id}/documents/${created.batch}/indexing-status`);
	const segment = (await kb(server(), 'GET', `/datasets/${parent.id}/documents/${created.document.id}/segments`)).data[0];
	const children = await knowledge(server(), {
		resource: 'childChunk',
		operation: 'getAll',
		datasetId: rl(parent.id),
		documentId: rl(created.document.id),
		segmentId: segment.id,
		returnAll: true,
	});
	expect(children.items).toHaveLength(130);
	expect(sent(server(), 'GET', `/datasets/${parent.id}/documents/${created.document.id}/segments/${segment.id}/child_chunks`).map((r) => r.query.page)).toEqual(['1', '2']);
});
