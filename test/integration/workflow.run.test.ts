import { randomUUID } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';

import { call } from '../dify-server/testClient';
import { callNode, failure, useDifyServer } from './support';

const server = useDifyServer();

const USER = 'wf-user';

function runParams(inputs: IDataObject, extra: IDataObject = {}): IDataObject {
	return { resource: 'workflow', operation: 'run', inputs: JSON.stringify(inputs), user: USER, responseMode: 'streaming', ...extra };
}

const wf = (parameters: IDataObject, extra: IDataObject = {}, key?: string) =>
	callNode(server(), { key: key ?? server().keys.workflow, type: 'dify.difyWorkflow', parameters, ...extra });

const runRequests = () => server().requests.filter((r) => r.method === 'POST' && /^\/workflows\/(.+\/)?run$/.test(r.path));

describe('workflow / run', () => {
	it('streams by default and outputs the run fields', async () => {
		const result = await wf(runParams({ text: 'hello' }));
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const json = result.items[0].json;
		expect(json).toMatchObject({
			status: 'succeeded',
			outputs: { result: 'Processed: hello' },
			error: null,
			total_steps: 3,
		});
		for (const key of ['workflow_run_id', 'task_id', 'elapsed_time', 'total_tokens', 'created_at', 'finished_at']) {
			expect(json[key]).not.toBeNull();
		}
		expect(json.node_trace).toBeUndefined();
		expect(runRequests()[0].json).toEqual({ inputs: { text: 'hello' }, user: USER, response_mode: 'streaming' });
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});

	it('gives the same result in blocking mode', async () => {
		const result = await wf(runParams({ text: 'block' }, { responseMode: 'blocking' }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ status: 'succeeded', outputs: { result: 'Processed: block' }, total_steps: 3 });
		expect(result.items[0].json.workflow_run_id).toEqual(expect.any(String));
		expect(runRequests()[0].json).toMatchObject({ response_mode: 'blocking' });
	});

	it('runs a pinned published version through /workflows/{workflow_id}/run', async () => {
		const [latest, older] = [randomUUID(), randomUUID()];
		const key = server().createApp({ mode: 'workflow', publishedWorkflowIds: [latest, older] });
		const result = await wf(runParams({ text: 'v1' }, { options: { workflowId: older } }), {}, key);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.workflow_id).toBe(older);
		expect(runRequests()[0].path).toBe(`/workflows/${older}/run`);
	});

	it('explains a pinned version that is a draft', async () => {
		const draft = randomUUID();
		const key = server().createApp({ mode: 'workflow', draftWorkflowId: draft });
		const error = failure(await wf(runParams({ text: 'x' }, { options: { workflowId: draft } }), {}, key));
		expect(error.message).toMatch(/^Dify error bad_request: .*draft/i);
	});

	it('outputs a compact node trace on request, with inputs/outputs only when asked', async () => {
		const plain = await wf(runParams({ text: 'trace', nodes: 4 }, { options: { includeNodeTrace: true } }));
		const trace = plain.items[0].json.node_trace as IDataObject[];
		expect(trace.map((t) => t.title)).toEqual(['Start', 'LLM', 'Step 2', 'End']);
		expect(trace[1]).toEqual({ node_id: 'llm', title: 'LLM', node_type: 'llm', status: 'succeeded', elapsed_time: expect.any(Number), error: null });

		const full = await wf(runParams({ text: 'trace', nodes: 4 }, { options: { includeNodeTrace: true, includeNodeData: true } }));
		const llm = (full.items[0].json.node_trace as IDataObject[])[1];
		expect(llm.inputs).toEqual({ text: 'trace' });
		expect(llm.outputs).toEqual({ text: 'Processed: trace' });
	});

	it('streams 1,000 nodes and a 1 MB output into one correct item, with the trace off and on', async () => {
		const inputs = { text: 'big', nodes: 1000, output_kb: 1024 };
		const off = await wf(runParams(inputs));
		expect(off.error).toBeUndefined();
		const outputs = off.items[0].json.outputs as IDataObject;
		expect(Buffer.byteLength(outputs.large as string)).toBe(1024 * 1024);
		expect(outputs.result).toBe('Processed: big');
		expect(off.items[0].json).toMatchObject({ status: 'succeeded', total_steps: 1000 });
		expect(off.items[0].json.node_trace).toBeUndefined();

		const on = await wf(runParams(inputs, { options: { includeNodeTrace: true } }));
		expect(on.error).toBeUndefined();
		const trace = on.items[0].json.node_trace as IDataObject[];
		expect(trace).toHaveLength(1000);
		expect(trace.every((t) => t.status === 'succeeded' && !('inputs' in t) && !('outputs' in t))).toBe(true);
		expect(Buffer.byteLength((on.items[0].json.outputs as IDataObject).large as string)).toBe(1024 * 1024);
		// The 1 MB is in the item once (outputs), not again in the trace.
		expect(JSON.stringify(on.items[0].json).length).toBeLessThan(1024 * 1024 + 300 * 1000);
	}, 60_000);

	it('forwards streamed text to a streaming chat trigger', async () => {
		const result = await wf(runParams({ text: 'chat' }), { streaming: true });
		expect(result.error).toBeUndefined();
		const text = result.chunks.filter((c) => c.type === 'item').map((c) => c.content).join('');
		expect(text).toBe('Processed: chat');
	});

	describe('failures', () => {
		it('fails with the node and error of a failed run (HTTP 200, status failed)', async () => {
			const error = failure(await wf(runParams({ text: 'x', fail: true, nodes: 4 })));
			expect(error.message).toBe('Dify workflow run failed in node "Step 2": Node Step 2 run failed: forced failure (inputs.fail)');
			expect(error.description).toMatch(/Run [0-9a-f-]{36} ended with status "failed"/);
		});

		it('outputs a failed run as an error item with Continue On Fail, in blocking mode too', async () => {
			const result = await wf(runParams({ text: 'x', fail: true }, { responseMode: 'blocking' }), { continueOnFail: true });
			expect(result.error).toBeUndefined();
			expect(result.items[0].json.error).toMatch(/^Dify workflow run failed: /);
			expect(result.items[0].pairedItem).toEqual({ item: 0 });
		});

		it('names the right node for a key of another app type', async () => {
			const error = failure(await wf(runParams({ text: 'x' }), {}, server().keys.chat));
			expect(error.message).toContain('(mode "chat"): use it with the Dify Chatbot node, or select a credential with the API key of a Workflow app in this Dify Workflow node.');
		});

		it('fails on an error frame without a code (worker-side input validation)', async () => {
			const error = failure(await wf(runParams({ nodes: 2 })));
			expect(error.message).toBe('The Dify app requires the input "text", and it was not sent (Dify reported an error without an error code: text is required in input form)');
			expect(error.message).not.toContain('stream_error');
			expect(error.description).toMatch(/^Dify checks the app's required inputs on every run\. Set "text" in Inputs \(JSON\), e\.g\. \{"text": "…"\}, or switch Inputs to "Fields From the App" and fill in text\./);
		});

		it('fails on an error frame injected mid-stream', async () => {
			server().misbehave({ path: '/workflows/run', errorFrameAfterFrames: { after: 3, message: 'Redis went away', status: 500 } });
			const error = failure(await wf(runParams({ text: 'x', nodes: 5 })));
			expect(error.message).toBe('Dify reported an error without an error code: Redis went away');
			expect(error.description).toContain('workflow_run_id');
		});

		it('fails when the stream is cut before workflow_finished and reattaching is off, pointing at Get Run', async () => {
			server().misbehave({ path: '/workflows/run', dropAfterFrames: 4 });
			const error = failure(await wf(runParams({ text: 'x', nodes: 6 }, { options: { reattach: false } })));
			expect(error.message).toMatch(/^Dify's stream ended before the run finished/);
			expect(error.description).toContain('Get Run');
		});

		it('fails with "stopped" when the run is stopped while the node streams it', async () => {
			const running = wf(runParams({ text: 'long', nodes: 3, sleep_ms: 10000 }));
			const runId = await waitForRunId();
			const taskId = await taskIdOf(runId);
			const stopped = await wf({ resource: 'workflow', operation: 'stop', taskId, user: 'someone-else' });
			expect(stopped.error).toBeUndefined();
			expect(stopped.items[0].json).toEqual({ task_id: taskId, result: 'success' });
			const error = failure(await running);
			expect(error.message).toMatch(/^Dify workflow run was stopped before it finished/);
			expect(error.description).toContain(runId);
		});

		it('stops the Dify task when the node times out', async () => {
			const error = failure(await wf(runParams({ text: 'slow', nodes: 3, sleep_ms: 5000 }, { options: { timeout: 1 } })));
			expect(error.message).toMatch(/timed out/);
			expect(server().requests.some((r) => /^\/workflows\/tasks\/.+\/stop$/.test(r.path) && (r.json as IDataObject).user === USER)).toBe(true);
		});
	});
});

/** The run the node just started (Dify's log list only shows runs that ended, so ask the test server). */
async function waitForRunId(): Promise<string> {
	// Generous: on a loaded machine the node may take a few seconds to send the run.
	for (let attempt = 0; attempt < 500; attempt++) {
		const [run] = server().runs(server().keys.workflow);
		if (run) return run.id;
		await new Promise((r) => setTimeout(r, 20));
	}
	throw new Error('no run started');
}

/** Reattaches to a run to learn its task_id (it is on every event's envelope). */
async function taskIdOf(runId: string): Promise<string> {
	let taskId = '';
	await call(server().apiBase, `/workflow/${runId}/events`, {
		key: server().keys.workflow,
		query: { user: USER },
		timeoutMs: 2000,
		until: (text) => /"task_id":\s*"([^"]+)"/.test(text),
		onText: (text) => {
			taskId = /"task_id":\s*"([^"]+)"/.exec(text)?.[1] ?? taskId;
		},
	});
	if (!taskId) throw new Error('no task id');
	return taskId;
}
