/**
 * Dify tools for any MCP client: n8n's MCP Server Trigger exposes Dify Knowledge Retrieve and a Dify
 * Workflow run as MCP tools, and a plain MCP client (JSON-RPC 2.0 over n8n's Streamable HTTP
 * transport, written out below with fetch) initializes a session, lists the tools with their input
 * schema and calls them. Nothing between the client and Dify is mocked: n8n runs the nodes, which
 * call the Dify sandbox over HTTP.
 */
import { startDifyServer, type DifyServer } from '../dify-server';
import { SANDBOX_DATASET_ID } from '../dify-server/generation';
import type { N8nInstance } from '../../scripts/lib/n8n-instance';
import { PACKAGE, credentialRef, credentialsFor, freshInstance } from './support';

const MCP_PATH = 'dify-tools';
const WORKFLOW_ID = 'e2eMcpDifyTools1';

let server: DifyServer;
let instance: N8nInstance;
let cleanup: () => Promise<void>;

/** MCP Server Trigger with two Dify tools attached; the tools' arguments come from the MCP client. */
function mcpWorkflow() {
	const knowledge = {
		id: `${WORKFLOW_ID}-kb`,
		name: 'Search_handbook',
		type: `${PACKAGE}.difyKnowledgeTool`,
		typeVersion: 1,
		position: [0, 200],
		parameters: {
			descriptionType: 'manual',
			toolDescription: 'Searches the company handbook (a Dify knowledge base) for passages about a question.',
			resource: 'dataset',
			operation: 'retrieve',
			datasetId: { __rl: true, mode: 'id', value: SANDBOX_DATASET_ID },
			query: "={{ $fromAI('query', 'What to look up in the handbook', 'string') }}",
			simplify: true,
			options: {},
		},
		credentials: { difyKnowledgeApi: credentialRef(server, 'knowledge') },
	};
	const workflow = {
		id: `${WORKFLOW_ID}-wf`,
		name: 'Process_text',
		type: `${PACKAGE}.difyWorkflowTool`,
		typeVersion: 1,
		position: [200, 200],
		parameters: {
			descriptionType: 'manual',
			toolDescription: 'Runs the Dify workflow that processes a text and returns its result.',
			resource: 'workflow',
			operation: 'run',
			inputs: "={{ JSON.stringify({ text: $fromAI('text', 'The text to process', 'string') }) }}",
			user: 'n8n',
			responseMode: 'blocking',
			options: {},
		},
		credentials: { difyApi: credentialRef(server, 'workflow') },
	};
	return {
		id: WORKFLOW_ID,
		name: 'Dify tools over MCP',
		nodes: [
			{
				id: `${WORKFLOW_ID}-mcp`,
				name: 'MCP Server Trigger',
				type: '@n8n/n8n-nodes-langchain.mcpTrigger',
				typeVersion: 2,
				position: [100, 0],
				webhookId: '5d0c4a52-8f3e-4a7e-9b1a-3c2d1e0f9a8b',
				parameters: { path: MCP_PATH, authentication: 'none' },
			},
			knowledge,
			workflow,
		],
		connections: {
			Search_handbook: { ai_tool: [[{ node: 'MCP Server Trigger', type: 'ai_tool', index: 0 }]] },
			Process_text: { ai_tool: [[{ node: 'MCP Server Trigger', type: 'ai_tool', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
		active: false,
	};
}

// ---- a minimal MCP client: JSON-RPC 2.0 over Streamable HTTP ------------------------------------------

interface RpcResponse {
	jsonrpc: '2.0';
	id?: number;
	result?: any;
	error?: { code: number; message: string };
}

class McpClient {
	private session: string | undefined;
	private nextId = 1;

	constructor(private readonly url: string) {}

	/** One JSON-RPC message; a request (with `id`) resolves to its response, a notification to undefined. */
	async send(method: string, params: Record<string, unknown> = {}, notification = false): Promise<RpcResponse | undefined> {
		const body = { jsonrpc: '2.0', method, params, ...(notification ? {} : { id: this.nextId++ }) };
		const r = await fetch(this.url, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				accept: 'application/json, text/event-stream',
				...(this.session ? { 'mcp-session-id': this.session } : {}),
			},
			body: JSON.stringify(body),
			signal: AbortSignal.timeout(60_000),
		});
		this.session = r.headers.get('mcp-session-id') ?? this.session;
		const text = await r.text();
		if (r.status >= 400) throw new Error(`${method}: HTTP ${r.status} ${text.slice(0, 500)}`);
		if (notification) return undefined;
		return parseRpc(text, r.headers.get('content-type') ?? '', (body as { id: number }).id);
	}

	async request(method: string, params: Record<string, unknown> = {}): Promise<any> {
		const response = await this.send(method, params);
		if (!response || response.error) throw new Error(`${method}: ${JSON.stringify(response?.error ?? 'no response')}`);
		return response.result;
	}
}

/** The response to request `id`, from a JSON body or from the `data:` lines of an event stream. */
function parseRpc(text: string, contentType: string, id: number): RpcResponse {
	const messages: RpcResponse[] = contentType.includes('text/event-stream')
		? text
				.split(/\r?\n\r?\n/)
				.map((event) =>
					event
						.split(/\r?\n/)
						.filter((line) => line.startsWith('data:'))
						.map((line) => line.slice(5).trimStart())
						.join('\n'),
				)
				.filter(Boolean)
				.map((data) => JSON.parse(data) as RpcResponse)
		: [].concat(JSON.parse(text));
	const response = messages.find((m) => m.id === id);
	if (!response) throw new Error(`no JSON-RPC response with id ${id} in: ${text.slice(0, 500)}`);
	return response;
}

/**
 * n8n registers a published workflow's webhooks only after it reports ready: until then its MCP
 * address answers 404. Any other answer (here 400, "Server not initialized", to a message without a
 * session) means the trigger listens.
 */
async function waitForMcpServer(url: string): Promise<void> {
	const deadline = Date.now() + 120_000;
	for (;;) {
		const r = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
			body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'ping' }),
			signal: AbortSignal.timeout(30_000),
		});
		await r.text();
		if (r.status !== 404) return;
		if (Date.now() > deadline) throw new Error(`the MCP Server Trigger at ${url} was not registered within 120 s`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

// The MCP Server Trigger's Streamable HTTP transport (node version 2) exists in n8n 2.x.
describe('Dify tools in an MCP client, through n8n\'s MCP Server Trigger', () => {
	let client: McpClient;

	beforeAll(async () => {
		server = await startDifyServer();
		({ instance, cleanup } = await freshInstance('mcp'));
		await instance.importCredentials(credentialsFor(server));
		await instance.importWorkflows([mcpWorkflow()]);
		await instance.publish(WORKFLOW_ID);
		await instance.start({ timeoutMs: 180_000 });
		client = new McpClient(`${instance.url}/mcp/${MCP_PATH}`);
		await waitForMcpServer(`${instance.url}/mcp/${MCP_PATH}`);
	}, 300_000);

	afterAll(async () => {
		await cleanup?.();
		await server?.close();
	});

	test('initialize opens a session that offers tools', async () => {
		const result = await client.request('initialize', {
			protocolVersion: '2025-03-26',
			capabilities: {},
			clientInfo: { name: 'dify-suite-e2e', version: '1.0.0' },
		});
		expect(result.capabilities).toHaveProperty('tools');
		await client.send('notifications/initialized', {}, true);
	});

	test('tools/list lists both Dify tools with their descriptions and the arguments they take', async () => {
		const { tools } = (await client.request('tools/list')) as {
			tools: Array<{ name: string; description: string; inputSchema: { properties: Record<string, unknown>; required?: string[] } }>;
		};
		const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
		expect(Object.keys(byName).sort()).toEqual(['Process_text', 'Search_handbook']);
		expect(byName.Search_handbook.description).toContain('company handbook');
		expect(Object.keys(byName.Search_handbook.inputSchema.properties)).toEqual(['query']);
		expect(byName.Process_text.description).toContain('Dify workflow');
		expect(Object.keys(byName.Process_text.inputSchema.properties)).toEqual(['text']);
	});

	test('tools/call runs Knowledge Retrieve with the client\'s query and returns the passages', async () => {
		server.reset();
		const result = await client.request('tools/call', { name: 'Search_handbook', arguments: { query: 'When are refunds processed?' } });
		const text = JSON.stringify(result.content);
		expect(result.isError).toBeFalsy();
		expect(text).toContain('Refunds are processed within 14 days of the request.');
		const retrieve = server.requests.find((r) => r.path === `/datasets/${SANDBOX_DATASET_ID}/retrieve`);
		expect(retrieve?.json).toEqual({ query: 'When are refunds processed?' });
	});

	test('tools/call runs the Dify workflow with the client\'s text and returns its outputs', async () => {
		server.reset();
		const result = await client.request('tools/call', { name: 'Process_text', arguments: { text: 'Hello over MCP' } });
		expect(result.isError).toBeFalsy();
		expect(JSON.stringify(result.content)).toContain('Processed: Hello over MCP');
		const run = server.requests.find((r) => r.path === '/workflows/run');
		expect(run?.json).toMatchObject({ inputs: { text: 'Hello over MCP' }, user: 'n8n', response_mode: 'blocking' });
	});
});
