import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { ChatAnswer } from '../../helpers/chatAnswer';
import { getJsonObject, getUser, jsonItems, optionsCollection, requireId, requireText, targetOf, userField } from '../../helpers/common';
import { readStream } from '../../helpers/generate';
import { getStreamSettings, streamOptionFields } from '../../helpers/streamOptions';
import { newWorkflowResult, workflowItem, workflowOutputOptions, type WorkflowOutputOptions } from '../../helpers/workflowExecution';
import { difyRequest } from '../../transport/request';
import type { DifyNodeSpec, DifyOperation, OperationContext } from '../../types';
import { addFileInputs, fileInputsProperty } from '../../helpers/workflowFileInputs';
import { formTokenField, getFormToken } from './fields';

function properties(node: DifyNodeSpec): INodeProperties[] {
	const isChatflow = node.family === 'chatflow';
	const options: INodeProperties[] = [
		...(isChatflow
			? [
					{
						displayName: 'Include Node Trace',
						name: 'includeNodeTrace',
						type: 'boolean' as const,
						default: false,
						description: 'Whether to output one entry per workflow node that ran (title, type, status, elapsed time, error)',
					},
				]
			: workflowOutputOptions),
		// Submitting a form starts no new run, so Dify's concurrency limit does not refuse it.
		...streamOptionFields.filter((field) => field.name !== 'maxBusyWait'),
	];
	return [
		formTokenField,
		{
			displayName: 'Action',
			name: 'action',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. approve',
			description:
				'The button to press, by its ID: one of the form\'s actions (pause.forms[0].actions in the paused output, or user_actions from Get)',
		},
		{
			displayName: 'Inputs (JSON)',
			name: 'inputs',
			type: 'json',
			default: '{}',
			description: 'Values for the form\'s inputs, keyed by output_variable_name, e.g. {"feedback": "Looks good"}',
		},
		fileInputsProperty('Files for the form\'s file and file-list inputs. Binary files are uploaded to Dify first, as the same User.'),
		{
			...userField,
			description: `${userField.description} To wait for the run, use the User that started it: Dify only streams a run to its own user.`,
		},
		{
			displayName: 'Wait for Run to Finish',
			name: 'waitForRun',
			type: 'boolean',
			default: false,
			description:
				'Whether to reattach to the run after submitting and output its final result (or its next pause) like the Run operation does. Off: output as soon as Dify accepted the answer; poll "Get Run" later.',
		},
		{
			displayName: 'Workflow Run ID',
			name: 'workflowRunId',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { waitForRun: [true] } },
			placeholder: 'e.g. fdb2ae5c-1f7e-4b0e-9a5c-2b8f0d8c6a11',
			description: 'The workflow_run_id of the paused run, as the paused output has it',
		},
		{ ...optionsCollection(options), displayOptions: { show: { waitForRun: [true] } } },
	];
}

async function execute(this: IExecuteFunctions, ctx: OperationContext) {
	const i = ctx.itemIndex;
	const target = targetOf(ctx.node);
	const token = getFormToken.call(this, i);
	const action = requireText.call(this, String(this.getNodeParameter('action', i) ?? '').trim(), 'Action', i);
	const user = getUser.call(this, i);
	const inputs = getJsonObject.call(this, 'inputs', i, 'Inputs (JSON)');
	await addFileInputs.call(this, target, i, user, inputs);
	const waitForRun = this.getNodeParameter('waitForRun', i, false) as boolean;
	// Read before submitting: a missing run ID must not leave an answered form with nobody waiting.
	const runId = waitForRun
		? requireId.call(this, String(this.getNodeParameter('workflowRunId', i, '') ?? '').trim(), 'Workflow Run ID', i)
		: undefined;

	await difyRequest.call(this, target, {
		method: 'POST',
		path: `/form/human_input/${encodeURIComponent(token)}`,
		body: { inputs, action, user },
		user,
		itemIndex: i,
	});
	if (!runId) return jsonItems({ form_token: token, action, submitted: true });

	// Reattach (docs/dify-behaviour.md, 'Reattaching to a run'): the stream continues after the pause and ends at workflow_finished or the next pause.
	const options = this.getNodeParameter('options', i, {}) as WorkflowOutputOptions;
	const settings = getStreamSettings.call(this, i);
	const req = {
		method: 'GET' as const,
		path: `/workflow/${encodeURIComponent(runId)}/events`,
		qs: { user },
		user,
		itemIndex: i,
	};
	if (ctx.node.family === 'chatflow') {
		const answer = new ChatAnswer();
		await readStream.call(this, target, req, 'chatflow', settings, answer, undefined);
		const failure = answer.failure;
		if (failure) {
			throw new NodeApiError(this.getNode(), { status: 'failed', message: failure }, {
				message: `Dify chatflow run failed: ${failure}`,
				description: `The chatflow run ${runId} continued after the form and one of its nodes failed. Open the run in Dify's logs for details.`,
				itemIndex: i,
			});
		}
		const json: IDataObject = answer.result({ includeThoughts: false, includeMessageFiles: false, includeNodeTrace: options.includeNodeTrace === true });
		json.workflow_run_id ??= runId;
		return jsonItems(json);
	}
	const result = newWorkflowResult(options);
	await readStream.call(this, target, req, 'workflow', settings, result, undefined);
	return await workflowItem.call(this, target, result, options, i);
}

export const submit: DifyOperation = {
	value: 'submit',
	name: 'Submit',
	action: 'Answer the form a paused run waits on',
	description: 'Submit a human input form (inputs and an action) so the paused run continues; optionally wait for the run to finish',
	properties,
	execute,
};
