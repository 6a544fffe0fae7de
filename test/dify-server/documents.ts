/** Documents of a knowledge base (docs/dify-behaviour.md, 'Documents'), with the hyphenated routes and their aliases. */
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import type { Ctx, Router } from './http';
import { HttpError, invalidParam, notFound, nowSeconds, queryInt, readJsonObject } from './http';
import { discardUpload, extensionOf, receiveSingleFile, signedFileUrl } from './files';
import { DOC_FORMS, datasetOf, documentOf, str, validateProcessRule } from './knowledgeHttp';
import { documentDetailJson, documentJson, pageOf } from './knowledgeShapes';
import { addDocument, advanceIndexing, AUTOMATIC_RULE, displayStatus, replaceChunks, type KbDataset, type KbDocument } from './knowledgeStore';
import { zipStored } from './zip';
import type { UploadedFile } from './state';

/** Default ETL's document extensions (docs/dify-behaviour.md, 'Documents'). */
const DOCUMENT_EXTENSIONS = ['txt', 'markdown', 'md', 'mdx', 'pdf', 'html', 'htm', 'xlsx', 'xls', 'docx', 'csv', 'vtt', 'properties'];
/** Only the start of a file is "extracted": a 100 MB upload must not be read into memory. */
const EXTRACT_BYTES = 1024 * 1024;

interface DocumentArgs {
	indexing_technique?: unknown;
	doc_form?: unknown;
	doc_language?: unknown;
	process_rule?: unknown;
	embedding_model?: unknown;
	embedding_model_provider?: unknown;
	retrieval_model?: unknown;
	name?: unknown;
	text?: unknown;
}

/** The checks create-by-text and create-by-file share; fixes the dataset's technique and form on first use. */
function prepare(dataset: KbDataset, args: DocumentArgs, ruleRequired: boolean): { docForm: string; rule: Record<string, unknown> } {
	if (!dataset.indexingTechnique && !args.indexing_technique) throw invalidParam('indexing_technique is required.');
	if (args.indexing_technique !== undefined && !['high_quality', 'economy'].includes(String(args.indexing_technique))) {
		throw invalidParam('Indexing technique is invalid.');
	}
	const docForm = str(args.doc_form) ?? dataset.docForm ?? 'text_model';
	if (!DOC_FORMS.includes(docForm)) throw invalidParam('Invalid doc_form.');
	if (args.process_rule === undefined || args.process_rule === null) {
		if (ruleRequired && !dataset.processRule) throw invalidParam('process_rule is required.');
	}
	const rule = args.process_rule ? validateProcessRule(args.process_rule) : (dataset.processRule ?? AUTOMATIC_RULE);
	if (!dataset.indexingTechnique) dataset.indexingTechnique = String(args.indexing_technique);
	dataset.docForm ??= docForm;
	dataset.processRule = rule;
	return { docForm, rule };
}

function created(ctx: Ctx, document: KbDocument) {
	return ctx.out.json(200, { document: documentJson(ctx.state, document), batch: document.batch });
}

function createByText(ctx: Ctx) {
	const dataset = datasetOf(ctx);
	const body = readJsonObject(ctx) as DocumentArgs;
	if (typeof body.name !== 'string' || !body.name) throw invalidParam('name is required');
	if (typeof body.text !== 'string' || !body.text) throw invalidParam('text is required');
	const { docForm, rule } = prepare(dataset, body, false);
	const document = addDocument(
		ctx.state.knowledge,
		dataset,
		{ name: body.name, text: body.text, docForm, docLanguage: str(body.doc_language) ?? 'English', processRule: rule, fileId: null },
		nowSeconds(),
	);
	return created(ctx, document);
}

function readStart(path: string): string {
	const fd = openSync(path, 'r');
	try {
		const buf = Buffer.alloc(EXTRACT_BYTES);
		const n = readSync(fd, buf, 0, buf.length, 0);
		return buf.subarray(0, n).toString('utf8');
	} finally {
		closeSync(fd);
	}
}

export function extractText(file: UploadedFile): string {
	const text = readStart(file.path);
	return /^html?$/.test(file.extension) ? text.replace(/<[^>]+>/g, ' ') : text;
}

/**
 * The multipart `file` + `data` (a JSON string) of the file routes. Create answers a bad extension or
 * size as 400 invalid_param with an empty message, the update routes as 415/413 (docs/dify-behaviour.md, 'Documents').
 */
async function receiveDocumentFile(ctx: Ctx, route: 'create' | 'update'): Promise<{ file?: UploadedFile; data: DocumentArgs }> {
	const received = await receiveSingleFile(ctx, () => ctx.state.uploadLimits.fileBytes);
	const { file } = received;
	try {
		if (route === 'create' && !file) throw new HttpError(400, 'no_file_uploaded', 'Please upload your file.');
		if (received.fileNames.size > 1) throw new HttpError(400, 'too_many_files', 'Only one file is allowed.');
		let data: DocumentArgs = {};
		if (received.fields.data !== undefined) {
			try {
				data = JSON.parse(received.fields.data) as DocumentArgs;
			} catch {
				throw invalidParam('Invalid JSON in the data field.');
			}
		}
		if (!file) return { data };
		if (!file.info.filename) throw new HttpError(400, 'filename_not_exists_error', 'The specified filename does not exist.');
		const extension = extensionOf(file.info.filename);
		if (!DOCUMENT_EXTENSIONS.includes(extension)) {
			throw route === 'create' ? invalidParam('') : new HttpError(415, 'unsupported_file_type', 'File type not allowed.');
		}
		if (file.sink.exceeded) throw route === 'create' ? invalidParam('') : new HttpError(413, 'file_too_large', 'File size exceeded. {message}');
		const record: UploadedFile = {
			id: randomUUID(),
			appId: 'knowledge',
			createdBy: 'knowledge',
			name: file.info.filename,
			size: file.sink.size,
			extension,
			mimeType: (file.info.contentType ?? 'application/octet-stream').split(';')[0].trim(),
			sha256: ctx.record.multipart!.files.find((f) => f.name === 'file')!.sha256,
			path: file.sink.path,
			createdAt: nowSeconds(),
		};
		ctx.state.files.set(record.id, record);
		return { file: record, data };
	} catch (err) {
		discardUpload(file);
		throw err;
	}
}

async function createByFile(ctx: Ctx) {
	const dataset = datasetOf(ctx);
	const { file, data } = await receiveDocumentFile(ctx, 'create');
	const { docForm, rule } = prepare(dataset, data, true);
	const document = addDocument(
		ctx.state.knowledge,
		dataset,
		{ name: file!.name, text: extractText(file!), docForm, docLanguage: str(data.doc_language) ?? 'English', processRule: rule, fileId: file!.id },
		nowSeconds(),
	);
	return created(ctx, document);
}

/** A changed document is indexed again under a new batch. */
function reindex(ctx: Ctx, document: KbDocument, text: string, rule: Record<string, unknown> | undefined) {
	const at = nowSeconds();
	if (rule) document.processRule = rule;
	document.batch = `${at}${String(ctx.state.knowledge.nextSeq()).padStart(6, '0')}`;
	document.polls = 0;
	document.indexingStatus = 'waiting';
	document.completedAt = null;
	document.updatedAt = at;
	document.error = text.includes('#dify-double:index-error') ? 'The embedding model returned an error for chunk 1.' : null;
	replaceChunks(ctx.state.knowledge, document, text, at);
}

function updateByText(ctx: Ctx) {
	const dataset = datasetOf(ctx);
	const document = documentOf(ctx, dataset);
	const body = readJsonObject(ctx) as DocumentArgs;
	if (displayStatus(document) !== 'available') throw invalidParam('Document is not available');
	if (body.text !== undefined && typeof body.name !== 'string') throw invalidParam('name is required when text is provided.');
	const rule = body.process_rule ? validateProcessRule(body.process_rule) : undefined;
	if (typeof body.name === 'string') document.name = body.name;
	if (typeof body.text === 'string') reindex(ctx, document, body.text, rule);
	return created(ctx, document);
}

async function updateByFile(ctx: Ctx) {
	const dataset = datasetOf(ctx);
	const document = documentOf(ctx, dataset);
	const { file, data } = await receiveDocumentFile(ctx, 'update');
	if (displayStatus(document) !== 'available') {
		if (file) ctx.state.files.delete(file.id);
		throw invalidParam('Document is not available');
	}
	const rule = data.process_rule ? validateProcessRule(data.process_rule) : undefined;
	if (file) {
		document.fileId = file.id;
		document.name = file.name;
		reindex(ctx, document, extractText(file), rule);
	}
	return created(ctx, document);
}

const STATUS_ALIASES: Record<string, string> = { active: 'available', enabled: 'available' };
const DISPLAY_STATUSES = ['queuing', 'indexing', 'paused', 'error', 'available', 'disabled', 'archived'];

function list(ctx: Ctx) {
	const dataset = datasetOf(ctx);
	const page = queryInt(ctx, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
	const limit = queryInt(ctx, 'limit', 20, 1, Number.MAX_SAFE_INTEGER);
	const keyword = ctx.query.get('keyword') ?? '';
	const raw = ctx.query.get('status') ?? '';
	const status = STATUS_ALIASES[raw] ?? raw;
	const rows = ctx.state.knowledge
		.documentsOf(dataset.id)
		.filter((d) => d.name.includes(keyword))
		// Unknown status values are ignored, not rejected.
		.filter((d) => !DISPLAY_STATUSES.includes(status) || displayStatus(d) === status)
		.sort((a, b) => b.seq - a.seq);
	const result = pageOf(rows, page, limit);
	return ctx.out.json(200, { ...result, data: result.data.map((d) => documentJson(ctx.state, d)) });
}

function get(ctx: Ctx) {
	const dataset = datasetOf(ctx);
	const document = documentOf(ctx, dataset);
	const metadata = ctx.query.get('metadata') ?? 'all';
	if (!['all', 'only', 'without'].includes(metadata)) throw new HttpError(400, 'invalid_metadata', `Invalid metadata value: ${metadata}`);
	return ctx.out.json(200, documentDetailJson(ctx.state, document, metadata));
}

function isIndexing(document: KbDocument): boolean {
	return !['completed', 'error', 'paused'].includes(document.indexingStatus);
}

function remove(ctx: Ctx) {
	const dataset = datasetOf(ctx);
	const document = documentOf(ctx, dataset, 'Document Not Exists.');
	if (document.archived) throw new HttpError(403, 'archived_document_immutable', 'The archived document is not editable.');
	if (isIndexing(document)) throw new HttpError(400, 'document_indexing', 'Cannot delete document during indexing.');
	const store = ctx.state.knowledge;
	for (const segment of store.segmentsOf(document.id)) store.segments.delete(segment.id);
	store.documents.delete(document.id);
	return ctx.out.empty(204);
}

function indexingStatus(ctx: Ctx) {
	const dataset = datasetOf(ctx);
	const store = ctx.state.knowledge;
	const documents = store.documentsOf(dataset.id).filter((d) => d.batch === ctx.params.batch);
	if (!documents.length) throw notFound('Documents not found.');
	const at = nowSeconds();
	return ctx.out.json(200, {
		data: documents.map((d) => {
			advanceIndexing(store, d, at);
			const segments = store.segmentsOf(d.id).length;
			const done = d.indexingStatus === 'completed';
			return {
				id: d.id,
				indexing_status: d.indexingStatus,
				processing_started_at: d.polls > 0 ? d.createdAt : null,
				parsing_completed_at: d.polls > 0 ? d.createdAt : null,
				cleaning_completed_at: d.polls > 0 ? d.createdAt : null,
				splitting_completed_at: d.polls > 0 ? d.createdAt : null,
				completed_at: d.completedAt,
				paused_at: null,
				error: d.indexingStatus === 'error' ? d.error : null,
				stopped_at: d.indexingStatus === 'error' ? at : null,
				completed_segments: done ? segments : 0,
				total_segments: segments,
			};
		}),
	});
}

const ACTIONS = ['enable', 'disable', 'archive', 'un_archive'];

function documentIds(ctx: Ctx, max: number): string[] {
	const body = readJsonObject(ctx);
	const ids = body.document_ids;
	if (!Array.isArray(ids) || !ids.length || ids.length > max || !ids.every((id) => typeof id === 'string')) {
		throw invalidParam(`document_ids must be a list of 1 to ${max} document IDs`);
	}
	return ids as string[];
}

function batchStatus(ctx: Ctx) {
	const dataset = datasetOf(ctx);
	const action = ctx.params.action;
	if (!ACTIONS.includes(action)) throw new HttpError(400, 'invalid_action', 'Invalid action.');
	const store = ctx.state.knowledge;
	const documents = documentIds(ctx, 1000).map((id) => {
		const document = store.documents.get(id);
		if (!document || document.datasetId !== dataset.id) throw notFound('Document not found.');
		return document;
	});
	for (const document of documents) {
		if (isIndexing(document)) throw new HttpError(400, 'invalid_action', `Document: ${document.name} is being indexed, please try again later`);
	}
	const at = nowSeconds();
	for (const document of documents) {
		if (action === 'enable') document.enabled = true;
		if (action === 'disable') document.enabled = false;
		if (action === 'archive') document.archived = true;
		if (action === 'un_archive') document.archived = false;
		document.updatedAt = at;
	}
	return ctx.out.json(200, { result: 'success' });
}

function fileOf(ctx: Ctx, document: KbDocument): UploadedFile {
	const file = document.fileId ? ctx.state.files.get(document.fileId) : undefined;
	if (!file) throw notFound('Document file not found.');
	return file;
}

function download(ctx: Ctx) {
	const dataset = datasetOf(ctx);
	const document = documentOf(ctx, dataset);
	return ctx.out.json(200, { url: `${signedFileUrl(ctx.state, fileOf(ctx, document).id)}&as_attachment=true` });
}

async function downloadZip(ctx: Ctx) {
	const dataset = datasetOf(ctx);
	const store = ctx.state.knowledge;
	const files = documentIds(ctx, 100).map((id) => {
		const document = store.documents.get(id);
		if (!document || document.datasetId !== dataset.id) throw notFound('Document not found.');
		return fileOf(ctx, document);
	});
	const zip = zipStored(files.map((f) => ({ name: f.name, data: Buffer.from(readStart(f.path)) })));
	ctx.out.head(200, { 'Content-Type': 'application/zip', 'Content-Length': zip.length, 'Content-Disposition': 'attachment; filename="documents.zip"' });
	await ctx.out.write(zip);
	await ctx.out.end();
}

export function registerDocumentRoutes(router: Router): void {
	const base = '/datasets/{dataset_id:uuid}';
	const doc = `${base}/documents/{document_id:uuid}`;
	for (const name of ['create-by-text', 'create_by_text']) router.add('POST', `${base}/document/${name}`, 'knowledge', createByText);
	for (const name of ['create-by-file', 'create_by_file']) router.add('POST', `${base}/document/${name}`, 'knowledge', createByFile);
	for (const name of ['update-by-text', 'update_by_text']) router.add('POST', `${doc}/${name}`, 'knowledge', updateByText);
	// PATCH is canonical since 1.14.0; the POST routes are the deprecated aliases older servers only have.
	router.add('PATCH', doc, 'knowledge', updateByFile);
	for (const name of ['update-by-file', 'update_by_file']) router.add('POST', `${doc}/${name}`, 'knowledge', updateByFile);
	router.add('GET', `${base}/documents`, 'knowledge', list);
	router.add('GET', doc, 'knowledge', get);
	router.add('DELETE', doc, 'knowledge', remove);
	router.add('GET', `${base}/documents/{batch}/indexing-status`, 'knowledge', indexingStatus);
	router.add('PATCH', `${base}/documents/status/{action}`, 'knowledge', batchStatus);
	router.add('GET', `${doc}/download`, 'knowledge', download);
	router.add('POST', `${base}/documents/download-zip`, 'knowledge', downloadZip);
}
