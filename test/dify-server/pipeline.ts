/**
 * Knowledge Pipeline routes (docs/dify-behaviour.md, 'Knowledge Pipeline' and 'Knowledge Pipeline
 * runs'): the datasource nodes of a pipeline knowledge base, file uploads for pipeline runs (owned by
 * the key's account), running a datasource node (a stream of datasource events) and running the
 * pipeline (published: documents queued and indexed one step per indexing-status poll; draft: a
 * workflow-like run, blocking or streamed).
 */
import { randomInt, randomUUID } from 'node:crypto';

import type { Frame } from './channel';
import type { Ctx, Router } from './http';
import { HttpError, invalidParam, nowSeconds, pydanticError, readJsonObject } from './http';
import { datasetOf } from './knowledgeHttp';
import { extractText } from './documents';
import { discardUpload, extensionOf, receiveSingleFile } from './files';
import { tick } from './generation';
import { addDocument, AUTOMATIC_RULE, type KbDataset } from './knowledgeStore';
import { pipeFrames, SseStream, workflowErrorEnvelope } from './sse';
import { ACCOUNT } from './state';

/** The "Release Notes" base runs a pipeline: a local-file source (published) and a crawler (draft only). */
export const PIPELINE_DATASET_ID = '1c2d3e4f-5a6b-4c7d-9e8f-0a1b2c3d4e5f';
export const PIPELINE_ID = '7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b';

const LOCAL_FILE_NODE = {
	node_id: '1750400203722',
	plugin_id: 'langgenius/file',
	provider_name: 'file',
	datasource_type: 'local_file',
	title: 'File Upload',
	user_input_variables: [],
	credentials: [],
};

const CRAWLER_NODE = {
	node_id: '1750400203900',
	plugin_id: 'langgenius/firecrawl_datasource',
	provider_name: 'firecrawl',
	datasource_type: 'website_crawl',
	title: 'Firecrawl',
	user_input_variables: [{ variable: 'url', label: 'URL', type: 'text-input', required: true }],
	credentials: [{ id: 'b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e', name: 'Firecrawl key', type: 'api-key', is_default: true }],
};

const nodesOf = (published: boolean) => (published ? [LOCAL_FILE_NODE] : [LOCAL_FILE_NODE, CRAWLER_NODE]);

/** A classic knowledge base has no pipeline: Dify's service raises ValueError, answered as 400 invalid_param. */
function requirePipeline(dataset: KbDataset): void {
	if (dataset.id !== PIPELINE_DATASET_ID) throw invalidParam('Pipeline not found');
}

function datasourcePlugins(ctx: Ctx) {
	requirePipeline(datasetOf(ctx));
	const raw = ctx.query.get('is_published');
	const published = raw === null || !['false', '0'].includes(raw.toLowerCase());
	return ctx.out.json(200, nodesOf(published));
}

const DATASOURCE_TYPES = ['local_file', 'online_document', 'website_crawl', 'online_drive'];

/** The pydantic checks of the run payloads (DatasourceNodeRunPayload, PipelineRunApiEntity). */
function checkPayload(model: string, body: Record<string, unknown>, fields: Record<string, 'dict' | 'list' | 'str' | 'bool' | 'type' | 'mode'>): void {
	for (const [field, kind] of Object.entries(fields)) {
		const value = body[field];
		if (value === undefined) throw pydanticError(model, field, 'Field required', 'missing', body);
		const ok =
			kind === 'dict' ? value !== null && typeof value === 'object' && !Array.isArray(value)
			: kind === 'list' ? Array.isArray(value)
			: kind === 'bool' ? typeof value === 'boolean'
			: kind === 'type' ? DATASOURCE_TYPES.includes(String(value))
			: kind === 'mode' ? value === 'streaming' || value === 'blocking'
			: typeof value === 'string';
		if (!ok) throw pydanticError(model, field, `Input should be a valid ${kind === 'type' || kind === 'mode' ? 'choice' : kind}`, `${kind}_type`, value);
	}
	if (body.credential_id !== undefined && body.credential_id !== null && typeof body.credential_id !== 'string') {
		throw pydanticError(model, 'credential_id', 'Input should be a valid string', 'string_type', body.credential_id);
	}
}

/** `datasource_error` frames: Dify's datasource stream reports every failure this way, on HTTP 200. */
const datasourceError = (message: string): Frame => ({ event: 'datasource_error', error: message });

/** What the crawler node finds at a URL: two pages, deterministic. A URL containing `crawl-error` fails like an unreachable site. */
async function* crawl(ctx: Ctx, url: unknown): AsyncGenerator<Frame> {
	if (typeof url !== 'string' || !url.trim()) {
		yield datasourceError('Failed to crawl: url is required');
		return;
	}
	if (url.includes('crawl-error')) {
		yield datasourceError(`Failed to crawl ${url}: the site could not be reached`);
		return;
	}
	const started = Date.now();
	const pages = [url, `${url.replace(/\/$/, '')}/about`];
	for (let done = 0; done < pages.length; done++) {
		yield { event: 'datasource_processing', total: pages.length, completed: done };
		await tick(ctx.state);
	}
	yield {
		event: 'datasource_completed',
		data: pages.map((page, k) => ({ source_url: page, title: `Page ${k + 1} of ${url}`, description: '', content: `Crawled text of ${page}.` })),
		total: pages.length,
		completed: pages.length,
		time_consuming: Math.round((Date.now() - started) / 10) / 100,
	};
}

async function* datasourceFrames(ctx: Ctx, body: Record<string, unknown>): AsyncGenerator<Frame> {
	const node = nodesOf(body.is_published === true).find((n) => n.node_id === ctx.params.node_id);
	if (!node) {
		yield datasourceError('Datasource node data not found');
		return;
	}
	// Dify builds the runtime for the requested type; only the crawler here runs, and only as website_crawl.
	if (node.datasource_type !== 'website_crawl' || body.datasource_type !== 'website_crawl') {
		yield datasourceError(`Unsupported datasource provider: ${String(body.datasource_type)}`);
		return;
	}
	yield* crawl(ctx, (body.inputs as Record<string, unknown>).url);
}

async function runDatasourceNode(ctx: Ctx): Promise<void> {
	const dataset = datasetOf(ctx);
	const body = readJsonObject(ctx);
	checkPayload('DatasourceNodeRunPayload', body, { inputs: 'dict', datasource_type: 'type', is_published: 'bool' });
	requirePipeline(dataset);
	const stream = new SseStream(ctx, (err) => datasourceError(err.message));
	stream.open();
	await pipeFrames(stream, datasourceFrames(ctx, body));
}

/** Dify's batch: the time as YYYYMMDDHHMMSS and six random digits. */
function newBatch(): string {
	return new Date().toISOString().replace(/\D/g, '').slice(0, 14) + String(randomInt(100000, 1000000));
}

/** Document name and content of one datasource item, as the pipeline would extract them. */
function itemDocument(ctx: Ctx, type: string, info: Record<string, unknown>): { name: string; text: string; fileId: string | null } {
	const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
	switch (type) {
		case 'local_file': {
			const id = str(info.reference) ?? str(info.related_id) ?? '';
			const file = ctx.state.files.get(id);
			// A missing file fails the document in the worker, not the request.
			return { name: str(info.name) ?? 'untitled', text: file ? extractText(file) : '#dify-double:index-error', fileId: file ? id : null };
		}
		case 'online_document': {
			const page = (info.page ?? {}) as Record<string, unknown>;
			return { name: str(page.page_name) ?? 'untitled', text: `Page ${String(page.page_id)} of workspace ${String(info.workspace_id)}.`, fileId: null };
		}
		case 'website_crawl':
			return { name: str(info.title) ?? 'untitled', text: `Crawled text of ${String(info.url)}.`, fileId: null };
		default:
			return { name: str(info.name) ?? 'untitled', text: `Drive file ${String(info.id)}.`, fileId: null };
	}
}

/** A published run: one queued document per item, all in one batch (PipelineGenerator.generate). */
function queueDocuments(ctx: Ctx, dataset: KbDataset, type: string, list: Record<string, unknown>[]) {
	const batch = newBatch();
	const at = nowSeconds();
	const documents = list.map((info) => {
		const item = itemDocument(ctx, type, info);
		const document = addDocument(ctx.state.knowledge, dataset, { ...item, docForm: dataset.docForm ?? 'text_model', docLanguage: 'English', processRule: AUTOMATIC_RULE, batch }, at);
		document.dataSourceType = type;
		return {
			id: document.id,
			position: document.position,
			data_source_type: type,
			data_source_info: info,
			name: document.name,
			indexing_status: document.indexingStatus,
			error: null,
			enabled: true,
		};
	});
	return { batch, dataset: { id: dataset.id, name: dataset.name, description: dataset.description, chunk_structure: dataset.docForm }, documents };
}

interface DraftRun {
	taskId: string;
	runId: string;
	workflowId: string;
	inputs: Record<string, unknown>;
	createdAt: number;
}

const PIPELINE_WORKFLOW_ID = '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e';

/**
 * A draft run of the first item (the debugger returns after it): the datasource node, then the
 * knowledge index node, which only previews chunks in a draft run. `inputs.fail: true` fails it.
 */
async function* draftFrames(ctx: Ctx, run: DraftRun, startNodeId: string, type: string, info: Record<string, unknown>, final: (data: Record<string, unknown>) => void): AsyncGenerator<Frame> {
	const envelope = { task_id: run.taskId, workflow_run_id: run.runId };
	const item = itemDocument(ctx, type, info);
	let index = 0;
	let steps = 0;
	const node = (nodeId: string, nodeType: string, title: string, inputs: Record<string, unknown>) => ({ id: randomUUID(), node_id: nodeId, node_type: nodeType, title, index: ++index, inputs, created_at: nowSeconds(), startedMs: Date.now() });
	const started = (n: ReturnType<typeof node>, predecessor: string | null): Frame => ({
		event: 'node_started',
		...envelope,
		data: { id: n.id, node_id: n.node_id, node_type: n.node_type, title: n.title, index: n.index, predecessor_node_id: predecessor, inputs: n.inputs, inputs_truncated: false, created_at: n.created_at, extras: {}, iteration_id: null, loop_id: null, agent_strategy: null },
	});
	const finished = (n: ReturnType<typeof node>, predecessor: string | null, outputs: Record<string, unknown> | null, error: string | null): Frame => {
		steps += 1;
		return {
			event: 'node_finished',
			...envelope,
			data: {
				id: n.id, node_id: n.node_id, node_type: n.node_type, title: n.title, index: n.index, predecessor_node_id: predecessor,
				inputs: n.inputs, inputs_truncated: false, process_data: null, process_data_truncated: false,
				outputs, outputs_truncated: false, status: error ? 'failed' : 'succeeded', error,
				elapsed_time: (Date.now() - n.startedMs) / 1000, execution_metadata: null, created_at: n.created_at, finished_at: nowSeconds(),
				files: [], iteration_id: null, loop_id: null,
			},
		};
	};
	const startedMs = Date.now();
	yield { event: 'workflow_started', ...envelope, data: { id: run.runId, workflow_id: run.workflowId, inputs: run.inputs, created_at: run.createdAt, reason: 'initial' } };
	const source = node(startNodeId, 'datasource', 'Datasource', { datasource_type: type });
	yield started(source, null);
	await tick(ctx.state);
	yield finished(source, null, { file: item.name, content: item.text.slice(0, 200) }, null);
	const index_ = node('knowledge_index', 'knowledge-index', 'Knowledge Base', { chunks: item.text.slice(0, 200) });
	yield started(index_, startNodeId);
	await tick(ctx.state);
	const error = run.inputs.fail === true ? 'Node Knowledge Base run failed: forced failure (inputs.fail)' : null;
	const preview = error ? null : { chunk_structure: 'text_model', preview: item.text.split('\n').filter(Boolean).slice(0, 10).map((content) => ({ content })), total_segments: item.text.split('\n').filter(Boolean).length };
	yield finished(index_, startNodeId, preview, error);
	const data = {
		id: run.runId,
		workflow_id: run.workflowId,
		status: error ? 'failed' : 'succeeded',
		outputs: error ? null : preview,
		error,
		elapsed_time: (Date.now() - startedMs) / 1000,
		total_tokens: 0,
		total_steps: steps,
		created_at: run.createdAt,
		finished_at: nowSeconds(),
	};
	final(data);
	yield { event: 'workflow_finished', ...envelope, data: { ...data, created_by: { id: ACCOUNT.id, name: ACCOUNT.name, email: ACCOUNT.email }, exceptions_count: 0, files: [] } };
}

async function runPipeline(ctx: Ctx): Promise<void> {
	const dataset = datasetOf(ctx);
	const body = readJsonObject(ctx);
	checkPayload('PipelineRunApiEntity', body, { inputs: 'dict', datasource_type: 'type', datasource_info_list: 'list', start_node_id: 'str', is_published: 'bool', response_mode: 'mode' });
	requirePipeline(dataset);
	const type = String(body.datasource_type);
	const list = (body.datasource_info_list as unknown[]).filter((x): x is Record<string, unknown> => Boolean(x) && typeof x === 'object');
	// A published run only queues work, and a draft run with no item has none: both answer this JSON in either mode.
	if (body.is_published === true || !list.length) return ctx.out.json(200, queueDocuments(ctx, dataset, type, body.is_published === true ? list : []));
	const run: DraftRun = { taskId: randomUUID(), runId: randomUUID(), workflowId: PIPELINE_WORKFLOW_ID, inputs: body.inputs as Record<string, unknown>, createdAt: nowSeconds() };
	let final: Record<string, unknown> = {};
	const frames = draftFrames(ctx, run, String(body.start_node_id), type, list[0], (data) => (final = data));
	if (body.response_mode === 'blocking') {
		for await (const _frame of frames) void _frame;
		return ctx.out.json(200, { task_id: run.taskId, workflow_run_id: run.runId, data: final });
	}
	const stream = new SseStream(ctx, workflowErrorEnvelope(run.runId));
	stream.open();
	await pipeFrames(stream, frames);
}

const MAX_BYTES = 15 * 1024 * 1024;

async function fileUpload(ctx: Ctx): Promise<void> {
	const received = await receiveSingleFile(ctx, () => MAX_BYTES);
	const { file } = received;
	try {
		if (!received.fileNames.has('file') || !file) throw new HttpError(400, 'no_file_uploaded', 'Please upload your file.');
		if (received.fileNames.size > 1) throw new HttpError(400, 'too_many_files', 'Only one file is allowed.');
		if (!file.info.contentType) throw new HttpError(415, 'unsupported_file_type', 'File type not allowed.');
		if (!file.info.filename) throw new HttpError(400, 'filename_not_exists_error', 'The specified filename does not exist.');
		if (file.sink.exceeded) throw new HttpError(413, 'file_too_large', 'File size exceeded. 15 MB');
	} catch (err) {
		discardUpload(file);
		throw err;
	}
	const id = randomUUID();
	const name = file.info.filename;
	const createdAt = nowSeconds();
	ctx.state.files.set(id, {
		id,
		appId: '',
		createdBy: ACCOUNT.id,
		name,
		size: file.sink.size,
		extension: extensionOf(name),
		mimeType: file.info.contentType.split(';')[0].trim(),
		sha256: ctx.record.multipart!.files.find((f) => f.name === 'file')!.sha256,
		path: file.sink.path,
		createdAt,
	});
	await ctx.out.json(201, {
		id,
		name,
		size: file.sink.size,
		extension: extensionOf(name),
		mime_type: file.info.contentType.split(';')[0].trim(),
		created_by: ACCOUNT.id,
		created_at: new Date(createdAt * 1000).toISOString().replace('Z', ''),
	});
}

export function registerPipelineRoutes(router: Router): void {
	router.add('GET', '/datasets/{dataset_id:uuid}/pipeline/datasource-plugins', 'knowledge', datasourcePlugins);
	router.add('POST', '/datasets/pipeline/file-upload', 'knowledge', fileUpload);
	router.add('POST', '/datasets/{dataset_id:uuid}/pipeline/datasource/nodes/{node_id}/run', 'knowledge', runDatasourceNode);
	router.add('POST', '/datasets/{dataset_id:uuid}/pipeline/run', 'knowledge', runPipeline);
}
