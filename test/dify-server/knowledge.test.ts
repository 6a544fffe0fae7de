/**
 * The Knowledge routes of the test server over real HTTP, every JSON answer checked against Dify's
 * OpenAPI description, plus the quirks the node depends on (docs/dify-behaviour.md, 'Knowledge API' and the sections after it).
 */
import { startDifyServer, type DifyServer } from './index';
import { validateRequest, validateResponse } from '../support/openapi';
import { zipEntryNames } from './zip';

let server: DifyServer;

beforeAll(async () => {
	server = await startDifyServer({ uploadLimits: { fileBytes: 64 * 1024 } });
});
afterEach(() => server.reset());
afterAll(() => server.close());

interface Answer {
	status: number;
	json: any;
	headers: Headers;
	bytes: Buffer;
}

/** One call with the Knowledge key; JSON bodies both ways are validated unless `quirk` says the answer is off-spec on purpose. */
async function api(method: string, path: string, body?: unknown, opts: { quirk?: boolean; form?: FormData } = {}): Promise<Answer> {
	if (body !== undefined && !opts.quirk) expect(validateRequest(method, path.split('?')[0], body)).toEqual([]);
	const response = await fetch(`${server.apiBase}${path}`, {
		method,
		headers: { Authorization: `Bearer ${server.keys.knowledge}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
		body: opts.form ?? (body !== undefined ? JSON.stringify(body) : undefined),
	});
	const bytes = Buffer.from(await response.arrayBuffer());
	const isJson = (response.headers.get('content-type') ?? '').startsWith('application/json');
	const json = isJson && bytes.length ? JSON.parse(bytes.toString('utf8')) : undefined;
	if (isJson && !opts.quirk) expect(validateResponse(method, path.split('?')[0], response.status, json)).toEqual([]);
	if (response.status === 204) expect(bytes.length).toBe(0);
	return { status: response.status, json, headers: response.headers, bytes };
}

function file(name: string, text: string, data?: unknown): FormData {
	const form = new FormData();
	form.append('file', new Blob([text], { type: 'text/plain' }), name);
	if (data !== undefined) form.append('data', JSON.stringify(data));
	return form;
}

async function indexed(datasetId: string, batch: string) {
	let last: Answer | undefined;
	for (let k = 0; k < 2; k++) last = await api('GET', `/datasets/${datasetId}/documents/${batch}/indexing-status`);
	return last!;
}

test('every Knowledge route answers in Dify\'s shapes', async () => {
	const ds = (await api('POST', '/datasets', { name: 'Walk', indexing_technique: 'high_quality' })).json;
	expect((await api('GET', '/datasets?page=1&limit=5')).status).toBe(200);
	expect((await api('GET', `/datasets/${ds.id}`)).json.id).toBe(ds.id);
	expect((await api('PATCH', `/datasets/${ds.id}`, { description: 'walked' })).json.partial_member_list).toEqual([]);
	const rule = { mode: 'custom', rules: { pre_processing_rules: [], segmentation: { separator: '\n', max_tokens: 100 } } };
	const text = (await api('POST', `/datasets/${ds.id}/document/create-by-text`, { name: 't.md', text: 'alpha line\nbeta line', process_rule: rule })).json;
	const byFile = await api('POST', `/datasets/${ds.id}/document/create-by-file`, undefined, { form: file('f.txt', 'gamma line', { process_rule: rule }) });
	expect(validateResponse('POST', `/datasets/${ds.id}/document/create-by-file`, byFile.status, byFile.json)).toEqual([]);
	expect((await indexed(ds.id, text.batch)).json.data[0].indexing_status).toBe('completed');
	await indexed(ds.id, byFile.json.batch);
	const doc = text.document.id;
	expect((await api('GET', `/datasets/${ds.id}/documents?status=active`)).json.total).toBe(2);
	for (const metadata of ['all', 'only', 'without']) expect((await api('GET', `/datasets/${ds.id}/documents/${doc}?metadata=${metadata}`)).status).toBe(200);
	const segments = (await api('GET', `/datasets/${ds.id}/documents/${doc}/segments?status=completed`)).json;
	expect(segments.data.map((s: any) => s.content)).toEqual(['alpha line', 'beta line']);
	const seg = segments.data[0].id;
	expect((await api('POST', `/datasets/${ds.id}/documents/${doc}/segments`, { segments: [{ content: 'delta', keywords: ['d'] }] })).json.data).toHaveLength(1);
	expect((await api('GET', `/datasets/${ds.id}/documents/${doc}/segments/${seg}`)).json.data.id).toBe(seg);
	expect((await api('POST', `/datasets/${ds.id}/documents/${doc}/segments/${seg}`, { segment: { content: 'alpha line 2' } })).json.data.content).toBe('alpha line 2');
	const child = (await api('POST', `/datasets/${ds.id}/documents/${doc}/segments/${seg}/child_chunks`, { content: 'kid' })).json.data;
	expect((await api('GET', `/datasets/${ds.id}/documents/${doc}/segments/${seg}/child_chunks`)).json).toMatchObject({ total: 1, total_pages: 1, page: 1, limit: 20 });
	expect((await api('PATCH', `/datasets/${ds.id}/documents/${doc}/segments/${seg}/child_chunks/${child.id}`, { content: 'kid 2' })).json.data.content).toBe('kid 2');
	expect((await api('DELETE', `/datasets/${ds.id}/documents/${doc}/segments/${seg}/child_chunks/${child.id}`)).status).toBe(204);
	expect((await api('POST', `/datasets/${ds.id}/retrieve`, { query: 'beta' })).json.records[0].segment.content).toBe('beta line');
	const field = (await api('POST', `/datasets/${ds.id}/metadata`, { type: 'string', name: 'lang' })).json;
	expect((await api('GET', `/datasets/${ds.id}/metadata`)).json.doc_metadata).toHaveLength(1);
	expect((await api('PATCH', `/datasets/${ds.id}/metadata/${field.id}`, { name: 'language' })).json.name).toBe('language');
	expect((await api('GET', `/datasets/${ds.id}/metadata/built-in`)).json.fields).toHaveLength(5);
	expect((await api('POST', `/datasets/${ds.id}/metadata/built-in/enable`)).json).toEqual({ result: 'success' });
	const values = { operation_data: [{ document_id: doc, metadata_list: [{ id: field.id, name: 'language', value: 'en' }], partial_update: false }] };
	expect((await api('POST', `/datasets/${ds.id}/documents/metadata`, values)).json).toEqual({ result: 'success' });
	expect((await api('DELETE', `/datasets/${ds.id}/metadata/${field.id}`)).status).toBe(204);
	const tag = (await api('POST', '/datasets/tags', { name: 'walk' })).json;
	expect((await api('POST', '/datasets/tags/binding', { tag_ids: [tag.id], target_id: ds.id })).status).toBe(204);
	expect((await api('GET', '/datasets/tags')).json).toEqual([{ id: tag.id, name: 'walk', type: 'knowledge', binding_count: '1' }]);
	expect((await api('GET', `/datasets/${ds.id}/tags`)).json).toEqual({ data: [{ id: tag.id, name: 'walk' }], total: 1 });
	expect((await api('PATCH', '/datasets/tags', { tag_id: tag.id, name: 'walked' })).json.name).toBe('walked');
	expect((await api('POST', '/datasets/tags/unbinding', { tag_ids: [tag.id], target_id: ds.id })).status).toBe(204);
	expect((await api('DELETE', '/datasets/tags', { tag_id: tag.id })).status).toBe(204);
	expect((await api('GET', '/workspaces/current/models/model-types/rerank')).json.data[0].models[0].model).toBe('rerank-english-v3.0');
	const retexted = (await api('POST', `/datasets/${ds.id}/documents/${doc}/update-by-text`, { name: 't2.md', text: 'epsilon' })).json;
	expect(retexted.document.name).toBe('t2.md');
	await indexed(ds.id, retexted.batch);
	const fileDoc = byFile.json.document.id;
	const patched = await api('PATCH', `/datasets/${ds.id}/documents/${fileDoc}`, undefined, { form: file('g.txt', 'zeta') });
	expect(validateResponse('PATCH', `/datasets/${ds.id}/documents/${fileDoc}`, patched.status, patched.json)).toEqual([]);
	await indexed(ds.id, patched.json.batch);
	const url = (await api('GET', `/datasets/${ds.id}/documents/${fileDoc}/download`)).json.url;
	expect((await (await fetch(url)).text())).toBe('zeta');
	const zip = await api('POST', `/datasets/${ds.id}/documents/download-zip`, { document_ids: [fileDoc] });
	expect(zip.headers.get('content-type')).toBe('application/zip');
	expect(zipEntryNames(zip.bytes)).toEqual(['g.txt']);
	expect((await api('PATCH', `/datasets/${ds.id}/documents/status/disable`, { document_ids: [fileDoc] })).json).toEqual({ result: 'success' });
	// update-by-text cut the document again: its chunks are new.
	const fresh = (await api('GET', `/datasets/${ds.id}/documents/${doc}/segments`)).json.data[0].id;
	expect((await api('DELETE', `/datasets/${ds.id}/documents/${doc}/segments/${fresh}`)).status).toBe(204);
	expect((await api('DELETE', `/datasets/${ds.id}/documents/${fileDoc}`)).status).toBe(204);
	expect((await api('DELETE', `/datasets/${ds.id}`)).status).toBe(204);
});

test('the older route spellings still answer: underscore routes, POST update-by-file, hit-testing', async () => {
	const ds = (await api('POST', '/datasets', { name: 'Aliases', indexing_technique: 'economy' })).json;
	const created = await api('POST', `/datasets/${ds.id}/document/create_by_text`, { name: 'a', text: 'alias text' }, { quirk: true });
	expect(created.status).toBe(200);
	await indexed(ds.id, created.json.batch);
	const doc = created.json.document.id;
	const renamed = await api('POST', `/datasets/${ds.id}/documents/${doc}/update_by_text`, { name: 'b', text: 'alias text' }, { quirk: true });
	expect(renamed.status).toBe(200);
	await indexed(ds.id, renamed.json.batch);
	const old = await api('POST', `/datasets/${ds.id}/documents/${doc}/update-by-file`, undefined, { quirk: true, form: file('c.txt', 'alias file') });
	expect(old.status).toBe(200);
	await indexed(ds.id, old.json.batch);
	expect((await api('POST', `/datasets/${ds.id}/hit-testing`, { query: 'alias file' }, { quirk: true })).json.records).toHaveLength(1);
	expect((await api('POST', `/datasets/${ds.id}/document/create_by_file`, undefined, { quirk: true, form: file('d.txt', 'd') })).status).toBe(200);
});

test('quirks: capped pages with an echoed limit, has_more from a full page, errors as Dify sends them', async () => {
	const ds = (await api('POST', '/datasets', { name: 'Quirks', indexing_technique: 'high_quality' })).json;
	const capped = (await api('GET', '/datasets?limit=150')).json;
	expect(capped).toMatchObject({ limit: 150, has_more: false, total: 4 });
	expect((await api('POST', '/datasets', { name: 'Quirks' })).json).toEqual({ code: 'dataset_name_duplicate', message: 'The dataset name already exists. Please modify your dataset name.', status: 409 });
	const bad = await api('POST', `/datasets/${ds.id}/document/create-by-file`, undefined, { form: file('x.exe', 'MZ', { process_rule: { mode: 'automatic' } }) });
	expect(bad.json).toEqual({ code: 'invalid_param', message: '', status: 400 });
	const created = (await api('POST', `/datasets/${ds.id}/document/create-by-text`, { name: 'q', text: 'q' })).json;
	await indexed(ds.id, created.batch);
	const update = await api('PATCH', `/datasets/${ds.id}/documents/${created.document.id}`, undefined, { form: file('x.exe', 'MZ') });
	expect(update.json).toMatchObject({ code: 'unsupported_file_type', status: 415 });
	const chunk = await api('POST', `/datasets/${ds.id}/documents/${created.document.id}/segments`, { segments: [] }, { quirk: true });
	expect(chunk.status).toBe(400);
	expect(chunk.json).toEqual({ error: expect.stringContaining('validation error') });
	expect((await api('GET', '/datasets/tags')).json).toEqual([]);
	expect((await api('GET', `/datasets/${ds.id}/documents/${created.document.id}?metadata=some`)).json).toMatchObject({ code: 'invalid_metadata', status: 400 });
	expect((await api('GET', '/datasets/00000000-0000-4000-8000-000000000000')).json).toMatchObject({ code: 'not_found', message: 'Dataset not found.' });
	expect((await api('GET', '/datasets/not-a-uuid')).status).toBe(404);
});
