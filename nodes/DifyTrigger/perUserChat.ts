/** The per-user chat events' common part: Dify lists conversations and messages per end user only. */
import type { IDataObject, INodeProperties, IPollFunctions } from 'n8n-workflow';

import { DEFAULT_USER } from '../shared/helpers/common';
import { asPage, collectAfterCursor } from '../shared/transport/pagination';
import { difyRequest } from '../shared/transport/request';
import type { DifyTriggerEvent, FetchRequest } from './types';
import { takeSince } from './eventPages';
import { appTarget } from './targets';

export const CHAT_MODES = ['chat', 'agent-chat', 'agent', 'advanced-chat'];
export const TARGET = appTarget(CHAT_MODES);

const userField: INodeProperties = {
	displayName: 'User',
	name: 'user',
	type: 'string',
	default: DEFAULT_USER,
	required: true,
	description: 'The end-user ID whose conversations to watch: the User value of the Dify nodes that chat with the app. Dify lists conversations per user only.',
};

export function userOf(this: IPollFunctions): string {
	return String(this.getNodeParameter('user', DEFAULT_USER)).trim() || DEFAULT_USER;
}

/** The user's conversations, newest first by `sortBy`, back to `since` (a `last_id` cursor list). */
export async function conversationsSince(this: IPollFunctions, request: FetchRequest, sortBy: 'created_at' | 'updated_at'): Promise<IDataObject[]> {
	const user = userOf.call(this);
	return await collectAfterCursor(
		async (lastId, limit) =>
			asPage(await difyRequest.call(this, TARGET, { method: 'GET', path: '/conversations', qs: { user, limit, sort_by: `-${sortBy}`, ...(lastId ? { last_id: lastId } : {}) }, user })),
		takeSince(request, (c) => Number(c[sortBy])),
	);
}

/** What both chat events share: the app key of a chat app, and the User whose conversations to follow. */
export const perUser: Pick<DifyTriggerEvent, 'credential' | 'appModes' | 'overlapSeconds' | 'properties' | 'scope'> = {
	credential: 'difyApi',
	appModes: CHAT_MODES,
	overlapSeconds: 60,
	properties: [userField],
	scope() {
		return userOf.call(this);
	},
};
