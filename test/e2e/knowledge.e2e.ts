/**
 * Dify Knowledge in a real n8n: the packed package in a fresh user folder, a workflow that creates a
 * knowledge base, adds a text document, waits for indexing and retrieves from it, and Retrieve called
 * the way an AI Agent calls a tool (n8n's Tool Executor with `$fromAI` parameters, no model needed).
 */
import { startDifyServer, type DifyServer } from '../dify-server';
import { SANDBOX_DATASET_ID } from '../dify-server/generation';
import type { N8nInstance } from '../../scripts/lib/n8n-instance';
import { LINE, PACKAGE, chain, credentialRef, credentialsFor, difyNode, errorOf, freshInstance, outputOf, type Item } from './support';

let server: DifyServer;
let instance: N8nInstance;
let cleanup: () => Promise<void>;

const TOOL_ARGS = { query: 'When are refunds processed?' };
const TEXT = 'Our office plants are watered every Tuesday.\nThe coffee machine is descaled monthly.';

function knowledgeNode(name: string, parameters: Record<string, unknown>) {
	return difyNode('difyKnowledge', name, credentialRef(server, 'knowledge'), parameters);
}

/** Manual Trigger → Tool Executor, with the Knowledge tool attached as an AI tool. */
function toolWorkflow(id: string) {
	const tool = {
		id: `${id}-tool`,
		name: 'Search_handbook',
		type: `${PACKAGE}.difyKnowledgeTool`,
		typeVersion: 1,
		position: [200, 200],
		parameters: {
			resource: 'dataset',
			operation: 'retrieve',
			datasetId: { __rl: true, mode: 'id', value: SANDBOX_DATASET_ID },
			query: "={{ $fromAI('query', 'What to look up in the handbook', 'string') }}",
			simplify: true,
			options: {},
		},
		credentials: { difyKnowledgeApi: credentialRef(server, 'knowledge') },
	};
	return {
		id,
		name: 'knowledge as a tool',
		nodes: [
			{ id: `${id}-start`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: `${id}-exec`,
				name: 'Agent call',
				type: '@n8n/n8n-nodes-langchain.toolExecutor',
				typeVersion: 1,
				position: [200, 0],
				// n8n 2.x keys the arguments by tool name; 1.x passes them to its one tool as they are.
				parameters: { query: JSON.stringify(LINE === '1' ? TOOL_ARGS : { Search_handbook: TOOL_ARGS }), toolName: '' },
			},
			tool,
		],
		connections: {
			Start: { main: [[{ node: 'Agent call', type: 'main', index: 0 }]] },
			Search_handbook: { ai_tool: [[{ node: 'Agent call', type: 'ai_tool', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
		active: false,
	};
}

async function runOk(id: string, node: string): Promise<Item[]> {
	const r = await instance.execute(id);
	if (r.code !== 0 || r.result?.status !== 'success') {
		const why = errorOf(r.result) ?? (r.result ? `status ${r.result.status}` : `${r.stdout}\n${r.stderr}`.slice(-3000));
		throw new Error(`workflow ${id} failed (${r.signal ?? `exit ${r.code}`}): ${JSON.stringify(why)}\nstderr: ${r.stderr.slice(-2000)}`);
	}
	return outputOf(r.result, node);
}

beforeAll(async () => {
	server = await startDifyServer();
	({ instance, cleanup } = await freshInstance('knowledge'));
	const ingest = chain('e2eKnowledgeIngst', 'knowledge ingestion', [
		knowledgeNode('Create knowledge base', { resource: 'dataset', operation: 'create', name: 'E2E handbook', options: { indexingTechnique: 'high_quality' } }),
		knowledgeNode('Add text', {
			resource: 'document',
			operation: 'createFromText',
			datasetId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
			name: 'house-rules.md',
			text: TEXT,
			options: { waitForIndexing: true, pollInterval: 0.2, maxWait: 60 },
		}),
		knowledgeNode('Retrieve', {
			resource: 'dataset',
			operation: 'retrieve',
			datasetId: { __rl: true, mode: 'id', value: "={{ $('Create knowledge base').item.json.id }}" },
			query: 'When are the plants watered?',
			simplify: true,
			options: {},
		}),
	]);
	await instance.importCredentials(credentialsFor(server));
	await instance.importWorkflows([ingest, toolWorkflow('e2eKnowledgeTool1')]);
}, 300000);

afterAll(async () => {
	await cleanup?.();
	await server?.close();
});

beforeEach(() => server.reset());

test(`n8n ${LINE}.x lists Dify Knowledge and its AI tool variant`, async () => {
	const names = (await instance.exportNodes()).map((t) => t.name);
	expect(names).toContain(`${PACKAGE}.difyKnowledge`);
	expect(names).toContain(`${PACKAGE}.difyKnowledgeTool`);
});

test('a workflow creates a knowledge base, adds a text document, waits for indexing and retrieves it', async () => {
	const [answer] = await runOk('e2eKnowledgeIngst', 'Retrieve');
	expect(answer.json.query).toBe('When are the plants watered?');
	// Best match first.
	expect(answer.json.records[0]).toEqual(expect.objectContaining({ content: 'Our office plants are watered every Tuesday.', document_name: 'house-rules.md', chunk_id: expect.any(String) }));
	const polls = server.requests.filter((r) => r.path.endsWith('/indexing-status'));
	expect(polls.length).toBeGreaterThanOrEqual(2);
	expect(server.requests.every((r) => !r.path.startsWith('/datasets') || r.headers.authorization === `Bearer ${server.keys.knowledge}`)).toBe(true);
});

test('Retrieve as an AI Agent tool: the model fills the query, the answer is compact', async () => {
	const r = await instance.execute('e2eKnowledgeTool1');
	if (r.result?.status !== 'success') throw new Error(JSON.stringify(errorOf(r.result) ?? r.stderr.slice(-2000)));
	const retrieve = server.requests.find((req) => req.path === `/datasets/${SANDBOX_DATASET_ID}/retrieve`);
	expect(retrieve?.json).toEqual({ query: 'When are refunds processed?' });
	const output = JSON.stringify(outputOf(r.result, 'Agent call'));
	expect(output).toContain('Refunds are processed within 14 days of the request.');
	expect(output).toContain('sandbox-handbook.md');
});
