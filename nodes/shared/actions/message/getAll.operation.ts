import { getUser, jsonItems, locatorValue, requireId, targetOf, userField } from '../../helpers/common';
import { getTake, returnAllFields } from '../../helpers/listFields';
import { asPage, collectBeforeCursor } from '../../transport/pagination';
import { difyRequest } from '../../transport/request';
import type { DifyOperation } from '../../types';
import { conversationLocator } from '../conversation/fields';

export const getAll: DifyOperation = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many messages of a conversation',
	description: 'Get the message history of a conversation, newest first',
	properties: [
		conversationLocator({ required: true, description: 'The conversation whose messages to get' }),
		{ ...userField, description: 'The User that owns the conversation (Dify hides other users\' conversations)' },
		...returnAllFields(),
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const user = getUser.call(this, i);
		const conversationId = requireId.call(this, locatorValue.call(this, 'conversationId', i), 'Conversation', i);
		const messages = await collectBeforeCursor(
			async (firstId, limit) =>
				asPage(
					await difyRequest.call(this, targetOf(ctx.node), {
					method: 'GET',
					path: '/messages',
					qs: { conversation_id: conversationId, user, limit, ...(firstId ? { first_id: firstId } : {}) },
					user,
						itemIndex: i,
					}),
				),
			getTake.call(this, i),
		);
		return jsonItems(messages);
	},
};
