import type { IDataObject } from 'n8n-workflow';

import { call } from '../dify-server/testClient';
import { runPoll } from '../harness/n8n';
import { callNode, failure, useDifyServer } from './support';

/** The trigger reads runs and explains wrong keys through the same code as the app nodes. */
describe('Dify Trigger and the Dify Workflow node agree', () => {
	const server = useDifyServer();

	const poll = (parameters: IDataObject, key: string, staticData: IDataObject = {}) =>
		runPoll({
			parameters,
			credentialType: 'difyApi',
			credentials: { difyApi: { baseUrl: server().apiBase, apiKey: key } },
			staticData,
			mode: 'trigger',
		});

	async function runWorkflow(inputs: IDataObject, fail = false): Promise<string> {
		const res = await call(server().apiBase, '/workflows/run', {
			key: server().keys.workflow,
			json: { inputs: { ...inputs, ...(fail ? { fail: true } : {}) }, user: 'same', response_mode: 'blocking' },
		});
		return (res.json as IDataObject).workflow_run_id as string;
	}

	it.each([
		['a succeeded run', false],
		['a failed run (no outputs)', true],
	])('%s: the same inputs and outputs from Workflow → Get Run and from the trigger\'s run detail', async (_label, fail) => {
		const parameters = { event: 'workflowRunFinished', includeRunDetail: true };
		const first = await poll(parameters, server().keys.workflow);
		const id = await runWorkflow({ text: 'agree' }, fail);
		const second = await poll(parameters, server().keys.workflow, first.staticData);
		const fromTrigger = second.items!.find((i) => i.json.workflow_run_id === id)!.json;

		const fromNode = (await callNode(server(), { key: server().keys.workflow, type: 'dify.difyWorkflow', parameters: { resource: 'workflow', operation: 'getRun', workflowRunId: id } })).items[0].json;

		expect(fromTrigger.inputs).toEqual(fromNode.inputs);
		expect(fromTrigger.outputs).toEqual(fromNode.outputs);
		expect(fromNode.inputs).toMatchObject({ text: 'agree' });
		if (fail) expect(fromTrigger.status).toBe('failed');
		else expect(fromNode.outputs).toEqual(expect.objectContaining({ result: expect.any(String) }));
	});

	it('says the same sentence about a key of another app type, naming the asking node', async () => {
		// Workflow → Get Run also serves chatflows, so the key is a text generator's.
		const key = server().keys.completion;
		const fromTrigger = (await poll({ event: 'workflowRunFinished' }, key)).error!.message;
		const fromNode = failure(await callNode(server(), { key, type: 'dify.difyWorkflow', parameters: { resource: 'workflow', operation: 'getRun', workflowRunId: 'x' } })).message;
		const sentence = (node: string) =>
			`The credential's API key belongs to the Dify Text Generator app "Sandbox Text Generator" (mode "completion"): use it with the Dify Completion node, or select a credential with the API key of a Workflow app in this ${node} node.`;
		expect(fromNode).toBe(sentence('Dify Workflow'));
		expect(fromTrigger).toBe(sentence('Dify Trigger'));
	});
});
