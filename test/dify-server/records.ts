import { randomUUID } from 'node:crypto';
import { nowSeconds } from './http';
import type { AppRuntime, Conversation, EndUser, Message, MessageFile, ServerState } from './state';
import type { ResolvedFile } from './files';

/** Conversation titles are deterministic here (Dify asks an LLM when auto_generate_name is on). */
export function conversationName(query: string, autoGenerate: boolean): string {
	if (autoGenerate) {
		const words = query.trim().split(/\s+/).filter(Boolean).slice(0, 3).join(' ');
		return `Chat about ${words}`;
	}
	return `${[...query].slice(0, 20).join('')}…`;
}

/** Conversation variables are Python `str()` of the value in Dify (docs/dify-behaviour.md, 'Conversation variables'): mimic the literal style. */
export function pythonStr(value: unknown): string {
	if (value === null || value === undefined) return 'None';
	if (typeof value === 'string') return value;
	if (typeof value === 'boolean') return value ? 'True' : 'False';
	if (typeof value === 'number') return String(value);
	return pyRepr(value);
}

function pyRepr(value: unknown): string {
	if (value === null || value === undefined) return 'None';
	if (typeof value === 'boolean') return value ? 'True' : 'False';
	if (typeof value === 'number') return String(value);
	if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
	if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
	return `{${Object.entries(value as Record<string, unknown>)
		.map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`)
		.join(', ')}}`;
}

export function createConversation(
	state: ServerState,
	app: AppRuntime,
	user: EndUser,
	query: string,
	inputs: Record<string, unknown>,
	autoGenerateName: boolean,
): Conversation {
	const now = nowSeconds();
	const conversation: Conversation = {
		id: randomUUID(),
		appId: app.id,
		endUserId: user.id,
		name: conversationName(query, autoGenerateName),
		inputs,
		introduction: app.openingStatement ?? '',
		createdAt: now,
		updatedAt: now,
		seq: state.nextSeq(),
		variables: app.conversationVariables.map((v) => ({
			id: randomUUID(),
			name: v.name,
			valueType: v.value_type,
			value: structuredClone(v.value),
			description: v.description,
			createdAt: now,
			updatedAt: now,
		})),
	};
	state.conversations.set(conversation.id, conversation);
	return conversation;
}

/** A conversation visible to this app and user; anything else counts as not existing (docs/dify-behaviour.md, 'The user partition'). */
export function findConversation(state: ServerState, app: AppRuntime, user: EndUser | undefined, id: string) {
	const c = state.conversations.get(id);
	return c && user && c.appId === app.id && c.endUserId === user.id ? c : undefined;
}

export function findMessage(state: ServerState, app: AppRuntime, user: EndUser | undefined, id: string) {
	const m = state.messages.get(id);
	return m && user && m.appId === app.id && m.endUserId === user.id ? m : undefined;
}

export function userMessageFiles(files: ResolvedFile[]): MessageFile[] {
	return files.map((f) => ({
		id: randomUUID(),
		type: f.type,
		transferMethod: f.transferMethod,
		belongsTo: 'user',
		uploadFileId: f.upload?.id ?? null,
		remoteUrl: f.remoteUrl,
	}));
}

export function createMessage(
	state: ServerState,
	app: AppRuntime,
	user: EndUser,
	conversation: Conversation | null,
	query: string,
	inputs: Record<string, unknown>,
	files: ResolvedFile[],
): Message {
	const message: Message = {
		id: randomUUID(),
		appId: app.id,
		conversationId: conversation?.id ?? null,
		endUserId: user.id,
		query,
		answer: '',
		inputs,
		status: 'normal',
		error: null,
		createdAt: nowSeconds(),
		seq: state.nextSeq(),
		files: userMessageFiles(files),
		retrieverResources: [],
		agentThoughts: [],
		feedback: null,
		workflowRunId: null,
		usage: { promptTokens: 0, completionTokens: 0 },
	};
	state.messages.set(message.id, message);
	if (conversation) conversation.updatedAt = message.createdAt;
	return message;
}
