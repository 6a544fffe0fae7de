/**
 * Dify calls n8n, in a real n8n: the two examples (Dify retrieves from n8n, Moderation by n8n) and
 * a few workflows around the same triggers, published (production URL) and listening for a test
 * event (test URL), called by the Dify client (test/dify-server/difyClient.ts) exactly as Dify's
 * server calls them. Executions are read from n8n's REST API: a request the trigger refuses or
 * answers itself must leave no execution behind. The triggers in "Using 'Respond to Dify' Node" mode
 * answer through the Respond to Dify node: records sorted, cut and filtered by the node, an error
 * path, a moderation verdict.
 */
import type { N8nInstance } from '../../scripts/lib/n8n-instance';
import { SANDBOX_ENDPOINT_KEY } from '../../scripts/lib/sandbox';
import { startDifyServer, type DifyServer } from '../dify-server';
import {
	checkExternalKnowledgeEndpoint,
	moderateInput,
	moderateOutput,
	pingExtension,
	queryExternalDataTool,
	retrieveExternalKnowledge,
	type ClientOptions,
} from '../dify-server/difyClient';
import { call } from '../dify-server/testClient';
import { PACKAGE, chain, credentialsFor, difyNode, examples, freshInstance, type NodeSpec } from './support';

let instance: N8nInstance;
let server: DifyServer;
let cleanup: () => Promise<void>;
let cookie = '';

const KEY = SANDBOX_ENDPOINT_KEY;
// Dify reads for 5 s (External Knowledge) and 60 s (extensions); the first Code node run on a busy
// machine can take longer than 5 s, and this suite checks answers, not speed.
const dify: ClientOptions = { readMs: 60000, backoffScale: 0.01 };

const byFile = Object.fromEntries(examples().map((e) => [e.file, e]));
const retrieveExample = byFile['dify-retrieves-from-n8n.json'].workflow;
const moderationExample = byFile['moderation-by-n8n.json'].workflow;
type Wf = { id?: unknown; nodes?: unknown };
const hookOf = (wf: Wf) => (wf.nodes as Array<{ webhookId?: string }>).find((n) => n.webhookId)!.webhookId!;

const EK_CRED = { difyExternalKnowledgeEndpointApi: { id: 'difySandboxEKnow1', name: 'Dify sandbox (External Knowledge endpoint)' } };
const EXT_CRED = { difyApiExtensionEndpointApi: { id: 'difySandboxExtn01', name: 'Dify sandbox (API Extension endpoint)' } };

const code = (name: string, jsCode: string) => ({ name, type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode } });
const failing = code('Fail', "throw new Error('the database is down');");

/** Connects a node to the error output (index 1) of `from`, whose Settings say "continue (using error output)". */
function withErrorOutput(wf: Record<string, unknown>, from: string, node: NodeSpec): Record<string, unknown> {
	const nodes = wf.nodes as Array<Record<string, unknown>>;
	const connections = wf.connections as Record<string, { main: unknown[][] }>;
	return {
		...wf,
		nodes: [...nodes, { id: `${String(wf.id)}-e`, name: node.name, type: node.type, typeVersion: node.typeVersion ?? 1, position: [nodes.length * 220, 200], parameters: node.parameters ?? {} }],
		connections: { ...connections, [from]: { main: [[], [{ node: node.name, type: 'main', index: 0 }]] } },
	};
}

const workflows = {
	ekFails: chain('e2eEKnowFails001', 'EK: workflow fails', [failing], {
		name: 'Dify',
		type: `${PACKAGE}.difyExternalKnowledgeTrigger`,
		webhookId: 'd1f7e4a0-5c3b-4e2d-9a1f-0000000e2e01',
		parameters: { knowledgeIds: '', responseMode: 'lastNode' },
		credentials: EK_CRED,
	}),
	extData: chain('e2eExtData000001', 'Extension: external data tool', [code('Weather', "const r = $input.first().json; return [{ json: { result: `Weather in ${r.inputs.city}: sunny` } }];")], {
		name: 'Dify',
		type: `${PACKAGE}.difyExtensionTrigger`,
		webhookId: 'd1f7e4a0-5c3b-4e2d-9a1f-0000000e2e02',
		parameters: { points: ['app.external_data_tool.query'], responseMode: 'lastNode' },
		credentials: EXT_CRED,
	}),
	extFails: chain('e2eExtFails00001', 'Extension: workflow fails', [failing], {
		name: 'Dify',
		type: `${PACKAGE}.difyExtensionTrigger`,
		webhookId: 'd1f7e4a0-5c3b-4e2d-9a1f-0000000e2e03',
		parameters: { points: ['app.moderation.input'], responseMode: 'lastNode' },
		credentials: EXT_CRED,
	}),
	// Respond to Dify: unsorted search results, more than top_k, some under the threshold, metadata null.
	respondRecords: chain(
		'e2eRespondRecs01',
		'Respond to Dify: records',
		[
			code(
				'Search',
				[
					'return [',
					"  { json: { content: 'Oolong: 90 °C, 3 minutes.', score: 0.55, title: 'Oolong', metadata: null } },",
					"  { json: { content: 'Green tea: 80 °C, 2 minutes.', score: 0.92, title: 'Green tea', metadata: { path: 'green.md' } } },",
					"  { json: { content: 'Coffee is not tea.', score: 0.12, title: 'Coffee' } },",
					"  { json: { content: 'Black tea: 95 °C, 4 minutes.', score: 0.81, title: 'Black tea', metadata: { path: 'black.md' } } },",
					"  { json: { content: 'White tea: 75 °C, 5 minutes.', score: 0.3, title: 'White tea', metadata: null } },",
					'];',
				].join('\n'),
			),
			{ name: 'Respond to Dify', type: `${PACKAGE}.difyRespond`, parameters: { mode: 'records' } },
		],
		{ name: 'Dify', type: `${PACKAGE}.difyExternalKnowledgeTrigger`, webhookId: 'd1f7e4a0-5c3b-4e2d-9a1f-0000000e2e07', parameters: { knowledgeIds: '', responseMode: 'responseNode' }, credentials: EK_CRED },
	),
	respondError: withErrorOutput(
		chain('e2eRespondErr001', 'Respond to Dify: error path', [{ ...failing, onError: 'continueErrorOutput' }], {
			name: 'Dify',
			type: `${PACKAGE}.difyExternalKnowledgeTrigger`,
			webhookId: 'd1f7e4a0-5c3b-4e2d-9a1f-0000000e2e08',
			parameters: { knowledgeIds: '', responseMode: 'responseNode' },
			credentials: EK_CRED,
		}),
		'Fail',
		{ name: 'Respond with Error', type: `${PACKAGE}.difyRespond`, typeVersion: 1, parameters: { mode: 'error' } },
	),
	respondModeration: chain(
		'e2eRespondMod001',
		'Respond to Dify: moderation',
		[
			code(
				'Moderate',
				[
					'const r = $input.first().json;',
					"const said = r.point === 'app.moderation.input' ? r.query : r.text;",
					"const action = r.point === 'app.moderation.input' ? 'direct_output' : 'overridden';",
					"return [{ json: { flagged: /password/i.test(said), action, preset_response: 'Please do not share passwords.', text: said.replace(/password/gi, '***') } }];",
				].join('\n'),
			),
			{ name: 'Respond to Dify', type: `${PACKAGE}.difyRespond`, parameters: { mode: 'extensionAnswer' } },
		],
		{
			name: 'Dify',
			type: `${PACKAGE}.difyExtensionTrigger`,
			webhookId: 'd1f7e4a0-5c3b-4e2d-9a1f-0000000e2e09',
			parameters: { points: ['app.moderation.input', 'app.moderation.output'], responseMode: 'responseNode' },
			credentials: EXT_CRED,
		},
	),
	// Unpublished copies of the examples, for the editor's "Listen for test event".
	ekTest: { ...retrieveExample, id: 'e2eEKnowTest0001', name: 'EK: test URL', nodes: retrieveExample.nodes.map((n) => (n.webhookId ? { ...n, webhookId: 'd1f7e4a0-5c3b-4e2d-9a1f-0000000e2e04' } : n)) },
	extTest: { ...moderationExample, id: 'e2eExtTest000001', name: 'Extension: test URL', nodes: moderationExample.nodes.map((n) => (n.webhookId ? { ...n, webhookId: 'd1f7e4a0-5c3b-4e2d-9a1f-0000000e2e05' } : n)) },
};

const prod = (wf: Wf, path: string) => `${instance.url}/webhook/${hookOf(wf)}/${path}`;
const testUrl = (wf: Wf, path: string) => `${instance.url}/webhook-test/${hookOf(wf)}/${path}`;
const endpoint = (url: string) => url.replace(/\/retrieval$/, '');

async function executions(workflowId: string): Promise<Array<{ id: string; status: string; mode: string }>> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const r = await instance.request(`/rest/executions?filter=${filter}`, { headers: { cookie } });
	if (r.status !== 200) throw new Error(`GET /rest/executions: ${r.status} ${r.text.slice(0, 300)}`);
	return ((r.json as { data?: { results?: Array<{ id: string; status: string; mode: string }> } })?.data?.results ?? []);
}

/** Waits until `count` executions of the workflow have finished (n8n saves them after answering). */
async function finished(workflowId: string, count: number) {
	const deadline = Date.now() + 30000;
	for (;;) {
		const list = await executions(workflowId);
		const done = list.filter((e) => !['running', 'new', 'waiting'].includes(e.status));
		if (done.length >= count) return list;
		if (Date.now() > deadline) throw new Error(`workflow ${workflowId}: ${done.length} of ${count} executions finished after 30 s`);
		await new Promise((r) => setTimeout(r, 250));
	}
}

/**
 * Runs `refused` (requests the trigger must answer itself), then one request that does start the
 * workflow: when that one is saved, the execution count shows whether the refused ones added any.
 */
async function expectNoExecutionFrom(workflowId: string, refused: () => Promise<void>, startsOne: () => Promise<unknown>) {
	const before = (await executions(workflowId)).length;
	await refused();
	await startsOne();
	const after = await finished(workflowId, before + 1);
	expect(after).toHaveLength(before + 1);
}

beforeAll(async () => {
	({ instance, cleanup } = await freshInstance('difycalls'));
	// The sandbox's chat app whose knowledge base is the published example, as npm start sets it up.
	server = await startDifyServer({ n8nKnowledge: { endpoint: `${instance.url}/webhook/${hookOf(retrieveExample)}`, apiKey: KEY, knowledgeId: 'tea-guide', topK: 2 } });
	const askApp = chain(
		'e2eAskN8nKnow001',
		'Ask the app whose knowledge is in n8n',
		[difyNode('difyChatbot', 'Ask', { id: 'difySandboxChatN8', name: 'Dify sandbox (Chatbot with knowledge from n8n)' }, { resource: 'message', operation: 'send', query: '={{ $json.body.question }}', user: 'n8n', inputs: '{}', responseMode: 'blocking', options: {} })],
		{ name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, webhookId: 'd1f7e4a0-5c3b-4e2d-9a1f-0000000e2e06', parameters: { httpMethod: 'POST', path: 'dify-e2e-ask-n8n', responseMode: 'lastNode', options: {} } },
	);
	await instance.importCredentials(credentialsFor(server));
	await instance.importWorkflows([retrieveExample, moderationExample, askApp, ...Object.values(workflows)]);
	const published = [workflows.ekFails, workflows.extData, workflows.extFails, workflows.respondRecords, workflows.respondError, workflows.respondModeration];
	for (const id of [retrieveExample.id, moderationExample.id, askApp.id as string, ...published.map((w) => w.id as string)]) await instance.publish(id);
	await instance.start();
	cookie = await instance.login();
	// n8n registers published webhooks after it starts answering: until then they are 404s.
	const hooks = [retrieveExample, workflows.ekFails, workflows.respondRecords, workflows.respondError].map((w) => prod(w, 'retrieval'));
	hooks.push(...[moderationExample, workflows.extData, workflows.extFails, workflows.respondModeration].map((w) => prod(w, 'extension')), `${instance.url}/webhook/dify-e2e-ask-n8n`);
	const deadline = Date.now() + 60000;
	for (const url of hooks) {
		while ((await call(url, '', { method: 'POST', json: {} })).status === 404) {
			if (Date.now() > deadline) throw new Error(`${url} still answers 404 60 s after n8n started`);
			await new Promise((r) => setTimeout(r, 500));
		}
	}
}, 600000);

afterAll(async () => {
	await cleanup?.();
	await server?.close();
});

describe('Dify External Knowledge Trigger (example "Dify retrieves from n8n", production URL)', () => {
	const url = () => prod(retrieveExample, 'retrieval');
	const ask = (query: string, extra: Partial<Parameters<typeof retrieveExternalKnowledge>[2]> = {}) =>
		retrieveExternalKnowledge(endpoint(url()), KEY, { knowledgeId: 'tea-guide', query, topK: 3, ...extra }, dify);

	it('answers Dify with records Dify can read: content, score, title, metadata as an object', async () => {
		const r = await ask('How long should green tea steep?');
		expect(r.ok && r.documents[0]).toEqual({
			page_content: 'Steep green tea at 80 °C for 2 minutes.',
			metadata: { source: 'tea-guide.md', section: 'green', score: expect.any(Number), title: 'Green tea' },
			provider: 'external',
		});
		expect(r.ok && r.documents.map((d) => d.metadata.score)).toEqual([...(r.ok ? r.documents.map((d) => d.metadata.score as number) : [])].sort((a, b) => b - a));
	});

	it('keeps top_k records, and drops records under Dify\'s score threshold when it is enabled', async () => {
		const all = await ask('steep tea minutes');
		expect(all.ok && all.documents).toHaveLength(3);
		const one = await ask('steep tea minutes', { topK: 1 });
		expect(one.ok && one.documents).toHaveLength(1);
		const strict = await ask('green tea 80', { scoreThresholdEnabled: true, scoreThreshold: 0.9 });
		expect(strict.ok && strict.documents.map((d) => d.metadata.title)).toEqual(['Green tea']);
	});

	it('a Dify app of the sandbox retrieves from it: the app\'s answer shows the record (n8n → Dify app → n8n)', async () => {
		const r = await call(`${instance.url}/webhook/dify-e2e-ask-n8n`, '', { method: 'POST', json: { question: 'How long should green tea steep?' } });
		expect(r.status).toBe(200);
		expect((r.json as { answer: string }).answer).toBe(
			'Echo: How long should green tea steep?\nFrom the knowledge base: Green tea: Steep green tea at 80 °C for 2 minutes. | Black tea: Steep black tea at 95 °C for 4 minutes.',
		);
	});

	it('answers no match with an empty list', async () => {
		expect(await ask('espresso')).toMatchObject({ ok: true, documents: [] });
	});

	it('refuses a missing or wrong key with Dify\'s 1001/1002 bodies, and Dify will not save the API; no execution', async () => {
		await expectNoExecutionFrom(
			retrieveExample.id,
			async () => {
				const none = await call(url(), '', { method: 'POST', json: { knowledge_id: 'tea-guide', query: 'tea', retrieval_setting: { top_k: 1, score_threshold: 0 } } });
				expect([none.status, none.json]).toEqual([403, { error_code: 1001, error_msg: "Invalid Authorization header format. Expected 'Bearer <api-key>' format." }]);
				const wrong = await call(url(), '', { method: 'POST', key: 'wrong-key', json: { knowledge_id: 'tea-guide', query: 'tea', retrieval_setting: { top_k: 1, score_threshold: 0 } } });
				expect([wrong.status, wrong.json]).toEqual([403, { error_code: 1002, error_msg: 'Authorization failed' }]);
				expect(await checkExternalKnowledgeEndpoint(endpoint(url()), 'wrong-key')).toEqual({ ok: false, error: 'Forbidden: Authorization failed with api_key: wrong-key' });
			},
			() => ask('green tea'),
		);
	});

	it('answers malformed bodies and other knowledge IDs itself; Dify\'s save check passes; no execution', async () => {
		await expectNoExecutionFrom(
			retrieveExample.id,
			async () => {
				const empty = await call(url(), '', { method: 'POST', key: KEY, json: {} });
				expect([empty.status, (empty.json as { error_code: number }).error_code]).toEqual([400, 400]);
				const noSetting = await call(url(), '', { method: 'POST', key: KEY, json: { knowledge_id: 'tea-guide', query: 'tea' } });
				expect(noSetting.json).toEqual({ error_code: 400, error_msg: 'retrieval_setting must be an object with top_k and score_threshold' });
				const other = await call(url(), '', { method: 'POST', key: KEY, json: { knowledge_id: 'coffee', query: 'tea', retrieval_setting: { top_k: 1, score_threshold: 0 } } });
				expect([other.status, other.json]).toEqual([404, { error_code: 2001, error_msg: 'The knowledge does not exist' }]);
				expect(await checkExternalKnowledgeEndpoint(endpoint(url()), KEY)).toEqual({ ok: true, status: 400 });
			},
			() => ask('black tea'),
		);
	});

	it('a failing workflow: n8n answers 500, Dify sends it three more times and reports the error', async () => {
		const r = await retrieveExternalKnowledge(endpoint(prod(workflows.ekFails, 'retrieval')), KEY, { knowledgeId: 'any', query: 'q', topK: 1 }, dify);
		expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^Reached maximum retries \(3\) for URL /) });
		expect(r.attempts.map((a) => [a.status, a.text && JSON.parse(a.text)])).toEqual(Array(4).fill([500, { message: 'Error in workflow' }]));
		const list = await finished(workflows.ekFails.id as string, 4);
		expect(list.map((e) => e.status)).toEqual(Array(4).fill('error'));
	});
});

describe('Dify Extension Trigger (example "Moderation by n8n" and an external data tool, production URL)', () => {
	const url = () => prod(moderationExample, 'extension');

	it('answers ping itself: Dify saves the extension, no execution', async () => {
		await expectNoExecutionFrom(
			moderationExample.id,
			async () => {
				expect(await pingExtension(url(), KEY, dify)).toEqual({ ok: true });
			},
			() => moderateInput(url(), KEY, { appId: 'app-1', inputs: {}, query: 'hello' }, dify),
		);
	});

	it('input moderation: a blocked word gets the preset answer; other questions pass unchanged', async () => {
		expect(await moderateInput(url(), KEY, { appId: 'app-1', inputs: { topic: 'accounts' }, query: 'What is my password?' }, dify)).toMatchObject({
			ok: true,
			flagged: true,
			action: 'direct_output',
			answer: 'Please do not share passwords or card numbers here.',
		});
		expect(await moderateInput(url(), KEY, { appId: 'app-1', inputs: {}, query: 'Which tea?' }, dify)).toMatchObject({ ok: true, flagged: false, query: 'Which tea?' });
	});

	it('output moderation: the answer is shown with the blocked word masked (overridden)', async () => {
		expect(await moderateOutput(url(), KEY, { appId: 'app-1', text: 'Your Password is on the note.' }, dify)).toMatchObject({ ok: true, flagged: true, action: 'overridden', text: 'Your *** is on the note.' });
	});

	it('external data tool: the workflow\'s text goes into the prompt; points it does not handle are answered by the node', async () => {
		const ext = prod(workflows.extData, 'extension');
		expect(await queryExternalDataTool(ext, KEY, { appId: 'app-1', variable: 'weather', inputs: { city: 'Porto' }, query: 'Weather?' }, dify)).toMatchObject({ ok: true, text: 'Weather in Porto: sunny' });
		await expectNoExecutionFrom(
			workflows.extData.id as string,
			async () => {
				expect(await moderateOutput(ext, KEY, { appId: 'app-1', text: 'password' }, dify)).toMatchObject({ ok: true, flagged: false, text: 'password' });
				expect(await queryExternalDataTool(url(), KEY, { appId: 'app-1', variable: 'v', inputs: {}, query: 'q' }, dify)).toMatchObject({ ok: true, text: '' });
			},
			() => queryExternalDataTool(ext, KEY, { appId: 'app-1', variable: 'weather', inputs: { city: 'Faro' }, query: 'q' }, dify),
		);
	});

	it('refuses a wrong key (401) and malformed bodies (400) before the workflow runs', async () => {
		await expectNoExecutionFrom(
			moderationExample.id,
			async () => {
				expect(await pingExtension(url(), 'wrong-key', dify)).toEqual({ ok: false, error: expect.stringContaining('request error, status_code: 401') });
				const none = await call(url(), '', { method: 'POST', json: { point: 'ping', params: {} } });
				expect([none.status, none.json]).toEqual([401, { code: 'unauthorized', message: 'Expected the header Authorization: Bearer <api-key>', status: 401 }]);
				const bad = await call(url(), '', { method: 'POST', key: KEY, json: { point: 'app.moderation.output', params: { text: 42 } } });
				expect([bad.status, bad.json]).toEqual([400, { code: 'invalid_param', message: 'params.text must be a string', status: 400 }]);
			},
			() => moderateOutput(url(), KEY, { appId: 'app-1', text: 'fine' }, dify),
		);
	});

	it('a failing workflow: n8n answers 500, Dify retries and the message fails', async () => {
		const r = await moderateInput(prod(workflows.extFails, 'extension'), KEY, { appId: 'a', inputs: {}, query: 'q' }, dify);
		expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^Reached maximum retries \(3\) for URL /) });
		expect((await finished(workflows.extFails.id as string, 4)).map((e) => e.status)).toEqual(Array(4).fill('error'));
	});
});

describe('Respond to Dify (triggers set to "Using \'Respond to Dify\' Node", production URL)', () => {
	const ask = (wf: Wf, s: Partial<Parameters<typeof retrieveExternalKnowledge>[2]> = {}) =>
		retrieveExternalKnowledge(endpoint(prod(wf, 'retrieval')), KEY, { knowledgeId: 'tea', query: 'steep tea', topK: 3, ...s }, dify);

	it('Retrieval Records: unsorted results become top_k records, best first, none under Dify\'s threshold, metadata objects', async () => {
		const r = await ask(workflows.respondRecords, { topK: 3, scoreThresholdEnabled: true, scoreThreshold: 0.5 });
		expect(r.ok && r.records).toEqual([
			{ content: 'Green tea: 80 °C, 2 minutes.', score: 0.92, title: 'Green tea', metadata: { path: 'green.md' } },
			{ content: 'Black tea: 95 °C, 4 minutes.', score: 0.81, title: 'Black tea', metadata: { path: 'black.md' } },
			{ content: 'Oolong: 90 °C, 3 minutes.', score: 0.55, title: 'Oolong', metadata: {} },
		]);
		expect(r.ok && r.documents[2]).toEqual({ page_content: 'Oolong: 90 °C, 3 minutes.', metadata: { score: 0.55, title: 'Oolong' }, provider: 'external' });
	});

	it('Retrieval Records with Dify\'s threshold off keeps every score, still sorted; top_k 1 keeps the best', async () => {
		const all = await ask(workflows.respondRecords, { topK: 10 });
		expect(all.ok && all.records.map((x) => (x as { title: string }).title)).toEqual(['Green tea', 'Black tea', 'Oolong', 'White tea', 'Coffee']);
		expect(all.ok && all.documents.every((d) => typeof d.metadata === 'object' && d.metadata !== null)).toBe(true);
		const one = await ask(workflows.respondRecords, { topK: 1 });
		expect(one.ok && one.records.map((x) => (x as { title: string }).title)).toEqual(['Green tea']);
	});

	it('Error on a failed node\'s error output: Dify gets {error_code, error_msg} with 500, retries three times and reports the failure', async () => {
		const r = await ask(workflows.respondError);
		expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^Reached maximum retries \(3\) for URL /) });
		// n8n's Code node adds the line of the error to its message.
		expect(r.attempts.map((a) => [a.status, a.text && JSON.parse(a.text)])).toEqual(Array(4).fill([500, { error_code: 500, error_msg: 'the database is down [line 1]' }]));
		expect(await finished(workflows.respondError.id as string, 4)).toHaveLength(4);
	});

	it('Extension Answer: the item becomes the moderation verdict Dify applies, for input and output', async () => {
		const url = prod(workflows.respondModeration, 'extension');
		expect(await moderateInput(url, KEY, { appId: 'app-1', inputs: {}, query: 'My password is hunter2' }, dify)).toMatchObject({
			ok: true,
			flagged: true,
			action: 'direct_output',
			answer: 'Please do not share passwords.',
		});
		expect(await moderateInput(url, KEY, { appId: 'app-1', inputs: { topic: 'tea' }, query: 'Which tea?' }, dify)).toMatchObject({ ok: true, flagged: false, query: 'Which tea?', inputs: { topic: 'tea' } });
		expect(await moderateOutput(url, KEY, { appId: 'app-1', text: 'Your Password is on the note.' }, dify)).toMatchObject({ ok: true, flagged: true, action: 'overridden', text: 'Your *** is on the note.' });
	});
});

describe('test URLs ("Listen for test event" through n8n\'s REST API)', () => {
	async function listen(workflowId: string, trigger: string) {
		const r = await instance.request(`/rest/workflows/${workflowId}/run`, { method: 'POST', headers: { cookie }, body: { triggerToStartFrom: { name: trigger } } });
		expect([r.status, r.json]).toEqual([200, { data: { waitingForWebhook: true } }]);
	}

	it('External Knowledge: the test URL answers one retrieval, recorded as a manual execution', async () => {
		await listen(workflows.ekTest.id, 'When Dify retrieves');
		const r = await retrieveExternalKnowledge(endpoint(testUrl(workflows.ekTest, 'retrieval')), KEY, { knowledgeId: 'tea-guide', query: 'herbal tea', topK: 1 }, dify);
		expect(r.ok && r.documents.map((d) => d.metadata.title)).toEqual(['Herbal tea']);
		const list = await finished(workflows.ekTest.id, 1);
		expect(list.map((e) => e.mode)).toEqual(['manual']);
	});

	it('Extension: a refused key on the test URL starts nothing; the next request is the test event', async () => {
		await listen(workflows.extTest.id, 'When Dify moderates');
		expect(await pingExtension(testUrl(workflows.extTest, 'extension'), 'wrong-key', dify)).toEqual({ ok: false, error: expect.stringContaining('status_code: 401') });
		expect(await moderateOutput(testUrl(workflows.extTest, 'extension'), KEY, { appId: 'a', text: 'my credit card number' }, dify)).toMatchObject({ ok: true, text: 'my *** number' });
		const list = await finished(workflows.extTest.id, 1);
		expect(list.map((e) => e.mode)).toEqual(['manual']);
	});
});
