import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunChannel, type Frame } from './channel';
import type { Ctx, Router } from './http';
import { badRequest, invalidParam, isUuid, notChatApp, notFound, nowSeconds, pydanticError, readJsonObject } from './http';
import { createTask, retrieverResource, responseMode, splitDeltas, tick, tokensOf, usage } from './generation';
import { validateInputs } from './inputs';
import { resolveFileMapping, signedFileUrl, type ResolvedFile } from './files';
import { createConversation, createMessage, findConversation } from './records';
import type { AgentThought, AppRuntime, Conversation, EndUser, Message, ServerState, Task } from './state';
import { ACCOUNT } from './state';
import { chatErrorEnvelope, pipeFrames, SseStream } from './sse';
import { endUserFor, requireUserArg } from './users';
import { startChatflow, validateWorkflowId } from './chatflow';
import { matchAnnotation } from './annotations';
import { retrieveExternalKnowledge } from './difyClient';
import type { ExternalKnowledgeBinding } from './types';

export const CHAT_MODES = ['chat', 'agent-chat', 'agent', 'advanced-chat'];

export interface ChatRequest {
	query: string;
	inputs: Record<string, unknown>;
	mode: 'streaming' | 'blocking';
	conversationId: string | null;
	autoGenerateName: boolean;
	rawFiles: unknown[];
	workflowId: string | null;
}

function parseChatRequest(app: AppRuntime, body: Record<string, unknown>): ChatRequest {
	const { query, inputs } = body;
	if (query === undefined) throw pydanticError('ChatRequestPayload', 'query', 'Field required', 'missing', body);
	if (typeof query !== 'string') throw pydanticError('ChatRequestPayload', 'query', 'Input should be a valid string', 'string_type', query);
	if (inputs === undefined) throw pydanticError('ChatRequestPayload', 'inputs', 'Field required', 'missing', body);
	if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) {
		throw pydanticError('ChatRequestPayload', 'inputs', 'Input should be a valid dictionary', 'dict_type', inputs);
	}
	const rawMode = body.response_mode;
	if (rawMode !== undefined && rawMode !== null && responseMode(rawMode) === undefined) {
		throw pydanticError('ChatRequestPayload', 'response_mode', "Input should be 'blocking' or 'streaming'", 'literal_error', rawMode);
	}
	const conv = body.conversation_id;
	if (conv !== undefined && conv !== null && conv !== '' && !isUuid(conv)) {
		throw invalidParam('conversation_id must be a valid UUID');
	}
	if (body.files !== undefined && body.files !== null && !Array.isArray(body.files)) {
		throw pydanticError('ChatRequestPayload', 'files', 'Input should be a valid list', 'list_type', body.files);
	}
	if (query.trim() === '') throw invalidParam('query is required');

	// Per mode: agent-chat has no blocking at all, New Agent has no blocking but defaults to streaming.
	let mode = responseMode(rawMode);
	if (app.mode === 'agent-chat' && mode !== 'streaming') throw invalidParam('Agent Chat App does not support blocking mode');
	if (app.mode === 'agent') {
		if (mode === 'blocking') throw badRequest('Agent App only supports streaming response mode.');
		mode = 'streaming';
	}
	return {
		query: query.replace(/\u0000/g, ''),
		inputs: inputs as Record<string, unknown>,
		mode: mode ?? 'blocking',
		conversationId: typeof conv === 'string' && conv !== '' ? conv : null,
		autoGenerateName: body.auto_generate_name !== false,
		rawFiles: Array.isArray(body.files) ? body.files : [],
		workflowId: typeof body.workflow_id === 'string' ? body.workflow_id : null,
	};
}

/** Top-level `files`: ignored when the feature is off, malformed items silently dropped (docs/dify-behaviour.md, 'Files'). */
export function resolveTopLevelFiles(state: ServerState, app: AppRuntime, user: EndUser, raw: unknown[]): ResolvedFile[] {
	if (!app.features.fileUpload) return [];
	const usable = raw.filter((item) => {
		if (!item || typeof item !== 'object') return false;
		const m = item as Record<string, unknown>;
		if (!m.transfer_method) return false;
		return !(m.transfer_method === 'remote_url' && !m.url && !m.remote_url && !m.upload_file_id);
	});
	if (usable.length > app.fileUploadNumberLimit) {
		throw invalidParam(`Number of files exceeds the limit of ${app.fileUploadNumberLimit}`);
	}
	return usable.map((m) => resolveFileMapping(state, app, user, m, ['image', 'document']));
}

async function postChatMessage(ctx: Ctx): Promise<void> {
	const body = readJsonObject(ctx);
	const userArg = requireUserArg(body.user);
	const app = ctx.app!;
	if (!CHAT_MODES.includes(app.mode)) throw notChatApp();
	const request = parseChatRequest(app, body);
	const state = ctx.state;
	if (app.mode === 'advanced-chat') {
		const workflowId = validateWorkflowId(app, request.workflowId);
		return startChatflow(ctx, request, workflowId, userArg);
	}
	const user = endUserFor(state, app, userArg);
	let conversation: Conversation | undefined;
	if (request.conversationId) {
		conversation = findConversation(state, app, user, request.conversationId);
		if (!conversation) throw notFound('Conversation Not Exists.');
	}
	const inputs = validateInputs(state, app, user, request.inputs).values;
	const files = resolveTopLevelFiles(state, app, user, request.rawFiles);
	conversation ??= createConversation(state, app, user, request.query, inputs, request.autoGenerateName);
	conversation.updatedAt = nowSeconds();
	const message = createMessage(state, app, user, conversation, request.query, inputs, files);
	const task = createTask(state, app, user);
	const channel = new RunChannel();
	const ids = { conversation_id: conversation.id, message_id: message.id, created_at: message.createdAt };

	if (request.mode === 'streaming') {
		const stream = new SseStream(ctx, chatErrorEnvelope(ids));
		const frames = channel.subscribe({ replay: true, acrossSegments: false });
		stream.open();
		void produceEasyChat(state, app, task, message, channel, request.query);
		await pipeFrames(stream, frames);
		return;
	}
	await produceEasyChat(state, app, task, message, channel, request.query);
	await ctx.out.json(200, {
		event: 'message',
		task_id: task.id,
		id: message.id,
		message_id: message.id,
		conversation_id: conversation.id,
		mode: app.mode,
		answer: message.answer,
		metadata: messageMetadata(app, message, 'number'),
		created_at: message.createdAt,
	});
}

export function messageMetadata(app: AppRuntime, message: Message, moneyAs: 'string' | 'number'): Record<string, unknown> {
	const metadata: Record<string, unknown> = {
		usage: usage(message.usage.promptTokens, message.usage.completionTokens, moneyAs),
	};
	if (app.mode !== 'agent' && app.features.citations) metadata.retriever_resources = message.retrieverResources;
	if (message.annotationReply) metadata.annotation_reply = message.annotationReply;
	return metadata;
}


/** A tiny PNG, the "image the model produced" for the `[file]` trigger. */
const PNG_1X1 = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
	'base64',
);

function createAssistantImage(state: ServerState, app: AppRuntime, user: EndUser, message: Message) {
	const id = randomUUID();
	const path = join(state.uploadDir, id);
	writeFileSync(path, PNG_1X1);
	state.files.set(id, {
		id,
		appId: app.id,
		createdBy: user.id,
		name: 'generated.png',
		size: PNG_1X1.length,
		extension: 'png',
		mimeType: 'image/png',
		sha256: '',
		path,
		createdAt: nowSeconds(),
	});
	const messageFileId = randomUUID();
	message.files.push({
		id: messageFileId,
		type: 'image',
		transferMethod: 'tool_file',
		belongsTo: 'assistant',
		uploadFileId: id,
		remoteUrl: null,
	});
	return { messageFileId, uploadId: id, url: signedFileUrl(state, id) };
}

/**
 * chat, agent-chat and agent (New Agent) answers. Deltas check the stop flag between frames; a
 * stopped task ends with message_end carrying the partial answer, as Dify does.
 */
async function produceEasyChat(
	state: ServerState,
	app: AppRuntime,
	task: Task,
	message: Message,
	channel: RunChannel,
	query: string,
): Promise<void> {
	const user = state.endUsers.get(message.endUserId)!;
	const base = {
		conversation_id: message.conversationId,
		message_id: message.id,
		created_at: message.createdAt,
		task_id: task.id,
	};
	const frame = (event: string, fields: Frame): Frame => ({ event, ...base, ...fields });
	const delay = query.includes('[slow]') ? 100 : state.frameDelayMs;
	const withTts = query.includes('[tts]');
	let ttsSent = 0;
	const emit = async (event: 'message' | 'agent_message', text: string): Promise<string> => {
		let sent = '';
		for (const piece of splitDeltas(text)) {
			if (task.stopped) break;
			channel.publish(
				frame(event, event === 'message' ? { id: message.id, answer: piece, from_variable_selector: null } : { id: message.id, answer: piece }),
			);
			sent += piece;
			if (withTts && ttsSent < 2) {
				ttsSent += 1;
				channel.publish(frame('tts_message', { audio: Buffer.from(`fake-mp3-chunk-${ttsSent}`).toString('base64') }));
			}
			await tick(state, delay);
		}
		return sent;
	};
	const annotation = app.mode !== 'agent' ? matchAnnotation(state, app, query) : undefined;
	const echo = annotation ? annotation.answer : `Echo: ${query}${app.externalKnowledge ? await fromExternalKnowledge(app.externalKnowledge, query) : ''}`;
	let answer = '';

	if (app.mode === 'agent-chat') {
		const preface = 'Let me check that with the calculator. ';
		const t1: AgentThought = { id: randomUUID(), position: 1, thought: '', tool: '', toolInput: '', observation: '', createdAt: nowSeconds() };
		channel.publish(frame('agent_thought', thoughtFields(t1)));
		answer += await emit('agent_message', preface);
		Object.assign(t1, { thought: answer, tool: 'calculator', toolInput: JSON.stringify({ calculator: { expression: '6*7' } }), observation: '42' });
		channel.publish(frame('agent_thought', thoughtFields(t1)));
		const t2: AgentThought = { id: randomUUID(), position: 2, thought: '', tool: '', toolInput: '', observation: '', createdAt: nowSeconds() };
		channel.publish(frame('agent_thought', thoughtFields(t2)));
		const tail = task.stopped ? '' : await emit('agent_message', echo);
		answer += tail;
		t2.thought = tail;
		message.agentThoughts.push(t1, t2);
	} else if (app.mode === 'agent') {
		const t1: AgentThought = { id: randomUUID(), position: 1, thought: '', tool: '', toolInput: '', observation: '', createdAt: nowSeconds() };
		channel.publish(frame('agent_thought', thoughtFields(t1)));
		answer = await emit('agent_message', echo);
		t1.thought = answer;
		channel.publish(frame('agent_thought', thoughtFields(t1)));
		message.agentThoughts.push(t1);
		// New Agent closes with one `message` repeating the whole answer (not a delta).
		channel.publish(frame('message', { id: message.id, answer, from_variable_selector: null }));
	} else {
		answer = await emit('message', echo);
	}

	const assistantFiles: Record<string, unknown>[] = [];
	if (query.includes('[file]') && !task.stopped) {
		const img = createAssistantImage(state, app, user, message);
		channel.publish(frame('message_file', { id: img.messageFileId, type: 'image', belongs_to: 'assistant', url: img.url }));
		assistantFiles.push({
			related_id: img.messageFileId,
			extension: '.png',
			filename: 'generated.png',
			size: PNG_1X1.length,
			mime_type: 'image/png',
			transfer_method: 'tool_file',
			type: 'image',
			url: img.url,
			upload_file_id: img.uploadId,
			remote_url: null,
		});
	}
	if (query.includes('[replace]') && !task.stopped) {
		answer = '[moderated]';
		channel.publish(frame('message_replace', { answer, reason: 'output_moderation' }));
	}
	if (withTts) channel.publish(frame('tts_message_end', { audio: '' }));

	message.answer = answer;
	message.usage = { promptTokens: tokensOf(query) + 10, completionTokens: tokensOf(answer) };
	if (app.features.citations && app.mode !== 'agent') message.retrieverResources = [retrieverResource(query)];
	if (annotation) message.annotationReply = { id: annotation.id, account: { id: ACCOUNT.id, name: ACCOUNT.name } };
	const metadata = messageMetadata(app, message, 'string');
	channel.publish(frame('message_end', { id: message.id, metadata, files: assistantFiles.length ? assistantFiles : null }));
	state.tasks.delete(task.id);
	channel.endSegment();
}

function thoughtFields(t: AgentThought): Frame {
	return {
		id: t.id,
		position: t.position,
		thought: t.thought,
		observation: t.observation,
		tool: t.tool,
		tool_labels: t.tool ? { [t.tool]: { en_US: 'Calculator', zh_Hans: '计算器' } } : {},
		tool_input: t.toolInput,
		message_files: [],
	};
}

/** Stop: only the task's own user can stop it; anyone else gets the same success and no effect. */
export async function stopTask(ctx: Ctx, allowedModes: string[], wrongMode: () => Error): Promise<void> {
	const body = readJsonObject(ctx);
	const userArg = requireUserArg(body.user);
	if (!allowedModes.includes(ctx.app!.mode)) throw wrongMode();
	const task = ctx.state.tasks.get(ctx.params.task_id);
	const user = endUserFor(ctx.state, ctx.app!, userArg);
	if (task && task.appId === ctx.app!.id && task.endUserId === user.id) task.stopped = true;
	const run = [...ctx.state.runs.values()].find((r) => r.taskId === ctx.params.task_id);
	if (run && run.appId === ctx.app!.id && run.endUserId === user.id) run.stopRequested = true;
	await ctx.out.json(200, { result: 'success' });
}


export function registerChatRoutes(router: Router): void {
	router.add('POST', '/chat-messages', 'app', postChatMessage);
	router.add('POST', '/chat-messages/{task_id}/stop', 'app', (ctx) => stopTask(ctx, CHAT_MODES, notChatApp));
}

/**
 * A chat app whose knowledge base is an External Knowledge API: Dify retrieves before answering. The
 * sandbox adds what it retrieved (or why it could not) to its echo, so the answer shows the record.
 */
async function fromExternalKnowledge(binding: ExternalKnowledgeBinding, query: string): Promise<string> {
	const r = await retrieveExternalKnowledge(binding.endpoint, binding.apiKey, { knowledgeId: binding.knowledgeId, query, topK: binding.topK });
	if (!r.ok) return `\nKnowledge retrieval failed: ${r.error}`;
	if (r.documents.length === 0) return '\nFrom the knowledge base: nothing found.';
	return `\nFrom the knowledge base: ${r.documents.map((d) => `${String(d.metadata.title ?? '')}: ${d.page_content}`).join(' | ')}`;
}
