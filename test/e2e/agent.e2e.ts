/**
 * n8n's AI Agent deciding to call the Dify tools, offline: the example "AI Agent with Dify tools"
 * runs in a real n8n with its OpenAI Chat Model pointed at the sandbox's scripted model
 * (test/dify-server/scriptedModel.ts). The model, not the test, picks the tool and writes its
 * arguments; the agent runs the Dify node as a tool and answers from its result.
 */
import { startDifyServer, type DifyServer } from '../dify-server';
import { SANDBOX_DATASET_ID } from '../dify-server/generation';
import type { N8nInstance } from '../../scripts/lib/n8n-instance';
import { credentialsFor, errorOf, examples, freshInstance, outputOf } from './support';

let server: DifyServer;
let instance: N8nInstance;
let cleanup: () => Promise<void>;

const EXAMPLE = 'ai-agent-with-dify-tools.json';
const WORKFLOW_QUESTION = 'Process this text with the workflow: "Hello from the agent"';

interface ModelRequest {
	messages: Array<{ role: string; content?: unknown; tool_calls?: Array<{ function: { name: string; arguments: string } }> }>;
	tools?: Array<{ function: { name: string } }>;
}

function modelRequests(): ModelRequest[] {
	return server.requests.filter((r) => r.path === '/openai/v1/chat/completions').map((r) => r.json as ModelRequest);
}

async function agentAnswer(id: string): Promise<string> {
	const r = await instance.execute(id);
	if (r.code !== 0 || r.result?.status !== 'success') {
		throw new Error(`workflow ${id} failed: ${JSON.stringify(errorOf(r.result) ?? r.stderr.slice(-2000))}`);
	}
	const [item] = outputOf(r.result, 'AI Agent');
	return String(item.json.output);
}

// The example's AI Agent (node version 3.1) is n8n 2.x's.
describe('AI Agent with Dify tools, offline', () => {
	beforeAll(async () => {
		server = await startDifyServer();
		({ instance, cleanup } = await freshInstance('agent'));
		await instance.importCredentials(credentialsFor(server));
		const example = examples(server.url).find((e) => e.file === EXAMPLE)!.workflow;
		// The same workflow with the other question, so the model picks the other tool.
		const other = structuredClone(example);
		other.id = 'e2eAgentWorkflow1';
		other.name = 'AI Agent with Dify tools (workflow question)';
		other.nodes.find((n: { name: string }) => n.name === 'AI Agent')!.parameters.text = WORKFLOW_QUESTION;
		await instance.importWorkflows([example, other]);
	}, 300_000);

	afterAll(async () => {
		await cleanup?.();
		await server?.close();
	});

	beforeEach(() => server.reset());

	test('the agent calls Dify Knowledge Retrieve with the model\'s query and answers with the passage', async () => {
		const answer = await agentAnswer('difyExampleAgent1');
		expect(answer).toContain('Refunds are processed within 14 days of the request.');
		const [first] = modelRequests();
		expect(first.tools?.map((t) => t.function.name).sort()).toEqual(['Process_text', 'Search_handbook']);
		const retrieve = server.requests.filter((r) => r.path === `/datasets/${SANDBOX_DATASET_ID}/retrieve`);
		expect(retrieve.map((r) => r.json)).toEqual([{ query: 'When are refunds processed?' }]);
		expect(server.requests.some((r) => r.path === '/workflows/run')).toBe(false);
	});

	test('the agent calls the Dify Workflow run with the model\'s text and answers with its output', async () => {
		const answer = await agentAnswer('e2eAgentWorkflow1');
		expect(answer).toContain('Processed: Hello from the agent');
		const runs = server.requests.filter((r) => r.path === '/workflows/run');
		expect(runs.map((r) => r.json)).toEqual([expect.objectContaining({ inputs: { text: 'Hello from the agent' }, user: 'n8n' })]);
		// The second model call carries the tool's result back to the model.
		const calls = modelRequests();
		expect(calls.length).toBe(2);
		expect(JSON.stringify(calls[1].messages.at(-1))).toContain('Processed: Hello from the agent');
	});
});
