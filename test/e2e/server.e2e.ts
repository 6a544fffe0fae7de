/**
 * The packed package in a running n8n (`n8n start`): the editor's REST API sees its credential types
 * and can search Dify through a stored credential, published workflows answer on their webhook and
 * chat URLs, and answers stream from the Dify node to the HTTP client.
 */
import { startDifyServer, type DifyServer } from '../dify-server';
import type { N8nInstance } from '../../scripts/lib/n8n-instance';
import { call } from '../dify-server/testClient';
import { LINE, PACKAGE, chain, credentialRef, credentialsFor, difyNode, examples, freshInstance } from './support';

let server: DifyServer;
let instance: N8nInstance;
let cleanup: () => Promise<void>;
let cookie = '';

/** The examples these suites run; a missing one fails the suite instead of skipping it. */
function requireExample(found: ReturnType<typeof examples>[number] | undefined, what: string) {
	if (!found) throw new Error(`examples/: no ${what} found; the e2e suite runs it`);
	return found;
}
const chatExample = requireExample(examples().find((e) => e.chatPath), 'example with a Chat Trigger');
const alertExample = requireExample(examples().find((e) => e.file === 'alert-on-failed-dify-runs.json'), 'alert-on-failed-dify-runs.json');

/** Webhook and chat answers in "streaming" mode: one JSON object per line. */
function chunks(text: string): Array<{ type: string; content?: string; metadata?: { nodeName?: string } }> {
	return text
		.split('\n')
		.filter((l) => l.trim())
		.map((l) => JSON.parse(l));
}

function streamedText(text: string): string {
	return chunks(text)
		.filter((c) => c.type === 'item')
		.map((c) => c.content ?? '')
		.join('');
}

/**
 * Waits until `count` executions of a workflow have finished. A streamed answer can reach the client
 * before the rest of the workflow (here: saving the conversation id) has run and been saved.
 */
async function finishedCount(workflowId: string): Promise<number> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const r = await instance.request(`/rest/executions?filter=${filter}`, { headers: { cookie } });
	if (r.status !== 200) throw new Error(`GET /rest/executions: ${r.status} ${r.text.slice(0, 300)}`);
	const results = (r.json as { data?: { results?: Array<{ status: string }> } })?.data?.results ?? [];
	return results.filter((e) => !['running', 'new', 'waiting'].includes(e.status)).length;
}

async function finishedExecutions(workflowId: string, count: number): Promise<void> {
	const deadline = Date.now() + 30000;
	let seen = 0;
	while ((seen = await finishedCount(workflowId)) < count) {
		if (Date.now() > deadline) throw new Error(`workflow ${workflowId}: ${seen} of ${count} executions finished after 30 s`);
		await new Promise((res) => setTimeout(res, 250));
	}
}

function chatRequests() {
	return server.requests.filter((r) => r.path === '/chat-messages');
}

beforeAll(async () => {
	server = await startDifyServer();
	({ instance, cleanup } = await freshInstance('server'));
	const chat = credentialRef(server, 'chat');
	const send = { resource: 'message', operation: 'send', user: '={{ $json.body.user || "n8n" }}', inputs: '{}', options: {} };
	const hooks = [
		chain(
			'e2eHookBlock0001',
			'webhook, blocking answer',
			[difyNode('difyChatbot', 'Dify', chat, { ...send, query: '={{ $json.body.question }}', responseMode: 'blocking' })],
			{
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				webhookId: '0e2e0b10-0c4d-4e5f-8a9b-000000000001',
				parameters: { httpMethod: 'POST', path: 'dify-e2e-ask', responseMode: 'lastNode', options: {} },
			},
		),
		chain(
			'e2eHookStream001',
			'webhook, streamed answer',
			[difyNode('difyChatbot', 'Dify', chat, { ...send, query: '={{ $json.body.question }}', responseMode: 'streaming' })],
			{
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2.1,
				webhookId: '0e2e0b10-0c4d-4e5f-8a9b-000000000002',
				parameters: { httpMethod: 'POST', path: 'dify-e2e-stream', responseMode: 'streaming', options: {} },
			},
		),
	];
	await instance.importCredentials([
		...credentialsFor(server),
		// Keys in the wrong credential type, for the credential test.
		{ id: 'e2eKnowKeyAsApp1', name: 'Knowledge key in a Dify API credential', type: 'difyApi', data: { baseUrl: server.apiBase, apiKey: server.keys.knowledge } },
		{ id: 'e2eAppKeyAsKnow1', name: 'App key in a Dify Knowledge API credential', type: 'difyKnowledgeApi', data: { baseUrl: server.apiBase, apiKey: server.keys.chat } },
	]);
	await instance.importWorkflows([...hooks, ...examples().map((e) => e.workflow)]);
	const toPublish = ['e2eHookBlock0001', 'e2eHookStream001', ...(chatExample ? [chatExample.workflow.id] : []), ...(alertExample ? [alertExample.workflow.id] : [])];
	for (const id of toPublish) await instance.publish(id);
	await instance.start();
	cookie = await instance.login();
	// n8n activates published workflows after it starts answering; the trigger's first poll (which
	// only notes where Dify is) must be over before a test creates the run it should report.
	if (alertExample) {
		const deadline = Date.now() + 60_000;
		while (!server.requests.some((r) => r.path === '/workflows/logs')) {
			if (Date.now() > deadline) throw new Error('the Dify Trigger example did not poll within 60 s of n8n starting');
			await new Promise((res) => setTimeout(res, 500));
		}
	}
}, 300000);

afterAll(async () => {
	await cleanup?.();
	await server?.close();
});

beforeEach(() => server.reset());

test('the editor API lists the Dify credential types', async () => {
	const r = await instance.request('/types/credentials.json', { headers: { cookie } });
	expect(r.status).toBe(200);
	const names = (r.json as Array<{ name: string }>).map((c) => c.name);
	expect(names).toEqual(expect.arrayContaining(['difyApi', 'difyKnowledgeApi']));
});

test('the credential test in n8n explains a rejected key and where to find the right one (n8n applies our rules)', async () => {
	// What the credential modal's Test button sends for a saved credential (n8n 1.x and 2.x alike).
	const testCredential = async (id: string, name: string, type: string, apiKey: string) => {
		const r = await instance.request('/rest/credentials/test', {
			method: 'POST',
			headers: { cookie },
			body: { credentials: { id, name, type, data: { baseUrl: server.apiBase, apiKey } } },
		});
		expect(r.status).toBe(200);
		return (r.json as { data: { status: string; message: string } }).data;
	};
	const knowledgeKeyAsAppKey = await testCredential('e2eKnowKeyAsApp1', 'Knowledge key in a Dify API credential', 'difyApi', server.keys.knowledge);
	expect(knowledgeKeyAsAppKey.status).toBe('Error');
	if (LINE === '1') {
		// n8n 1.123's request routing drops the HTTP response from the error, so its credential tester
		// never reaches the rules and says this instead (README, Testing).
		expect(knowledgeKeyAsAppKey.message).toBe('Authorization failed - please check your credentials');
		return;
	}
	expect(knowledgeKeyAsAppKey.message).toMatch(/^Dify rejected this API key \(HTTP 401\)\. .*"API Access" > "API Key".*"Dify Knowledge API" credential/);
	const appKeyAsKnowledgeKey = await testCredential('e2eAppKeyAsKnow1', 'App key in a Dify Knowledge API credential', 'difyKnowledgeApi', server.keys.chat);
	expect(appKeyAsKnowledgeKey.message).toMatch(/^Dify rejected this Knowledge API key \(HTTP 401\)\. .*"Service API" > "API Key".*"Dify API" credential/);
	const workflowKey = credentialRef(server, 'workflow');
	expect(await testCredential(workflowKey.id, workflowKey.name, 'difyApi', server.keys.workflow)).toMatchObject({ status: 'OK' });
});

test('a published webhook workflow answers with the Dify node output', async () => {
	const r = await instance.request('/webhook/dify-e2e-ask', { method: 'POST', body: { question: 'Hi over HTTP', user: 'e2e-hook' } });
	expect(r.status).toBe(200);
	expect(r.json).toMatchObject({ answer: 'Echo: Hi over HTTP', conversation_id: expect.any(String) });
	expect(chatRequests()[0].json).toMatchObject({ user: 'e2e-hook', response_mode: 'blocking' });
});

test('the Conversation picker searches Dify through the stored credential', async () => {
	const ask = await instance.request('/webhook/dify-e2e-ask', { method: 'POST', body: { question: 'Pick me', user: 'e2e-picker' } });
	const conversationId = (ask.json as { conversation_id: string }).conversation_id;
	const r = await instance.request('/rest/dynamic-node-parameters/resource-locator-results', {
		method: 'POST',
		headers: { cookie },
		body: {
			path: 'parameters.conversationId',
			nodeTypeAndVersion: { name: `${PACKAGE}.difyChatbot`, version: 1 },
			currentNodeParameters: { resource: 'message', operation: 'send', user: 'e2e-picker', query: '' },
			methodName: 'searchConversations',
			credentials: { difyApi: credentialRef(server, 'chat') },
		},
	});
	expect(r.status).toBe(200);
	const results = (r.json as { data: { results: Array<{ value: string }> } }).data.results;
	expect(results.map((x) => x.value)).toContain(conversationId);
});

test('a webhook in streaming mode receives the answer as Dify streams it', async () => {
	const r = await instance.request('/webhook/dify-e2e-stream', { method: 'POST', body: { question: 'Stream me' } });
	expect(r.status).toBe(200);
	const types = chunks(r.text).map((c) => c.type);
	expect(types[0]).toBe('begin');
	expect(types).toContain('end');
	expect(streamedText(r.text)).toBe('Echo: Stream me');
	expect(chatRequests()[0].json).toMatchObject({ response_mode: 'streaming' });
});

describe(`examples/${chatExample.file}`, () => {
	const ask = (chatInput: string, sessionId = 'e2e-session-1') =>
		instance.request(`/webhook/${chatExample.chatPath}`, {
			method: 'POST',
			body: { action: 'sendMessage', sessionId, chatInput },
		});

	test('the public chat streams the answer of the Dify sandbox', async () => {
		const first = await ask('Hello chat');
		expect(first.status).toBe(200);
		expect(streamedText(first.text)).toBe('Echo: Hello chat');
		const [req] = chatRequests().map((r) => r.json as { user: string; query: string; conversation_id?: string });
		expect(req).toMatchObject({ user: 'e2e-session-1', query: 'Hello chat', response_mode: 'streaming' });
		expect(req.conversation_id ?? '').toBe('');
	});

	test('the next message of the same chat session continues the Dify conversation', async () => {
		const before = await finishedCount(chatExample.workflow.id);
		const first = await ask('Remember me', 'e2e-session-2');
		expect(streamedText(first.text)).toBe('Echo: Remember me');
		// The streamed answer can arrive before the run has saved the session's conversation id.
		await finishedExecutions(chatExample.workflow.id, before + 1);
		const second = await ask('And again', 'e2e-session-2');
		expect(streamedText(second.text)).toBe('Echo: And again');
		const [one, two] = chatRequests().map((r) => r.json as { conversation_id?: string });
		expect(one.conversation_id ?? '').toBe('');
		expect(two.conversation_id).toEqual(expect.any(String));
		expect(two.conversation_id).not.toBe('');
	});
});

describe(`examples/${alertExample.file} (Dify Trigger)`, () => {
	const logPolls = () => server.requests.filter((r) => r.path === '/workflows/logs').length;

	async function waitFor<T>(what: string, check: () => Promise<T | undefined>, ms: number): Promise<T> {
		const deadline = Date.now() + ms;
		for (;;) {
			const value = await check();
			if (value !== undefined) return value;
			if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${ms / 1000} s`);
			await new Promise((res) => setTimeout(res, 1000));
		}
	}

	async function executions(): Promise<Array<{ id: string; status: string }>> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId: alertExample.workflow.id }));
		const r = await instance.request(`/rest/executions?filter=${filter}`, { headers: { cookie } });
		if (r.status !== 200) throw new Error(`GET /rest/executions: ${r.status} ${r.text.slice(0, 300)}`);
		return (r.json as { data: { results: Array<{ id: string; status: string }> } }).data.results;
	}

	test('the published trigger fires once for a run that failed after activation', async () => {
		// n8n polls every minute; a run that failed before activation must never start the workflow.
		expect(await executions()).toEqual([]);
		const res = await call(server.apiBase, '/workflows/run', {
			key: server.keys.workflow,
			json: { inputs: { text: 'e2e alert', fail: true }, user: 'e2e-trigger', response_mode: 'blocking' },
		});
		const runId = (res.json as { workflow_run_id: string }).workflow_run_id;
		const fired = await waitFor('the trigger execution', async () => ((await executions()).find((e) => e.status === 'success') ? true : undefined), 150_000).catch(async (error: Error) => {
			const polls = server.requests.filter((r) => r.path === '/workflows/logs' || r.path === '/info').map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)}`);
			const log = instance.serverLog.split('\n').filter((l) => /poll|trigger|dify|error/i.test(l)).slice(-30).join('\n');
			throw new Error(`${error.message}\nexecutions: ${JSON.stringify(await executions())}\nsandbox saw: ${polls.join('\n')}\nn8n log:\n${log}`);
		});
		expect(fired).toBe(true);
		const [execution] = await executions();
		const detail = await instance.request(`/rest/executions/${execution.id}`, { headers: { cookie } });
		expect(detail.text).toContain(`Dify run ${runId} failed`);
		// One more poll after that one must not start the workflow again.
		const pollsSoFar = logPolls();
		await waitFor('the next poll', async () => (logPolls() > pollsSoFar ? true : undefined), 90_000);
		expect((await executions()).length).toBe(1);
	}, 300_000);
});
