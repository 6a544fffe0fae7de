/**
 * At least one failure per Knowledge operation, through the node: Dify's answer becomes an error that
 * names Dify's code and message, and (where Dify's message does not say it) what to do.
 */
import type { IDataObject } from 'n8n-workflow';

import { indexedDocument, kb, knowledge, newDataset, rl } from './knowledge.support';
import { failure, useDifyServer } from './support';

const server = useDifyServer();
const MISSING = '00000000-0000-4000-8000-000000000000';

interface World {
	dataset: IDataObject;
	doc: IDataObject;
	segment: string;
	datasetId: string;
	documentId: string;
}

async function world(): Promise<World> {
	const datasetId = await newDataset(server(), 'Failures');
	await newDataset(server(), 'Taken name');
	const doc = await indexedDocument(server(), datasetId, 'f.md', 'One line.');
	const segment = (await kb(server(), 'GET', `/datasets/${datasetId}/documents/${doc.id}/segments`)).data[0].id;
	await kb(server(), 'POST', `/datasets/${datasetId}/documents/${doc.id}/segments/${segment}`, { segment: { enabled: false } });
	return { datasetId, documentId: doc.id, segment, dataset: { datasetId: rl(datasetId) }, doc: { datasetId: rl(datasetId), documentId: rl(doc.id) } };
}

const cases: [string, (w: World) => IDataObject, RegExp][] = [
	['dataset/update to a taken name', (w) => ({ resource: 'dataset', operation: 'update', ...w.dataset, updateFields: { name: 'Taken name' } }), /dataset_name_duplicate/],
	['dataset/delete of a missing knowledge base', () => ({ resource: 'dataset', operation: 'delete', datasetId: rl(MISSING) }), /Dataset not found/],
	['dataset/getTags of a missing knowledge base', () => ({ resource: 'dataset', operation: 'getTags', datasetId: rl(MISSING) }), /Dataset not found/],
	['document/getAll of a missing knowledge base', () => ({ resource: 'document', operation: 'getAll', datasetId: rl(MISSING), returnAll: true, filters: {} }), /Dataset not found/],
	['document/get of a missing document', (w) => ({ resource: 'document', operation: 'get', datasetId: rl(w.datasetId), documentId: rl(MISSING), metadata: 'all' }), /Document not found/],
	['document/updateFromFile with a file type Dify cannot index', (w) => ({ resource: 'document', operation: 'updateFromFile', ...w.doc, binaryPropertyName: 'data', options: {} }), /unsupported_file_type/],
	['document/downloadZip of a missing document', (w) => ({ resource: 'document', operation: 'downloadZip', ...w.dataset, documentIds: MISSING, binaryPropertyName: 'data' }), /Document not found/],
	['document/updateStatus with an unknown document', (w) => ({ resource: 'document', operation: 'updateStatus', ...w.dataset, documentIds: MISSING, action: 'enable' }), /Document not found/],
	['segment/getAll of a missing document', (w) => ({ resource: 'segment', operation: 'getAll', datasetId: rl(w.datasetId), documentId: rl(MISSING), returnAll: true, filters: {} }), /Document not found/],
	['segment/update of a disabled chunk', (w) => ({ resource: 'segment', operation: 'update', ...w.doc, segmentId: w.segment, updateFields: { content: 'x' } }), /Can't update disabled segment/],
	['segment/delete of a missing chunk', (w) => ({ resource: 'segment', operation: 'delete', ...w.doc, segmentId: MISSING }), /Segment not found/],
	['childChunk/create under a missing chunk', (w) => ({ resource: 'childChunk', operation: 'create', ...w.doc, segmentId: MISSING, content: 'x' }), /Segment not found/],
	['childChunk/getAll under a missing chunk', (w) => ({ resource: 'childChunk', operation: 'getAll', ...w.doc, segmentId: MISSING, returnAll: true }), /Segment not found/],
	['childChunk/update of a missing child chunk', (w) => ({ resource: 'childChunk', operation: 'update', ...w.doc, segmentId: w.segment, childChunkId: MISSING, content: 'x' }), /Child chunk not found/],
	['metadata/getAll of a missing knowledge base', () => ({ resource: 'metadata', operation: 'getAll', datasetId: rl(MISSING) }), /Dataset not found/],
	['metadata/create with a built-in name', (w) => ({ resource: 'metadata', operation: 'create', ...w.dataset, name: 'source', type: 'string' }), /Built-in fields/],
	['metadata/delete of a missing field', (w) => ({ resource: 'metadata', operation: 'delete', ...w.dataset, metadataId: MISSING }), /Metadata not found/],
	['metadata/setBuiltInFields on a missing knowledge base', () => ({ resource: 'metadata', operation: 'setBuiltInFields', datasetId: rl(MISSING), enabled: true }), /Dataset not found/],
	['metadata/setDocumentValues on a missing knowledge base', () => ({ resource: 'metadata', operation: 'setDocumentValues', datasetId: rl(MISSING), documentId: rl(MISSING), values: {} }), /Dataset not found/],
	['tag/delete of a missing tag', () => ({ resource: 'tag', operation: 'delete', tagId: MISSING }), /Tag not found/],
	['tag/bind of a missing tag', (w) => ({ resource: 'tag', operation: 'bind', ...w.dataset, tagIds: MISSING }), /Tag not found/],
	['tag/unbind from a missing knowledge base', () => ({ resource: 'tag', operation: 'unbind', datasetId: rl(MISSING), tagIds: MISSING }), /Dataset not found/],
];

it.each(cases)('%s', async (_name, parameters, expected) => {
	const w = await world();
	const items = [{ json: {}, binary: { data: { data: Buffer.from('MZ').toString('base64'), mimeType: 'application/octet-stream', fileName: 'tool.exe' } } }];
	const error = failure(await knowledge(server(), parameters(w), { items }));
	expect(error.message).toMatch(expected);
	expect(error.message).toMatch(/^Dify error \w+: /);
	expect(error.description).toMatch(/answered HTTP \d{3}\)?$/);
});
