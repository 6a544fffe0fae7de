import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { DIFY_MAX_PAGE_SIZE, asPage, collectBeforeCursor, collectPages } from '../../shared/transport/pagination';
import { difyRequest } from '../../shared/transport/request';
import { takeSince, toSeconds } from '../eventPages';
import { appTarget } from '../targets';
import type { DifyTriggerEvent } from '../types';

const MODES = ['chat', 'agent-chat', 'agent', 'advanced-chat', 'completion'];
const TARGET = appTarget(MODES);

/** Messages are only visible to their end user (docs/dify-behaviour.md, 'The user partition'), so the feedback's end user is looked up first. */
async function findMessage(this: IPollFunctions, feedback: IDataObject, sessions: Map<string, string>): Promise<IDataObject | null> {
	const endUserId = String(feedback.from_end_user_id ?? '');
	if (!endUserId || !feedback.conversation_id) return null;
	if (!sessions.has(endUserId)) {
		const endUser = await difyRequest.call(this, TARGET, { method: 'GET', path: `/end-users/${encodeURIComponent(endUserId)}` });
		sessions.set(endUserId, String(endUser.session_id ?? ''));
	}
	const user = sessions.get(endUserId)!;
	// The message is usually among the conversation's newest; a few pages back is plenty for feedback.
	const pages = await collectBeforeCursor(
		async (firstId, limit) =>
			asPage(await difyRequest.call(this, TARGET, { method: 'GET', path: '/messages', qs: { conversation_id: feedback.conversation_id, user, limit, ...(firstId ? { first_id: firstId } : {}) }, user })),
		{ returnAll: false, limit: 5 * DIFY_MAX_PAGE_SIZE, until: (page) => page.some((m) => m.id === feedback.message_id) },
	);
	return pages.find((m) => m.id === feedback.message_id) ?? null;
}

export const newFeedback: DifyTriggerEvent = {
	value: 'newFeedback',
	name: 'New Feedback',
	description: 'An end user rated an answer (like or dislike) in a Dify chat, chatflow or text generator app',
	credential: 'difyApi',
	appModes: MODES,
	overlapSeconds: 60,
	properties: [
		{
			displayName: 'Rating',
			name: 'rating',
			type: 'options',
			options: [
				{ name: 'Any', value: '' },
				{ name: 'Dislike', value: 'dislike' },
				{ name: 'Like', value: 'like' },
			],
			default: '',
			description: 'Only feedback with this rating',
		},
		{
			displayName: 'Include Message',
			name: 'includeMessage',
			type: 'boolean',
			default: true,
			description: 'Whether to add the rated message (question and answer; chat apps only, Dify does not list a text generator\'s messages). Costs two requests to Dify per feedback: its end user, then the conversation.',
		},
	],
	scope() {
		return String(this.getNodeParameter('rating', ''));
	},
	async fetch(request) {
		const rating = String(this.getNodeParameter('rating', ''));
		const rows = await collectPages(
			async (page, limit) => asPage(await difyRequest.call(this, TARGET, { method: 'GET', path: '/app/feedbacks', qs: { page, limit } })),
			takeSince(request, (row) => toSeconds(row.created_at)),
		);
		return rows
			.filter((row) => !rating || row.rating === rating)
			.map((row) => ({ id: String(row.id), at: toSeconds(row.created_at), final: true, json: { ...row } }));
	},
	async enrich(events) {
		if (!this.getNodeParameter('includeMessage', true)) return;
		// Dify's message history serves chat apps only; a text generator's messages cannot be read back.
		const info = await difyRequest.call(this, TARGET, { method: 'GET', path: '/info' });
		if (info.mode === 'completion') {
			for (const event of events) event.json.message = null;
			return;
		}
		const sessions = new Map<string, string>();
		for (const event of events) {
			const message = await findMessage.call(this, event.json, sessions);
			event.json.message = message ? { id: message.id, query: message.query, answer: message.answer, inputs: message.inputs, created_at: message.created_at } : null;
		}
	},
};
