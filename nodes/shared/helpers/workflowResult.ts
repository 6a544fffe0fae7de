import type { IDataObject } from 'n8n-workflow';

import { pauseSummary, type NodeTraceEntry } from './chatAnswer';

/** What the user asked to see besides the run's own fields. */
export interface WorkflowResultOptions {
	includeNodeTrace: boolean;
	/** Keep each node's inputs/outputs in the trace (memory grows with the workflow's data). */
	includeNodeData: boolean;
}

/**
 * A trace longer than this keeps its first entries and counts the rest: a workflow looping over
 * thousands of items must not grow the node's memory without limit.
 */
export const MAX_TRACE_ENTRIES = 5000;

/** The run fields of `workflow_finished.data`, blocking `data` and `GET /workflows/run/{id}` (docs/dify-behaviour.md, 'Workflow runs'). */
const RUN_FIELDS = ['status', 'outputs', 'error', 'elapsed_time', 'total_tokens', 'total_steps', 'created_at', 'finished_at'] as const;

/**
 * Folds the events of a workflow run (docs/dify-behaviour.md, 'Stream events': `workflow_started`, node events, `text_chunk`,
 * `human_input_required`, `workflow_paused`, `workflow_finished`) into one result item. Node events
 * are reduced to a small summary as they arrive (or dropped when no trace is wanted), so a run of
 * thousands of nodes holds only the final outputs in memory.
 */
export class WorkflowResult {
	private readonly fields: IDataObject = {};
	private final: IDataObject | undefined;
	private paused: IDataObject | undefined;
	private readonly forms: IDataObject[] = [];
	private readonly warnings: string[] = [];
	private readonly trace = new Map<string, NodeTraceEntry>();
	private traceDropped = 0;
	private failedNodeTitle: string | undefined;

	constructor(private readonly options: WorkflowResultOptions) {}

	/** Returns the text to forward to a streaming chat, if the event carried some. */
	add(event: IDataObject): string | undefined {
		if (typeof event.task_id === 'string' && this.fields.task_id === undefined) this.fields.task_id = event.task_id;
		if (typeof event.workflow_run_id === 'string' && this.fields.workflow_run_id === undefined) {
			this.fields.workflow_run_id = event.workflow_run_id;
		}
		const data = (event.data as IDataObject | undefined) ?? {};
		switch (event.event) {
			case 'workflow_started':
				this.fields.workflow_run_id ??= data.id;
				if (data.workflow_id !== undefined) this.fields.workflow_id ??= data.workflow_id;
				if (data.created_at !== undefined) this.fields.created_at ??= data.created_at;
				return undefined;
			case 'node_started':
			case 'node_finished':
			case 'node_retry':
				// Kept even without a trace, to name the node in the error of a failed run.
				if (event.event === 'node_finished' && data.status === 'failed') this.failedNodeTitle = String(data.title ?? data.node_id ?? '');
				if (this.options.includeNodeTrace) this.traceNode(event.event, data);
				return undefined;
			case 'text_chunk': {
				const text = data.text;
				return typeof text === 'string' && text ? text : undefined;
			}
			case 'human_input_required':
				this.forms.push(data);
				return undefined;
			case 'workflow_paused':
				this.paused = data;
				return undefined;
			case 'workflow_finished':
				this.final = data;
				// A resumed run that pauses again and then finishes is finished.
				this.paused = undefined;
				return undefined;
			case 'warning':
				this.warnings.push(String(event.warning ?? ''));
				return undefined;
			default:
				// iteration/loop/agent_log/reasoning events and unknown future events are not part of the result.
				return undefined;
		}
	}

	/** A blocking answer (docs/dify-behaviour.md, 'Workflow runs') or a JSON body sent instead of a stream: `{task_id, workflow_run_id, data}`. */
	addBlocking(body: IDataObject): void {
		if (body.task_id !== undefined) this.fields.task_id = body.task_id;
		if (body.workflow_run_id !== undefined) this.fields.workflow_run_id = body.workflow_run_id;
		if (Array.isArray(body.warnings)) this.warnings.push(...(body.warnings as unknown[]).map(String));
		const data = (body.data as IDataObject | undefined) ?? {};
		if (data.workflow_id !== undefined) this.fields.workflow_id = data.workflow_id;
		if (data.status === 'paused') this.paused = { workflow_run_id: body.workflow_run_id ?? data.id, ...data };
		else this.final = data;
	}

	private traceNode(kind: string, data: IDataObject): void {
		const id = String(data.id ?? data.node_id ?? '');
		const previous = this.trace.get(id);
		if (!previous && this.trace.size >= MAX_TRACE_ENTRIES) {
			if (kind === 'node_started' || !id) this.traceDropped++;
			return;
		}
		const entry: NodeTraceEntry = {
			node_id: String(data.node_id ?? previous?.node_id ?? ''),
			title: String(data.title ?? previous?.title ?? ''),
			node_type: String(data.node_type ?? previous?.node_type ?? ''),
			status: kind === 'node_started' ? 'running' : String(data.status ?? 'succeeded'),
			elapsed_time: (data.elapsed_time as number | undefined) ?? previous?.elapsed_time ?? null,
			error: (data.error as string | null | undefined) ?? null,
		};
		if (kind === 'node_retry') entry.retry_index = data.retry_index ?? null;
		if (this.options.includeNodeData) {
			entry.inputs = data.inputs ?? previous?.inputs ?? null;
			if (kind !== 'node_started') {
				entry.outputs = data.outputs ?? null;
				if (data.process_data !== undefined && data.process_data !== null) entry.process_data = data.process_data;
			}
			for (const flag of ['inputs_truncated', 'outputs_truncated'] as const) {
				if (data[flag] === true) entry[flag] = true;
			}
		}
		// Re-insert so the trace follows the order nodes finished in, as Dify's run log does.
		this.trace.delete(id);
		this.trace.set(id, entry);
	}

	get workflowRunId(): string | undefined {
		const id = this.fields.workflow_run_id ?? this.paused?.workflow_run_id ?? this.final?.id;
		return typeof id === 'string' ? id : undefined;
	}

	/** Title of the last node that failed (status `failed`, not `exception`: those were handled by the workflow). */
	get failedNode(): string | undefined {
		return this.failedNodeTitle || undefined;
	}

	get status(): string | undefined {
		if (this.paused) return 'paused';
		return this.final?.status as string | undefined;
	}

	get errorMessage(): string | undefined {
		const error = this.final?.error;
		return typeof error === 'string' && error.trim() ? error : undefined;
	}

	/** The run's outputs object (file objects among them can be downloaded). */
	get outputs(): IDataObject | undefined {
		const outputs = this.final?.outputs;
		return outputs && typeof outputs === 'object' && !Array.isArray(outputs) ? (outputs as IDataObject) : undefined;
	}

	result(): IDataObject {
		const source = this.paused ?? this.final ?? {};
		const out: IDataObject = {
			workflow_run_id: this.workflowRunId ?? null,
			task_id: this.fields.task_id ?? null,
			workflow_id: (source.workflow_id as string | undefined) ?? this.fields.workflow_id ?? null,
		};
		for (const key of RUN_FIELDS) out[key] = source[key] ?? null;
		out.status = this.status ?? null;
		out.created_at ??= this.fields.created_at ?? null;
		if (this.paused) {
			out.outputs = {};
			out.finished_at = null;
		}
		if (this.final?.exceptions_count !== undefined) out.exceptions_count = this.final.exceptions_count;
		if (this.warnings.length) out.warnings = this.warnings;
		if (this.paused) out.pause = pauseSummary({ workflow_run_id: this.workflowRunId, ...this.paused }, this.forms);
		if (this.options.includeNodeTrace) {
			out.node_trace = [...this.trace.values()];
			if (this.traceDropped) out.node_trace_dropped = this.traceDropped;
		}
		return out;
	}
}
