/**
 * Dify calls n8n: the External Knowledge and Extension triggers served over real HTTP through
 * n8n-core (test/harness/webhook.ts), called by test/dify-server/difyClient.ts exactly as Dify's
 * server calls them, and judged by what Dify would make of each answer.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import {
	checkExternalKnowledgeEndpoint,
	moderateInput,
	moderateOutput,
	pingExtension,
	queryExternalDataTool,
	retrieveExternalKnowledge,
} from '../dify-server/difyClient';
import { call } from '../dify-server/testClient';
import { serveTrigger, type Answer, type ServedTrigger } from '../harness/webhook';

const KEY = 'n8n-endpoint-key-1';
const fast = { backoffScale: 0.001 };

/** The endpoint a user pastes into Dify: the node's URL without "/retrieval". */
const endpointOf = (served: ServedTrigger) => served.url.replace(/\/retrieval$/, '');

async function knowledge(answer: Answer, parameters: Record<string, unknown> = {}) {
	return await serveTrigger({
		type: 'dify.difyExternalKnowledgeTrigger',
		parameters: { knowledgeIds: '', responseMode: 'lastNode', ...parameters },
		credentialType: 'difyExternalKnowledgeEndpointApi',
		credentials: { apiKey: KEY },
		answer,
	});
}

async function extension(answer: Answer, points?: string[]) {
	return await serveTrigger({
		type: 'dify.difyExtensionTrigger',
		parameters: { points: points ?? ['app.external_data_tool.query', 'app.moderation.input', 'app.moderation.output'], responseMode: 'lastNode' },
		credentialType: 'difyApiExtensionEndpointApi',
		credentials: { apiKey: KEY },
		answer,
	});
}

const one = (json: IDataObject): INodeExecutionData[] => [{ json }];
const fail: Answer = () => {
	throw new Error('the database is down');
};

let served: ServedTrigger | undefined;
afterEach(async () => {
	await served?.close();
	served = undefined;
});

describe('Dify External Knowledge Trigger', () => {
	const settings = { knowledgeId: 'handbook', query: 'How long to steep green tea?', topK: 2 };

	it('turns Dify\'s retrieval request into one item and Dify reads the records the workflow answers', async () => {
		served = await knowledge(() => one({ records: [{ content: 'Steep green tea 2 minutes.', score: 0.92, title: 'Tea', metadata: { path: 'tea.md' } }] }));
		const r = await retrieveExternalKnowledge(endpointOf(served), KEY, { ...settings, scoreThresholdEnabled: true, scoreThreshold: 0.5 }, fast);
		expect(served.executions).toEqual([[{ knowledge_id: 'handbook', query: settings.query, top_k: 2, score_threshold: 0.5, metadata_condition: null }]]);
		expect(r.ok && r.documents).toEqual([{ page_content: 'Steep green tea 2 minutes.', metadata: { path: 'tea.md', score: 0.92, title: 'Tea' }, provider: 'external' }]);
	});

	it('passes Dify\'s threshold as 0 when it is disabled, and the metadata condition as an object', async () => {
		served = await knowledge(() => one({ records: [] }));
		const condition = { logical_operator: 'or', conditions: [{ name: 'lang', comparison_operator: 'is', value: 'en' }] };
		const r = await retrieveExternalKnowledge(endpointOf(served), KEY, { ...settings, scoreThreshold: 0.8, metadataCondition: condition }, fast);
		expect(r).toMatchObject({ ok: true, documents: [] });
		expect(served.executions[0][0]).toMatchObject({ score_threshold: 0, metadata_condition: condition });
	});

	it('an empty result is an empty list for Dify', async () => {
		served = await knowledge(() => one({ records: [] }));
		expect(await retrieveExternalKnowledge(endpointOf(served), KEY, settings, fast)).toMatchObject({ ok: true, documents: [] });
	});

	it.each([
		['no Authorization header', { headers: {} }, 1001],
		['a Basic header', { headers: { Authorization: `Basic ${KEY}` } }, 1001],
		['another key', { key: 'someone-elses-key' }, 1002],
		['the key with a suffix', { key: `${KEY}x` }, 1002],
	])('refuses %s with 403 and Dify\'s error body before the workflow runs', async (_name, auth, code) => {
		served = await knowledge(() => one({ records: [] }));
		const r = await call(served.url, '', { method: 'POST', json: { knowledge_id: 'handbook', query: 'q', retrieval_setting: { top_k: 1, score_threshold: 0 } }, ...auth });
		expect(r.status).toBe(403);
		expect(r.json).toEqual({ error_code: code, error_msg: code === 1001 ? "Invalid Authorization header format. Expected 'Bearer <api-key>' format." : 'Authorization failed' });
		expect(served.executions).toEqual([]);
	});

	it('Dify refuses to save the API with a wrong key, and saves it with the right one (no workflow runs)', async () => {
		served = await knowledge(() => one({ records: [] }));
		expect(await checkExternalKnowledgeEndpoint(endpointOf(served), 'wrong-key')).toEqual({ ok: false, error: 'Forbidden: Authorization failed with api_key: wrong-key' });
		expect(await checkExternalKnowledgeEndpoint(endpointOf(served), KEY)).toEqual({ ok: true, status: 400 });
		expect(served.executions).toEqual([]);
	});

	it.each([
		['an empty object', {}, 'The request body must be a JSON object'],
		['no knowledge_id', { query: 'q', retrieval_setting: { top_k: 1, score_threshold: 0 } }, 'knowledge_id must be a non-empty string'],
		['top_k as text', { knowledge_id: 'k', query: 'q', retrieval_setting: { top_k: 'five', score_threshold: 0 } }, 'retrieval_setting.top_k must be a whole number'],
		['metadata_condition as a list', { knowledge_id: 'k', query: 'q', retrieval_setting: { top_k: 1, score_threshold: 0 }, metadata_condition: [] }, 'metadata_condition must be an object or null'],
	])('answers a body with %s in Dify\'s error format, without running the workflow', async (_name, body: Record<string, unknown>, message) => {
		served = await knowledge(() => one({ records: [] }));
		const r = await call(served.url, '', { method: 'POST', key: KEY, json: body });
		expect(r.status).toBe(400);
		expect(r.json).toEqual({ error_code: 400, error_msg: expect.stringContaining(message) });
		expect(served.executions).toEqual([]);
	});

	it('answers 2001 for a knowledge ID the node does not serve', async () => {
		served = await knowledge(() => one({ records: [] }), { knowledgeIds: 'faq, handbook' });
		const ok = await retrieveExternalKnowledge(endpointOf(served), KEY, settings, fast);
		expect(ok.ok).toBe(true);
		const r = await call(served.url, '', { method: 'POST', key: KEY, json: { knowledge_id: 'other', query: 'q', retrieval_setting: { top_k: 1, score_threshold: 0 } } });
		expect(r.status).toBe(404);
		expect(r.json).toEqual({ error_code: 2001, error_msg: 'The knowledge does not exist' });
		expect(served.executions).toHaveLength(1);
	});

	it('a workflow error is n8n\'s 500, which Dify sends three more times and then reports', async () => {
		served = await knowledge(fail);
		const r = await retrieveExternalKnowledge(endpointOf(served), KEY, settings, fast);
		expect(r).toMatchObject({ ok: false, error: `Reached maximum retries (3) for URL ${served.url}` });
		expect(r.attempts.map((a) => a.status)).toEqual([500, 500, 500, 500]);
		expect(served.executions).toHaveLength(4);
	});

	it('null metadata in the answer breaks Dify\'s retrieval (what the README warns about)', async () => {
		served = await knowledge(() => one({ records: [{ content: 'a', score: 1, title: 't', metadata: null }] }));
		expect(await retrieveExternalKnowledge(endpointOf(served), KEY, settings, fast)).toMatchObject({ ok: false, error: expect.stringContaining('metadata') });
	});
});

describe('Dify Extension Trigger', () => {
	it('answers ping itself with pong: Dify saves the extension and no workflow runs', async () => {
		served = await extension(() => one({ result: 'never' }));
		expect(await pingExtension(served.url, KEY, fast)).toEqual({ ok: true });
		expect(served.executions).toEqual([]);
	});

	it('external data tool: the item carries Dify\'s params, the workflow\'s result goes into the prompt', async () => {
		served = await extension((items) => one({ result: `Weather in ${items[0].json.inputs && (items[0].json.inputs as { city: string }).city}: sunny` }));
		const r = await queryExternalDataTool(served.url, KEY, { appId: 'app-1', variable: 'weather', inputs: { city: 'Lisbon' }, query: 'Weather?' }, fast);
		expect(r).toMatchObject({ ok: true, text: 'Weather in Lisbon: sunny' });
		expect(served.executions).toEqual([[{ point: 'app.external_data_tool.query', app_id: 'app-1', tool_variable: 'weather', inputs: { city: 'Lisbon' }, query: 'Weather?' }]]);
	});

	it('input moderation: a flagged direct_output answer makes Dify answer with the preset response', async () => {
		served = await extension((items) =>
			one((items[0].json.query as string).includes('forbidden') ? { flagged: true, action: 'direct_output', preset_response: 'I cannot talk about that.' } : { flagged: false, action: 'direct_output' }),
		);
		expect(await moderateInput(served.url, KEY, { appId: 'a', inputs: {}, query: 'a forbidden topic' }, fast)).toMatchObject({ ok: true, flagged: true, answer: 'I cannot talk about that.' });
		expect(await moderateInput(served.url, KEY, { appId: 'a', inputs: {}, query: 'tea' }, fast)).toMatchObject({ ok: true, flagged: false, query: 'tea' });
		expect(served.executions.map((e) => e[0].point)).toEqual(['app.moderation.input', 'app.moderation.input']);
	});

	it('output moderation: an overridden answer replaces the text Dify shows', async () => {
		served = await extension((items) => one({ flagged: true, action: 'overridden', text: String(items[0].json.text).replace(/secret/g, '***') }));
		expect(await moderateOutput(served.url, KEY, { appId: 'a', text: 'the secret code' }, fast)).toMatchObject({ ok: true, text: 'the *** code' });
		expect(served.executions[0]).toEqual([{ point: 'app.moderation.output', app_id: 'a', text: 'the secret code' }]);
	});

	it('a point the workflow does not handle is answered by the node: empty result, not flagged', async () => {
		served = await extension(() => one({ result: 'never' }), ['app.moderation.output']);
		expect(await queryExternalDataTool(served.url, KEY, { appId: 'a', variable: 'v', inputs: {}, query: 'q' }, fast)).toMatchObject({ ok: true, text: '' });
		expect(await moderateInput(served.url, KEY, { appId: 'a', inputs: {}, query: 'anything' }, fast)).toMatchObject({ ok: true, flagged: false });
		expect(served.executions).toEqual([]);
	});

	it('an answer with flagged not a boolean is what Dify refuses', async () => {
		served = await extension(() => one({ flagged: 'perhaps', action: 'direct_output' }));
		expect(await moderateOutput(served.url, KEY, { appId: 'a', text: 't' }, fast)).toMatchObject({ ok: false, error: expect.stringContaining('flagged: Input should be a valid boolean') });
	});

	it.each([
		['no Authorization header', { headers: {} }, 'Expected the header Authorization: Bearer <api-key>'],
		['another key', { key: 'not-the-key' }, 'The API key does not match'],
	])('refuses %s with 401 before the workflow runs (Dify: "request error, status_code: 401")', async (_name, auth, message) => {
		served = await extension(() => one({ result: 'never' }));
		const r = await call(served.url, '', { method: 'POST', json: { point: 'app.moderation.output', params: { app_id: 'a', text: 't' } }, ...auth });
		expect(r.status).toBe(401);
		expect(r.json).toEqual({ code: 'unauthorized', message, status: 401 });
		expect(await pingExtension(served.url, 'not-the-key', fast)).toMatchObject({ ok: false, error: expect.stringContaining('request error, status_code: 401') });
		expect(served.executions).toEqual([]);
	});

	it.each([
		['an unknown point', { point: 'app.other', params: {} }, 'Unknown point "app.other"'],
		['no params', { point: 'app.moderation.input' }, 'params must be an object'],
		['text not a string', { point: 'app.moderation.output', params: { text: 5 } }, 'params.text must be a string'],
	])('answers %s with 400 in Dify\'s error envelope, without running the workflow', async (_name, body, message) => {
		served = await extension(() => one({ result: 'never' }));
		const r = await call(served.url, '', { method: 'POST', key: KEY, json: body });
		expect(r.status).toBe(400);
		expect(r.json).toEqual({ code: 'invalid_param', message, status: 400 });
		expect(served.executions).toEqual([]);
	});

	it('a workflow error is n8n\'s 500; Dify retries, then the message fails with its error', async () => {
		served = await extension(fail);
		const r = await moderateInput(served.url, KEY, { appId: 'a', inputs: {}, query: 'q' }, fast);
		expect(r).toMatchObject({ ok: false, error: `Reached maximum retries (3) for URL ${served.url}` });
		expect(served.executions).toHaveLength(4);
	});
});
