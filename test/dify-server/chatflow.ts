import type { Ctx } from './http';
import { badRequest, HttpError, isUuid, notFound } from './http';
import { createTask, retrieverResource, splitDeltas, tick, tokensOf } from './generation';
import { validateInputs } from './inputs';
import type { ResolvedFile } from './files';
import { createConversation, createMessage, findConversation } from './records';
import { chatflowEnvelope, createRun, pausedData, RunEmitter } from './runs';
import type { AppRuntime, Conversation, Message, ServerState } from './state';
import { pipeFrames, SseStream, chatErrorEnvelope, workerErrorFrame } from './sse';
import { endUserFor } from './users';
import type { ChatRequest } from './chat';
import { messageMetadata, resolveTopLevelFiles } from './chat';

/** `workflow_id` pins a published version; draft, malformed and unknown ids fail like Dify (docs/dify-behaviour.md, 'Chat messages'). */
export function validateWorkflowId(app: AppRuntime, id: string | null): string {
	if (id === null || id === '') return app.publishedWorkflowIds[0];
	if (!isUuid(id)) throw badRequest(`Invalid workflow_id format: '${id}'. Expected a valid UUID.`);
	if (id === app.draftWorkflowId) {
		throw badRequest('Cannot use draft workflow version. Workflow ID: ' + id + '. Please use a published workflow version or leave workflow_id empty.');
	}
	if (!app.publishedWorkflowIds.includes(id)) throw notFound(`Workflow not found with id: ${id}`);
	return id;
}

export async function startChatflow(ctx: Ctx, request: ChatRequest, workflowId: string, userArg: string): Promise<void> {
	const state = ctx.state;
	const app = ctx.app!;
	const user = endUserFor(state, app, userArg);
	// Chatflow (since May 2026): an unknown or foreign conversation silently starts a new one.
	let conversation: Conversation | undefined = request.conversationId
		? findConversation(state, app, user, request.conversationId)
		: undefined;

	let inputs: Record<string, unknown>;
	let files: ResolvedFile[];
	try {
		inputs = validateInputs(state, app, user, request.inputs).values;
		files = resolveTopLevelFiles(state, app, user, request.rawFiles);
	} catch (err) {
		// Validation runs in the worker since 1.13: streaming sees an error frame on HTTP 200.
		if (request.mode === 'blocking' || !(err instanceof HttpError)) throw err;
		const stream = new SseStream(ctx, () => workerErrorFrame(err.message));
		stream.open();
		await stream.ping();
		if (await stream.send(workerErrorFrame(err.message))) await stream.end();
		return;
	}
	conversation ??= createConversation(state, app, user, request.query, inputs, request.autoGenerateName);
	const message = createMessage(state, app, user, conversation, request.query, inputs, files);
	const task = createTask(state, app, user);
	const runInputs = {
		...inputs,
		'sys.query': request.query,
		'sys.files': [],
		'sys.conversation_id': conversation.id,
		'sys.user_id': user.sessionId,
		'sys.dialogue_count': [...state.messages.values()].filter((m) => m.conversationId === conversation!.id).length,
		'sys.app_id': app.id,
		'sys.workflow_id': workflowId,
		'sys.workflow_run_id': '',
	};
	const run = createRun(state, app, user, workflowId, task.id, runInputs, message.id);
	runInputs['sys.workflow_run_id'] = run.id;
	message.workflowRunId = run.id;
	const emitter = new RunEmitter(state, run, chatflowEnvelope(run, conversation.id, message.id, message.createdAt), user);
	const conv = conversation;

	if (request.mode === 'streaming') {
		const ids = { conversation_id: conv.id, message_id: message.id, created_at: message.createdAt };
		const stream = new SseStream(ctx, chatErrorEnvelope(ids));
		stream.onCut = (frame) => run.channel.hold(frame);
		const frames = run.channel.subscribe({ replay: true, acrossSegments: false });
		stream.open();
		await stream.ping();
		void produceChatflow(state, app, emitter, conv, message);
		await pipeFrames(stream, frames);
		return;
	}
	void produceChatflow(state, app, emitter, conv, message);
	await run.channel.waitSegmentEnd();
	if (run.status === 'failed') throw new HttpError(400, 'invalid_param', `Run failed: ${run.error}`);
	const base = {
		task_id: task.id,
		id: message.id,
		message_id: message.id,
		conversation_id: conv.id,
		mode: app.mode,
		answer: message.answer,
		metadata: messageMetadata(app, message, 'number'),
		created_at: message.createdAt,
	};
	if (run.status === 'paused') {
		await ctx.out.json(200, {
			event: 'workflow_paused',
			...base,
			workflow_run_id: run.id,
			data: {
				id: message.id,
				mode: app.mode,
				conversation_id: conv.id,
				message_id: message.id,
				workflow_run_id: run.id,
				answer: message.answer,
				metadata: base.metadata,
				created_at: message.createdAt,
				...pausedData(run),
				status: 'paused',
			},
		});
		return;
	}
	await ctx.out.json(200, { event: 'message', ...base });
}

/**
 * start → (human input for `[pause]`) → llm (answer deltas) → answer; then message_end and
 * workflow_finished in the 1.13.1 order, or reversed for apps created with `legacyOrder`.
 */
async function produceChatflow(
	state: ServerState,
	app: AppRuntime,
	emitter: RunEmitter,
	conversation: Conversation,
	message: Message,
): Promise<void> {
	const run = emitter.run;
	const query = message.query;
	emitter.workflowStarted('initial');
	const start = emitter.nodeStarted('start', 'start', 'Start', run.inputs);
	emitter.nodeFinished(start, { outputs: run.inputs });
	await tick(state);

	let extra = '';
	if (query.includes('[pause]')) {
		const node = emitter.nodeStarted('human_review', 'human-input', 'Human review', {});
		message.status = 'paused';
		const submission = await emitter.pauseForHumanInput(app, 'human_review', 'Human review', `Please review the question: ${query}`);
		message.status = 'normal';
		emitter.workflowStarted('resumption');
		emitter.publish('human_input_form_filled', {
			data: {
				node_id: 'human_review',
				node_title: 'Human review',
				rendered_content: `Please review the question: ${query}\n\n${String(submission.inputs.feedback ?? '')}`,
				action_id: submission.action,
				action_text: submission.actionTitle,
				submitted_data: submission.inputs,
			},
		});
		emitter.nodeFinished(node, { outputs: { ...submission.inputs, __action_id: submission.action } });
		extra = ` (${submission.action})`;
	}

	const answer = `Echo: ${query}${extra}`;
	const llm = emitter.nodeStarted('llm', 'llm', 'LLM', { query });
	let sent = '';
	const delay = query.includes('[slow]') ? 100 : state.frameDelayMs;
	if (query.includes('[fail]')) {
		const error = 'Model invocation failed: [fail] trigger';
		emitter.nodeFinished(llm, { status: 'failed', error });
		emitter.workflowFinished('failed', null, error);
		message.status = 'error';
		message.error = error;
		run.channel.endSegment();
		return;
	}
	for (const piece of splitDeltas(answer)) {
		if (emitter.stopped) break;
		emitter.publish('message', { id: message.id, answer: piece, from_variable_selector: ['llm', 'text'] });
		sent += piece;
		await tick(state, delay);
	}
	const stopped = emitter.stopped;
	const tokens = tokensOf(query) + tokensOf(sent);
	emitter.nodeFinished(llm, { status: stopped ? 'stopped' : 'succeeded', outputs: { text: sent }, tokens });
	if (!stopped) {
		const answerNode = emitter.nodeStarted('answer', 'answer', 'Answer', { answer: sent });
		emitter.nodeFinished(answerNode, { outputs: { answer: sent } });
	}
	message.answer = sent;
	message.usage = { promptTokens: tokensOf(query) + 10, completionTokens: tokensOf(sent) };
	if (app.features.citations) message.retrieverResources = [retrieverResource(query)];
	const countVar = conversation.variables.find((v) => v.name === 'count' && v.valueType === 'number');
	if (countVar && typeof countVar.value === 'number') countVar.value += 1;

	const messageEnd = () =>
		emitter.publish('message_end', { id: message.id, metadata: messageMetadata(app, message, 'string'), files: [] });
	const finished = () =>
		stopped
			? emitter.workflowFinished('stopped', { answer: sent }, 'Workflow execution stopped by user.')
			: emitter.workflowFinished('succeeded', { answer: sent }, null);
	if (app.legacyOrder) {
		finished();
		messageEnd();
	} else {
		messageEnd();
		finished();
	}
	state.tasks.delete(run.taskId);
	run.channel.endSegment();
}
