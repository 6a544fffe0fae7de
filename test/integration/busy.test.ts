/**
 * The 429 back-off of generations: Dify's concurrency limiter refuses a run before starting it
 * (too_many_requests), so Send and Run wait and send it again, within "Max Wait When Dify Is Busy".
 * Quota errors, non-generation writes and anything after Dify accepted the run are never resent.
 */
import { call } from '../dify-server/testClient';
import { callNode, failure, rl, sendParams, useDifyServer } from './support';

const server = useDifyServer();

const runs = () => server().requests.filter((r) => r.method === 'POST' && r.path === '/workflows/run');
const chats = () => server().requests.filter((r) => r.method === 'POST' && r.path === '/chat-messages');

const rows = (n: number) => Array.from({ length: n }, (_, k) => ({ json: { text: `row ${k}` } }));

function runParams(options: Record<string, unknown>, extra: Record<string, unknown> = {}) {
	return {
		resource: 'workflow',
		operation: 'run',
		inputs: '={{ JSON.stringify({ text: $json.text, sleep_ms: 150 }) }}',
		user: 'tester',
		responseMode: 'streaming',
		options,
		...extra,
	};
}

/** Starts a long streaming run directly (not through the node) that holds one of the app's slots. */
async function holdSlot(key: string): Promise<void> {
	let seen!: () => void;
	const started = new Promise<void>((resolve) => (seen = resolve));
	void call(server().apiBase, '/workflows/run', {
		key,
		json: { inputs: { text: 'hold', sleep_ms: 60000 }, user: 'holder', response_mode: 'streaming' },
		onText: (text) => (text.includes('workflow_started') ? seen() : undefined),
		timeoutMs: 60000,
	}).catch(() => undefined);
	await started; // reset() after the test destroys the stream and frees the slot
}

describe('generations refused with too_many_requests', () => {
	it.each(['streaming', 'blocking'])(
		'Items at Once 20 against a limit of 5 (%s): every item completes, in order, each paired',
		async (responseMode) => {
			const key = server().keys.workflow;
			server().limitConcurrency(key, 5);
			const result = await callNode(server(), {
				type: 'dify.difyWorkflow',
				key,
				items: rows(20),
				parameters: runParams({ concurrency: 20 }, { responseMode }),
			});
			expect(result.error).toBeUndefined();
			expect(result.items.map((i) => (i.json.outputs as { result: string }).result)).toEqual(rows(20).map((r) => `Processed: ${r.json.text}`));
			expect(result.items.map((i) => i.pairedItem)).toEqual(rows(20).map((_, item) => ({ item })));
			const seen = server().concurrency(key);
			// Each item ran exactly once; every other request the server saw was a refusal.
			expect(seen.admitted).toBe(20);
			expect(seen.peak).toBeLessThanOrEqual(5);
			expect(seen.rejected).toBeGreaterThan(0);
			expect(runs()).toHaveLength(seen.admitted + seen.rejected);
		},
	);

	it('works for chat sends too (blocking): answers in order, one conversation per item', async () => {
		const key = server().keys.chat;
		server().limitConcurrency(key, 2);
		const items = Array.from({ length: 6 }, (_, k) => ({ json: { q: `[slow] q${k}` } }));
		const result = await callNode(server(), {
			key,
			items,
			parameters: sendParams('={{ $json.q }}', { responseMode: 'blocking', options: { concurrency: 6 } }),
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.answer)).toEqual(items.map((i) => `Echo: ${i.json.q}`));
		const seen = server().concurrency(key);
		expect(seen).toMatchObject({ admitted: 6, peak: 2 });
		expect(chats()).toHaveLength(6 + seen.rejected);
	});

	it('gives up after Max Wait When Dify Is Busy and says how long it waited and what to do', async () => {
		const key = server().keys.workflow;
		server().limitConcurrency(key, 1);
		await holdSlot(key);
		const error = failure(
			await callNode(server(), { type: 'dify.difyWorkflow', key, items: rows(1), parameters: runParams({ maxBusyWait: 1 }) }),
		);
		const match = /^Dify error too_many_requests: Too many requests\. .* is 1\. \(refused (\d+) times over ([\d.]+) s of waiting\)$/.exec(error.message);
		expect(match).not.toBeNull();
		const [refusals, waited] = [Number(match![1]), Number(match![2])];
		// The waits add up to at most the maximum, and the node kept asking while it waited.
		expect(waited).toBeLessThanOrEqual(1);
		expect(refusals).toBeGreaterThanOrEqual(2);
		expect(error.description).toContain('for the whole "Max Wait When Dify Is Busy" (1 s)');
		expect(error.description).toMatch(/Lower "Items at Once".*raise the app's limit in Dify/);
		expect(runs()).toHaveLength(1 + refusals); // the holder, then each refused attempt
		expect(server().concurrency(key)).toMatchObject({ admitted: 1, rejected: refusals });
	});

	it('with Continue On Fail, each item that could not get a slot becomes its own paired error item', async () => {
		const key = server().keys.workflow;
		server().limitConcurrency(key, 1);
		await holdSlot(key);
		const result = await callNode(server(), {
			type: 'dify.difyWorkflow',
			key,
			continueOnFail: true,
			items: rows(3),
			parameters: runParams({ maxBusyWait: 0.3, concurrency: 3 }),
		});
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		for (const item of result.items) {
			expect(item.json.error).toMatch(/^Dify error too_many_requests: .*\(refused \d+ times over [\d.]+ s of waiting\)$/);
			expect(item.json.description).toMatch(/Max Wait When Dify Is Busy/);
		}
	});

	it('with Continue On Fail, a refused item does not stop the items that get a slot', async () => {
		const key = server().keys.chat;
		server().misbehave({ path: '/chat-messages', jsonError: { status: 429, code: 'rate_limit_error', message: 'Rate Limit Error' } });
		const result = await callNode(server(), {
			key,
			continueOnFail: true,
			items: [{ json: { q: 'one' } }, { json: { q: 'two' } }],
			parameters: sendParams('={{ $json.q }}', { responseMode: 'blocking' }),
		});
		expect(result.items.map((i) => i.json.error ?? i.json.answer)).toEqual(['Dify error rate_limit_error: Rate Limit Error', 'Echo: two']);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('honours Retry-After and then succeeds', async () => {
		server().misbehave({ path: '/chat-messages', status429RetryAfter: 1 });
		const result = await callNode(server(), { key: server().keys.chat, parameters: sendParams('after a pause') });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.answer).toBe('Echo: after a pause');
		expect(chats()).toHaveLength(2);
	});

	it('stops at once when Retry-After asks for more than the wait left', async () => {
		server().misbehave({ path: '/chat-messages', status429RetryAfter: 30 });
		const error = failure(await callNode(server(), { key: server().keys.chat, parameters: sendParams('x', { options: { maxBusyWait: 5 } }) }));
		expect(error.message).toMatch(/^Dify error too_many_requests: .*\(refused; the node did not wait\)$/);
		expect(error.description).toContain('The server asked to wait 30 s (Retry-After), more than is left of "Max Wait When Dify Is Busy" (5 s)');
		expect(chats()).toHaveLength(1);
	});

	it('does not retry when Max Wait When Dify Is Busy is 0', async () => {
		server().limitConcurrency(server().keys.workflow, 1);
		await holdSlot(server().keys.workflow);
		const error = failure(await callNode(server(), { type: 'dify.difyWorkflow', key: server().keys.workflow, items: rows(1), parameters: runParams({ maxBusyWait: 0 }) }));
		expect(error.description).toContain('"Max Wait When Dify Is Busy" is 0, so the node did not wait');
		expect(runs()).toHaveLength(2);
	});
});

describe('429s that are never resent', () => {
	it('rate_limit_error (Dify Cloud quota): one request, and the error says waiting does not help', async () => {
		server().misbehave({ path: '/workflows/run', jsonError: { status: 429, code: 'rate_limit_error', message: 'Rate Limit Error' } });
		const error = failure(await callNode(server(), { type: 'dify.difyWorkflow', key: server().keys.workflow, items: rows(1), parameters: runParams({}) }));
		expect(error.message).toBe('Dify error rate_limit_error: Rate Limit Error');
		expect(error.description).toMatch(/quota .* used up.*does not retry/);
		expect(runs()).toHaveLength(1);
	});

	it('too_many_requests after Dify started the run (an error frame in the stream)', async () => {
		server().misbehave({ path: '/chat-messages', errorFrameAfterFrames: { after: 2, code: 'too_many_requests', message: 'Too many requests.', status: 429 } });
		const error = failure(await callNode(server(), { key: server().keys.chat, parameters: sendParams('started') }));
		expect(error.message).toBe('Dify error too_many_requests: Too many requests.');
		expect(chats()).toHaveLength(1);
	});

	it("a proxy's 429 without Retry-After", async () => {
		server().misbehave({ path: '/chat-messages', proxy429: {} });
		const error = failure(await callNode(server(), { key: server().keys.chat, parameters: sendParams('x') }));
		expect(error.message).toMatch(/answered HTTP 429 with an HTML page/);
		expect(chats()).toHaveLength(1);
	});

	it('a write that starts no run (conversation rename)', async () => {
		const conversationId = '0d0d0d0d-1e1e-4f4f-8a8a-b0b0b0b0b0b0';
		server().misbehave({ path: `/conversations/${conversationId}/name`, status429RetryAfter: 1 });
		failure(
			await callNode(server(), {
				key: server().keys.chat,
				parameters: { resource: 'conversation', operation: 'rename', conversationId: rl(conversationId), user: 'tester', name: 'n' },
			}),
		);
		expect(server().requests.filter((r) => r.path.endsWith('/name'))).toHaveLength(1);
	});
});

it("a proxy's 429 with Retry-After is resent (Dify never saw it)", async () => {
	server().misbehave({ path: '/chat-messages', proxy429: { retryAfter: 1 } });
	const result = await callNode(server(), { key: server().keys.chat, parameters: sendParams('through the proxy') });
	expect(result.error).toBeUndefined();
	expect(result.items[0].json.answer).toBe('Echo: through the proxy');
	expect(chats()).toHaveLength(2);
});
