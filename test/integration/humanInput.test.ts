import type { IDataObject } from 'n8n-workflow';

import { callNode, failure, rl, useDifyServer } from './support';

const server = useDifyServer();

const USER = 'reviewer';

const wf = (parameters: IDataObject, extra: IDataObject = {}) =>
	callNode(server(), { key: server().keys.workflow, type: 'dify.difyWorkflow', parameters, ...extra });

async function pausedRun(responseMode = 'streaming'): Promise<IDataObject> {
	const result = await wf({
		resource: 'workflow',
		operation: 'run',
		inputs: JSON.stringify({ text: 'draft', pause: true }),
		user: USER,
		responseMode,
	});
	expect(result.error).toBeUndefined();
	return result.items[0].json;
}

const tokenOf = (paused: IDataObject) => ((paused.pause as IDataObject).forms as IDataObject[])[0].form_token as string;

const submit = (extra: IDataObject) =>
	wf({ resource: 'humanInput', operation: 'submit', action: 'approve', inputs: '{"feedback":"ship it"}', user: USER, ...extra });

describe('a run paused for human input', () => {
	it.each(['streaming', 'blocking'])('is a result with status paused and the form tokens (%s)', async (mode) => {
		const paused = await pausedRun(mode);
		expect(paused).toMatchObject({ status: 'paused', outputs: {}, finished_at: null, workflow_run_id: expect.any(String) });
		const pause = paused.pause as IDataObject;
		expect(pause.paused_nodes).toEqual(['human_review']);
		expect((pause.forms as IDataObject[])[0]).toMatchObject({
			form_token: expect.stringMatching(/^[0-9a-f]{32}$/),
			node_title: 'Human review',
			form_content: 'Please review: draft',
			actions: [expect.objectContaining({ id: 'approve' }), expect.objectContaining({ id: 'reject' })],
		});
	});

	it('humanInput / get returns the form', async () => {
		const token = tokenOf(await pausedRun());
		const result = await wf({ resource: 'humanInput', operation: 'get', formToken: token });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({
			form_token: token,
			form_content: 'Please review: draft',
			inputs: [expect.objectContaining({ output_variable_name: 'feedback' })],
			user_actions: [expect.objectContaining({ id: 'approve' }), expect.objectContaining({ id: 'reject' })],
		});
	});

	it('submit, then poll Get Run until the run finished', async () => {
		const paused = await pausedRun();
		const result = await submit({ formToken: tokenOf(paused) });
		expect(result.items[0].json).toEqual({ form_token: tokenOf(paused), action: 'approve', submitted: true });
		expect(server().requests.at(-1)).toMatchObject({ json: { inputs: { feedback: 'ship it' }, action: 'approve', user: USER } });
		let status = 'paused';
		let outputs: IDataObject = {};
		for (let n = 0; n < 100 && status !== 'succeeded'; n++) {
			const got = await wf({ resource: 'workflow', operation: 'getRun', workflowRunId: paused.workflow_run_id });
			status = got.items[0].json.status as string;
			outputs = got.items[0].json.outputs as IDataObject;
			if (status !== 'succeeded') await new Promise((r) => setTimeout(r, 50));
		}
		expect(status).toBe('succeeded');
		expect(outputs).toMatchObject({ feedback: 'ship it', action: 'approve' });
	});

	it('submit with "Wait for Run to Finish" reattaches and outputs the final run', async () => {
		const paused = await pausedRun();
		const result = await submit({
			formToken: tokenOf(paused),
			waitForRun: true,
			workflowRunId: paused.workflow_run_id,
			options: { includeNodeTrace: true },
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({
			workflow_run_id: paused.workflow_run_id,
			status: 'succeeded',
			outputs: { result: 'Processed: draft', feedback: 'ship it', action: 'approve' },
		});
		expect((result.items[0].json.node_trace as IDataObject[]).map((n) => n.title)).toContain('Human review');
		expect(server().requests.at(-1)).toMatchObject({ method: 'GET', path: `/workflow/${paused.workflow_run_id}/events`, query: { user: USER } });
	});

	describe('failures', () => {
		it('a second submit is refused with 412', async () => {
			const token = tokenOf(await pausedRun());
			await submit({ formToken: token });
			const error = failure(await submit({ formToken: token }));
			expect(error.message).toMatch(/^Dify error human_input_form_submitted/);
		});

		it('an unknown action or a missing input is invalid_form_data', async () => {
			const token = tokenOf(await pausedRun());
			expect(failure(await submit({ formToken: token, action: 'maybe' })).message).toBe('Dify error invalid_form_data: Invalid action: maybe');
			expect(failure(await submit({ formToken: token, inputs: '{}' })).message).toBe(
				'Dify error invalid_form_data: Missing required inputs: feedback',
			);
		});

		it('an unknown token is not_found', async () => {
			const error = failure(await wf({ resource: 'humanInput', operation: 'get', formToken: 'deadbeef' }));
			expect(error.message).toBe('Dify error not_found: Form not found');
		});

		it('waiting needs the run ID and is checked before the form is answered', async () => {
			const token = tokenOf(await pausedRun());
			const error = failure(await submit({ formToken: token, waitForRun: true, workflowRunId: ' ' }));
			expect(error.message).toBe('Workflow Run ID is empty');
			expect(server().requests.some((r) => r.method === 'POST' && r.path.startsWith('/form/'))).toBe(false);
		});

		it('waiting as another user than the run\'s fails with Dify\'s not_found', async () => {
			const paused = await pausedRun();
			const error = failure(await submit({ formToken: tokenOf(paused), user: 'other', waitForRun: true, workflowRunId: paused.workflow_run_id }));
			expect(error.message).toMatch(/^Dify error not_found: Workflow run not found/);
		});
	});
});

describe('a paused Chatflow answer', () => {
	it('submit with "Wait for Run to Finish" outputs the finished answer', async () => {
		const chatflow = (parameters: IDataObject) => callNode(server(), { key: server().keys.advancedChat, type: 'dify.difyChatflow', parameters });
		const sent = await chatflow({
			resource: 'message',
			operation: 'send',
			query: 'Publish this? [pause]',
			user: USER,
			conversationId: rl(''),
			inputs: '{}',
			responseMode: 'streaming',
		});
		expect(sent.error).toBeUndefined();
		const paused = sent.items[0].json;
		expect(paused.status).toBe('paused');
		const result = await chatflow({
			resource: 'humanInput',
			operation: 'submit',
			formToken: tokenOf(paused),
			action: 'approve',
			inputs: '{"feedback":"yes"}',
			user: USER,
			waitForRun: true,
			workflowRunId: paused.workflow_run_id,
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({
			status: 'normal',
			workflow_run_id: paused.workflow_run_id,
			answer: expect.stringContaining('Publish this?'),
		});
	});
});
