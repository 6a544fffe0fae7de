
import { conversationsSince, perUser, userOf } from '../perUserChat';
import type { DifyTriggerEvent } from '../types';

export const newConversation: DifyTriggerEvent = {
	...perUser,
	value: 'newConversation',
	name: 'New Conversation',
	description: 'An end user started a conversation with a Dify chat or chatflow app',
	async fetch(request) {
		const rows = await conversationsSince.call(this, request, 'created_at');
		return rows.map((c) => ({ id: String(c.id), at: Number(c.created_at), final: true, json: { ...c, user: userOf.call(this) } }));
	},
};
