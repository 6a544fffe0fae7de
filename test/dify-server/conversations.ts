import type { Ctx, Router } from './http';
import { badRequest, HttpError, invalidParam, isUuid, notChatApp, notFound, nowSeconds, queryInt, readJsonObject } from './http';
import { conversationName, findConversation, pythonStr } from './records';
import type { Conversation, ConversationVariable } from './state';
import { CHAT_MODES } from './chat';
import { endUserFor, findEndUser, optionalUserArg } from './users';

const VARIABLE_MODES = ['chat', 'agent-chat', 'advanced-chat'];
const SORTS = ['created_at', '-created_at', 'updated_at', '-updated_at'];

export const conversationView = (c: Conversation) => ({
	id: c.id,
	name: c.name,
	inputs: c.inputs,
	status: 'normal',
	introduction: c.introduction,
	created_at: c.createdAt,
	updated_at: c.updatedAt,
});

const variableView = (v: ConversationVariable) => ({
	id: v.id,
	name: v.name,
	value_type: v.valueType,
	value: pythonStr(v.value),
	description: v.description,
	created_at: v.createdAt,
	updated_at: v.updatedAt,
});

function requireMode(ctx: Ctx, modes: string[]): void {
	if (!modes.includes(ctx.app!.mode)) throw notChatApp();
}

function list(ctx: Ctx) {
	requireMode(ctx, CHAT_MODES);
	const limit = queryInt(ctx, 'limit', 20, 1, 100);
	const sortBy = ctx.query.get('sort_by') ?? '-updated_at';
	if (!SORTS.includes(sortBy)) throw invalidParam(`sort_by: Input should be ${SORTS.map((s) => `'${s}'`).join(', ')}`);
	const lastId = ctx.query.get('last_id');
	if (lastId && !isUuid(lastId)) throw invalidParam('last_id: Input should be a valid UUID');
	const user = findEndUser(ctx.state, ctx.app!, optionalUserArg(ctx.query.get('user')));
	const field = sortBy.replace('-', '') === 'created_at' ? 'createdAt' : 'updatedAt';
	const desc = sortBy.startsWith('-');
	let rows = [...ctx.state.conversations.values()]
		.filter((c) => user && c.appId === ctx.app!.id && c.endUserId === user.id)
		.sort((a, b) => (desc ? b[field] - a[field] || b.seq - a.seq : a[field] - b[field] || a.seq - b.seq));
	if (lastId) {
		const index = rows.findIndex((c) => c.id === lastId);
		if (index < 0) throw notFound('Last Conversation Not Exists.');
		rows = rows.slice(index + 1);
	}
	return ctx.out.json(200, { limit, has_more: rows.length > limit, data: rows.slice(0, limit).map(conversationView) });
}

function owned(ctx: Ctx, userArg: unknown): Conversation {
	const user = findEndUser(ctx.state, ctx.app!, optionalUserArg(userArg));
	const c = findConversation(ctx.state, ctx.app!, user, ctx.params.conversation_id);
	if (!c) throw notFound('Conversation Not Exists.');
	return c;
}

function typeName(value: unknown): string {
	if (value === null) return 'NoneType';
	if (Array.isArray(value)) return 'list';
	if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
	return { string: 'str', boolean: 'bool', object: 'dict' }[typeof value as string] ?? typeof value;
}

function matchesType(valueType: string, value: unknown): boolean {
	switch (valueType) {
		case 'string':
		case 'secret':
			return typeof value === 'string';
		case 'number':
			return typeof value === 'number';
		case 'boolean':
			return typeof value === 'boolean';
		case 'object':
			return value !== null && typeof value === 'object' && !Array.isArray(value);
		case 'array[string]':
			return Array.isArray(value) && value.every((v) => typeof v === 'string');
		case 'array[number]':
			return Array.isArray(value) && value.every((v) => typeof v === 'number');
		default:
			return Array.isArray(value) || valueType === 'file';
	}
}

export function registerConversationRoutes(router: Router): void {
	router.add('GET', '/conversations', 'app', list);

	router.add('DELETE', '/conversations/{conversation_id:uuid}', 'app', (ctx) => {
		const body = readJsonObject(ctx);
		requireMode(ctx, CHAT_MODES);
		const c = owned(ctx, body.user);
		ctx.state.conversations.delete(c.id);
		for (const [id, m] of ctx.state.messages) if (m.conversationId === c.id) ctx.state.messages.delete(id);
		return ctx.out.empty(204);
	});

	router.add('POST', '/conversations/{conversation_id:uuid}/name', 'app', (ctx) => {
		const body = readJsonObject(ctx);
		requireMode(ctx, CHAT_MODES);
		const autoGenerate = body.auto_generate === true;
		const name = typeof body.name === 'string' ? body.name.trim() : '';
		if (!autoGenerate && !name) throw invalidParam('name is required when auto_generate is false');
		endUserFor(ctx.state, ctx.app!, optionalUserArg(body.user));
		const c = owned(ctx, body.user);
		if (autoGenerate) {
			const first = [...ctx.state.messages.values()].filter((m) => m.conversationId === c.id).sort((a, b) => a.seq - b.seq)[0];
			if (!first) throw invalidParam('');
			c.name = conversationName(first.query, true);
		} else {
			c.name = name;
		}
		c.updatedAt = nowSeconds();
		return ctx.out.json(200, conversationView(c));
	});

	router.add('GET', '/conversations/{conversation_id:uuid}/variables', 'app', (ctx) => {
		requireMode(ctx, VARIABLE_MODES);
		const limit = queryInt(ctx, 'limit', 20, 1, 100);
		const nameFilter = ctx.query.get('variable_name');
		if (nameFilter !== null && !/^[A-Za-z0-9_.-]{1,255}$/.test(nameFilter)) {
			throw invalidParam('variable_name: String should match pattern \'^[a-zA-Z0-9_.-]+$\'');
		}
		const c = owned(ctx, ctx.query.get('user'));
		let rows = c.variables.filter((v) => !nameFilter || v.name.toLowerCase().includes(nameFilter.toLowerCase()));
		const lastId = ctx.query.get('last_id');
		if (lastId) {
			const index = rows.findIndex((v) => v.id === lastId);
			// Dify answers an unknown variables cursor with an empty-message ValueError.
			if (index < 0) throw invalidParam('');
			rows = rows.slice(index + 1);
		}
		return ctx.out.json(200, { limit, has_more: rows.length > limit, data: rows.slice(0, limit).map(variableView) });
	});

	router.add('PUT', '/conversations/{conversation_id:uuid}/variables/{variable_id:uuid}', 'app', (ctx) => {
		const body = readJsonObject(ctx);
		requireMode(ctx, VARIABLE_MODES);
		if (!('value' in body)) throw invalidParam('1 validation error for ConversationVariableUpdatePayload\nvalue\n  Field required [type=missing]');
		const c = owned(ctx, body.user);
		const variable = c.variables.find((v) => v.id === ctx.params.variable_id);
		if (!variable) throw new HttpError(404, 'not_found', 'Conversation Variable Not Exists.');
		if (!matchesType(variable.valueType, body.value)) {
			throw badRequest(`Type mismatch: variable '${variable.name}' expects ${variable.valueType}, but got ${typeName(body.value)}`);
		}
		variable.value = body.value;
		variable.updatedAt = nowSeconds();
		return ctx.out.json(200, variableView(variable));
	});
}
