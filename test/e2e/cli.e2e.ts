/**
 * The packed package in a real n8n, headless: n8n loads it from its community-package folder,
 * credentials are imported (and encrypted) by n8n, workflows run with `n8n execute --id` against the
 * Dify sandbox, and the assertions read the execution JSON n8n prints.
 */
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';

import { startDifyServer, type DifyServer } from '../dify-server';
import { SAMPLES } from '../dify-server/samples';
import type { N8nInstance } from '../../scripts/lib/n8n-instance';
import { NEEDS_INTERNET } from '../../scripts/lib/banner';
import { countPackages, expectedPackages } from '../../scripts/n8n-runtime';
import {
	LINE,
	PACKAGE,
	chain,
	credentialRef,
	credentialsFor,
	difyNode,
	errorOf,
	examples,
	freshInstance,
	outputOf,
	packageNodes,
	REPO,
	runtime,
	type Item,
} from './support';

let server: DifyServer;
let instance: N8nInstance;
let cleanup: () => Promise<void>;

const BAD_KEY = 'app-e2eWrongKey0000000000000';

/** Workflows this suite imports, by id; each test executes one. */
const workflows: Record<string, Record<string, unknown>> = {};

function add(id: string, name: string, ...rest: Parameters<typeof chain> extends [string, string, ...infer R] ? R : never) {
	workflows[id] = chain(id, name, ...rest);
}

function chatbot(server: DifyServer, name: string, key: string, parameters: Record<string, unknown>) {
	return difyNode('difyChatbot', name, credentialRef(server, key), parameters);
}

async function run(id: string): Promise<{ code: number | null; signal: string | null; result: any; output: string; stderr: string }> {
	const r = await instance.execute(id);
	return { code: r.code, signal: r.signal, result: r.result, output: `${r.stdout}\n${r.stderr}`, stderr: r.stderr };
}

async function runOk(id: string, node: string): Promise<Item[]> {
	const r = await run(id);
	if (r.code !== 0 || r.result?.status !== 'success') {
		const why = errorOf(r.result) ?? (r.result ? `status ${r.result.status}` : r.output.slice(-3000));
		throw new Error(`workflow ${id} failed (${r.signal ?? `exit ${r.code}`}): ${JSON.stringify(why)}\nstderr: ${r.stderr.slice(-2000)}`);
	}
	return outputOf(r.result, node);
}

function requestsTo(path: string) {
	return server.requests.filter((r) => r.path === path);
}

beforeAll(async () => {
	server = await startDifyServer();

	({ instance, cleanup } = await freshInstance('cli'));

	const send = { resource: 'message', operation: 'send', user: 'e2e-user', inputs: '{}', options: {} };
	add('e2eChatStream001', 'chat streaming', [
		chatbot(server, 'Dify', 'chat', { ...send, query: 'Hello from n8n', responseMode: 'streaming' }),
	]);
	add('e2eChatBlock0001', 'chat blocking', [
		chatbot(server, 'Dify', 'chat', { ...send, query: 'Hello blocking', responseMode: 'blocking' }),
	]);
	add('e2eAgentStream01', 'agent streaming', [
		chatbot(server, 'Dify', 'agentChat', { ...send, query: 'Hello agent', responseMode: 'streaming' }),
	]);
	add('e2eAppInfo000001', 'app info', [chatbot(server, 'Dify', 'chat', { resource: 'app', operation: 'getInfo' })]);
	add('e2eAppParams0001', 'app parameters', [chatbot(server, 'Dify', 'chat', { resource: 'app', operation: 'getParameters' })]);
	workflows.e2eWrongKey00001 = chain('e2eWrongKey00001', 'wrong key', [
		difyNode('difyChatbot', 'Dify', { id: 'e2eBadKeyCred001', name: 'Dify wrong key' }, { ...send, query: 'Hi', responseMode: 'blocking' }),
	]);
	add('e2eContinue00001', 'continue on fail', [
		{
			name: 'Two items',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			parameters: {
				jsCode: "return [{ json: { q: 'first', inputs: '{}' } }, { json: { q: 'second', inputs: 'this is not JSON' } }];",
			},
		},
		{
			...chatbot(server, 'Dify', 'chat', { ...send, query: '={{ $json.q }}', inputs: '={{ $json.inputs }}', responseMode: 'blocking' }),
			onError: 'continueRegularOutput',
		},
	]);
	add('e2eChatflow00001', 'chatflow', [
		difyNode('difyChatflow', 'Dify', credentialRef(server, 'advancedChat'), { ...send, query: 'Hello chatflow', responseMode: 'streaming' }),
	]);
	add('e2eCompletion001', 'completion', [
		difyNode('difyCompletion', 'Dify', credentialRef(server, 'completion'), {
			resource: 'message',
			operation: 'send',
			user: 'e2e-user',
			inputs: '{"query": "Write a haiku"}',
			responseMode: 'blocking',
			options: {},
		}),
	]);
	add('e2eWorkflowRun01', 'workflow run', [
		difyNode('difyWorkflow', 'Dify', credentialRef(server, 'workflow'), {
			resource: 'workflow',
			operation: 'run',
			inputs: '{"text": "hello workflow"}',
			user: 'e2e-user',
			responseMode: 'streaming',
			options: {},
		}),
	]);

	// Conversations: two turns keep the conversation; a chatflow pause returns its form token.
	add('e2eTwoTurns00001', 'chatbot two turns', [
		chatbot(server, 'Turn 1', 'chat', { ...send, query: 'first turn', responseMode: 'streaming' }),
		chatbot(server, 'Turn 2', 'chat', {
			...send,
			query: 'second turn',
			responseMode: 'streaming',
			conversationId: { __rl: true, mode: 'id', value: '={{ $json.conversation_id }}' },
		}),
	]);
	add('e2eChatflowPause', 'chatflow pause', [
		difyNode('difyChatflow', 'Dify', credentialRef(server, 'advancedChat'), { ...send, query: 'needs approval [pause]', responseMode: 'streaming' }),
	]);
	// Workflows: several items, a failed run, a paused run answered through Human Input.
	const runNode = (name: string, inputs: string, extra: Record<string, unknown> = {}) =>
		difyNode('difyWorkflow', name, credentialRef(server, 'workflow'), {
			resource: 'workflow',
			operation: 'run',
			inputs,
			user: 'e2e-user',
			responseMode: 'streaming',
			options: {},
			...extra,
		});
	add('e2eWorkflowRows1', 'workflow rows', [
		{
			name: 'Rows',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			parameters: { jsCode: "return ['alpha', 'beta', 'gamma'].map((text) => ({ json: { text } }));" },
		},
		runNode('Dify', '={{ JSON.stringify({ text: $json.text }) }}'),
	]);
	add('e2eWorkflowFail1', 'workflow fails', [runNode('Dify', '{"text": "break", "fail": true}')]);
	add('e2eWorkflowHitl1', 'workflow human input', [
		runNode('Run', '{"text": "needs review", "pause": true}'),
		difyNode('difyWorkflow', 'Answer', credentialRef(server, 'workflow'), {
			resource: 'humanInput',
			operation: 'submit',
			formToken: '={{ $json.pause.forms[0].form_token }}',
			action: 'approve',
			inputs: '{"feedback": "looks good"}',
			user: 'e2e-user',
			waitForRun: true,
			workflowRunId: '={{ $json.workflow_run_id }}',
			options: {},
		}),
	]);

	// "Custom API Call" the n8n way: the HTTP Request node with the Dify API credential as a
	// predefined credential type (n8n applies the credential's Bearer authentication).
	add('e2eCustomApiCall', 'custom API call', [
		{
			name: 'Custom call',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			parameters: { method: 'GET', url: `${server.apiBase}/info`, authentication: 'predefinedCredentialType', nodeCredentialType: 'difyApi', options: {} },
			credentials: { difyApi: credentialRef(server, 'chat') },
		},
	]);

	const credentials = [
		...credentialsFor(server),
		{ id: 'e2eBadKeyCred001', name: 'Dify wrong key', type: 'difyApi', data: { baseUrl: server.url, apiKey: BAD_KEY } },
	];
	await instance.importCredentials(credentials);
	// As `npm start` does: the file example downloads the sample document of this sandbox (no internet).
	const exampleWorkflows = examples(server.url).map((e) => e.workflow);
	await instance.importWorkflows([...Object.values(workflows), ...exampleWorkflows]);
}, 300000);

afterAll(async () => {
	await cleanup?.();
	await server?.close();
});

beforeEach(() => server.reset());

test(`the n8n ${LINE}.x runtime holds exactly the top-level packages its installer announced`, () => {
	const rt = runtime();
	const expected = expectedPackages(join(REPO, 'scripts', 'runtime', `n8n-${LINE}`, 'package-lock.json'));
	if (!expected) throw new Error(`scripts/runtime/n8n-${LINE}/package-lock.json could not be read`);
	expect(countPackages(join(rt.dir, 'node_modules'))).toBe(expected.topLevel);
	expect(existsSync(join(rt.dir, 'runtime.json'))).toBe(true);
});

test(`what the npm start banner says is true in n8n ${LINE}.x: the public chat page loads from ${NEEDS_INTERNET.host}, the editor page from nowhere outside`, () => {
	const nm = join(runtime().dir, 'node_modules');
	const template = readFileSync(join(nm, '@n8n/n8n-nodes-langchain/dist/nodes/trigger/ChatTrigger/templates.js'), 'utf8');
	expect(template).toContain(`https://${NEEDS_INTERNET.host}/npm/@n8n/chat/dist/chat.bundle.es.js`);
	const editor = readFileSync(join(nm, 'n8n-editor-ui/dist/index.html'), 'utf8');
	expect(editor.match(/(?:src|href)="https?:\/\/[^"]+"/g) ?? []).toEqual([]);
});

test(`n8n ${LINE}.x loads every node of the package from its community-package folder`, async () => {
	const types = await instance.exportNodes();
	const ours = types.filter((t) => t.name.startsWith(`${PACKAGE}.`));
	const names = ours.map((t) => t.name);
	for (const node of packageNodes()) expect(names).toContain(`${PACKAGE}.${node}`);
	expect(names).toContain(`${PACKAGE}.difyChatbot`);
	// usableAsTool: n8n derives the AI Agent tool variant of each node.
	expect(names).toContain(`${PACKAGE}.difyChatbotTool`);
	const chatbotType = ours.find((t) => t.name === `${PACKAGE}.difyChatbot`);
	expect(chatbotType?.credentials?.map((c) => c.name)).toEqual(['difyApi']);
});

describe('Dify Chatbot', () => {
	test('message.send, streaming: the complete answer and the conversation', async () => {
		const [item] = await runOk('e2eChatStream001', 'Dify');
		expect(item.json.answer).toBe('Echo: Hello from n8n');
		expect(item.json.conversation_id).toEqual(expect.any(String));
		expect(item.json.message_id).toEqual(expect.any(String));
		const [req] = requestsTo('/chat-messages');
		expect(req.json).toMatchObject({ query: 'Hello from n8n', user: 'e2e-user', response_mode: 'streaming' });
		expect(req.headers.authorization).toBe(`Bearer ${server.keys.chat}`);
	});

	test('message.send, blocking', async () => {
		const [item] = await runOk('e2eChatBlock0001', 'Dify');
		expect(item.json.answer).toBe('Echo: Hello blocking');
		expect(requestsTo('/chat-messages')[0].json).toMatchObject({ response_mode: 'blocking' });
	});

	test('message.send to an Agent app (streaming only)', async () => {
		const [item] = await runOk('e2eAgentStream01', 'Dify');
		expect(typeof item.json.answer).toBe('string');
		expect(item.json.answer.length).toBeGreaterThan(0);
		const thoughts = item.json.agent_thoughts as Array<{ id: string; tool?: string }>;
		expect(thoughts.length).toBeGreaterThan(0);
		expect(thoughts.some((t) => t.tool)).toBe(true);
	});

	test('two turns keep one conversation_id', async () => {
		const r = await run('e2eTwoTurns00001');
		expect(r.result?.status).toBe('success');
		const [first] = outputOf(r.result, 'Turn 1');
		const [second] = outputOf(r.result, 'Turn 2');
		expect(second.json.conversation_id).toBe(first.json.conversation_id);
		expect(requestsTo('/chat-messages')[1].json).toMatchObject({ conversation_id: first.json.conversation_id });
	});

	test('app.getInfo', async () => {
		const [item] = await runOk('e2eAppInfo000001', 'Dify');
		expect(item.json).toMatchObject({ name: 'Sandbox Chatbot', mode: 'chat' });
	});

	test('app.getParameters', async () => {
		const [item] = await runOk('e2eAppParams0001', 'Dify');
		expect(Array.isArray(item.json.user_input_form)).toBe(true);
	});

	test('a wrong API key fails the run with our message, without echoing the key', async () => {
		const r = await run('e2eWrongKey00001');
		expect(r.code).not.toBe(0);
		const error = errorOf(r.result);
		const text = `${error?.message ?? ''} ${error?.description ?? ''} ${r.output}`;
		expect(text).toContain('Dify rejected the API key');
		expect(r.output).not.toContain(BAD_KEY);
	});

	test('Continue On Fail: the failed item becomes an error item, the good one still answers', async () => {
		const items = await runOk('e2eContinue00001', 'Dify');
		expect(items).toHaveLength(2);
		expect(items[0].json.answer).toBe('Echo: first');
		expect(items[1].json.error).toContain('Inputs (JSON) is not valid JSON');
		expect(items[1].pairedItem).toEqual({ item: 1 });
	});
});

describe('Dify Chatflow', () => {
	test('message.send, streaming', async () => {
		const [item] = await runOk('e2eChatflow00001', 'Dify');
		expect(item.json.answer).toBe('Echo: Hello chatflow');
		expect(item.json.workflow_run_id).toEqual(expect.any(String));
	});

	test('a run paused at Human Input returns its form token, not an error', async () => {
		const [item] = await runOk('e2eChatflowPause', 'Dify');
		expect(item.json.status).toBe('paused');
		expect(item.json.pause.forms[0].form_token).toEqual(expect.any(String));
	});
});

describe('Dify Completion', () => {
	test('message.send, blocking', async () => {
		const [item] = await runOk('e2eCompletion001', 'Dify');
		expect(item.json.answer).toBe('Completion: Write a haiku');
	});
});

describe('Dify Workflow', () => {
	test('workflow.run, streaming', async () => {
		const [item] = await runOk('e2eWorkflowRun01', 'Dify');
		expect(item.json.status).toBe('succeeded');
		expect(item.json.outputs).toEqual({ result: 'Processed: hello workflow' });
	});

	test('workflow.run whose stream is cut mid-run reattaches to the run: the uncut result, one run sent', async () => {
		server.misbehave({ path: '/workflows/run', dropBeforeEvent: { event: 'text_chunk', occurrence: 2 }, holdRunOnCut: true });
		const [item] = await runOk('e2eWorkflowRun01', 'Dify');
		expect(item.json.status).toBe('succeeded');
		expect(item.json.outputs).toEqual({ result: 'Processed: hello workflow' });
		expect(requestsTo('/workflows/run')).toHaveLength(1);
		expect(server.requests.filter((r) => r.method === 'GET' && /^\/workflow\/[^/]+\/events$/.test(r.path))).toHaveLength(1);
	});

	test('workflow.run over several items, in order and paired', async () => {
		const items = await runOk('e2eWorkflowRows1', 'Dify');
		expect(items.map((i) => i.json.outputs.result)).toEqual(['Processed: alpha', 'Processed: beta', 'Processed: gamma']);
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	test('a failed run fails the node with Dify\'s message', async () => {
		const r = await run('e2eWorkflowFail1');
		expect(r.code).not.toBe(0);
		const error = errorOf(r.result);
		expect(`${error?.message ?? ''}`).toMatch(/^Dify workflow run failed.*forced failure \(inputs\.fail\)/);
	});

	test('a paused run answered through Human Input / Submit finishes', async () => {
		const r = await run('e2eWorkflowHitl1');
		expect(r.result?.status).toBe('success');
		const [paused] = outputOf(r.result, 'Run');
		expect(paused.json.status).toBe('paused');
		const [done] = outputOf(r.result, 'Answer');
		expect(done.json.status).toBe('succeeded');
		expect(requestsTo(`/form/human_input/${paused.json.pause.forms[0].form_token}`)[0].json).toMatchObject({ action: 'approve', inputs: { feedback: 'looks good' } });
	});
});

test('Custom API Call: the HTTP Request node calls Dify with the Dify API credential as predefined credential type', async () => {
	const [info] = await runOk('e2eCustomApiCall', 'Custom call');
	expect(info.json).toMatchObject({ mode: 'chat', name: 'Sandbox Chatbot' });
	const [sent] = requestsTo('/info');
	expect(sent.headers.authorization).toBe(`Bearer ${server.keys.chat}`);
});

describe('examples/', () => {
	const byFile = Object.fromEntries(examples().map((e) => [e.file, e]));
	// A renamed or removed example fails here instead of being skipped.
	const example = (file: string) => {
		if (!byFile[file]) throw new Error(`examples/${file} is missing: the e2e suite runs every published example`);
		return byFile[file];
	};

	test('run a Dify workflow for each row of a table', async () => {
		const wf = example('run-dify-workflow-for-each-row.json').workflow;
		const r = await run(wf.id);
		expect(r.result?.status).toBe('success');
		const rows = outputOf(r.result, 'Rows of the table');
		const runs = outputOf(r.result, 'Run Dify workflow');
		expect(runs.map((x) => x.json.outputs)).toEqual(rows.map((row) => ({ result: `Processed: ${row.json.text}` })));
		expect(runs.map((x) => x.pairedItem)).toEqual(rows.map((_, i) => ({ item: i })));
		// The last node joins each row with its result through n8n's paired items ($('…').item).
		const joined = outputOf(r.result, 'Row with result').map((x) => x.json);
		expect(joined).toEqual(
			rows.map((row) => expect.objectContaining({ id: row.json.id, text: row.json.text, result: `Processed: ${row.json.text}`, difyStatus: 'succeeded' })),
		);
	});

	test('start a Dify workflow through its webhook trigger, waiting for each run', async () => {
		const wf = example('start-dify-workflow-by-webhook.json').workflow;
		const out = await runOk(wf.id, 'Start Dify workflow');
		const texts = ['The invoice for October is missing.', 'Please reset my password.'];
		expect(out.map((x) => x.json.run)).toEqual(texts.map((text) => expect.objectContaining({ status: 'succeeded', outputs: expect.objectContaining({ result: `Processed: ${text}` }) })));
		expect(out.map((x) => x.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		// Each item called the trigger once with its own body; the URL (the secret) is in no output.
		const calls = requestsTo(`/triggers/webhook/${server.webhooks.json}`);
		expect(calls.map((c) => c.json)).toEqual(texts.map((text) => ({ text })));
		expect(JSON.stringify(out)).not.toContain(server.webhooks.json);
	});

	test('ask a Dify app about a downloaded file', async () => {
		const wf = example('ask-dify-about-a-downloaded-file.json').workflow;
		const [item] = await runOk(wf.id, 'Ask Dify about the file');
		expect(item.json.answer).toBe('Echo: Summarise this document in three sentences.');
		const [upload] = requestsTo('/files/upload');
		expect(upload.multipart?.files[0]).toMatchObject({ size: Buffer.byteLength(SAMPLES['tea-brewing-guide.txt'].text) });
		const [chat] = requestsTo('/chat-messages');
		expect((chat.json as { files: unknown[] }).files).toEqual([expect.objectContaining({ transfer_method: 'local_file', upload_file_id: expect.any(String) })]);
	});
});
