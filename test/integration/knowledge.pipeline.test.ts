import type { IDataObject, INodeListSearchResult } from 'n8n-workflow';

import { runListSearch } from '../harness/n8n';
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

/** The published pipeline's local-file node, and the draft's crawler. */
const FILE_NODE = '1750400203722';
const CRAWLER_NODE = '1750400203900';
const FAST = { pollInterval: 0.01, maxWait: 30 };

async function uploaded(text: string, fileName: string): Promise<string> {
	const result = await knowledge(server(), { resource: 'pipeline', operation: 'uploadFile', binaryPropertyName: 'data' }, { items: [fileItem(text, fileName)] });
	return result.items[0].json.id as string;
}

const runParams = (fileId: string, extra: Record<string, unknown> = {}) => ({
	resource: 'pipeline',
	operation: 'runPipeline',
	datasetId: rl(PIPELINE_KB),
	startNodeId: rl(FILE_NODE),
	datasourceType: 'local_file',
	datasourceInfoList: JSON.stringify([{ reference: fileId, name: 'notes.md' }]),
	inputs: '{}',
	...extra,
});

describe('Knowledge Pipeline → Run Pipeline', () => {
	it('runs the published pipeline, waits until its document is indexed, and outputs the documents with their final status', async () => {
		const fileId = await uploaded('# Notes\nRelease 2 adds pipelines.\n', 'notes.md');
		const result = await knowledge(server(), runParams(fileId, { options: FAST }));
		expect(result.error).toBeUndefined();
		const json = result.items[0].json as any;
		expect(json).toMatchObject({ batch: expect.any(String), dataset: { id: PIPELINE_KB }, documents: [{ name: 'notes.md', data_source_type: 'local_file', indexing_status: 'completed' }] });
		expect(json.indexing).toEqual([expect.objectContaining({ id: json.documents[0].id, indexing_status: 'completed' })]);
		const request = sent(server(), 'POST', `/datasets/${PIPELINE_KB}/pipeline/run`)[0];
		expect(request.json).toEqual({
			inputs: {},
			datasource_type: 'local_file',
			datasource_info_list: [{ reference: fileId, name: 'notes.md' }],
			start_node_id: FILE_NODE,
			is_published: true,
			response_mode: 'streaming',
		});
		// Polite polling of the run's batch: it stopped once the document was indexed.
		expect(sent(server(), 'GET', `/datasets/${PIPELINE_KB}/documents/${json.batch}/indexing-status`)).toHaveLength(2);
		const listed = await kb(server(), 'GET', `/datasets/${PIPELINE_KB}/documents`);
		expect(listed.data).toEqual(expect.arrayContaining([expect.objectContaining({ id: json.documents[0].id, indexing_status: 'completed' })]));
	});

	it('outputs the queued documents at once when Wait for Indexing is off', async () => {
		const fileId = await uploaded('text', 'a.md');
		const result = await knowledge(server(), runParams(fileId, { responseMode: 'blocking', options: { waitForIndexing: false } }));
		expect(result.items[0].json).toMatchObject({ documents: [{ indexing_status: 'waiting' }] });
		expect(result.items[0].json.indexing).toBeUndefined();
		expect(sent(server(), 'GET', /indexing-status$/)).toEqual([]);
	});

	it('fails with Dify\'s reason when a document of the run ends in error while waiting', async () => {
		const fileId = await uploaded('broken #dify-double:index-error', 'bad.md');
		const error = failure(await knowledge(server(), runParams(fileId, { options: FAST })));
		expect(error.message).toMatch(/^Dify could not index document .+: The embedding model returned an error/);
	});

	it('runs the draft pipeline blocking and streaming into the same result', async () => {
		const fileId = await uploaded('alpha\nbeta\n', 'draft.md');
		const blocking = await knowledge(server(), runParams(fileId, { responseMode: 'blocking', options: { draft: true } }));
		const streaming = await knowledge(server(), runParams(fileId, { responseMode: 'streaming', options: { draft: true } }));
		for (const result of [blocking, streaming]) {
			expect(result.error).toBeUndefined();
			expect(result.items[0].json).toMatchObject({
				workflow_run_id: expect.any(String),
				task_id: expect.any(String),
				status: 'succeeded',
				outputs: { chunk_structure: 'text_model', preview: [{ content: 'alpha' }, { content: 'beta' }], total_segments: 2 },
				total_steps: 2,
			});
		}
		const bodies = sent(server(), 'POST', `/datasets/${PIPELINE_KB}/pipeline/run`).map((r) => r.json as IDataObject);
		expect(bodies.map((b) => [b.is_published, b.response_mode])).toEqual([
			[false, 'blocking'],
			[false, 'streaming'],
		]);
		// A draft run adds no document.
		expect(sent(server(), 'GET', /indexing-status$/)).toEqual([]);
	});

	it('fails a draft run that ends failed, naming the node and Dify\'s error', async () => {
		const fileId = await uploaded('x', 'x.md');
		const error = failure(await knowledge(server(), runParams(fileId, { inputs: '{"fail": true}', options: { draft: true } })));
		expect(error.message).toBe('Dify pipeline run failed in node "Knowledge Base": Node Knowledge Base run failed: forced failure (inputs.fail)');
	});

	it('turns an error event of the stream into an actionable error', async () => {
		const fileId = await uploaded('x', 'x.md');
		server().misbehave({ path: `/datasets/${PIPELINE_KB}/pipeline/run`, errorFrameAfterFrames: { after: 2, message: 'Datasource plugin crashed' } });
		const error = failure(await knowledge(server(), runParams(fileId, { options: { draft: true } })));
		expect(error.message).toMatch(/Datasource plugin crashed/);
		expect(error.description).toMatch(/pipeline run failed inside Dify/);
	});

	it('fails when the stream is cut before the run finished, never as a success', async () => {
		const fileId = await uploaded('x', 'x.md');
		server().misbehave({ path: `/datasets/${PIPELINE_KB}/pipeline/run`, dropAfterFrames: 2 });
		const error = failure(await knowledge(server(), runParams(fileId, { options: { draft: true } })));
		expect(error.message).toMatch(/stream ended before the run finished/);
	});

	it('stops waiting for a silent stream after Silence Timeout', async () => {
		const fileId = await uploaded('x', 'x.md');
		server().misbehave({ path: `/datasets/${PIPELINE_KB}/pipeline/run`, stallWithPingsAfterFrames: 1, pingEveryMs: 20 });
		const error = failure(await knowledge(server(), runParams(fileId, { options: { draft: true, silenceTimeout: 1 } })));
		expect(error.message).toMatch(/timed out: no data for 1 s/);
	});

	it('explains a knowledge base without a pipeline, an unknown one and a failed start', async () => {
		const fileId = await uploaded('x', 'x.md');
		const classic = failure(await knowledge(server(), runParams(fileId, { datasetId: rl(CLASSIC_KB) })));
		expect(classic.message).toMatch(/invalid_param: Pipeline not found/);
		expect(classic.description).toMatch(/not created from a knowledge pipeline/);
		const unknown = failure(await knowledge(server(), runParams(fileId, { datasetId: rl('9f9f9f9f-0000-4000-8000-000000000000') })));
		expect(unknown.httpCode).toBe('404');
		expect(unknown.description).toMatch(/No knowledge base with this ID/);
		server().misbehave({ path: `/datasets/${PIPELINE_KB}/pipeline/run`, jsonError: { status: 500, code: 'pipeline_run_error', message: 'Datasource node data not found' } });
		const start = failure(await knowledge(server(), runParams(fileId)));
		expect(start.httpCode).toBe('500');
		expect(start.description).toMatch(/no datasource node with this ID/);
	});

	it('checks the IDs and the items before building the request', async () => {
		// From an expression: the form's own check cannot see the value.
		const badNode = failure(await knowledge(server(), runParams('f', { startNodeId: rl('={{ $json.node }}') }), { items: [{ json: { node: '../datasets' } }] }));
		expect(badNode.message).toBe('Start Node "../datasets" is not a Dify ID');
		const badFile = failure(await knowledge(server(), runParams('a/b')));
		expect(badFile.message).toMatch(/reference .* is not a Dify ID/);
		const notJson = failure(await knowledge(server(), runParams('f', { datasourceInfoList: '[{' })));
		expect(notJson.message).toBe('Datasource Items is not valid JSON');
		const empty = failure(await knowledge(server(), runParams('f', { datasourceType: 'website_crawl', datasourceInfoList: '[]' })));
		expect(empty.message).toMatch(/^Datasource Items must be a JSON list of 1 to/);
		expect(sent(server(), 'POST', /pipeline\/run$/)).toEqual([]);
	});

	it('with Continue On Fail gives one error item per failed item, paired, and keeps the others', async () => {
		const fileId = await uploaded('ok', 'ok.md');
		const result = await knowledge(
			server(),
			runParams(fileId, { datasourceInfoList: '={{ JSON.stringify([{ reference: $json.ref, name: "n.md" }]) }}', options: { waitForIndexing: false } }),
			{ continueOnFail: true, items: [{ json: { ref: fileId } }, { json: { ref: '' } }] },
		);
		expect(result.items).toHaveLength(2);
		expect(result.items[0]).toMatchObject({ json: { documents: [{ name: 'n.md' }] }, pairedItem: { item: 0 } });
		expect(result.items[1]).toMatchObject({ json: { error: expect.stringMatching(/reference .* is empty/) }, pairedItem: { item: 1 } });
	});
});

describe('Knowledge Pipeline → Run Datasource Node', () => {
	const nodeParams = (extra: Record<string, unknown> = {}) => ({
		resource: 'pipeline',
		operation: 'runDatasourceNode',
		datasetId: rl(PIPELINE_KB),
		nodeId: rl(CRAWLER_NODE),
		datasourceType: 'website_crawl',
		inputs: '{"url": "https://example.com"}',
		options: { draft: true },
		...extra,
	});
	const path = `/datasets/${PIPELINE_KB}/pipeline/datasource/nodes/${CRAWLER_NODE}/run`;

	it('folds the node\'s stream into one item with what it found', async () => {
		const result = await knowledge(server(), nodeParams({ options: { draft: true, credentialId: 'b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e' } }));
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toEqual({
			data: [
				{ source_url: 'https://example.com', title: 'Page 1 of https://example.com', description: '', content: 'Crawled text of https://example.com.' },
				{ source_url: 'https://example.com/about', title: 'Page 2 of https://example.com', description: '', content: 'Crawled text of https://example.com/about.' },
			],
			total: 2,
			completed: 2,
			time_consuming: expect.any(Number),
			results: 1,
		});
		expect(sent(server(), 'POST', path)[0].json).toEqual({
			inputs: { url: 'https://example.com' },
			datasource_type: 'website_crawl',
			is_published: false,
			credential_id: 'b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e',
		});
	});

	it('turns a datasource_error event into an error naming what failed', async () => {
		const error = failure(await knowledge(server(), nodeParams({ inputs: '{"url": "https://crawl-error.example"}' })));
		expect(error.message).toBe("Dify's datasource node failed: Failed to crawl https://crawl-error.example: the site could not be reached");
		expect(error.description).toMatch(/Check the Inputs it needs/);
	});

	it('explains a node that the published pipeline does not have', async () => {
		const error = failure(await knowledge(server(), nodeParams({ options: {} })));
		expect(error.message).toBe("Dify's datasource node failed: Datasource node data not found");
		expect(error.description).toMatch(/no datasource node with this ID/);
		expect(sent(server(), 'POST', path)[0].json).toMatchObject({ is_published: true });
	});

	it('fails when the stream ends or is cut before a result, never as a success', async () => {
		server().misbehave({ path, endAfterFrames: 1 });
		expect(failure(await knowledge(server(), nodeParams())).message).toMatch(/stream ended before the run finished: the connection was closed/);
		server().misbehave({ path, dropAfterFrames: 1 });
		expect(failure(await knowledge(server(), nodeParams())).message).toMatch(/stream ended before the run finished/);
		server().misbehave({ path, errorFrameAfterFrames: { after: 1, message: 'plugin daemon unreachable' } });
		expect(failure(await knowledge(server(), nodeParams())).message).toBe("Dify's datasource node failed: plugin daemon unreachable");
	});

	it('fails with Dify\'s message for a knowledge base without a pipeline', async () => {
		const error = failure(await knowledge(server(), nodeParams({ datasetId: rl(CLASSIC_KB) })));
		expect(error.message).toMatch(/invalid_param.*Pipeline not found/);
		expect(error.httpCode).toBe('400');
	});

	it('checks the node ID before building the URL', async () => {
		const error = failure(await knowledge(server(), nodeParams({ nodeId: rl('={{ $json.node }}') }), { items: [{ json: { node: '1750/../run' } }] }));
		expect(error.message).toBe('Datasource Node "1750/../run" is not a Dify ID');
		expect(server().requests).toEqual([]);
	});

	it('offers the pipeline\'s datasource nodes in its picker, published or draft', async () => {
		const search = async (options: Record<string, unknown>) =>
			(await runListSearch({
				type: 'dify.difyKnowledge',
				method: 'searchDatasourceNodes',
				parameters: { resource: 'pipeline', operation: 'runDatasourceNode', datasetId: rl(PIPELINE_KB), options },
				credentials: { difyKnowledgeApi: { baseUrl: server().apiBase, apiKey: server().keys.knowledge } },
			})) as INodeListSearchResult;
		expect((await search({})).results).toEqual([{ name: 'File Upload (local_file)', value: FILE_NODE }]);
		expect((await search({ draft: true })).results).toEqual([
			{ name: 'File Upload (local_file)', value: FILE_NODE },
			{ name: 'Firecrawl (website_crawl)', value: CRAWLER_NODE },
		]);
	});
});
