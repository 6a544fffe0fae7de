/**
 * A tiny OpenAI-compatible chat model for trying n8n's AI Agent offline: `POST /openai/v1/chat/completions`
 * and `GET /openai/v1/models`, with any bearer key. It is not Dify (Dify has no such route); it lives
 * in the sandbox so that n8n's OpenAI Chat Model node, pointed at it, drives an agent that calls the
 * Dify tools without an internet connection or an OpenAI account.
 *
 * Deterministic script, no language understanding:
 * 1. After a tool result (the last message has role `tool`): answer "From <tool>: <result>".
 * 2. Else, with tools offered: call the one whose name and description share the most words with
 *    the user's question (ties: the first offered), with each string argument set to the question's
 *    quoted part ("…") if it has one, else to the whole question.
 * 3. Else: answer "Echo: <question>".
 */
import type { Ctx } from './http';
import { HttpError, readJsonObject } from './http';

export const SCRIPTED_MODEL = 'sandbox-scripted-model';

interface ChatMessage {
	role: string;
	content?: unknown;
	name?: string;
	tool_call_id?: string;
	tool_calls?: Array<{ id: string; function: { name: string } }>;
}

interface OfferedTool {
	type: string;
	function: { name: string; description?: string; parameters?: { properties?: Record<string, { type?: string }> } };
}

/** Words of at least 3 letters, lower-cased: what "shares words" compares. Linear in the text. */
function words(text: string): Set<string> {
	return new Set((text.toLowerCase().match(/[a-z0-9]{3,}/g) ?? []).filter((w) => !STOP_WORDS.has(w)));
}

const STOP_WORDS = new Set(['the', 'and', 'for', 'with', 'what', 'when', 'how', 'are', 'does', 'from', 'about', 'this', 'that', 'use', 'tool', 'dify']);

function textOf(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) {
		return content.map((part) => (part && typeof part === 'object' && 'text' in part ? String((part as { text: unknown }).text) : '')).join('');
	}
	return '';
}

function chooseTool(question: string, tools: OfferedTool[]): OfferedTool | undefined {
	const asked = words(question);
	let best: OfferedTool | undefined;
	let bestScore = 0;
	for (const tool of tools) {
		const offered = words(`${tool.function.name.replace(/_/g, ' ')} ${tool.function.description ?? ''}`);
		let score = 0;
		for (const w of asked) if (offered.has(w)) score++;
		if (score > bestScore) {
			best = tool;
			bestScore = score;
		}
	}
	return best;
}

function argumentsFor(tool: OfferedTool, question: string): Record<string, unknown> {
	const quoted = /["“]([^"”]+)["”]/.exec(question)?.[1];
	const value = quoted ?? question;
	const args: Record<string, unknown> = {};
	for (const [name, schema] of Object.entries(tool.function.parameters?.properties ?? {})) {
		if (schema.type === 'number' || schema.type === 'integer') args[name] = 1;
		else if (schema.type === 'boolean') args[name] = false;
		else args[name] = value;
	}
	return args;
}

type Reply = { content: string } | { toolCall: { id: string; name: string; arguments: string } };

/** The script above, on one request's messages and tools. */
export function scriptedReply(messages: ChatMessage[], tools: OfferedTool[]): Reply {
	const last = messages.at(-1);
	if (last?.role === 'tool') {
		const call = messages.flatMap((m) => m.tool_calls ?? []).find((c) => c.id === last.tool_call_id);
		return { content: `From ${call?.function.name ?? 'the tool'}: ${textOf(last.content)}` };
	}
	const question = textOf([...messages].reverse().find((m) => m.role === 'user')?.content);
	const tool = chooseTool(question, tools);
	if (!tool) return { content: `Echo: ${question}` };
	const id = `call_${messages.length}`;
	return { toolCall: { id, name: tool.function.name, arguments: JSON.stringify(argumentsFor(tool, question)) } };
}

function completion(reply: Reply, created: number) {
	const message =
		'content' in reply
			? { role: 'assistant', content: reply.content }
			: {
					role: 'assistant',
					content: null,
					tool_calls: [{ id: reply.toolCall.id, type: 'function', function: { name: reply.toolCall.name, arguments: reply.toolCall.arguments } }],
				};
	return {
		id: `chatcmpl-sandbox-${created}`,
		object: 'chat.completion',
		created,
		model: SCRIPTED_MODEL,
		choices: [{ index: 0, message, finish_reason: 'content' in reply ? 'stop' : 'tool_calls' }],
		usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
	};
}

/** The same reply as `stream: true` chunks: one delta with everything, then the finish reason. */
async function stream(ctx: Ctx, reply: Reply, created: number): Promise<void> {
	const base = { id: `chatcmpl-sandbox-${created}`, object: 'chat.completion.chunk', created, model: SCRIPTED_MODEL };
	const delta =
		'content' in reply
			? { role: 'assistant', content: reply.content }
			: {
					role: 'assistant',
					content: null,
					tool_calls: [{ index: 0, id: reply.toolCall.id, type: 'function', function: { name: reply.toolCall.name, arguments: reply.toolCall.arguments } }],
				};
	ctx.out.head(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
	await ctx.out.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`);
	const finish = 'content' in reply ? 'stop' : 'tool_calls';
	await ctx.out.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }] })}\n\n`);
	await ctx.out.write('data: [DONE]\n\n');
	await ctx.out.end();
}

/** Serves the scripted model's routes; false for any other path. */
export async function serveScriptedModel(ctx: Ctx, path: string): Promise<boolean> {
	if (path !== '/openai/v1/chat/completions' && path !== '/openai/v1/models') return false;
	const auth = ctx.req.headers.authorization ?? '';
	if (!/^Bearer \S+/.test(auth)) {
		await ctx.out.json(401, { error: { message: 'Missing bearer key (any key works with the sandbox model).', type: 'invalid_request_error' } });
		return true;
	}
	if (path === '/openai/v1/models') {
		if (ctx.method !== 'GET') throw new HttpError(405, 'method_not_allowed', 'Use GET.');
		await ctx.out.json(200, { object: 'list', data: [{ id: SCRIPTED_MODEL, object: 'model', created: 0, owned_by: 'sandbox' }] });
		return true;
	}
	if (ctx.method !== 'POST') throw new HttpError(405, 'method_not_allowed', 'Use POST.');
	const body = readJsonObject(ctx);
	const messages = Array.isArray(body.messages) ? (body.messages as ChatMessage[]) : [];
	const tools = Array.isArray(body.tools) ? (body.tools as OfferedTool[]).filter((t) => t?.type === 'function' && t.function?.name) : [];
	const reply = scriptedReply(messages, tools);
	const created = Math.floor(Date.now() / 1000);
	if (body.stream === true) await stream(ctx, reply, created);
	else await ctx.out.json(200, completion(reply, created));
	return true;
}
