import type { IDataObject } from 'n8n-workflow';

import type { MisbehaveRule } from '../dify-server/types';
import type { RunResult } from '../harness/n8n';
import { callNode, failure, sendParams, useDifyServer } from './support';

const server = useDifyServer();

const USER = 'reattach-user';
const EVENTS = /^\/workflow\/[^/]+\/events$/;

/** Fields that differ between two runs of the same inputs (IDs, clocks). */
const VOLATILE = new Set(['workflow_run_id', 'task_id', 'conversation_id', 'message_id', 'created_at', 'finished_at', 'elapsed_time', 'id']);

function stable(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(stable);
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value as IDataObject).filter(([k]) => !VOLATILE.has(k)).map(([k, v]) => [k, stable(v)]));
	}
	return value;
}

const chunkText = (result: RunResult) =>
	result.chunks
		.filter((c) => c.type === 'item')
		.map((c) => String(c.content ?? ''))
		.join('');

const workflowRun = (options: IDataObject = {}) =>
	callNode(server(), {
		key: server().keys.workflow,
		type: 'dify.difyWorkflow',
		streaming: true,
		parameters: {
			resource: 'workflow',
			operation: 'run',
			inputs: JSON.stringify({ text: 'a long unattended run', nodes: 4 }),
			user: USER,
			responseMode: 'streaming',
			options: { includeNodeTrace: true, ...options },
		},
	});

const chatflowSend = (options: IDataObject = {}) =>
	callNode(server(), {
		key: server().keys.advancedChat,
		type: 'dify.difyChatflow',
		streaming: true,
		parameters: sendParams('tell me about proxies that cut long connections', { user: USER, options: { includeNodeTrace: true, ...options } }),
	});

const generationPosts = () => server().requests.filter((r) => r.method === 'POST' && (r.path === '/workflows/run' || r.path === '/chat-messages'));
const eventsGets = () => server().requests.filter((r) => r.method === 'GET' && EVENTS.test(r.path));
const stopCalls = () => server().requests.filter((r) => r.path.endsWith('/stop'));

const cuts: Array<[string, (family: 'workflow' | 'chatflow') => MisbehaveRule]> = [
	// A proxy closing the connection cleanly; the other two cuts are resets.
	['right after workflow_started', (family) => ({ path: family === 'workflow' ? '/workflows/run' : '/chat-messages', endAfterFrames: 1, holdRunOnCut: true })],
	[
		'in the middle of the text chunks',
		(family) =>
			family === 'workflow'
				? { path: '/workflows/run', dropBeforeEvent: { event: 'text_chunk', occurrence: 2 }, holdRunOnCut: true }
				: { path: '/chat-messages', dropBeforeEvent: { event: 'message', occurrence: 3 }, holdRunOnCut: true },
	],
	['just before workflow_finished', (family) => ({ path: family === 'workflow' ? '/workflows/run' : '/chat-messages', dropBeforeEvent: { event: 'workflow_finished' }, holdRunOnCut: true })],
];

describe('reattaching to a workflow run whose stream was cut', () => {
	let uncut: RunResult;
	beforeAll(async () => {
		// Each test resets the server afterwards; the reference run is taken once.
		uncut = await workflowRun();
		expect(uncut.error).toBeUndefined();
		server().reset();
	});

	describe.each(cuts)('cut %s', (_name, rule) => {
		it('replayed from the start (Redis Streams event bus): the uncut output, text sent to the chat once, one generation', async () => {
			server().misbehave(rule('workflow'));
			const result = await workflowRun();
			expect(result.error).toBeUndefined();
			expect(stable(result.items[0].json)).toEqual(stable(uncut.items[0].json));
			expect(chunkText(result)).toBe(chunkText(uncut));
			expect(generationPosts()).toHaveLength(1);
			expect(eventsGets()).toHaveLength(1);
			expect(eventsGets()[0].query).toEqual({ user: USER });
			expect(stopCalls()).toEqual([]);
		});

		it('sent from now on (Pub/Sub event bus): the uncut outputs, nothing repeated, one generation', async () => {
			server().misbehave(rule('workflow'));
			server().misbehave({ method: 'GET', path: EVENTS, eventsFromNow: true });
			const result = await workflowRun();
			expect(result.error).toBeUndefined();
			const json = result.items[0].json;
			expect(json.outputs).toEqual(uncut.items[0].json.outputs);
			expect(json.status).toBe('succeeded');
			const titles = (json.node_trace as IDataObject[]).map((t) => t.title);
			expect(new Set(titles).size).toBe(titles.length);
			// What the chat got is the uncut text, or that text with a stretch missing: never more.
			expect(chunkText(uncut).startsWith(chunkText(result).slice(0, 1))).toBe(true);
			expect(chunkText(result).length).toBeLessThanOrEqual(chunkText(uncut).length);
			expect(generationPosts()).toHaveLength(1);
		});
	});

	it('reads the run until it ends when Dify refuses to reattach (404)', async () => {
		server().misbehave({ path: '/workflows/run', dropBeforeEvent: { event: 'text_chunk' } });
		server().misbehave({ method: 'GET', path: EVENTS, jsonError: { status: 404, code: 'not_found', message: 'The requested URL was not found on the server.' } });
		const result = await workflowRun();
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ status: 'succeeded', outputs: uncut.items[0].json.outputs, total_steps: 4 });
		const runId = result.items[0].json.workflow_run_id as string;
		expect(server().requests.some((r) => r.method === 'GET' && r.path === `/workflows/run/${runId}`)).toBe(true);
		expect(generationPosts()).toHaveLength(1);
	});

	it('fails as before when Reattach After Disconnect is off, and sends nothing more', async () => {
		server().misbehave({ path: '/workflows/run', dropBeforeEvent: { event: 'text_chunk' }, holdRunOnCut: true });
		const error = failure(await workflowRun({ reattach: false }));
		expect(error.message).toMatch(/^Dify's stream ended before the run finished: the connection was interrupted/);
		expect(eventsGets()).toEqual([]);
		expect(generationPosts()).toHaveLength(1);
	});

	it('gives up after bounded attempts when every reattach is cut before anything new', async () => {
		server().misbehave({ path: '/workflows/run', dropBeforeEvent: { event: 'text_chunk' }, holdRunOnCut: true });
		server().misbehave({ method: 'GET', path: EVENTS, dropAfterFrames: 0, times: 10 });
		const error = failure(await workflowRun({ timeout: 60 }));
		expect(error.message).toMatch(/attempts to reattach to run .+ failed$/);
		expect(eventsGets()).toHaveLength(5);
		expect(generationPosts()).toHaveLength(1);
	}, 30_000);
});

describe('reattaching to a chatflow run whose stream was cut', () => {
	let uncut: RunResult;
	beforeAll(async () => {
		uncut = await chatflowSend();
		expect(uncut.error).toBeUndefined();
		server().reset();
	});

	describe.each(cuts)('cut %s', (_name, rule) => {
		it('replayed from the start: the uncut answer and trace, text sent to the chat once, one generation', async () => {
			server().misbehave(rule('chatflow'));
			const result = await chatflowSend();
			expect(result.error).toBeUndefined();
			expect(stable(result.items[0].json)).toEqual(stable(uncut.items[0].json));
			expect(chunkText(result)).toBe(chunkText(uncut));
			expect(generationPosts()).toHaveLength(1);
			expect(stopCalls()).toEqual([]);
		});

		it('sent from now on: the whole answer (read back from the conversation), nothing repeated, one generation', async () => {
			server().misbehave(rule('chatflow'));
			server().misbehave({ method: 'GET', path: EVENTS, eventsFromNow: true });
			const result = await chatflowSend();
			expect(result.error).toBeUndefined();
			expect(result.items[0].json.answer).toBe(uncut.items[0].json.answer);
			const titles = (result.items[0].json.node_trace as IDataObject[]).map((t) => t.title);
			expect(new Set(titles).size).toBe(titles.length);
			expect(chunkText(result).length).toBeLessThanOrEqual(chunkText(uncut).length);
			expect(generationPosts()).toHaveLength(1);
		});
	});

	it('fails with the documented error when Dify refuses to reattach (404)', async () => {
		server().misbehave({ path: '/chat-messages', dropBeforeEvent: { event: 'message', occurrence: 2 } });
		server().misbehave({ method: 'GET', path: EVENTS, jsonError: { status: 404, code: 'not_found', message: 'Workflow run not found' } });
		const error = failure(await chatflowSend());
		expect(error.message).toMatch(/^Dify's chatflow stream was cut and Dify refused to reattach to run /);
		expect(error.description).toMatch(/Dify 1\.14 or newer/);
		expect(generationPosts()).toHaveLength(1);
	});

	it('fails as before when Reattach After Disconnect is off', async () => {
		server().misbehave({ path: '/chat-messages', dropBeforeEvent: { event: 'message', occurrence: 2 }, holdRunOnCut: true });
		const error = failure(await chatflowSend({ reattach: false }));
		expect(error.message).toMatch(/^Dify's stream ended before the run finished/);
		expect(eventsGets()).toEqual([]);
	});
});

describe('chat apps keep failing on a cut stream (no run to reattach to)', () => {
	it('a Chatbot stream cut mid-answer is an error, and no events route is called', async () => {
		server().misbehave({ path: '/chat-messages', dropBeforeEvent: { event: 'message', occurrence: 2 } });
		const error = failure(await callNode(server(), { key: server().keys.chat, parameters: sendParams('hello there friend') }));
		expect(error.message).toMatch(/^Dify's stream ended before the run finished/);
		expect(eventsGets()).toEqual([]);
	});
});
