import { getUser, jsonItems, locatorValue, requireId, targetOf, userField } from '../../helpers/common';
import { difyRequest } from '../../transport/request';
import type { DifyOperation } from '../../types';
import { conversationLocator } from './fields';

export const deleteConversation: DifyOperation = {
	value: 'delete',
	name: 'Delete',
	action: 'Delete a conversation',
	description: 'Delete a conversation and its messages',
	properties: [conversationLocator({ required: true, description: 'The conversation to delete' }), { ...userField, description: 'The User that owns the conversation' }],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const user = getUser.call(this, i);
		const id = requireId.call(this, locatorValue.call(this, 'conversationId', i), 'Conversation', i);
		// Dify parses a JSON body on this DELETE: without {"user"} it answers 415/400 (docs/dify-behaviour.md, 'Request bodies').
		await difyRequest.call(this, targetOf(ctx.node), { method: 'DELETE', path: `/conversations/${encodeURIComponent(id)}`, body: { user }, user, itemIndex: i });
		return jsonItems({ deleted: true, conversation_id: id });
	},
};
