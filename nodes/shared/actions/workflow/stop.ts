import type { DifyOperation } from '../../types';
import { difyRequest } from '../../transport/request';
import { getUser, jsonItems, requireId, targetOf, userField } from '../common';
import { workflowStopRequest } from './execution';

export const stop: DifyOperation = {
	value: 'stop',
	name: 'Stop',
	action: 'Stop a running Dify workflow',
	description: 'Stop a workflow run that is still running, by the task ID its run reported',
	properties: [
		{
			displayName: 'Task ID',
			name: 'taskId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. c3800678-a077-43df-a102-53f23ed20b88',
			description:
				'The task_id of the run (the Run operation outputs it; a streaming run knows it from its first event). It is not the workflow_run_id.',
		},
		userField,
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const taskId = requireId.call(this, String(this.getNodeParameter('taskId', i) ?? '').trim(), 'Task ID', i);
		const user = getUser.call(this, i);
		const body = await difyRequest.call(this, targetOf(ctx.node), { ...workflowStopRequest(user)(taskId), itemIndex: i });
		// Dify answers {"result": "success"} even for a task that already ended (§2.3).
		return jsonItems({ task_id: taskId, ...body });
	},
};
