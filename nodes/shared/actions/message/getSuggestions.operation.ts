import { getUser, jsonItems, requireId, targetOf, userField } from '../../helpers/common';
import { difyRequest } from '../../transport/request';
import type { DifyOperation } from '../../types';

export const getSuggestions: DifyOperation = {
	value: 'getSuggestions',
	name: 'Get Suggestions',
	action: 'Get suggested next questions',
	description: 'Get the questions Dify suggests after an answer (the app must have "Follow-up" suggestions on)',
	properties: [
		{
			displayName: 'Message ID',
			name: 'messageId',
			type: 'string',
			default: '',
			required: true,
			description: 'The message_id of an answer',
		},
		{ ...userField, description: 'The User that owns the message' },
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const user = getUser.call(this, i);
		const messageId = requireId.call(this, (this.getNodeParameter('messageId', i) as string).trim(), 'Message ID', i);
		const result = await difyRequest.call(this, targetOf(ctx.node), {
			method: 'GET',
			path: `/messages/${encodeURIComponent(messageId)}/suggested`,
			qs: { user },
			user,
			itemIndex: i,
		});
		return jsonItems({ message_id: messageId, suggestions: (result.data as string[] | undefined) ?? [] });
	},
};
