import { stopTaskOperation } from '../../helpers/stopTask';

export const stop = stopTaskOperation({
	action: 'Stop a message being generated',
	description: 'Stop a streaming answer by its task ID (from the first streamed event)',
	taskIdDescription: 'The task_id of the running generation, as output by a streaming Send',
	userDescription: 'Must be the User that started the generation: Dify silently ignores a stop from another user',
	base: (node) => (node.family === 'completion' ? '/completion-messages' : '/chat-messages'),
});
