/**
 * Respond to Dify: the triggers Dify calls in "Using 'Respond to Dify' Node" mode, served over real
 * HTTP through n8n-core (test/harness/webhook.ts: Trigger → the workflow's items → Respond to Dify,
 * optionally a second Respond to Dify on the error output), called by test/dify-server/difyClient.ts
 * as Dify calls them and judged by what Dify makes of each answer.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { moderateInput, moderateOutput, queryExternalDataTool, retrieveExternalKnowledge } from '../dify-server/difyClient';
import { serveTrigger, type Answer, type ServedTrigger } from '../harness/webhook';

const KEY = 'n8n-endpoint-key-1';
const fast = { backoffScale: 0.001 };
const ALL_POINTS = ['app.external_data_tool.query', 'app.moderation.input', 'app.moderation.output'];

const items = (...list: IDataObject[]): INodeExecutionData[] => list.map((json) => ({ json }));
const fail: Answer = () => {
	throw new Error('the database is down');
};

async function knowledge(answer: Answer, respond: IDataObject | undefined, extra: { respondOnError?: IDataObject; responseMode?: string } = {}) {
	return await serveTrigger({
		type: 'dify.difyExternalKnowledgeTrigger',
		parameters: { knowledgeIds: '', responseMode: extra.responseMode ?? 'responseNode' },
		credentialType: 'difyExternalKnowledgeEndpointApi',
		credentials: { apiKey: KEY },
		answer,
		respond,
		respondOnError: extra.respondOnError,
	});
}

async function extension(answer: Answer, respond: IDataObject | undefined, respondOnError?: IDataObject) {
	return await serveTrigger({
		type: 'dify.difyExtensionTrigger',
		parameters: { points: ALL_POINTS, responseMode: 'responseNode' },
		credentialType: 'difyApiExtensionEndpointApi',
		credentials: { apiKey: KEY },
		answer,
		respond,
		respondOnError,
	});
}

const endpointOf = (served: ServedTrigger) => served.url.replace(/\/retrieval$/, '');
const RECORDS = { mode: 'records' };
const EXTENSION = { mode: 'extensionAnswer' };
const ERROR = { mode: 'error' };

/** More results than Dify asked for, unsorted, some under the threshold, metadata null or missing. */
const SEARCH_RESULTS = items(
	{ content: 'Oolong: 90 °C, 3 minutes.', score: 0.55, title: 'Oolong', metadata: null },
	{ content: 'Green tea: 80 °C, 2 minutes.', score: 0.92, title: 'Green tea', metadata: { path: 'green.md' } },
	{ content: 'Coffee is not tea.', score: 0.12, title: 'Coffee', metadata: { path: 'coffee.md' } },
	{ content: 'Black tea: 95 °C, 4 minutes.', score: 0.81, metadata: { path: 'black.md' } },
	{ content: 'White tea: 75 °C, 5 minutes.', score: 0.3, title: 'White tea' },
	{ content: 'Herbal tea: boiling water, 6 minutes.', score: '0.7', title: 'Herbal tea', metadata: { path: 'herbal.md', tags: ['caffeine-free'] } },
);

let served: ServedTrigger | undefined;
afterEach(async () => {
	await served?.close();
	served = undefined;
});

describe('Respond to Dify, Retrieval Records (Dify External Knowledge Trigger)', () => {
	const ask = (s: Partial<Parameters<typeof retrieveExternalKnowledge>[2]> = {}) =>
		retrieveExternalKnowledge(endpointOf(served!), KEY, { knowledgeId: 'handbook', query: 'how to steep tea', topK: 3, ...s }, fast);

	it('answers every item as a record: best first, cut to top_k, under-threshold dropped when Dify enables it, metadata an object', async () => {
		served = await knowledge(() => SEARCH_RESULTS, RECORDS);
		const r = await ask({ topK: 3, scoreThresholdEnabled: true, scoreThreshold: 0.6 });
		expect(r.ok && r.records).toEqual([
			{ content: 'Green tea: 80 °C, 2 minutes.', score: 0.92, title: 'Green tea', metadata: { path: 'green.md' } },
			{ content: 'Black tea: 95 °C, 4 minutes.', score: 0.81, title: '', metadata: { path: 'black.md' } },
			{ content: 'Herbal tea: boiling water, 6 minutes.', score: 0.7, title: 'Herbal tea', metadata: { path: 'herbal.md', tags: ['caffeine-free'] } },
		]);
		// What Dify builds from them: score and title land in each document's metadata.
		expect(r.ok && r.documents[1]).toEqual({ page_content: 'Black tea: 95 °C, 4 minutes.', metadata: { path: 'black.md', score: 0.81, title: '' }, provider: 'external' });
		expect(r.attempts.map((a) => a.status)).toEqual([200]);
	});

	it('with Dify\'s threshold off (Dify sends 0) keeps low scores; a null metadata becomes {}', async () => {
		served = await knowledge(() => SEARCH_RESULTS, RECORDS);
		const r = await ask({ topK: 10 });
		expect(r.ok && r.records.map((x) => (x as IDataObject).score)).toEqual([0.92, 0.81, 0.7, 0.55, 0.3, 0.12]);
		expect(r.ok && r.documents.find((d) => d.page_content.startsWith('Oolong'))?.metadata).toEqual({ score: 0.55, title: 'Oolong' });
		const one = await ask({ topK: 1 });
		expect(one.ok && one.records).toEqual([{ content: 'Green tea: 80 °C, 2 minutes.', score: 0.92, title: 'Green tea', metadata: { path: 'green.md' } }]);
	});

	it('reads records from fields named otherwise (dot paths reach into objects)', async () => {
		served = await knowledge(
			() => items({ doc: { text: 'Steep 2 minutes.', name: 'Green' }, similarity: 0.4, attrs: { lang: 'en' } }, { doc: { text: 'Steep 4 minutes.', name: 'Black' }, similarity: 0.9 }),
			{ ...RECORDS, contentField: 'doc.text', scoreField: 'similarity', titleField: 'doc.name', metadataField: 'attrs' },
		);
		const r = await ask();
		expect(r.ok && r.records).toEqual([
			{ content: 'Steep 4 minutes.', score: 0.9, title: 'Black', metadata: {} },
			{ content: 'Steep 2 minutes.', score: 0.4, title: 'Green', metadata: { lang: 'en' } },
		]);
	});

	it('an empty item (what "Always Output Data" sends when the search found nothing) answers {"records": []}', async () => {
		served = await knowledge(() => items({}), RECORDS);
		const r = await ask();
		expect(r.attempts.map((a) => [a.status, a.text && JSON.parse(a.text)])).toEqual([[200, { records: [] }]]);
		expect(r).toMatchObject({ ok: true, documents: [] });
	});

	it('an item without a usable score fails the workflow with the field named; n8n answers 500', async () => {
		served = await knowledge(() => items({ content: 'x', score: 0.5 }, { content: 'y', score: 'high' }), RECORDS);
		const r = await ask();
		expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^Reached maximum retries \(3\)/) });
		expect(served.failures[0]).toBe('The field "score" must be a number (Dify\'s record "score"), but item 2 has string "high"');
	});

	it('a failing node whose error output goes to Respond to Dify (Error) answers Dify\'s error shape with 500, which Dify retries and then reports', async () => {
		served = await knowledge(fail, RECORDS, { respondOnError: ERROR });
		const r = await ask();
		expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^Reached maximum retries \(3\) for URL .*\/retrieval$/) });
		expect(r.attempts.map((a) => [a.status, a.text && JSON.parse(a.text)])).toEqual(Array(4).fill([500, { error_code: 500, error_msg: 'the database is down' }]));
		expect(served.failures).toEqual([]);
	});

	it('Error with a status and code of the user\'s: Dify takes a 404 as "nothing found", silently', async () => {
		served = await knowledge(fail, RECORDS, { respondOnError: { ...ERROR, errorMessage: 'Index is rebuilding', errorOptions: { responseCode: 404, errorCode: '2001' } } });
		const r = await ask();
		expect(r).toMatchObject({ ok: true, documents: [] });
		expect(r.attempts.map((a) => [a.status, a.text && JSON.parse(a.text)])).toEqual([[404, { error_code: 2001, error_msg: 'Index is rebuilding' }]]);
	});

	it('without an error path, a failure in "Respond to Dify" mode is n8n\'s 500 "Error in workflow"', async () => {
		served = await knowledge(fail, RECORDS);
		const r = await ask();
		expect(r.attempts.map((a) => [a.status, a.text && JSON.parse(a.text)])).toEqual(Array(4).fill([500, { message: 'Error in workflow' }]));
	});

	it('refuses to run when the trigger does not wait for it ("When Last Node Finishes"), saying what to set', async () => {
		served = await knowledge(() => SEARCH_RESULTS, RECORDS, { responseMode: 'lastNode' });
		await ask();
		expect(served.failures[0]).toBe('"Dify" does not wait for this node');
	});
});

describe('Respond to Dify, Extension Answer (Dify Extension Trigger)', () => {
	it('input moderation: a flagged item with a preset response is the answer Dify shows', async () => {
		served = await extension((input) => items({ flagged: /password/i.test(String(input[0].json.query)), action: 'direct_output', preset_response: 'No passwords here, please.' }), EXTENSION);
		expect(await moderateInput(served.url, KEY, { appId: 'app-1', inputs: { topic: 'accounts' }, query: 'My password is hunter2' }, fast)).toMatchObject({
			ok: true,
			flagged: true,
			action: 'direct_output',
			answer: 'No passwords here, please.',
		});
		// Not flagged and no action: the node sends direct_output, which Dify requires.
		const passing = await moderateInput(served.url, KEY, { appId: 'app-1', inputs: {}, query: 'Which tea?' }, fast);
		expect(passing).toMatchObject({ ok: true, flagged: false, query: 'Which tea?' });
	});

	it('input moderation, overridden with only a new question: Dify keeps the inputs it sent', async () => {
		served = await extension(() => items({ verdict: { flagged: true, action: 'overridden' }, cleaned: 'What is my ***?' }), {
			...EXTENSION,
			answerFields: { flagged: 'verdict.flagged', action: 'verdict.action', query: 'cleaned' },
		});
		expect(await moderateInput(served.url, KEY, { appId: 'app-1', inputs: { topic: 'accounts' }, query: 'What is my password?' }, fast)).toMatchObject({
			ok: true,
			flagged: true,
			action: 'overridden',
			inputs: { topic: 'accounts' },
			query: 'What is my ***?',
		});
	});

	it('output moderation, overridden: Dify shows the item\'s text', async () => {
		served = await extension((input) => items({ flagged: true, action: 'overridden', text: String(input[0].json.text).replace(/password/gi, '***') }), EXTENSION);
		expect(await moderateOutput(served.url, KEY, { appId: 'app-1', text: 'Your Password is on the note.' }, fast)).toMatchObject({ ok: true, flagged: true, text: 'Your *** is on the note.' });
	});

	it('external data tool: the item\'s result goes into the prompt', async () => {
		served = await extension((input) => items({ forecast: `Sunny in ${(input[0].json.inputs as IDataObject).city}` }), { ...EXTENSION, answerFields: { result: 'forecast' } });
		expect(await queryExternalDataTool(served.url, KEY, { appId: 'app-1', variable: 'weather', inputs: { city: 'Porto' }, query: 'q' }, fast)).toMatchObject({ ok: true, text: 'Sunny in Porto' });
	});

	it('flagged that is not a boolean fails the workflow naming the field, instead of Dify\'s validation error', async () => {
		served = await extension(() => items({ flagged: 'yes', action: 'direct_output', preset_response: 'No.' }), EXTENSION);
		const r = await moderateInput(served.url, KEY, { appId: 'a', inputs: {}, query: 'q' }, fast);
		expect(r.ok).toBe(false);
		expect(served.failures[0]).toBe('The field "flagged" must be true or false (Dify\'s "flagged"), but the item has string "yes"');
	});

	it('a missing result and a missing preset response are named too', async () => {
		served = await extension(() => items({ text: 'no result field' }), EXTENSION);
		await queryExternalDataTool(served.url, KEY, { appId: 'a', variable: 'v', inputs: {}, query: 'q' }, fast);
		expect(served.failures[0]).toMatch(/^The field "result" is required: it is the text Dify puts into the prompt/);
		await served.close();
		served = await extension(() => items({ flagged: true, action: 'direct_output' }), EXTENSION);
		await moderateOutput(served.url, KEY, { appId: 'a', text: 't' }, fast);
		expect(served.failures[0]).toMatch(/^The field "preset_response" is required with action "direct_output"/);
	});

	it('Error on the error output: Dify fails the message with status 400 and shows the start of the body (no retries)', async () => {
		served = await extension(fail, EXTENSION, ERROR);
		const r = await moderateInput(served.url, KEY, { appId: 'a', inputs: {}, query: 'q' }, fast);
		expect(r).toMatchObject({
			ok: false,
			error: 'request error, status_code: 400, content: {"code":"workflow_error","message":"the database is down","status":400}',
		});
		expect(served.executions).toHaveLength(1);
	});

	it('"Retrieval Records" under the Extension trigger is refused with the mode to pick', async () => {
		served = await extension(() => items({ result: 'x' }), RECORDS);
		await queryExternalDataTool(served.url, KEY, { appId: 'a', variable: 'v', inputs: {}, query: 'q' }, fast);
		expect(served.failures[0]).toBe('"Respond With" does not match "Dify"');
	});
});
