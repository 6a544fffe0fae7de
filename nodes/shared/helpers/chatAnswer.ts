import type { IDataObject } from 'n8n-workflow';

/** What the user asked to see besides the answer itself. */
export interface AnswerOptions {
	includeThoughts: boolean;
	includeMessageFiles: boolean;
	includeNodeTrace: boolean;
}

export interface NodeTraceEntry extends IDataObject {
	node_id: string;
	title: string;
	node_type: string;
	status: string;
	elapsed_time: number | null;
	error: string | null;
}

/**
 * Folds Dify chat-family events (chat, agent-chat, New Agent, advanced-chat, completion) into one
 * result. Text is the concatenation of `message`/`agent_message` deltas; `message_replace` replaces
 * it; New Agent's closing `message` repeats the whole answer and replaces the deltas (docs/dify-behaviour.md, 'Stream events').
 */
const ENVELOPE_KEYS = ['event', 'task_id', 'conversation_id', 'message_id', 'created_at'];

/** The event's own data, without the stream envelope every event repeats. */
function withoutEnvelope(event: IDataObject): IDataObject {
	const data = { ...event };
	for (const key of ENVELOPE_KEYS) delete data[key];
	return data;
}

export class ChatAnswer {
	answer = '';
	reasoning = '';
	private sawAgentDeltas = false;
	private readonly thoughts = new Map<string, IDataObject>();
	private readonly messageFiles: IDataObject[] = [];
	private readonly trace = new Map<string, NodeTraceEntry>();
	private readonly forms: IDataObject[] = [];
	private readonly warnings: string[] = [];
	private fields: IDataObject = {};
	private metadata: IDataObject = {};
	private files: unknown = undefined;
	private workflow: IDataObject | undefined;
	private paused: IDataObject | undefined;

	/** Returns the text delta to forward to a streaming chat, if the event carried one. */
	add(event: IDataObject): string | undefined {
		this.capture(event);
		switch (event.event) {
			case 'message': {
				const text = String(event.answer ?? '');
				if (this.sawAgentDeltas) {
					// New Agent: the closing `message` is the full answer, not one more delta.
					const delta = text.startsWith(this.answer) ? text.slice(this.answer.length) : undefined;
					this.answer = text;
					return delta || undefined;
				}
				this.answer += text;
				return text || undefined;
			}
			case 'agent_message': {
				this.sawAgentDeltas = true;
				const text = String(event.answer ?? '');
				this.answer += text;
				return text || undefined;
			}
			case 'message_replace':
				this.answer = String(event.answer ?? '');
				return undefined;
			case 'agent_thought': {
				const id = String(event.id ?? this.thoughts.size);
				this.thoughts.set(id, { ...this.thoughts.get(id), ...withoutEnvelope(event) });
				return undefined;
			}
			case 'message_file': {
				this.messageFiles.push(withoutEnvelope(event));
				return undefined;
			}
			case 'message_end':
				this.metadata = (event.metadata as IDataObject) ?? {};
				this.files = event.files ?? this.files;
				return undefined;
			case 'reasoning_chunk':
				this.reasoning += String((event.data as IDataObject | undefined)?.reasoning ?? '');
				return undefined;
			case 'workflow_started':
				this.fields.workflow_run_id = (event.workflow_run_id as string) ?? (event.data as IDataObject | undefined)?.id;
				return undefined;
			case 'node_started':
			case 'node_finished':
			case 'node_retry':
				this.traceNode(event);
				return undefined;
			case 'human_input_required':
				this.forms.push((event.data as IDataObject) ?? {});
				return undefined;
			case 'workflow_paused':
				this.paused = (event.data as IDataObject) ?? {};
				return undefined;
			case 'workflow_finished':
				this.workflow = (event.data as IDataObject) ?? {};
				return undefined;
			case 'warning':
				this.warnings.push(String(event.warning ?? ''));
				return undefined;
			default:
				// tts_message carries base64 audio: never copied into the JSON output. Unknown events are ignored.
				return undefined;
		}
	}

	private capture(event: IDataObject): void {
		for (const key of ['task_id', 'conversation_id', 'message_id', 'created_at', 'mode'] as const) {
			if (event[key] !== undefined && event[key] !== '' && this.fields[key] === undefined) this.fields[key] = event[key];
		}
	}

	private traceNode(event: IDataObject): void {
		const data = (event.data as IDataObject) ?? {};
		const id = String(data.id ?? data.node_id);
		const previous = this.trace.get(id);
		this.trace.set(id, {
			node_id: String(data.node_id ?? previous?.node_id ?? ''),
			title: String(data.title ?? previous?.title ?? ''),
			node_type: String(data.node_type ?? previous?.node_type ?? ''),
			status: event.event === 'node_started' ? 'running' : String(data.status ?? 'succeeded'),
			elapsed_time: (data.elapsed_time as number | undefined) ?? previous?.elapsed_time ?? null,
			error: (data.error as string | undefined) ?? null,
		});
	}

	/** A run that failed inside Dify (chatflow `workflow_finished` with status failed). */
	get failure(): string | undefined {
		const status = this.workflow?.status;
		if (status === 'failed') return String(this.workflow?.error ?? 'The workflow failed');
		return undefined;
	}

	/**
	 * The answer as the conversation's message list has it: after a reattached stream that may have
	 * missed text sent while the node was disconnected, the stored message is the whole answer.
	 */
	restoreFrom(message: IDataObject): void {
		if (typeof message.answer === 'string') this.answer = message.answer;
		if (this.metadata.retriever_resources === undefined && Array.isArray(message.retriever_resources)) {
			this.metadata = { ...this.metadata, retriever_resources: message.retriever_resources };
		}
	}

	/** Blocking answers (docs/dify-behaviour.md, 'Chat messages', 'Completion messages') become the same result as streams. */
	addBlocking(body: IDataObject): void {
		this.capture(body);
		if (body.event === 'workflow_paused') {
			const data = (body.data as IDataObject) ?? {};
			this.answer = String(body.answer ?? data.answer ?? '');
			this.metadata = (body.metadata as IDataObject) ?? {};
			this.fields.workflow_run_id = body.workflow_run_id ?? data.workflow_run_id;
			this.paused = data;
			return;
		}
		this.answer = String(body.answer ?? '');
		this.metadata = (body.metadata as IDataObject) ?? {};
		if (body.files !== undefined) this.files = body.files;
	}

	result(options: AnswerOptions): IDataObject {
		const usage = this.metadata.usage;
		const out: IDataObject = {
			answer: this.answer,
			conversation_id: this.fields.conversation_id ?? null,
			message_id: this.fields.message_id ?? null,
			task_id: this.fields.task_id ?? null,
			created_at: this.fields.created_at ?? null,
			status: this.paused ? 'paused' : 'normal',
			usage: usage ? normaliseUsage(usage as IDataObject) : null,
			retriever_resources: (this.metadata.retriever_resources as IDataObject[] | undefined) ?? [],
		};
		if (this.fields.mode !== undefined) out.mode = this.fields.mode;
		if (this.fields.workflow_run_id !== undefined) out.workflow_run_id = this.fields.workflow_run_id;
		if (this.metadata.annotation_reply) out.annotation_reply = this.metadata.annotation_reply;
		if (this.reasoning) out.reasoning = this.reasoning;
		if (this.files !== undefined && this.files !== null) out.files = this.files as IDataObject[];
		if (this.warnings.length) out.warnings = this.warnings;
		if (this.paused) out.pause = pauseSummary(this.paused, this.forms);
		const isAgent = this.sawAgentDeltas || this.thoughts.size > 0 || /agent/.test(String(this.fields.mode ?? ''));
		if (options.includeThoughts && isAgent) out.agent_thoughts = [...this.thoughts.values()].sort(byPosition);
		if (options.includeMessageFiles) out.message_files = this.messageFiles;
		if (options.includeNodeTrace) out.node_trace = [...this.trace.values()];
		return out;
	}
}

function byPosition(a: IDataObject, b: IDataObject): number {
	return Number(a.position ?? 0) - Number(b.position ?? 0);
}

const MONEY = /(_price|_unit_price|_price_unit)$/;

/** Streams send money as decimal strings, blocking answers as numbers (docs/dify-behaviour.md, 'Numbers, money and timestamps'): output numbers. */
export function normaliseUsage(usage: IDataObject): IDataObject {
	const out: IDataObject = {};
	for (const [key, value] of Object.entries(usage)) {
		out[key] = MONEY.test(key) && typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
	}
	return out;
}

/** The forms a paused run waits on, with the tokens needed to answer them through "Human Input". */
export function pauseSummary(paused: IDataObject, forms: IDataObject[]): IDataObject {
	const reasons = Array.isArray(paused.reasons) ? (paused.reasons as IDataObject[]) : [];
	const fromReasons = reasons.filter((r) => (r.TYPE ?? r.type) === 'human_input_required');
	const all = forms.length ? forms : fromReasons;
	return {
		workflow_run_id: paused.workflow_run_id ?? null,
		paused_nodes: paused.paused_nodes ?? [],
		forms: all.map((form) => ({
			form_token: form.form_token ?? null,
			node_id: form.node_id ?? null,
			node_title: form.node_title ?? null,
			form_content: form.form_content ?? null,
			inputs: form.inputs ?? [],
			actions: form.actions ?? [],
			expiration_time: form.expiration_time ?? null,
		})),
		reasons,
	};
}
