import type { DifyOperation } from '../../types';
import { difyRequest } from '../../transport/request';
import { getUser, jsonItems, requireId, targetOf, userField } from '../common';

export const stop: DifyOperation = {
	value: 'stop',
	name: 'Stop',
	action: 'Stop a message being generated',
	description: 'Stop a streaming answer by its task ID (from the first streamed event)',
	properties: [
		{
			displayName: 'Task ID',
			name: 'taskId',
			type: 'string',
			default: '',
			required: true,
			description: 'The task_id of the running generation, as output by a streaming Send',
		},
		{
			...userField,
			description: 'Must be the User that started the generation: Dify silently ignores a stop from another user',
		},
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const user = getUser.call(this, i);
		const taskId = requireId.call(this, (this.getNodeParameter('taskId', i) as string).trim(), 'Task ID', i);
		const base = ctx.node.family === 'completion' ? '/completion-messages' : '/chat-messages';
		const result = await difyRequest.call(this, targetOf(ctx.node), {
			method: 'POST',
			path: `${base}/${encodeURIComponent(taskId)}/stop`,
			body: { user },
			user,
			itemIndex: i,
		});
		return jsonItems({ ...result, task_id: taskId });
	},
};
