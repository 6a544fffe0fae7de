import { randomBytes, randomUUID } from 'node:crypto';
import { RunChannel, type Frame } from './channel';
import { nowSeconds } from './http';
import type { AppRuntime, EndUser, FormSubmission, HumanInputForm, ServerState, WorkflowRun } from './state';
import { humanInputDefinition } from './humanInput';

const RESUME_GRACE_MS = 1000;

export function createRun(
	state: ServerState,
	app: AppRuntime,
	user: EndUser,
	workflowId: string,
	taskId: string,
	inputs: Record<string, unknown>,
	messageId: string | null,
): WorkflowRun {
	const run: WorkflowRun = {
		id: randomUUID(),
		appId: app.id,
		workflowId,
		taskId,
		endUserId: user.id,
		status: 'running',
		inputs,
		outputs: null,
		error: null,
		totalSteps: 0,
		totalTokens: 0,
		createdAt: nowSeconds(),
		finishedAt: null,
		elapsedTime: 0,
		channel: new RunChannel(),
		nodeFrames: [],
		// Dify writes a workflow app's log row when the run ends (stamped then), never for chatflows.
		hasLog: false,
		logsWhenFinished: app.mode === 'workflow',
		logId: randomUUID(),
		stopRequested: false,
		messageId,
	};
	state.runs.set(run.id, run);
	return run;
}

/**
 * The family envelope (docs/dify-behaviour.md, 'Stream events'): chatflow frames carry the chat ids,
 * workflow frames only the run. The run id is also a field of every workflow and node event, in both
 * families; a chatflow's message events do not carry it.
 */
export type Envelope = () => Frame;

export const workflowEnvelope = (run: WorkflowRun): Envelope => () => ({ task_id: run.taskId, workflow_run_id: run.id });

export const chatflowEnvelope =
	(run: WorkflowRun, conversationId: string, messageId: string, createdAt: number): Envelope =>
	() => ({
		conversation_id: conversationId,
		message_id: messageId,
		created_at: createdAt,
		task_id: run.taskId,
	});

/** Events of the chat family's answer, which carry no run id. */
const MESSAGE_EVENTS = new Set(['message', 'message_end', 'message_replace', 'message_file', 'tts_message', 'tts_message_end', 'agent_message', 'agent_thought']);

export interface NodeExec {
	id: string;
	nodeId: string;
	nodeType: string;
	title: string;
	index: number;
	predecessor: string | null;
	inputs: Record<string, unknown>;
	createdAt: number;
	startedMs: number;
}

/** Publishes one run's frames and keeps the bookkeeping Dify shows in run detail and logs. */
export class RunEmitter {
	private index = 0;
	private lastNode: string | null = null;
	private readonly startedMs = Date.now();

	constructor(
		private readonly state: ServerState,
		readonly run: WorkflowRun,
		private readonly envelope: Envelope,
		private readonly user: EndUser,
	) {}

	publish(event: string, fields: Frame): void {
		const runId = MESSAGE_EVENTS.has(event) ? {} : { workflow_run_id: this.run.id };
		const frame = { event, ...this.envelope(), ...runId, ...fields };
		if (event.startsWith('node_')) this.run.nodeFrames.push(frame);
		this.run.channel.publish(frame);
	}

	get stopped(): boolean {
		const task = this.state.tasks.get(this.run.taskId);
		return this.run.stopRequested || Boolean(task?.stopped);
	}

	workflowStarted(reason: 'initial' | 'resumption'): void {
		this.publish('workflow_started', {
			data: {
				id: this.run.id,
				workflow_id: this.run.workflowId,
				inputs: this.run.inputs,
				created_at: this.run.createdAt,
				reason,
			},
		});
	}

	nodeStarted(nodeId: string, nodeType: string, title: string, inputs: Record<string, unknown>): NodeExec {
		this.index += 1;
		const exec: NodeExec = {
			id: randomUUID(),
			nodeId,
			nodeType,
			title,
			index: this.index,
			predecessor: this.lastNode,
			inputs,
			createdAt: nowSeconds(),
			startedMs: Date.now(),
		};
		this.lastNode = nodeId;
		this.publish('node_started', {
			data: {
				id: exec.id,
				node_id: nodeId,
				node_type: nodeType,
				title,
				index: exec.index,
				predecessor_node_id: exec.predecessor,
				inputs,
				inputs_truncated: false,
				created_at: exec.createdAt,
				extras: {},
				iteration_id: null,
				loop_id: null,
				agent_strategy: null,
			},
		});
		return exec;
	}

	nodeFinished(
		exec: NodeExec,
		result: { status?: 'succeeded' | 'failed' | 'stopped' | 'paused'; outputs?: Record<string, unknown> | null; error?: string | null; tokens?: number },
	): void {
		const tokens = result.tokens ?? 0;
		this.run.totalSteps += 1;
		this.run.totalTokens += tokens;
		this.publish('node_finished', {
			data: {
				id: exec.id,
				node_id: exec.nodeId,
				node_type: exec.nodeType,
				title: exec.title,
				index: exec.index,
				predecessor_node_id: exec.predecessor,
				inputs: exec.inputs,
				inputs_truncated: false,
				process_data: null,
				process_data_truncated: false,
				outputs: result.outputs ?? null,
				outputs_truncated: false,
				status: result.status ?? 'succeeded',
				error: result.error ?? null,
				elapsed_time: (Date.now() - exec.startedMs) / 1000,
				execution_metadata: tokens ? { total_tokens: tokens, total_price: 0.000042, currency: 'USD' } : null,
				created_at: exec.createdAt,
				finished_at: nowSeconds(),
				files: [],
				iteration_id: null,
				loop_id: null,
			},
		});
	}

	private elapsed(): number {
		return this.run.elapsedTime + (Date.now() - this.startedMs) / 1000;
	}

	workflowFinished(status: 'succeeded' | 'failed' | 'stopped', outputs: Record<string, unknown> | null, error: string | null, files: Record<string, unknown>[] = []): void {
		const run = this.run;
		run.status = status;
		run.outputs = outputs;
		run.error = error;
		run.finishedAt = nowSeconds();
		run.elapsedTime = this.elapsed();
		if (run.logsWhenFinished) {
			run.hasLog = true;
			run.logCreatedAt = run.finishedAt;
		}
		this.publish('workflow_finished', {
			data: {
				...finishedData(run),
				created_by: { id: this.user.id, user: this.user.sessionId },
				exceptions_count: 0,
				files,
			},
		});
	}

	/** human_input_required + workflow_paused; the returned promise settles when the form is submitted. */
	pauseForHumanInput(app: AppRuntime, nodeId: string, title: string, formContent: string): Promise<FormSubmission> {
		const run = this.run;
		const form: HumanInputForm = {
			token: randomBytes(16).toString('hex'),
			formId: randomUUID(),
			appId: app.id,
			runId: run.id,
			nodeId,
			nodeTitle: title,
			formContent,
			expirationTime: nowSeconds() + 36 * 3600,
			submitted: false,
		};
		this.state.forms.set(form.token, form);
		const definition = humanInputDefinition(form);
		this.publish('human_input_required', { data: { ...definition, display_in_ui: true } });
		run.status = 'paused';
		run.elapsedTime = this.elapsed();
		run.pauseReasons = [{ TYPE: 'human_input_required', ...definition }];
		run.pausedNodes = [nodeId];
		this.publish('workflow_paused', {
			data: {
				workflow_run_id: run.id,
				paused_nodes: run.pausedNodes,
				outputs: {},
				reasons: run.pauseReasons,
				status: 'paused',
				created_at: run.createdAt,
				elapsed_time: run.elapsedTime,
				total_tokens: run.totalTokens,
				total_steps: run.totalSteps,
			},
		});
		run.channel.endSegment();
		return new Promise((resolve) => {
			run.resume = (submission) => {
				run.resume = undefined;
				run.status = 'running';
				run.pauseReasons = undefined;
				run.pausedNodes = undefined;
				run.channel.beginSegment();
				// Dify queues the resumption to a worker; here it waits for the reattach (or a grace
				// period) so a client that submits and then reattaches deterministically sees it all.
				let started = false;
				const go = () => {
					if (started) return;
					started = true;
					run.onAttach = undefined;
					resolve(submission);
				};
				run.onAttach = go;
				void this.state.timers.sleep(RESUME_GRACE_MS).then(go);
			};
		});
	}
}

export function finishedData(run: WorkflowRun): Record<string, unknown> {
	return {
		id: run.id,
		workflow_id: run.workflowId,
		status: run.status,
		outputs: run.outputs,
		error: run.error,
		elapsed_time: run.elapsedTime,
		total_tokens: run.totalTokens,
		total_steps: run.totalSteps,
		created_at: run.createdAt,
		finished_at: run.finishedAt,
	};
}

/** Blocking `data` of a paused run (docs/dify-behaviour.md, 'Workflow runs'). */
export function pausedData(run: WorkflowRun): Record<string, unknown> {
	return {
		...finishedData(run),
		outputs: {},
		finished_at: null,
		paused_nodes: run.pausedNodes ?? [],
		reasons: run.pauseReasons ?? [],
	};
}
