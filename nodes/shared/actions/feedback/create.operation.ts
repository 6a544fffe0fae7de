import { getUser, jsonItems, requireId, targetOf, userField } from '../../helpers/common';
import { difyRequest } from '../../transport/request';
import type { DifyOperation } from '../../types';

export const create: DifyOperation = {
	value: 'create',
	name: 'Create',
	action: 'Rate a message',
	description: 'Like or dislike an answer, or clear the rating',
	properties: [
		{ displayName: 'Message ID', name: 'messageId', type: 'string', default: '', required: true, description: 'The message_id of the answer to rate' },
		{
			displayName: 'Rating',
			name: 'rating',
			type: 'options',
			options: [
				{ name: 'Clear', value: 'clear', description: 'Remove the rating given before' },
				{ name: 'Dislike', value: 'dislike' },
				{ name: 'Like', value: 'like' },
			],
			default: 'like',
		},
		{
			displayName: 'Content',
			name: 'content',
			type: 'string',
			typeOptions: { rows: 2 },
			default: '',
			description: 'Optional written feedback',
		},
		{ ...userField, description: 'The User that owns the message (Dify answers "Message Not Exists" for others)' },
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const user = getUser.call(this, i);
		const messageId = requireId.call(this, (this.getNodeParameter('messageId', i) as string).trim(), 'Message ID', i);
		const rating = this.getNodeParameter('rating', i) as string;
		const content = this.getNodeParameter('content', i, '') as string;
		const result = await difyRequest.call(this, targetOf(ctx.node), {
			method: 'POST',
			path: `/messages/${encodeURIComponent(messageId)}/feedbacks`,
			body: { rating: rating === 'clear' ? null : rating, user, ...(content ? { content } : {}) },
			user,
			itemIndex: i,
		});
		return jsonItems({ ...result, message_id: messageId, rating: rating === 'clear' ? null : rating });
	},
};
