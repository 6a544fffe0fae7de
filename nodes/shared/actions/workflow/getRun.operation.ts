import { jsonItems, requireId, targetOf } from '../../helpers/common';
import { getRunDetail } from '../../helpers/workflowRuns';
import type { DifyOperation } from '../../types';

export const getRun: DifyOperation = {
	value: 'getRun',
	name: 'Get Run',
	action: 'Get the status and outputs of a workflow run',
	description: 'Get a workflow run by ID: status, inputs, outputs, error, tokens and timing. Poll it to follow a long or paused run.',
	properties: [
		{
			displayName: 'Workflow Run ID',
			name: 'workflowRunId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. fdb2ae5c-1f7e-4b0e-9a5c-2b8f0d8c6a11',
			description: 'The workflow_run_id output by the Run operation (or found with Get Logs)',
		},
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const id = requireId.call(this, String(this.getNodeParameter('workflowRunId', i) ?? '').trim(), 'Workflow Run ID', i);
		return jsonItems(await getRunDetail.call(this, targetOf(ctx.node), id, i));
	},
};
