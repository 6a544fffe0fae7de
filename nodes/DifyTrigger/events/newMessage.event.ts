import type { IDataObject } from 'n8n-workflow';

import { asPage, collectBeforeCursor } from '../../shared/transport/pagination';
import { difyRequest } from '../../shared/transport/request';
import { takeSince } from '../eventPages';
import { conversationsSince, perUser, TARGET, userOf } from '../perUserChat';
import type { DifyTriggerEvent } from '../types';

/** An answer still being generated has no text yet; it becomes an event once Dify has written it. */
function isAnswered(message: IDataObject): boolean {
	return String(message.answer ?? '') !== '' || (message.status !== undefined && message.status !== 'normal');
}

export const newMessage: DifyTriggerEvent = {
	...perUser,
	value: 'newMessage',
	name: 'New Message',
	description: 'A question was answered in a conversation of an end user with a Dify chat or chatflow app',
	async fetch(request) {
		const user = userOf.call(this);
		const conversations = await conversationsSince.call(this, request, 'updated_at');
		const out: ReturnType<typeof toEvent>[] = [];
		for (const conversation of conversations) {
			if (request.since !== undefined && Number(conversation.updated_at) < request.since) continue;
			// Newest messages first, back to the cursor (the first page only for a first look).
			const messages = await collectBeforeCursor(
				async (firstId, limit) =>
					asPage(await difyRequest.call(this, TARGET, { method: 'GET', path: '/messages', qs: { conversation_id: conversation.id, user, limit, ...(firstId ? { first_id: firstId } : {}) }, user })),
				takeSince(request, (m) => Number(m.created_at)),
			);
			out.push(...messages.map((m) => toEvent(m, conversation, user)));
			if (request.firstPageOnly) break;
		}
		return out.sort((a, b) => b.at - a.at);
	},
};

function toEvent(message: IDataObject, conversation: IDataObject, user: string) {
	return {
		id: String(message.id),
		at: Number(message.created_at),
		final: isAnswered(message),
		json: {
			id: message.id,
			conversation_id: message.conversation_id,
			conversation_name: conversation.name,
			user,
			query: message.query,
			answer: message.answer,
			inputs: message.inputs,
			status: message.status,
			error: message.error ?? null,
			message_files: message.message_files,
			feedback: message.feedback ?? null,
			created_at: message.created_at,
		} as IDataObject,
	};
}
