import { RunChannel, type Frame } from './channel';
import type { Ctx, Router } from './http';
import { appUnavailable, pydanticError, readJsonObject } from './http';
import { createTask, responseMode, retrieverResource, splitDeltas, tick, tokensOf, usage } from './generation';
import { validateInputs } from './inputs';
import { createMessage } from './records';
import type { AppRuntime, Message, ServerState, Task } from './state';
import { completionErrorEnvelope, pipeFrames, SseStream } from './sse';
import { endUserFor, requireUserArg } from './users';
import { resolveTopLevelFiles, stopTask } from './chat';

function completionText(inputs: Record<string, unknown>, query: string): string {
	if (typeof inputs.query === 'string' && inputs.query !== '') return inputs.query;
	if (query !== '') return query;
	return JSON.stringify(inputs);
}

function metadata(app: AppRuntime, message: Message, moneyAs: 'string' | 'number') {
	const m: Record<string, unknown> = { usage: usage(message.usage.promptTokens, message.usage.completionTokens, moneyAs) };
	if (app.features.citations) m.retriever_resources = message.retrieverResources;
	return m;
}

async function produceCompletion(state: ServerState, app: AppRuntime, task: Task, message: Message, channel: RunChannel, text: string) {
	const base = { message_id: message.id, created_at: message.createdAt, task_id: task.id };
	const frame = (event: string, fields: Frame): Frame => ({ event, ...base, ...fields });
	let answer = '';
	const full = `Completion: ${text}`;
	const delay = text.includes('[slow]') ? 100 : state.frameDelayMs;
	for (const piece of splitDeltas(full)) {
		if (task.stopped) break;
		channel.publish(frame('message', { id: message.id, answer: piece, from_variable_selector: null }));
		answer += piece;
		await tick(state, delay);
	}
	if (text.includes('[replace]') && !task.stopped) {
		answer = '[moderated]';
		channel.publish(frame('message_replace', { answer, reason: 'output_moderation' }));
	}
	message.answer = answer;
	message.usage = { promptTokens: tokensOf(text) + 10, completionTokens: tokensOf(answer) };
	if (app.features.citations) message.retrieverResources = [retrieverResource(text)];
	channel.publish(frame('message_end', { id: message.id, metadata: metadata(app, message, 'string'), files: null }));
	state.tasks.delete(task.id);
	channel.endSegment();
}

async function postCompletion(ctx: Ctx): Promise<void> {
	const body = readJsonObject(ctx);
	const userArg = requireUserArg(body.user);
	const app = ctx.app!;
	// Dify answers a wrong mode here with app_unavailable, not not_completion_app.
	if (app.mode !== 'completion') throw appUnavailable();
	const { inputs } = body;
	if (inputs === undefined) throw pydanticError('CompletionRequestPayload', 'inputs', 'Field required', 'missing', body);
	if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) {
		throw pydanticError('CompletionRequestPayload', 'inputs', 'Input should be a valid dictionary', 'dict_type', inputs);
	}
	const rawMode = body.response_mode;
	if (rawMode !== undefined && rawMode !== null && responseMode(rawMode) === undefined) {
		throw pydanticError('CompletionRequestPayload', 'response_mode', "Input should be 'blocking' or 'streaming'", 'literal_error', rawMode);
	}
	const query = typeof body.query === 'string' ? body.query.replace(/\u0000/g, '') : '';
	const state = ctx.state;
	const user = endUserFor(state, app, userArg);
	const values = validateInputs(state, app, user, inputs as Record<string, unknown>).values;
	const files = resolveTopLevelFiles(state, app, user, Array.isArray(body.files) ? body.files : []);
	const message = createMessage(state, app, user, null, query, values, files);
	const task = createTask(state, app, user);
	const channel = new RunChannel();
	const text = completionText(values, query);

	if (responseMode(rawMode) === 'streaming') {
		const stream = new SseStream(ctx, completionErrorEnvelope({ message_id: message.id, created_at: message.createdAt }));
		const frames = channel.subscribe({ replay: true, acrossSegments: false });
		stream.open();
		void produceCompletion(state, app, task, message, channel, text);
		await pipeFrames(stream, frames);
		return;
	}
	await produceCompletion(state, app, task, message, channel, text);
	await ctx.out.json(200, {
		event: 'message',
		task_id: task.id,
		id: message.id,
		message_id: message.id,
		mode: 'completion',
		answer: message.answer,
		metadata: metadata(app, message, 'number'),
		created_at: message.createdAt,
	});
}

export function registerCompletionRoutes(router: Router): void {
	router.add('POST', '/completion-messages', 'app', postCompletion);
	router.add('POST', '/completion-messages/{task_id}/stop', 'app', (ctx) => stopTask(ctx, ['completion'], appUnavailable));
}
