import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getUser, optionsCollection, targetOf, userField } from '../../helpers/common';
import { generate, stopRequestFor } from '../../helpers/generate';
import { getInputs, inputsProperties } from '../../helpers/inputs';
import { workflowReattach } from '../../helpers/reattachPlans';
import { reattachOptionField, responseModeField, streamOptionFields } from '../../helpers/streamOptions';
import {
	newWorkflowResult,
	workflowItem,
	workflowOutputOptions,
	type WorkflowOutputOptions,
} from '../../helpers/workflowExecution';
import { addFileInputs, fileInputsProperty } from '../../helpers/workflowFileInputs';
import type { DifyOperation, OperationContext } from '../../types';

const options: INodeProperties[] = [
	...workflowOutputOptions,
	...streamOptionFields.map((field) =>
		field.name === 'streamToChat'
			? {
					...field,
					description:
						'Whether to forward the text the workflow streams (End/Answer text chunks) when the workflow was started by a Chat Trigger or a Webhook in "Streaming" response mode',
				}
			: field,
	),
	reattachOptionField,
	{
		displayName: 'Workflow Version ID',
		name: 'workflowId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 5d4a2b52-1a4e-4c8b-9d2e-7f1c3b2a9e10',
		description:
			'Run this published version of the workflow instead of the latest one (POST /workflows/{workflow_id}/run). Find version IDs in the app\'s version history in Dify.',
	},
];

const properties: INodeProperties[] = [
	...inputsProperties(
		'Values for the variables of the workflow\'s Start node, keyed by variable name, e.g. {"text": "Hello"}. Use "File Inputs" for file variables.',
	),
	fileInputsProperty(
		'Files for the file and file-list variables of the Start node. Binary files are uploaded to Dify first, as the same User as the run (Dify refuses files of other users).',
	),
	userField,
	responseModeField,
	optionsCollection(options),
];

interface RunOptions extends WorkflowOutputOptions {
	workflowId?: string;
}

async function execute(this: IExecuteFunctions, ctx: OperationContext) {
	const i = ctx.itemIndex;
	const target = targetOf(ctx.node);
	const user = getUser.call(this, i);
	const options = this.getNodeParameter('options', i, {}) as RunOptions;
	const responseMode = this.getNodeParameter('responseMode', i, 'streaming') as 'streaming' | 'blocking';
	const inputs = getInputs.call(this, i);
	await addFileInputs.call(this, target, i, user, inputs);
	const workflowId = options.workflowId?.trim();
	const path = workflowId ? `/workflows/${encodeURIComponent(workflowId)}/run` : '/workflows/run';
	const req = { method: 'POST' as const, path, body: { inputs, user, response_mode: responseMode }, user, itemIndex: i };
	const result = newWorkflowResult(options);
	await generate.call(this, target, req, responseMode, 'workflow', result, stopRequestFor('/workflows/tasks', user), options, workflowReattach(target, result, i));
	return await workflowItem.call(this, target, result, options, i);
}

export const run: DifyOperation = {
	value: 'run',
	name: 'Run',
	action: 'Run a Dify workflow',
	description: 'Run the workflow with inputs and files and get its outputs (streamed from Dify, so long runs work)',
	properties,
	execute,
};
