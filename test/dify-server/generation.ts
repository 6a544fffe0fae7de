import { randomUUID } from 'node:crypto';
import type { AppRuntime, EndUser, ServerState, Task } from './state';

const PIECE_SIZES = [3, 4, 5, 6];

/** Deterministic 3–6 code-point deltas, so multi-byte text lands on delta boundaries. */
export function splitDeltas(text: string): string[] {
	const chars = [...text];
	const out: string[] = [];
	let i = 0;
	let k = 0;
	while (i < chars.length) {
		const size = PIECE_SIZES[k % PIECE_SIZES.length];
		out.push(chars.slice(i, i + size).join(''));
		i += size;
		k += 1;
	}
	return out;
}

export const tokensOf = (text: string) => Math.max(1, Math.ceil([...text].length / 4));

const PROMPT_UNIT = 0.001;
const COMPLETION_UNIT = 0.002;
const PRICE_UNIT = 0.001;

/**
 * LLM usage: Dify serialises the Decimal money fields as strings in SSE and as numbers in the
 * blocking JSON (docs/dify-behaviour.md, 'Numbers, money and timestamps'), so the caller picks the representation.
 */
export function usage(promptTokens: number, completionTokens: number, moneyAs: 'string' | 'number') {
	const promptPrice = promptTokens * PROMPT_UNIT * PRICE_UNIT;
	const completionPrice = completionTokens * COMPLETION_UNIT * PRICE_UNIT;
	const money = (n: number, digits: number) => (moneyAs === 'string' ? n.toFixed(digits) : Number(n.toFixed(digits)));
	return {
		prompt_tokens: promptTokens,
		prompt_unit_price: money(PROMPT_UNIT, 3),
		prompt_price_unit: money(PRICE_UNIT, 3),
		prompt_price: money(promptPrice, 7),
		completion_tokens: completionTokens,
		completion_unit_price: money(COMPLETION_UNIT, 3),
		completion_price_unit: money(PRICE_UNIT, 3),
		completion_price: money(completionPrice, 7),
		total_tokens: promptTokens + completionTokens,
		total_price: money(promptPrice + completionPrice, 7),
		currency: 'USD',
		latency: 0.42,
		time_to_first_token: 0.12,
		time_to_generate: 0.3,
	};
}

export const SANDBOX_DATASET_ID = '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d';

/** The single citation a citations-enabled app returns. */
export function retrieverResource(query: string): Record<string, unknown> {
	return {
		position: 1,
		dataset_id: SANDBOX_DATASET_ID,
		dataset_name: 'Sandbox Knowledge',
		document_id: '7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e',
		document_name: 'sandbox-handbook.md',
		data_source_type: 'upload_file',
		segment_id: '8c9d0e1f-2a3b-4c4d-8e5f-6a7b8c9d0e1f',
		retriever_from: 'api',
		score: 0.87,
		hit_count: 1,
		word_count: 42,
		segment_position: 1,
		index_node_hash: 'e3b0c44298fc1c149afbf4c8996fb924',
		content: `Sandbox handbook excerpt relevant to: ${query.slice(0, 60)}`,
		page: null,
		doc_metadata: null,
		title: 'sandbox-handbook.md',
		files: null,
		summary: null,
	};
}

export function createTask(state: ServerState, app: AppRuntime, user: EndUser): Task {
	const task: Task = { id: randomUUID(), appId: app.id, endUserId: user.id, stopped: false };
	state.tasks.set(task.id, task);
	return task;
}

/** Pause between frames of a run: a macrotask by default, longer for `[slow]` chats or sleep_ms runs. */
export function tick(state: ServerState, ms = state.frameDelayMs): Promise<void> {
	return state.timers.sleep(ms);
}

export function responseMode(value: unknown): 'streaming' | 'blocking' | undefined {
	if (value === 'streaming' || value === 'blocking') return value;
	return undefined;
}
