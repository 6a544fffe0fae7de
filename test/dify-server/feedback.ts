import { randomUUID } from 'node:crypto';
import type { Ctx, Router } from './http';
import { invalidParam, notFound, pydanticError, queryInt, readJsonObject } from './http';
import { findMessage } from './records';
import type { Feedback } from './state';
import { endUserFor, requireUserArg } from './users';

async function rate(ctx: Ctx): Promise<void> {
	const body = readJsonObject(ctx);
	const userArg = requireUserArg(body.user);
	const rating = body.rating ?? null;
	if (rating !== null && rating !== 'like' && rating !== 'dislike') {
		throw pydanticError('MessageFeedbackPayload', 'rating', "Input should be 'like' or 'dislike'", 'literal_error', rating);
	}
	const user = endUserFor(ctx.state, ctx.app!, userArg);
	const message = findMessage(ctx.state, ctx.app!, user, ctx.params.message_id);
	if (!message) throw notFound('Message Not Exists.');
	const now = new Date();
	if (rating === null) {
		if (!message.feedback) throw invalidParam('rating cannot be None when feedback not exists');
		ctx.state.feedbacks = ctx.state.feedbacks.filter((f) => f !== message.feedback);
		message.feedback = null;
	} else if (message.feedback) {
		Object.assign(message.feedback, { rating, content: typeof body.content === 'string' ? body.content : null, updatedAt: now });
	} else {
		const feedback: Feedback = {
			id: randomUUID(),
			appId: ctx.app!.id,
			conversationId: message.conversationId,
			messageId: message.id,
			rating,
			content: typeof body.content === 'string' ? body.content : null,
			endUserId: user.id,
			createdAt: now,
			updatedAt: now,
		};
		message.feedback = feedback;
		ctx.state.feedbacks.push(feedback);
	}
	await ctx.out.json(200, { result: 'success' });
}

/** App-wide feedback list (docs/dify-behaviour.md, 'Feedback'): ISO timestamps, limit up to 101, and only `{data}`. */
function list(ctx: Ctx) {
	const page = queryInt(ctx, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
	const limit = queryInt(ctx, 'limit', 20, 1, 101);
	const rows = ctx.state.feedbacks.filter((f) => f.appId === ctx.app!.id).reverse();
	const data = rows.slice((page - 1) * limit, page * limit).map((f) => ({
		id: f.id,
		app_id: f.appId,
		conversation_id: f.conversationId,
		message_id: f.messageId,
		rating: f.rating,
		content: f.content,
		from_source: 'user',
		from_end_user_id: f.endUserId,
		from_account_id: null,
		created_at: f.createdAt.toISOString(),
		updated_at: f.updatedAt.toISOString(),
	}));
	return ctx.out.json(200, { data });
}

export function registerFeedbackRoutes(router: Router): void {
	router.add('POST', '/messages/{message_id:uuid}/feedbacks', 'app', rate);
	router.add('GET', '/app/feedbacks', 'app', list);
}
