import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import { zipEntryNames } from '../dify-server/zip';
import { indexedDocument, kb, knowledge, newDataset, rl, sent } from './knowledge.support';
import { failure, useDifyServer } from './support';

const server = useDifyServer({ uploadLimits: { fileBytes: 1024 * 1024 } });

const textItem = (text: string, fileName: string, mimeType = 'text/markdown') => ({
	json: {},
	binary: { data: { data: Buffer.from(text).toString('base64'), mimeType, fileName } },
});

const FAST = { waitForIndexing: true, pollInterval: 0.01, maxWait: 30 };

describe('ingestion through n8n-core: create, wait for indexing, retrieve', () => {
	it('binary → Create From File (waiting) → Retrieve finds the new chunk', async () => {
		const id = await newDataset(server(), 'Manuals');
		const created = await knowledge(
			server(),
			{ resource: 'document', operation: 'createFromFile', datasetId: rl(id), binaryPropertyName: 'data', options: { ...FAST, segmentation: 'custom', separator: '\\n\\n', maxTokens: 300 } },
			{ items: [textItem('# Printer\n\nThe printer needs A4 paper.\n\nToner lasts 2000 pages.', 'printer.md')] },
		);
		expect(created.error).toBeUndefined();
		expect(created.items[0].json).toMatchObject({ batch: expect.any(String), document: { name: 'printer.md', indexing_status: 'completed' }, indexing: { indexing_status: 'completed', completed_segments: 3, total_segments: 3 } });
		const upload = sent(server(), 'POST', `/datasets/${id}/document/create-by-file`)[0];
		expect(upload.multipart!.files[0]).toMatchObject({ name: 'file', filename: 'printer.md', contentType: 'text/markdown' });
		expect(JSON.parse(upload.multipart!.fields.data)).toEqual({
			// The default technique, used by Dify only for a knowledge base without one.
			indexing_technique: 'high_quality',
			process_rule: {
				mode: 'custom',
				rules: {
					pre_processing_rules: [{ id: 'remove_extra_spaces', enabled: true }, { id: 'remove_urls_emails', enabled: false }],
					segmentation: { separator: '\n\n', max_tokens: 300, chunk_overlap: 50 },
				},
			},
		});
		// Polite polling: one status call per poll, and it stopped once indexing completed.
		expect(sent(server(), 'GET', /indexing-status$/)).toHaveLength(2);
		const found = await knowledge(server(), { resource: 'dataset', operation: 'retrieve', datasetId: rl(id), query: 'How long does toner last?', simplify: true, options: {} });
		expect(found.items[0].json.records).toEqual([expect.objectContaining({ content: 'Toner lasts 2000 pages.', document_name: 'printer.md' })]);
	});

	describe('from a file URL served on 127.0.0.1', () => {
		let files: Server;
		let base: string;
		beforeAll(async () => {
			files = createServer((req, res) => {
				if (req.url === '/faq.txt') {
					res.writeHead(200, { 'content-type': 'text/plain' });
					res.end('Opening hours: 9 to 5.\nParking is free for visitors.');
				} else {
					res.writeHead(404, { 'content-type': 'text/plain' });
					res.end('no such file');
				}
			});
			await new Promise<void>((r) => files.listen(0, '127.0.0.1', () => r()));
			base = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
		});
		afterAll(() => new Promise<void>((r) => files.close(() => r())));

		it('downloads the URL through n8n, uploads it as a file, waits and retrieves', async () => {
			const id = await newDataset(server(), 'Visitors');
			const created = await knowledge(server(), { resource: 'document', operation: 'createFromUrl', datasetId: rl(id), url: `${base}/faq.txt`, options: { ...FAST, segmentation: 'automatic', allowInternalAddresses: true } });
			expect(created.error).toBeUndefined();
			expect(created.items[0].json).toMatchObject({ document: { name: 'faq.txt', indexing_status: 'completed' } });
			const upload = sent(server(), 'POST', `/datasets/${id}/document/create-by-file`)[0];
			expect(upload.multipart!.files[0]).toMatchObject({ filename: 'faq.txt', contentType: 'text/plain', size: 52 });
			// The Dify key never goes to the file host.
			const found = await knowledge(server(), { resource: 'dataset', operation: 'retrieve', datasetId: rl(id), query: 'Is parking free?', options: {} });
			expect(found.items[0].json.records).toEqual([expect.objectContaining({ content: 'Parking is free for visitors.' })]);
		});

		it('names the URL and the HTTP status when the file cannot be fetched', async () => {
			const id = await newDataset(server(), 'Missing file');
			const error = failure(await knowledge(server(), { resource: 'document', operation: 'createFromUrl', datasetId: rl(id), url: `${base}/gone.pdf`, options: { allowInternalAddresses: true } }));
			expect(error.message).toBe(`Fetching the file at ${base}/gone.pdf failed with HTTP 404`);
			expect(sent(server(), 'POST', /create-by-file/)).toHaveLength(0);
		});
	});
});

describe('Document', () => {
	it('creates from text with indexing technique, chunk format and parent-child segmentation', async () => {
		const id = (await kb(server(), 'POST', '/datasets', { name: 'Empty technique' })).id;
		const result = await knowledge(server(), {
			resource: 'document',
			operation: 'createFromText',
			datasetId: rl(id),
			name: 'Guide',
			text: 'Part one.\nLine two.\n\nPart two.',
			options: { indexingTechnique: 'economy', docLanguage: 'German', segmentation: 'hierarchical', parentMode: 'paragraph', childSeparator: '\\n', childMaxTokens: 100 },
		});
		expect(result.error).toBeUndefined();
		expect(sent(server(), 'POST', `/datasets/${id}/document/create-by-text`)[0].json).toEqual({
			name: 'Guide',
			text: 'Part one.\nLine two.\n\nPart two.',
			indexing_technique: 'economy',
			doc_form: 'hierarchical_model',
			doc_language: 'German',
			process_rule: {
				mode: 'hierarchical',
				rules: {
					pre_processing_rules: [{ id: 'remove_extra_spaces', enabled: true }, { id: 'remove_urls_emails', enabled: false }],
					segmentation: { separator: '\n\n', max_tokens: 500, chunk_overlap: 0 },
					parent_mode: 'paragraph',
					subchunk_segmentation: { separator: '\n', max_tokens: 100, chunk_overlap: 0 },
				},
			},
		});
		expect(result.items[0].json).toMatchObject({ document: { doc_form: 'hierarchical_model', indexing_status: 'waiting' }, batch: expect.any(String) });
	});

	it('explains an invalid process rule and an unsupported file', async () => {
		const id = (await kb(server(), 'POST', '/datasets', { name: 'No technique' })).id;
		const rule = failure(await knowledge(server(), { resource: 'document', operation: 'createFromText', datasetId: rl(id), name: 'a', text: 'b', options: { indexingTechnique: 'economy', segmentation: 'custom', maxTokens: 5000 } }));
		expect(rule.message).toContain('Process rule segmentation max_tokens is invalid');
		expect(rule.description).toMatch(/at most 4000/);
		const file = failure(
			await knowledge(server(), { resource: 'document', operation: 'createFromFile', datasetId: rl(id), binaryPropertyName: 'data', options: { indexingTechnique: 'economy', segmentation: 'automatic' } }, { items: [textItem('MZ', 'setup.exe', 'application/octet-stream')] }),
		);
		expect(file.message).toBe('Dify error invalid_param: (Dify sent no message)');
		expect(file.description).toMatch(/extension is not a document type/);
		const noRule = failure(await knowledge(server(), { resource: 'document', operation: 'createFromFile', datasetId: rl(id), binaryPropertyName: 'data', options: { indexingTechnique: 'economy' } }, { items: [textItem('x', 'a.txt')] }));
		expect(noRule.description).toMatch(/set Segmentation/);
	});

	it('gets (metadata modes), lists with keyword and status, and deletes', async () => {
		const id = await newDataset(server(), 'Docs');
		const ready = await indexedDocument(server(), id, 'ready.md', 'Ready text.');
		await kb(server(), 'POST', `/datasets/${id}/document/create-by-text`, { name: 'queued.md', text: 'Not yet.' });
		const only = await knowledge(server(), { resource: 'document', operation: 'get', datasetId: rl(id), documentId: rl(ready.id), metadata: 'only' });
		expect(Object.keys(only.items[0].json).sort()).toEqual(['doc_metadata', 'doc_type', 'id']);
		expect(sent(server(), 'GET', `/datasets/${id}/documents/${ready.id}`)[0].query).toEqual({ metadata: 'only' });
		const pageUrl = `https://cloud.dify.ai/datasets/${id}/documents/${ready.id}`;
		const byUrl = await knowledge(server(), { resource: 'document', operation: 'get', datasetId: rl(pageUrl, 'url'), documentId: rl(pageUrl, 'url'), metadata: 'without' });
		expect(byUrl.items[0].json).toMatchObject({ id: ready.id, name: 'ready.md' });
		const available = await knowledge(server(), { resource: 'document', operation: 'getAll', datasetId: rl(id), returnAll: true, filters: { status: 'available', keyword: '.md' } });
		expect(available.items.map((i) => i.json.name)).toEqual(['ready.md']);
		const deleted = await knowledge(server(), { resource: 'document', operation: 'delete', datasetId: rl(id), documentId: rl(ready.id) });
		expect(deleted.items[0].json).toEqual({ deleted: true, document_id: ready.id });
		const again = failure(await knowledge(server(), { resource: 'document', operation: 'delete', datasetId: rl(id), documentId: rl(ready.id) }));
		expect(again.message).toContain('Document Not Exists.');
		expect(again.description).toMatch(/pick the document From List/);
	});

	it('refuses to delete a document while it is indexed, and says to wait', async () => {
		const id = await newDataset(server(), 'Busy');
		const created = await kb(server(), 'POST', `/datasets/${id}/document/create-by-text`, { name: 'busy.md', text: 'Indexing.' });
		const error = failure(await knowledge(server(), { resource: 'document', operation: 'delete', datasetId: rl(id), documentId: rl(created.document.id) }));
		expect(error.message).toContain('document_indexing');
		expect(error.description).toMatch(/still being indexed.*Wait for Completion/);
	});

	it('updates from text and from file (PATCH, or POST update-by-file on servers older than 1.14)', async () => {
		const id = await newDataset(server(), 'Updates');
		const doc = await indexedDocument(server(), id, 'v1.md', 'Version one.');
		const byText = await knowledge(server(), { resource: 'document', operation: 'updateFromText', datasetId: rl(id), documentId: rl(doc.id), name: 'v2.md', text: 'Version two.', options: FAST });
		expect(byText.error).toBeUndefined();
		expect(byText.items[0].json).toMatchObject({ document: { name: 'v2.md', indexing_status: 'completed' } });
		expect(sent(server(), 'POST', `/datasets/${id}/documents/${doc.id}/update-by-text`)[0].json).toEqual({ name: 'v2.md', text: 'Version two.' });
		const byFile = await knowledge(server(), { resource: 'document', operation: 'updateFromFile', datasetId: rl(id), documentId: rl(doc.id), binaryPropertyName: 'data', options: FAST }, { items: [textItem('Version three.', 'v3.txt', 'text/plain')] });
		expect(byFile.error).toBeUndefined();
		expect(sent(server(), 'PATCH', `/datasets/${id}/documents/${doc.id}`)).toHaveLength(1);
		server().misbehave({ method: 'PATCH', path: `/datasets/${id}/documents/${doc.id}`, jsonError: { status: 405, code: 'method_not_allowed', message: 'The method is not allowed for the requested URL.' } });
		const old = await knowledge(server(), { resource: 'document', operation: 'updateFromFile', datasetId: rl(id), documentId: rl(doc.id), binaryPropertyName: 'data', options: {} }, { items: [textItem('Version four.', 'v4.txt', 'text/plain')] });
		expect(old.error).toBeUndefined();
		expect(sent(server(), 'POST', `/datasets/${id}/documents/${doc.id}/update-by-file`)[0].multipart!.files[0]).toMatchObject({ filename: 'v4.txt', size: 13 });
	});

	it('update of a document that is not available names the cause', async () => {
		const id = await newDataset(server(), 'Not available');
		const created = await kb(server(), 'POST', `/datasets/${id}/document/create-by-text`, { name: 'x.md', text: 'x' });
		const error = failure(await knowledge(server(), { resource: 'document', operation: 'updateFromText', datasetId: rl(id), documentId: rl(created.document.id), name: 'y', text: 'y', options: {} }));
		expect(error.description).toMatch(/finished indexing/);
	});

	it('gets the indexing status of a batch, and waits for it within Max Wait', async () => {
		const id = await newDataset(server(), 'Status');
		const created = await kb(server(), 'POST', `/datasets/${id}/document/create-by-text`, { name: 's.md', text: 'Status text.' });
		const once = await knowledge(server(), { resource: 'document', operation: 'getIndexingStatus', datasetId: rl(id), batch: created.batch, waitForCompletion: false });
		expect(once.items[0].json).toMatchObject({ id: created.document.id, indexing_status: 'indexing' });
		const waited = await knowledge(server(), { resource: 'document', operation: 'getIndexingStatus', datasetId: rl(id), batch: created.batch, waitForCompletion: true, options: { pollInterval: 0.01 } });
		expect(waited.items[0].json).toMatchObject({ indexing_status: 'completed', completed_segments: 1, total_segments: 1 });
		const unknown = failure(await knowledge(server(), { resource: 'document', operation: 'getIndexingStatus', datasetId: rl(id), batch: 'nope', waitForCompletion: false }));
		expect(unknown.description).toMatch(/batch ID/);
	});

	it('fails with Dify\'s reason when indexing ends in error, and gives up after Max Wait', async () => {
		const id = await newDataset(server(), 'Failing');
		const failing = failure(await knowledge(server(), { resource: 'document', operation: 'createFromText', datasetId: rl(id), name: 'bad.md', text: 'oops #dify-double:index-error', options: FAST }));
		expect(failing.message).toMatch(/^Dify could not index document .*: The embedding model returned an error/);
		const created = await kb(server(), 'POST', `/datasets/${id}/document/create-by-text`, { name: 'slow.md', text: 'slow' });
		const slow = failure(await knowledge(server(), { resource: 'document', operation: 'getIndexingStatus', datasetId: rl(id), batch: created.batch, waitForCompletion: true, options: { pollInterval: 1, maxWait: 1 } }));
		expect(slow.message).toMatch(/^Indexing did not finish within 1 s \(1 of 1 documents still indexing\)/);
		expect(slow.description).toContain(created.batch);
	});

	it('enables, disables, archives and un-archives in batch; refuses while indexing', async () => {
		const id = await newDataset(server(), 'Batch');
		const a = await indexedDocument(server(), id, 'a.md', 'A');
		const b = await indexedDocument(server(), id, 'b.md', 'B');
		const archived = await knowledge(server(), { resource: 'document', operation: 'updateStatus', datasetId: rl(id), documentIds: `${a.id}, ${b.id}`, action: 'archive' });
		expect(archived.items[0].json).toEqual({ result: 'success', action: 'archive', document_ids: [a.id, b.id] });
		expect(sent(server(), 'PATCH', `/datasets/${id}/documents/status/archive`)[0].json).toEqual({ document_ids: [a.id, b.id] });
		const immutable = failure(await knowledge(server(), { resource: 'document', operation: 'delete', datasetId: rl(id), documentId: rl(a.id) }));
		expect(immutable.description).toMatch(/un-archive it first/);
		const busy = await kb(server(), 'POST', `/datasets/${id}/document/create-by-text`, { name: 'busy.md', text: 'busy' });
		const refused = failure(await knowledge(server(), { resource: 'document', operation: 'updateStatus', datasetId: rl(id), documentIds: [busy.document.id], action: 'disable' }));
		expect(refused.message).toContain('invalid_action');
		expect(refused.description).toMatch(/still being indexed/);
	});

	it('downloads the original file as binary, and several as a ZIP', async () => {
		const id = await newDataset(server(), 'Downloads');
		const one = await knowledge(server(), { resource: 'document', operation: 'createFromFile', datasetId: rl(id), binaryPropertyName: 'data', options: { segmentation: 'automatic' } }, { items: [textItem('First file.', 'one.md')] });
		const two = await knowledge(server(), { resource: 'document', operation: 'createFromFile', datasetId: rl(id), binaryPropertyName: 'data', options: { segmentation: 'automatic' } }, { items: [textItem('Second file.', 'two.md')] });
		const oneId = (one.items[0].json.document as { id: string }).id;
		const twoId = (two.items[0].json.document as { id: string }).id;
		const file = await knowledge(server(), { resource: 'document', operation: 'download', datasetId: rl(id), documentId: rl(oneId), binaryPropertyName: 'file' });
		expect(file.error).toBeUndefined();
		expect(Buffer.from(file.items[0].binary!.file.data, 'base64').toString()).toBe('First file.');
		expect(file.items[0].json).toMatchObject({ file_name: 'one.md', size: 11 });
		// The signed URL is fetched without the Knowledge key.
		const fetched = server().requests.find((r) => r.path.endsWith('/file-preview'))!;
		expect(fetched.headers.authorization).toBeUndefined();
		const zip = await knowledge(server(), { resource: 'document', operation: 'downloadZip', datasetId: rl(id), documentIds: `${oneId},${twoId}`, binaryPropertyName: 'data' });
		expect(zip.error).toBeUndefined();
		expect(zip.items[0].binary!.data.mimeType).toBe('application/zip');
		expect(zipEntryNames(Buffer.from(zip.items[0].binary!.data.data, 'base64'))).toEqual(['one.md', 'two.md']);
		const text = await indexedDocument(server(), id, 'typed.md', 'typed');
		const noFile = failure(await knowledge(server(), { resource: 'document', operation: 'download', datasetId: rl(id), documentId: rl(text.id), binaryPropertyName: 'data' }));
		expect(noFile.description).toMatch(/created from text/);
		const tooMany = failure(await knowledge(server(), { resource: 'document', operation: 'downloadZip', datasetId: rl(id), documentIds: Array.from({ length: 101 }, () => oneId).join(','), binaryPropertyName: 'data' }));
		expect(tooMany.message).toBe('Download ZIP takes 1 to 100 document IDs, not 101');
	});
});
