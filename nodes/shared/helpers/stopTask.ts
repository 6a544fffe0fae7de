import { difyRequest } from '../transport/request';
import type { DifyNodeSpec, DifyOperation } from '../types';
import { getUser, jsonItems, requireId, targetOf, userField } from './common';
import { stopRequestFor } from './generate';

/** Message / Stop and Workflow / Stop: the same call on the family's stop endpoint (docs/dify-behaviour.md, 'Stopping a task'). */
export function stopTaskOperation(spec: {
	action: string;
	description: string;
	taskIdDescription: string;
	userDescription: string;
	base: (node: DifyNodeSpec) => string;
}): DifyOperation {
	return {
		value: 'stop',
		name: 'Stop',
		action: spec.action,
		description: spec.description,
		properties: [
			{
				displayName: 'Task ID',
				name: 'taskId',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'e.g. c3800678-a077-43df-a102-53f23ed20b88',
				description: spec.taskIdDescription,
			},
			{ ...userField, description: spec.userDescription },
		],
		async execute(ctx) {
			const i = ctx.itemIndex;
			const user = getUser.call(this, i);
			const taskId = requireId.call(this, String(this.getNodeParameter('taskId', i) ?? '').trim(), 'Task ID', i);
			const result = await difyRequest.call(this, targetOf(ctx.node), { ...stopRequestFor(spec.base(ctx.node), user)(taskId), itemIndex: i });
			// Dify answers {"result": "success"} even for a task that already ended or belongs to another user.
			return jsonItems({ ...result, task_id: taskId });
		},
	};
}
