import type { Ctx, Router } from './http';
import { badRequest, invalidParam, isUuid, notChatApp, notFound, queryInt } from './http';
import { findConversation, findMessage } from './records';
import type { Message, ServerState } from './state';
import { CHAT_MODES } from './chat';
import { signedFileUrl } from './files';
import { findEndUser, optionalUserArg, requireUserArg } from './users';

function messageView(state: ServerState, m: Message, previous: Message | undefined) {
	return {
		id: m.id,
		conversation_id: m.conversationId,
		parent_message_id: previous?.id ?? null,
		inputs: m.inputs,
		query: m.query,
		answer: m.answer,
		message_files: m.files.map((f) => {
			const upload = f.uploadFileId ? state.files.get(f.uploadFileId) : undefined;
			return {
				id: f.id,
				filename: upload?.name ?? '',
				type: f.type,
				url: upload ? signedFileUrl(state, upload.id) : f.remoteUrl,
				mime_type: upload?.mimeType ?? null,
				size: upload?.size ?? null,
				transfer_method: f.transferMethod,
				belongs_to: f.belongsTo,
				upload_file_id: f.uploadFileId,
			};
		}),
		feedback: m.feedback ? { rating: m.feedback.rating } : null,
		retriever_resources: m.retrieverResources.map((r) => ({ ...r, id: r.segment_id, message_id: m.id, created_at: m.createdAt })),
		agent_thoughts: m.agentThoughts.map((t) => ({
			id: t.id,
			chain_id: null,
			message_id: m.id,
			position: t.position,
			thought: t.thought,
			tool: t.tool,
			tool_labels: t.tool ? { [t.tool]: { en_US: 'Calculator', zh_Hans: '计算器' } } : {},
			tool_input: t.toolInput,
			created_at: t.createdAt,
			observation: t.observation,
			files: [],
		})),
		status: m.status,
		error: m.error,
		extra_contents: [],
		created_at: m.createdAt,
	};
}

/** History (docs/dify-behaviour.md, 'Messages', 'Pagination'): the newest `limit` messages older than `first_id`, returned oldest → newest. */
function history(ctx: Ctx) {
	if (!CHAT_MODES.includes(ctx.app!.mode)) throw notChatApp();
	const conversationId = ctx.query.get('conversation_id');
	if (conversationId === null) throw invalidParam('1 validation error for MessageListQuery\nconversation_id\n  Field required [type=missing]');
	const limit = queryInt(ctx, 'limit', 20, 1, 100);
	if (conversationId === '') return ctx.out.json(200, { limit, has_more: false, data: [] });
	if (!isUuid(conversationId)) throw invalidParam('conversation_id: Input should be a valid UUID');
	const user = findEndUser(ctx.state, ctx.app!, optionalUserArg(ctx.query.get('user')));
	const conversation = findConversation(ctx.state, ctx.app!, user, conversationId);
	if (!conversation) throw notFound('Conversation Not Exists.');
	const all = [...ctx.state.messages.values()].filter((m) => m.conversationId === conversation.id).sort((a, b) => a.seq - b.seq);
	let older = all;
	const firstId = ctx.query.get('first_id');
	if (firstId) {
		const index = all.findIndex((m) => m.id === firstId);
		if (index < 0) throw notFound('First Message Not Exists.');
		older = all.slice(0, index);
	}
	const page = older.slice(Math.max(0, older.length - limit));
	const data = page.map((m) => messageView(ctx.state, m, all[all.indexOf(m) - 1]));
	return ctx.out.json(200, { limit, has_more: older.length > page.length, data });
}

function suggested(ctx: Ctx) {
	const userArg = requireUserArg(ctx.query.get('user') ?? undefined);
	if (!CHAT_MODES.includes(ctx.app!.mode)) throw notChatApp();
	const message = findMessage(ctx.state, ctx.app!, findEndUser(ctx.state, ctx.app!, userArg), ctx.params.message_id);
	if (!message) throw notFound('Message Not Exists.');
	if (!ctx.app!.features.suggestedQuestions) throw badRequest('Suggested Questions Is Disabled.');
	const topic = message.query.split(/\s+/).slice(0, 3).join(' ');
	return ctx.out.json(200, {
		result: 'success',
		data: [`Can you tell me more about ${topic}?`, `Why does ${topic} matter?`, `What should I do next?`],
	});
}

export function registerMessageRoutes(router: Router): void {
	router.add('GET', '/messages', 'app', history);
	router.add('GET', '/messages/{message_id:uuid}/suggested', 'app', suggested);
}
