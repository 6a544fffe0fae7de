import type { IDataObject, INodeProperties, IPollFunctions } from 'n8n-workflow';

import { DEFAULT_USER } from '../actions/common';
import { asPage, collectAfterCursor, collectBeforeCursor } from '../transport/pagination';
import { difyRequest } from '../transport/request';
import { PAGE_SIZE, takeSince } from './pages';
import type { DifyTriggerEvent, FetchRequest } from './types';

const TARGET = { credential: 'difyApi' as const, nodeDisplayName: 'Dify Trigger' };
const CHAT_MODES = ['chat', 'agent-chat', 'agent', 'advanced-chat'];

const userField: INodeProperties = {
	displayName: 'User',
	name: 'user',
	type: 'string',
	default: DEFAULT_USER,
	required: true,
	description: 'The end-user ID whose conversations to watch: the User value of the Dify nodes that chat with the app. Dify lists conversations per user only.',
};

function userOf(this: IPollFunctions): string {
	return String(this.getNodeParameter('user', DEFAULT_USER)).trim() || DEFAULT_USER;
}

/** The user's conversations, newest first by `sortBy`, back to `since` (a `last_id` cursor list). */
async function conversationsSince(this: IPollFunctions, request: FetchRequest, sortBy: 'created_at' | 'updated_at'): Promise<IDataObject[]> {
	const user = userOf.call(this);
	return await collectAfterCursor(
		async (lastId, limit) =>
			asPage(await difyRequest.call(this, TARGET, { method: 'GET', path: '/conversations', qs: { user, limit, sort_by: `-${sortBy}`, ...(lastId ? { last_id: lastId } : {}) }, user })),
		takeSince(request, (c) => Number(c[sortBy])),
		PAGE_SIZE,
	);
}

/** What both chat events share: the app key of a chat app, and the User whose conversations to follow. */
const perUser: Pick<DifyTriggerEvent, 'credential' | 'appModes' | 'overlapSeconds' | 'properties' | 'scope'> = {
	credential: 'difyApi',
	appModes: CHAT_MODES,
	overlapSeconds: 60,
	properties: [userField],
	scope() {
		return userOf.call(this);
	},
};

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
				PAGE_SIZE,
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
