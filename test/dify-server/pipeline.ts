/**
 * Knowledge Pipeline routes (docs/dify-behaviour.md, 'Knowledge Pipeline'): the datasource nodes of a
 * pipeline knowledge base, and file uploads for pipeline runs (owned by the key's account).
 */
import { randomUUID } from 'node:crypto';

import type { Ctx, Router } from './http';
import { HttpError, invalidParam, nowSeconds } from './http';
import { datasetOf } from './knowledgeHttp';
import { discardUpload, extensionOf, receiveSingleFile } from './files';
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

function datasourcePlugins(ctx: Ctx) {
	const dataset = datasetOf(ctx);
	// A classic knowledge base has no pipeline: Dify's service raises ValueError, answered as 400 invalid_param.
	if (dataset.id !== PIPELINE_DATASET_ID) throw invalidParam('Pipeline not found');
	const raw = ctx.query.get('is_published');
	const published = raw === null || !['false', '0'].includes(raw.toLowerCase());
	return ctx.out.json(200, published ? [LOCAL_FILE_NODE] : [LOCAL_FILE_NODE, CRAWLER_NODE]);
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
}
