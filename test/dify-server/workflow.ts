import type { Ctx, Router } from './http';
import { HttpError, invalidParam, notFound, notWorkflowApp, pydanticError, queryBool, queryInt, readJsonObject } from './http';
import { createTask, responseMode, splitDeltas, tick, tokensOf } from './generation';
import { validateInputs, type ValidatedInputs } from './inputs';
import { outputFileObject, type ResolvedFile } from './files';
import { createRun, finishedData, pausedData, RunEmitter, workflowEnvelope } from './runs';
import type { AppRuntime, ServerState, WorkflowRun } from './state';
import { ACCOUNT } from './state';
import { pipeFrames, SseStream, workflowErrorEnvelope, workerErrorFrame } from './sse';
import { endUserFor, findEndUser, requireUserArg } from './users';
import { validateWorkflowId } from './chatflow';
import { webhookRunOnDetail, webhookRunsOnLogQuery } from './webhooks';

/** `output_kb` payload: exactly that many KiB of UTF-8, with multi-byte characters in it. */
function largeText(kib: number): string {
	const target = Math.max(0, Math.floor(kib * 1024));
	const unit = 'Dify ✓ データ — ';
	// Computed, not grown in a loop: re-measuring a growing string made 1 MiB take over a minute.
	const out = unit.repeat(Math.floor(target / Buffer.byteLength(unit)));
	return out + 'x'.repeat(target - Buffer.byteLength(out));
}

const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

async function sleepInterruptible(state: ServerState, emitter: RunEmitter, ms: number): Promise<void> {
	const until = Date.now() + ms;
	while (Date.now() < until && !emitter.stopped) await tick(state, Math.min(20, until - Date.now()));
}

/**
 * The workflow app's graph: start → (human input) → N-2 steps → end, shaped by the hidden
 * control inputs (fail, nodes, output_kb, pause, sleep_ms) so tests can steer it.
 */
async function produceWorkflow(state: ServerState, app: AppRuntime, emitter: RunEmitter, validated: ValidatedInputs): Promise<void> {
	const run = emitter.run;
	const inputs = validated.values;
	const text = typeof inputs.text === 'string' ? inputs.text : '';
	const totalNodes = Math.max(0, Math.floor(num(inputs.nodes, 3)));
	const result = `Processed: ${text}`;
	const outputs: Record<string, unknown> = { result };
	const files: Record<string, unknown>[] = [];
	const fileInput = validated.files.file as ResolvedFile | undefined;
	if (fileInput) {
		const obj = outputFileObject(state, fileInput);
		outputs.file = obj;
		files.push(obj);
	}
	if (inputs.output_kb !== undefined) outputs.large = largeText(num(inputs.output_kb, 0));

	const stop = () => {
		emitter.workflowFinished('stopped', outputs, 'Workflow execution stopped by user.');
		run.channel.endSegment();
	};

	emitter.workflowStarted('initial');
	if (totalNodes >= 1) {
		const start = emitter.nodeStarted('start', 'start', 'Start', inputs);
		emitter.nodeFinished(start, { outputs: inputs });
	}
	await tick(state);
	if (inputs.pause === true) {
		const node = emitter.nodeStarted('human_review', 'human-input', 'Human review', {});
		const submission = await emitter.pauseForHumanInput(app, 'human_review', 'Human review', `Please review: ${text}`);
		emitter.workflowStarted('resumption');
		emitter.publish('human_input_form_filled', {
			data: {
				node_id: 'human_review',
				node_title: 'Human review',
				rendered_content: `Please review: ${text}\n\n${String(submission.inputs.feedback ?? '')}`,
				action_id: submission.action,
				action_text: submission.actionTitle,
				submitted_data: submission.inputs,
			},
		});
		emitter.nodeFinished(node, { outputs: { ...submission.inputs, __action_id: submission.action } });
		outputs.feedback = submission.inputs.feedback;
		outputs.action = submission.action;
	}
	const middle = Math.max(0, totalNodes - 2);
	// node_kb: every middle node outputs that much text too (big node events, as RAG and LLM nodes send).
	const nodeData = inputs.node_kb !== undefined ? largeText(num(inputs.node_kb, 0)) : undefined;
	const sleepEach = num(inputs.sleep_ms, 0) / Math.max(1, middle);
	if (middle === 0 && sleepEach > 0) await sleepInterruptible(state, emitter, sleepEach);
	for (let i = 1; i <= middle; i++) {
		if (emitter.stopped) return stop();
		const isLlm = i === 1;
		const exec = emitter.nodeStarted(isLlm ? 'llm' : `step_${i}`, isLlm ? 'llm' : 'template-transform', isLlm ? 'LLM' : `Step ${i}`, { text });
		await sleepInterruptible(state, emitter, sleepEach);
		if (emitter.stopped) {
			emitter.nodeFinished(exec, { status: 'stopped' });
			return stop();
		}
		if (inputs.fail === true && i === middle) {
			const error = `Node ${exec.title} run failed: forced failure (inputs.fail)`;
			emitter.nodeFinished(exec, { status: 'failed', error });
			emitter.workflowFinished('failed', null, error);
			run.channel.endSegment();
			return;
		}
		emitter.nodeFinished(exec, { outputs: nodeData === undefined ? { text: result } : { text: result, data: nodeData }, tokens: isLlm ? tokensOf(text) + tokensOf(result) : 0 });
		await tick(state);
	}
	if (inputs.fail === true && middle === 0) {
		emitter.workflowFinished('failed', null, 'forced failure (inputs.fail)');
		run.channel.endSegment();
		return;
	}
	const end = totalNodes >= 2 ? emitter.nodeStarted('end', 'end', 'End', { result }) : null;
	for (const piece of splitDeltas(result)) {
		if (emitter.stopped) return stop();
		emitter.publish('text_chunk', { data: { text: piece, from_variable_selector: ['llm', 'text'] } });
		await tick(state);
	}
	if (end) emitter.nodeFinished(end, { outputs });
	emitter.workflowFinished('succeeded', outputs, null, files);
	run.channel.endSegment();
}

function parseRunBody(body: Record<string, unknown>): { inputs: Record<string, unknown>; mode: 'streaming' | 'blocking' } {
	const { inputs } = body;
	if (inputs === undefined) throw pydanticError('WorkflowRunPayload', 'inputs', 'Field required', 'missing', body);
	if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) {
		throw pydanticError('WorkflowRunPayload', 'inputs', 'Input should be a valid dictionary', 'dict_type', inputs);
	}
	const raw = body.response_mode;
	if (raw !== undefined && raw !== null && responseMode(raw) === undefined) {
		throw pydanticError('WorkflowRunPayload', 'response_mode', "Input should be 'blocking' or 'streaming'", 'literal_error', raw);
	}
	return { inputs: inputs as Record<string, unknown>, mode: responseMode(raw) ?? 'blocking' };
}

async function runWorkflow(ctx: Ctx, pathWorkflowId: string | null): Promise<void> {
	const body = readJsonObject(ctx);
	const userArg = requireUserArg(body.user);
	const app = ctx.app!;
	if (app.mode !== 'workflow') throw notWorkflowApp();
	const { inputs, mode } = parseRunBody(body);
	const workflowId = pathWorkflowId === null ? app.publishedWorkflowIds[0] : validateWorkflowId(app, pathWorkflowId);
	const state = ctx.state;
	const user = endUserFor(state, app, userArg);

	// Since 1.13 streaming runs execute in a worker: input errors arrive as an error frame on HTTP 200.
	let validated: ValidatedInputs;
	try {
		validated = validateInputs(state, app, user, inputs);
	} catch (err) {
		if (mode === 'blocking' || !(err instanceof HttpError)) throw err;
		const stream = new SseStream(ctx, () => workerErrorFrame(err.message));
		stream.open();
		await stream.ping();
		if (await stream.send(workerErrorFrame(err.message))) await stream.end();
		return;
	}
	const task = createTask(state, app, user);
	const run = createRun(state, app, user, workflowId, task.id, validated.values, null);
	const emitter = new RunEmitter(state, run, workflowEnvelope(run), user);

	if (mode === 'streaming') {
		const stream = new SseStream(ctx, workflowErrorEnvelope(run.id));
		stream.onCut = (frame) => run.channel.hold(frame);
		const frames = run.channel.subscribe({ replay: true, acrossSegments: false });
		stream.open();
		await stream.ping();
		void produceWorkflow(state, app, emitter, validated);
		await pipeFrames(stream, frames);
		return;
	}
	void produceWorkflow(state, app, emitter, validated);
	await run.channel.waitSegmentEnd();
	await ctx.out.json(200, {
		task_id: task.id,
		workflow_run_id: run.id,
		data: run.status === 'paused' ? pausedData(run) : finishedData(run),
	});
}

function findRun(ctx: Ctx): WorkflowRun {
	const run = ctx.state.runs.get(ctx.params.workflow_run_id);
	if (!run || run.appId !== ctx.app!.id) throw notFound('Workflow run not found.');
	return run;
}

function runDetail(ctx: Ctx) {
	const app = ctx.app!;
	if (app.mode !== 'workflow' && app.mode !== 'advanced-chat') throw notWorkflowApp();
	const run = findRun(ctx);
	webhookRunOnDetail(run);
	return ctx.out.json(200, {
		id: run.id,
		workflow_id: run.workflowId,
		status: run.status,
		inputs: JSON.stringify(run.inputs),
		outputs: run.status === 'running' || run.status === 'paused' ? {} : (run.outputs ?? {}),
		error: run.error,
		total_steps: run.totalSteps,
		total_tokens: run.totalTokens,
		created_at: run.createdAt,
		finished_at: run.finishedAt,
		elapsed_time: run.elapsedTime,
	});
}

async function stopWorkflowTask(ctx: Ctx): Promise<void> {
	const body = readJsonObject(ctx);
	requireUserArg(body.user);
	if (ctx.app!.mode !== 'workflow') throw notWorkflowApp();
	// Workflow stop does not check `user` (docs/dify-behaviour.md, 'The user partition').
	for (const run of ctx.state.runs.values()) {
		if (run.taskId === ctx.params.task_id && run.appId === ctx.app!.id) run.stopRequested = true;
	}
	await ctx.out.json(200, { result: 'success' });
}

/**
 * Reattach (docs/dify-behaviour.md, 'Reattaching to a run'): finished → one workflow_finished frame; else the current segment, then live (Dify with a
 * Redis Streams event bus), or live only with the `eventsFromNow` rule (Dify's default Pub/Sub).
 */
async function events(ctx: Ctx): Promise<void> {
	const app = ctx.app!;
	if (app.mode !== 'workflow' && app.mode !== 'advanced-chat') throw notWorkflowApp();
	const userArg = ctx.query.get('user');
	if (!userArg) throw invalidParam('Arg user must be provided.');
	const run = ctx.state.runs.get(ctx.params.workflow_run_id);
	const user = findEndUser(ctx.state, app, userArg);
	if (!run || run.appId !== app.id || !user || run.endUserId !== user.id) throw notFound('Workflow run not found');
	const stream = new SseStream(ctx, workflowErrorEnvelope(run.id));
	const continueOnPause = queryBool(ctx, 'continue_on_pause');
	const snapshot = queryBool(ctx, 'include_state_snapshot');
	stream.open();
	const finished = run.status !== 'running' && run.status !== 'paused' && !run.channel.holding;
	if (finished && !continueOnPause) {
		const frames = run.channel.subscribe({ replay: true, acrossSegments: false });
		for await (const frame of frames) {
			if (frame.event === 'workflow_finished') {
				await stream.send(frame);
				break;
			}
		}
		await frames.return?.();
		await stream.end();
		return;
	}
	await stream.ping();
	if (snapshot) {
		for (const frame of run.nodeFrames) if (!(await stream.send(frame))) return;
	}
	const frames = run.channel.subscribe({ replay: !snapshot && !ctx.rule?.eventsFromNow, acrossSegments: continueOnPause });
	run.onAttach?.();
	run.channel.release();
	await pipeFrames(stream, frames);
}

/** Dify filters and orders logs by the log row's own creation time: when the run ended. */
function logTime(run: WorkflowRun): number {
	return run.logCreatedAt ?? run.createdAt;
}

function logs(ctx: Ctx) {
	const app = ctx.app!;
	const status = ctx.query.get('status');
	if (status !== null && status !== '' && !['succeeded', 'failed', 'stopped'].includes(status)) {
		throw invalidParam(`status: Input should be 'succeeded', 'failed' or 'stopped'`);
	}
	const page = queryInt(ctx, 'page', 1, 1, 99999);
	const limit = queryInt(ctx, 'limit', 20, 1, 100);
	const before = parseDate(ctx, 'created_at__before');
	const after = parseDate(ctx, 'created_at__after');
	const keyword = (ctx.query.get('keyword') ?? '').slice(0, 30);
	const sessionFilter = ctx.query.get('created_by_end_user_session_id');
	const accountFilter = ctx.query.get('created_by_account');
	if (accountFilter && accountFilter !== ACCOUNT.email) throw invalidParam(`Account not found: ${accountFilter}`);
	webhookRunsOnLogQuery(ctx.state, app.id);
	let rows = [...ctx.state.runs.values()]
		.filter((r) => r.appId === app.id && r.hasLog)
		// Newest first; rows of the same second too (the later one first), as ORDER BY created_at DESC shows them.
		.reverse()
		.sort((a, b) => logTime(b) - logTime(a));
	if (status) rows = rows.filter((r) => r.status === status);
	if (before !== null) rows = rows.filter((r) => logTime(r) <= before);
	if (after !== null) rows = rows.filter((r) => logTime(r) >= after);
	if (accountFilter) rows = [];
	if (sessionFilter) rows = rows.filter((r) => ctx.state.endUsers.get(r.endUserId)?.sessionId === sessionFilter);
	if (keyword) {
		rows = rows.filter(
			(r) =>
				r.id === keyword ||
				JSON.stringify(r.inputs).includes(keyword) ||
				JSON.stringify(r.outputs ?? {}).includes(keyword) ||
				ctx.state.endUsers.get(r.endUserId)?.sessionId.includes(keyword),
		);
	}
	const total = rows.length;
	const data = rows.slice((page - 1) * limit, page * limit).map((r) => {
		const user = ctx.state.endUsers.get(r.endUserId)!;
		return {
			id: r.logId,
			workflow_run: {
				id: r.id,
				version: r.workflowId === app.publishedWorkflowIds[0] ? '2026-06-01 10:00:00.000000' : '2026-05-01 10:00:00.000000',
				status: r.status,
				triggered_from: r.triggeredFrom ?? 'app-run',
				error: r.error,
				elapsed_time: r.elapsedTime,
				total_tokens: r.totalTokens,
				total_steps: r.totalSteps,
				created_at: r.createdAt,
				finished_at: r.finishedAt,
				exceptions_count: 0,
			},
			details: null,
			created_from: 'service-api',
			created_by_role: 'end_user',
			created_by_account: null,
			created_by_end_user: { id: user.id, type: r.endUserType ?? 'service-api', is_anonymous: user.isAnonymous, session_id: user.sessionId },
			created_at: logTime(r),
		};
	});
	return ctx.out.json(200, { page, limit, total, has_more: page * limit < total, data });
}

function parseDate(ctx: Ctx, name: string): number | null {
	const raw = ctx.query.get(name);
	if (raw === null || raw === '') return null;
	const ms = Date.parse(raw);
	if (Number.isNaN(ms)) throw invalidParam(`${name}: Input should be a valid datetime`);
	return Math.floor(ms / 1000);
}

export function registerWorkflowRoutes(router: Router): void {
	router.add('POST', '/workflows/run', 'app', (ctx) => runWorkflow(ctx, null));
	router.add('POST', '/workflows/{workflow_id}/run', 'app', (ctx) => runWorkflow(ctx, ctx.params.workflow_id));
	router.add('GET', '/workflows/run/{workflow_run_id}', 'app', runDetail);
	router.add('POST', '/workflows/tasks/{task_id}/stop', 'app', stopWorkflowTask);
	router.add('GET', '/workflows/logs', 'app', logs);
	router.add('GET', '/workflow/{workflow_run_id}/events', 'app', events);
}
