import { validateResponse } from '../support/openapi';
import { kb, knowledge, rl, sent } from './knowledge.support';
import { failure, useDifyServer } from './support';

const server = useDifyServer();

/** The test server's pipeline knowledge base ("Release Notes") and a classic one ("Product FAQ"). */
const PIPELINE_KB = '1c2d3e4f-5a6b-4c7d-9e8f-0a1b2c3d4e5f';
const CLASSIC_KB = '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';

const fileItem = (text: string, fileName: string, mimeType = 'text/markdown') => ({
	json: {},
	binary: { data: { data: Buffer.from(text).toString('base64'), mimeType, fileName } },
});

describe('Knowledge Pipeline → Get Datasource Plugins', () => {
	it('outputs one item per datasource node of the published pipeline, as Dify describes them', async () => {
		const answer = await kb(server(), 'GET', `/datasets/${PIPELINE_KB}/pipeline/datasource-plugins`);
		const result = await knowledge(server(), { resource: 'pipeline', operation: 'getDatasourcePlugins', datasetId: rl(PIPELINE_KB) });
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json)).toEqual(answer);
		expect(result.items[0].json).toMatchObject({ node_id: expect.any(String), datasource_type: 'local_file' });
		expect(sent(server(), 'GET', `/datasets/${PIPELINE_KB}/pipeline/datasource-plugins`).at(-1)?.query).toEqual({ is_published: 'true' });
	});

	it('lists the draft pipeline\'s nodes on request', async () => {
		const result = await knowledge(server(), { resource: 'pipeline', operation: 'getDatasourcePlugins', datasetId: rl(PIPELINE_KB), options: { draft: true } });
		expect(result.items.map((i) => i.json.datasource_type)).toEqual(['local_file', 'website_crawl']);
		expect(sent(server(), 'GET', `/datasets/${PIPELINE_KB}/pipeline/datasource-plugins`)[0].query).toEqual({ is_published: 'false' });
	});

	it('fails with Dify\'s message for a knowledge base without a pipeline', async () => {
		const error = failure(await knowledge(server(), { resource: 'pipeline', operation: 'getDatasourcePlugins', datasetId: rl(CLASSIC_KB) }));
		expect(error.message).toMatch(/invalid_param.*Pipeline not found/);
	});

	it('fails with not_found for an unknown knowledge base', async () => {
		const error = failure(await knowledge(server(), { resource: 'pipeline', operation: 'getDatasourcePlugins', datasetId: rl('9f9f9f9f-0000-4000-8000-000000000000') }));
		expect(error.httpCode).toBe('404');
	});
});

describe('Knowledge Pipeline → Upload File', () => {
	it('uploads the binary as one multipart file without a user, and outputs Dify\'s file', async () => {
		const result = await knowledge(server(), { resource: 'pipeline', operation: 'uploadFile', binaryPropertyName: 'data' }, { items: [fileItem('# Notes\n', 'notes.md')] });
		expect(result.error).toBeUndefined();
		const json = result.items[0].json;
		expect(json).toMatchObject({ name: 'notes.md', size: 8, extension: 'md', mime_type: 'text/markdown', created_by: expect.any(String) });
		expect(validateResponse('POST', '/datasets/pipeline/file-upload', 201, json)).toEqual([]);
		const request = sent(server(), 'POST', '/datasets/pipeline/file-upload')[0];
		expect(request.multipart?.fields).toEqual({});
		expect(request.multipart?.files).toEqual([expect.objectContaining({ name: 'file', filename: 'notes.md', contentType: 'text/markdown', size: 8 })]);
	});

	it('fails when the item has no such binary field, before calling Dify', async () => {
		const error = failure(await knowledge(server(), { resource: 'pipeline', operation: 'uploadFile', binaryPropertyName: 'missing' }, { items: [fileItem('x', 'a.txt')] }));
		expect(error.message).toMatch(/missing/);
		expect(sent(server(), 'POST', '/datasets/pipeline/file-upload')).toEqual([]);
	});

	it('fails with Dify\'s 413 for a file over the limit', async () => {
		const big = 'x'.repeat(15 * 1024 * 1024 + 1);
		const error = failure(await knowledge(server(), { resource: 'pipeline', operation: 'uploadFile', binaryPropertyName: 'data' }, { items: [fileItem(big, 'big.txt', 'text/plain')] }));
		expect(error.httpCode).toBe('413');
		expect(error.message).toMatch(/file_too_large/);
	}, 30_000);
});
