/**
 * The packed package in a real n8n, headless: n8n loads it from its community-package folder,
 * credentials are imported (and encrypted) by n8n, workflows run with `n8n execute --id` against the
 * Dify sandbox, and the assertions read the execution JSON n8n prints.
 */
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import { startDifyServer, type DifyServer } from '../dify-server';
import type { N8nInstance } from '../../scripts/lib/n8n-instance';
import {
	LINE,
	PACKAGE,
	chain,
	credentialRef,
	credentialsFor,
	describeIf,
	difyNode,
	errorOf,
	examples,
	freshInstance,
	hasNode,
	hasOperation,
	outputOf,
	packageNodes,
	testIf,
	type Item,
} from './support';

let server: DifyServer;
let instance: N8nInstance;
let cleanup: () => Promise<void>;
let fileServer: Server;
let fileUrl: string;

const BAD_KEY = 'app-e2eWrongKey0000000000000';
const FILE_TEXT = 'The quarterly report: revenue grew by 12 percent.\n';

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
	fileServer = createServer((_req, res) => {
		res.writeHead(200, { 'content-type': 'text/plain', 'content-disposition': 'attachment; filename="report.txt"' });
		res.end(FILE_TEXT);
	});
	await new Promise<void>((r) => fileServer.listen(0, '127.0.0.1', () => r()));
	fileUrl = `http://127.0.0.1:${(fileServer.address() as AddressInfo).port}/report.txt`;

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
	if (hasNode('difyChatflow')) {
		add('e2eChatflow00001', 'chatflow', [
			difyNode('difyChatflow', 'Dify', credentialRef(server, 'advancedChat'), { ...send, query: 'Hello chatflow', responseMode: 'streaming' }),
		]);
	}
	if (hasOperation('difyCompletion', 'message', 'send')) {
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
	}
	if (hasOperation('difyWorkflow', 'workflow', 'run')) {
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
	}

	const credentials = [
		...credentialsFor(server),
		{ id: 'e2eBadKeyCred001', name: 'Dify wrong key', type: 'difyApi', data: { baseUrl: server.url, apiKey: BAD_KEY } },
	];
	await instance.importCredentials(credentials);
	const exampleWorkflows = examples().map((e) => {
		// CI has no internet: the file example downloads from a local server instead (its only change).
		const wf = JSON.parse(e.text) as { nodes: Array<{ type: string; parameters: any }> };
		for (const n of wf.nodes) {
			for (const a of n.parameters?.assignments?.assignments ?? []) if (a.name === 'fileUrl') a.value = fileUrl;
		}
		return wf;
	});
	await instance.importWorkflows([...Object.values(workflows), ...exampleWorkflows]);
}, 300000);

afterAll(async () => {
	await cleanup?.();
	await server?.close();
	await new Promise((r) => fileServer?.close(r));
});

beforeEach(() => server.reset());

test(`n8n ${LINE}.x loads every node of the package from its community-package folder`, async () => {
	const types = await instance.exportNodes();
	const ours = types.filter((t) => t.name.startsWith(`${PACKAGE}.`));
	const names = ours.map((t) => t.name);
	for (const node of packageNodes()) expect(names).toContain(`${PACKAGE}.${node}`);
	expect(names).toContain(`${PACKAGE}.difyChatbot`);
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
		expect(Array.isArray(item.json.agent_thoughts)).toBe(true);
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

describeIf(hasNode('difyChatflow'))('Dify Chatflow', () => {
	test('message.send, streaming', async () => {
		const [item] = await runOk('e2eChatflow00001', 'Dify');
		expect(item.json.answer).toBe('Echo: Hello chatflow');
		expect(item.json.workflow_run_id).toEqual(expect.any(String));
	});
});

describeIf(hasOperation('difyCompletion', 'message', 'send'))('Dify Completion', () => {
	test('message.send, blocking', async () => {
		const [item] = await runOk('e2eCompletion001', 'Dify');
		expect(item.json.answer).toBe('Completion: Write a haiku');
	});
});

describeIf(hasOperation('difyWorkflow', 'workflow', 'run'))('Dify Workflow', () => {
	test('workflow.run, streaming', async () => {
		const [item] = await runOk('e2eWorkflowRun01', 'Dify');
		expect(item.json.status).toBe('succeeded');
		expect(item.json.outputs).toEqual({ result: 'Processed: hello workflow' });
	});
});

describe('examples/', () => {
	const byFile = Object.fromEntries(examples().map((e) => [e.file, e]));
	const runnable = (file: string) =>
		Boolean(byFile[file]) && byFile[file].nodeTypes.filter((t) => t.startsWith(`${PACKAGE}.`)).every((t) => hasNode(t.split('.')[1]));

	testIf(runnable('run-dify-workflow-for-each-row.json'))('run a Dify workflow for each row of a table', async () => {
		const wf = byFile['run-dify-workflow-for-each-row.json'].workflow;
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

	testIf(runnable('ask-dify-about-a-downloaded-file.json'))('ask a Dify app about a downloaded file', async () => {
		const wf = byFile['ask-dify-about-a-downloaded-file.json'].workflow;
		const [item] = await runOk(wf.id, 'Ask Dify about the file');
		expect(item.json.answer).toBe('Echo: Summarise this document in three sentences.');
		const [upload] = requestsTo('/files/upload');
		expect(upload.multipart?.files[0]).toMatchObject({ size: Buffer.byteLength(FILE_TEXT) });
		const [chat] = requestsTo('/chat-messages');
		expect((chat.json as { files: unknown[] }).files).toEqual([expect.objectContaining({ transfer_method: 'local_file', upload_file_id: expect.any(String) })]);
	});
});
