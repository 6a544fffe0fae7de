import type { IDataObject } from 'n8n-workflow';

import { callNode, failure, sendParams, useDifyServer } from './support';

const server = useDifyServer();
const chatflow = (parameters: IDataObject, key?: string) =>
	callNode(server(), { type: 'dify.difyChatflow', key: key ?? server().keys.advancedChat, parameters });

describe('Dify Chatflow message / send', () => {
	it('streams the answer and, on request, a node trace', async () => {
		const result = await chatflow(sendParams('Hello flow', { options: { includeNodeTrace: true } }));
		expect(result.error).toBeUndefined();
		const json = result.items[0].json;
		expect(json.answer).toBe('Echo: Hello flow');
		expect(json.workflow_run_id).toEqual(expect.any(String));
		const trace = json.node_trace as Array<{ node_type: string; status: string }>;
		expect(trace.length).toBeGreaterThanOrEqual(3);
		expect(trace.every((n) => n.status === 'succeeded')).toBe(true);
	});

	it('completes with servers that send workflow_finished before message_end (before 1.13.1)', async () => {
		const legacy = server().createApp({ mode: 'advanced-chat', legacyOrder: true } as never);
		const result = await chatflow(sendParams('old order'), legacy);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ answer: 'Echo: old order', usage: expect.any(Object) });
	});

	it.each(['streaming', 'blocking'])('returns a paused run with its form token (%s), not an error', async (responseMode) => {
		const result = await chatflow(sendParams('approve this [pause]', { responseMode }));
		expect(result.error).toBeUndefined();
		const json = result.items[0].json as { status: string; pause: { forms: Array<{ form_token: string }> } };
		expect(json.status).toBe('paused');
		expect(json.pause.forms[0].form_token).toEqual(expect.any(String));
	});

	it('fails when a node of the chatflow fails (streaming)', async () => {
		const result = await chatflow(sendParams('break [fail]'));
		expect(failure(result).message).toMatch(/^Dify chatflow run failed: /);
	});

	it('fails when a node of the chatflow fails (blocking)', async () => {
		const result = await chatflow(sendParams('break [fail]', { responseMode: 'blocking' }));
		expect(failure(result).message).toMatch(/^Dify error invalid_param: Run failed/);
	});

	it('sends a pinned workflow version and surfaces an invalid one', async () => {
		const result = await chatflow(sendParams('x', { options: { workflowId: 'not-a-uuid' } }));
		expect(server().requests.find((r) => r.path === '/chat-messages')?.json).toMatchObject({ workflow_id: 'not-a-uuid' });
		expect(failure(result).message).toMatch(/^Dify error (bad_request|invalid_param): .*workflow_id/i);
	});

	it('gets the run of a chatflow answer', async () => {
		const sent = await chatflow(sendParams('run me'));
		const runId = sent.items[0].json.workflow_run_id as string;
		const run = await chatflow({ resource: 'workflow', operation: 'getRun', workflowRunId: runId });
		expect(run.error).toBeUndefined();
		expect(run.items[0].json).toMatchObject({ id: runId, status: 'succeeded' });
		expect(typeof run.items[0].json.inputs).toBe('object');
	});

	it('says a Chatbot key belongs to the Chatbot node when the chatflow run endpoint refuses it', async () => {
		const result = await chatflow({ resource: 'workflow', operation: 'getRun', workflowRunId: 'abc' }, server().keys.chat);
		expect(failure(result).message).toMatch(/^The credential's API key belongs to the Dify Chatbot app "Sandbox Chatbot" \(mode "chat"\): use it with the Dify Chatbot node, or select a credential with the API key of a Chatflow app in this Dify Chatflow node\.$/);
		expect(failure(result).description).toMatch(/^Dify answered: Dify error not_workflow_app/);
	});
});
