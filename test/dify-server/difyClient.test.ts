/**
 * The Dify-as-client module against a scripted endpoint on 127.0.0.1: the requests it sends are the
 * ones Dify's source builds, and it reads answers as Dify's code does (see docs/dify-behaviour.md,
 * 'External Knowledge API (Dify calls n8n)' and 'API-based Extension (Dify calls n8n)').
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
	PyFloat,
	checkExternalKnowledgeEndpoint,
	moderateInput,
	moderateOutput,
	pingExtension,
	pythonJson,
	queryExternalDataTool,
	retrieveExternalKnowledge,
} from './difyClient';

interface Seen {
	method: string;
	url: string;
	headers: IncomingMessage['headers'];
	body: string;
}

type Script = (seen: Seen, res: ServerResponse) => void;

let server: Server;
let base = '';
let seen: Seen[] = [];
let script: Script = (_s, res) => res.end();

beforeAll(async () => {
	server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
			seen.push(s);
			script(s, res);
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise((r) => server.close(r));
});

beforeEach(() => {
	seen = [];
});

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Script => (_s, res) => {
	res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
	res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

const fast = { backoffScale: 0.001 };

describe('pythonJson', () => {
	it('writes what json.dumps writes: spaced separators, floats with a decimal point, non-ASCII escaped', () => {
		expect(pythonJson({ a: new PyFloat(0), b: 3, c: 'café 😀', d: null, e: [true, 0.5] })).toBe(
			'{"a": 0.0, "b": 3, "c": "caf\\u00e9 \\ud83d\\ude00", "d": null, "e": [true, 0.5]}',
		);
	});

	it('writes what httpx json= writes: compact, UTF-8 kept', () => {
		expect(pythonJson({ point: 'ping', params: { q: 'café' } }, true)).toBe('{"point":"ping","params":{"q":"café"}}');
	});
});

describe('External Knowledge API', () => {
	const settings = { knowledgeId: 'handbook', query: 'Wie lange ziehen lassen?', topK: 3 };

	it('sends POST <endpoint>/retrieval with the Bearer key and the body of fetch_external_knowledge_retrieval', async () => {
		script = json(200, { records: [] });
		const r = await retrieveExternalKnowledge(`${base}/webhook/abc`, 'key-12345', settings, fast);
		expect(r.ok).toBe(true);
		expect(seen).toHaveLength(1);
		expect(seen[0].method).toBe('POST');
		expect(seen[0].url).toBe('/webhook/abc/retrieval');
		expect(seen[0].headers.authorization).toBe('Bearer key-12345');
		expect(seen[0].headers['content-type']).toBe('application/json');
		// score_threshold is 0.0 while the threshold is disabled in Dify; metadata_condition null without conditions.
		expect(seen[0].body).toBe(
			'{"retrieval_setting": {"top_k": 3, "score_threshold": 0.0}, "query": "Wie lange ziehen lassen?", "knowledge_id": "handbook", "metadata_condition": null}',
		);
	});

	it('sends the threshold only when it is enabled, and the metadata condition as given', async () => {
		script = json(200, { records: [] });
		const condition = { logical_operator: 'and', conditions: [{ name: 'lang', comparison_operator: 'is', value: 'de' }] };
		await retrieveExternalKnowledge(base, 'k', { ...settings, scoreThresholdEnabled: true, scoreThreshold: 0.5, metadataCondition: condition }, fast);
		await retrieveExternalKnowledge(base, 'k', { ...settings, scoreThresholdEnabled: false, scoreThreshold: 0.5 }, fast);
		expect(JSON.parse(seen[0].body)).toEqual({ retrieval_setting: { top_k: 3, score_threshold: 0.5 }, query: settings.query, knowledge_id: 'handbook', metadata_condition: condition });
		expect(JSON.parse(seen[1].body).retrieval_setting.score_threshold).toBe(0);
	});

	it('turns records into Documents with score and title in their metadata', async () => {
		script = json(200, { records: [{ content: 'Steep 3 minutes.', score: 0.9, title: 'Tea', metadata: { path: 'tea.md' } }, { content: 'x', score: 0.1 }] });
		const r = await retrieveExternalKnowledge(base, 'k', settings, fast);
		expect(r.ok && r.documents).toEqual([
			{ page_content: 'Steep 3 minutes.', metadata: { path: 'tea.md', score: 0.9, title: 'Tea' }, provider: 'external' },
			{ page_content: 'x', metadata: { score: 0.1, title: null }, provider: 'external' },
		]);
	});

	it.each([
		['metadata null', { records: [{ content: 'a', score: 1, metadata: null }] }, 'metadata: Input should be a valid dictionary'],
		['content missing', { records: [{ score: 1, metadata: {} }] }, 'page_content: Input should be a valid string'],
		['a list instead of an object', [{ content: 'a' }], "AttributeError: 'list' object has no attribute 'get'"],
	])('fails as Dify fails on %s', async (_name, body, error) => {
		script = json(200, body);
		const r = await retrieveExternalKnowledge(base, 'k', settings, fast);
		expect(r.ok).toBe(false);
		expect(!r.ok && r.error).toContain(error);
	});

	it('reads no records from a 200 without "records", and from an answer that is not 200 (Dify says nothing)', async () => {
		script = json(200, {});
		expect(await retrieveExternalKnowledge(base, 'k', settings, fast)).toMatchObject({ ok: true, documents: [] });
		script = json(403, { error_code: 1002, error_msg: 'Authorization failed' });
		const r = await retrieveExternalKnowledge(base, 'k', settings, fast);
		expect(r).toMatchObject({ ok: true, documents: [] });
		expect(r.attempts).toHaveLength(1);
	});

	it('sends a 500 three more times (ssrf_proxy), then reports MaxRetriesExceededError', async () => {
		script = json(500, { message: 'Error in workflow' });
		const r = await retrieveExternalKnowledge(base, 'k', settings, fast);
		expect(r.ok).toBe(false);
		expect(!r.ok && r.error).toBe(`Reached maximum retries (3) for URL ${base}/retrieval`);
		expect(seen).toHaveLength(4);
	});

	it('gives up reading after its read timeout and retries', async () => {
		script = () => undefined; // never answers
		const r = await retrieveExternalKnowledge(base, 'k', settings, { ...fast, readMs: 50, maxRetries: 1 });
		expect(r.ok).toBe(false);
		expect(r.attempts.map((a) => a.error)).toEqual([expect.stringContaining('ReadTimeout'), expect.stringContaining('ReadTimeout')]);
	});

	it('follows a redirect (follow_redirects=True)', async () => {
		script = (s, res) => (s.url === '/old/retrieval' ? json(307, '', { location: '/new/retrieval' })(s, res) : json(200, { records: [{ content: 'moved', metadata: {} }] })(s, res));
		const r = await retrieveExternalKnowledge(`${base}/old`, 'k', settings, fast);
		expect(r.ok && r.documents.map((d) => d.page_content)).toEqual(['moved']);
		expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['POST /old/retrieval', 'POST /new/retrieval']);
	});

	it('saving the API: an empty POST; 403, 404 and 502 refuse the save, 400 does not', async () => {
		script = json(403, {});
		expect(await checkExternalKnowledgeEndpoint(base, 'wrong')).toEqual({ ok: false, error: 'Forbidden: Authorization failed with api_key: wrong' });
		expect(seen[0]).toMatchObject({ method: 'POST', url: '/retrieval', body: '' });
		expect(seen[0].headers.authorization).toBe('Bearer wrong');
		script = json(404, {});
		expect(await checkExternalKnowledgeEndpoint(base, 'k')).toEqual({ ok: false, error: `Not Found: failed to connect to the endpoint: ${base}/retrieval` });
		script = json(400, { error_code: 400 });
		expect(await checkExternalKnowledgeEndpoint(base, 'k')).toEqual({ ok: true, status: 400 });
	});
});

describe('API-based Extension', () => {
	it('ping: sends {"point":"ping","params":{}} with the Bearer key and wants result "pong"', async () => {
		script = json(200, { result: 'pong' });
		expect(await pingExtension(`${base}/ext`, 'key-12345', fast)).toEqual({ ok: true });
		expect(seen[0]).toMatchObject({ method: 'POST', url: '/ext', body: '{"point":"ping","params":{}}' });
		expect(seen[0].headers.authorization).toBe('Bearer key-12345');
		script = json(200, { result: 'ok' });
		expect(await pingExtension(base, 'k', fast)).toEqual({ ok: false, error: 'connection error: {"result":"ok"}' });
	});

	it('a status other than 200 becomes "request error" with the first 100 characters of the body', async () => {
		const long = { message: 'x'.repeat(200) };
		script = json(401, long);
		expect(await pingExtension(base, 'k', fast)).toEqual({
			ok: false,
			error: `connection error: request error, status_code: 401, content: ${JSON.stringify(long).slice(0, 100)}`,
		});
	});

	it('external data tool: sends app_id, tool_variable, inputs and query; result must be a string', async () => {
		script = json(200, { result: 'Sunny, 21 °C' });
		const p = { appId: 'app-1', variable: 'weather', inputs: { city: 'Berlin' }, query: 'Weather?' };
		expect(await queryExternalDataTool(base, 'k', p, fast)).toMatchObject({ ok: true, text: 'Sunny, 21 °C' });
		expect(JSON.parse(seen[0].body)).toEqual({ point: 'app.external_data_tool.query', params: { app_id: 'app-1', tool_variable: 'weather', inputs: { city: 'Berlin' }, query: 'Weather?' } });
		script = json(200, { text: 'x' });
		expect(await queryExternalDataTool(base, 'k', p, fast)).toMatchObject({ ok: false, error: '[External data tool] API query failed, variable: weather, error: result not found in response' });
		script = json(200, { result: 3 });
		expect(await queryExternalDataTool(base, 'k', p, fast)).toMatchObject({ ok: false, error: '[External data tool] API query failed, variable: weather, error: result is not string' });
	});

	it('input moderation: direct_output answers with preset_response, overridden replaces inputs and query', async () => {
		const p = { appId: 'app-1', inputs: { topic: 'x' }, query: 'bad words' };
		script = json(200, { flagged: true, action: 'direct_output', preset_response: 'Not allowed.' });
		expect(await moderateInput(base, 'k', p, fast)).toMatchObject({ ok: true, flagged: true, answer: 'Not allowed.', query: 'bad words' });
		expect(JSON.parse(seen[0].body)).toEqual({ point: 'app.moderation.input', params: { app_id: 'app-1', inputs: { topic: 'x' }, query: 'bad words' } });
		script = json(200, { flagged: true, action: 'overridden', inputs: { topic: 'y' }, query: '*** words' });
		expect(await moderateInput(base, 'k', p, fast)).toMatchObject({ ok: true, inputs: { topic: 'y' }, query: '*** words' });
		script = json(200, { flagged: false, action: 'direct_output' });
		expect(await moderateInput(base, 'k', p, fast)).toMatchObject({ ok: true, flagged: false, query: 'bad words' });
	});

	it('moderation answers are validated as pydantic does: a lax boolean, a known action', async () => {
		script = json(200, { flagged: 'yes', action: 'direct_output', preset_response: 'No.' });
		expect(await moderateOutput(base, 'k', { appId: 'a', text: 't' }, fast)).toMatchObject({ ok: true, flagged: true, text: 'No.' });
		script = json(200, { flagged: 'maybe', action: 'block' });
		expect(await moderateOutput(base, 'k', { appId: 'a', text: 't' }, fast)).toMatchObject({
			ok: false,
			error: "2 validation errors for ModerationOutputsResult: flagged: Input should be a valid boolean; action: Input should be 'direct_output' or 'overridden'",
		});
		script = json(200, { flagged: true });
		expect(await moderateOutput(base, 'k', { appId: 'a', text: 't' }, fast)).toMatchObject({ ok: false, error: '1 validation error for ModerationOutputsResult: action: Field required' });
	});

	it('output moderation: overridden replaces the text', async () => {
		script = json(200, { flagged: true, action: 'overridden', text: 'clean text' });
		expect(await moderateOutput(base, 'k', { appId: 'a', text: 'dirty text' }, fast)).toMatchObject({ ok: true, text: 'clean text' });
		expect(JSON.parse(seen[0].body)).toEqual({ point: 'app.moderation.output', params: { app_id: 'a', text: 'dirty text' } });
	});
});
