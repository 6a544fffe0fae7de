import { callNode, failure, rl, sendParams, useDifyServer } from './support';

const server = useDifyServer();

describe('message.send on a Chatbot app', () => {
	it('streams a chat answer into one item with ids, usage and citations', async () => {
		const result = await callNode(server(), { key: server().keys.chat, parameters: sendParams('Hello 世界 🌍') });
		expect(result.error).toBeUndefined();
		const json = result.items[0].json;
		expect(json.answer).toBe('Echo: Hello 世界 🌍');
		expect(json).toMatchObject({ status: 'normal', conversation_id: expect.any(String), message_id: expect.any(String), task_id: expect.any(String) });
		expect((json.usage as { total_price: unknown }).total_price).toEqual(expect.any(Number));
		expect((json.retriever_resources as unknown[]).length).toBeGreaterThan(0);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		const sent = server().requests.find((r) => r.path === '/chat-messages');
		expect(sent?.json).toMatchObject({ query: 'Hello 世界 🌍', user: 'tester', response_mode: 'streaming', inputs: {}, auto_generate_name: true });
	});

	it('answers in blocking mode with the same output shape', async () => {
		const result = await callNode(server(), { key: server().keys.chat, parameters: sendParams('Hi', { responseMode: 'blocking' }) });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ answer: 'Echo: Hi', status: 'normal', conversation_id: expect.any(String) });
		expect(server().requests.find((r) => r.path === '/chat-messages')?.json).toMatchObject({ response_mode: 'blocking' });
	});

	it('continues a conversation with the conversation_id of the first turn', async () => {
		const first = await callNode(server(), { key: server().keys.chat, parameters: sendParams('one') });
		const conversationId = first.items[0].json.conversation_id as string;
		const second = await callNode(server(), { key: server().keys.chat, parameters: sendParams('two', { conversationId: rl(conversationId) }) });
		expect(second.items[0].json.conversation_id).toBe(conversationId);
	});

	it('streams an Agent app answer with its thoughts upserted by id', async () => {
		const result = await callNode(server(), { key: server().keys.agentChat, parameters: sendParams('What is 2+2?') });
		expect(result.error).toBeUndefined();
		const json = result.items[0].json;
		expect(String(json.answer).length).toBeGreaterThan(0);
		const thoughts = json.agent_thoughts as Array<{ id: string; position: number; tool?: string }>;
		expect(thoughts.length).toBeGreaterThanOrEqual(2);
		expect(new Set(thoughts.map((t) => t.id)).size).toBe(thoughts.length);
		expect(thoughts.some((t) => t.tool)).toBe(true);
	});

	it('streams a New Agent answer without appending its closing message twice', async () => {
		const result = await callNode(server(), { key: server().keys.agent, parameters: sendParams('Tell me') });
		expect(result.error).toBeUndefined();
		const answer = String(result.items[0].json.answer);
		expect(answer.length).toBeGreaterThan(0);
		expect(answer.slice(0, answer.length / 2)).not.toBe(answer.slice(answer.length / 2));
	});

	it('surfaces Dify\'s refusal of blocking mode for Agent apps', async () => {
		const result = await callNode(server(), { key: server().keys.agentChat, parameters: sendParams('x', { responseMode: 'blocking' }) });
		expect(failure(result).message).toBe('Dify error invalid_param: Agent Chat App does not support blocking mode');
	});

	it('forwards answer deltas to a streaming Chat Trigger and still outputs the whole answer', async () => {
		const result = await callNode(server(), { key: server().keys.chat, parameters: sendParams('stream me please'), streaming: true });
		const types = result.chunks.map((c) => c.type);
		expect(types[0]).toBe('begin');
		expect(types.at(-1)).toBe('end');
		expect(result.chunks.filter((c) => c.type === 'item').map((c) => c.content).join('')).toBe('Echo: stream me please');
		expect(result.items[0].json.answer).toBe('Echo: stream me please');
	});
});

describe('the stream reader over real HTTP', () => {
	it('is correct when every write splits a multi-byte character', async () => {
		const reference = await callNode(server(), { key: server().keys.chat, parameters: sendParams('日本語テキスト✓') });
		const offsets = Array.from({ length: 60 }, (_, k) => 3 + k * 7);
		server().misbehave({ path: '/chat-messages', splitAt: offsets });
		const split = await callNode(server(), { key: server().keys.chat, parameters: sendParams('日本語テキスト✓') });
		expect(split.error).toBeUndefined();
		expect(split.items[0].json.answer).toBe(reference.items[0].json.answer);
	});

	it('gives up on a stream that only sends pings, with the silence timeout', async () => {
		server().misbehave({ path: '/chat-messages', stallWithPingsAfterFrames: 2, pingEveryMs: 10 });
		const result = await callNode(server(), { key: server().keys.chat, parameters: sendParams('stall', { options: { silenceTimeout: 0.3 } }) });
		const error = failure(result);
		expect(error.message).toMatch(/^Dify stream timed out: no data for 0.3 s \(task_id /);
		// The abandoned task is asked to stop, as the same user.
		const stop = server().requests.find((r) => /^\/chat-messages\/.+\/stop$/.test(r.path));
		expect(stop?.json).toEqual({ user: 'tester' });
	});

	it('gives up on a silent stream too', async () => {
		server().misbehave({ path: '/chat-messages', stallSilentAfterFrames: 1 });
		const result = await callNode(server(), { key: server().keys.chat, parameters: sendParams('quiet', { options: { silenceTimeout: 0.2 } }) });
		expect(failure(result).message).toMatch(/timed out: no data/);
	});

	it('enforces the total run time', async () => {
		server().misbehave({ path: '/chat-messages', stallWithPingsAfterFrames: 1, pingEveryMs: 10 });
		const result = await callNode(server(), { key: server().keys.chat, parameters: sendParams('long', { options: { timeout: 0.3, silenceTimeout: 60 } }) });
		expect(failure(result).message).toMatch(/timed out: run exceeded 0.3 s/);
	});

	it.each([
		['with a code', { after: 1, code: 'completion_request_error', message: 'Model timed out', status: 400 }, 'Dify error completion_request_error: Model timed out'],
		['without a code (worker-side)', { after: 1, message: 'text is required in input form', status: 500 }, 'The Dify app requires the input "text", and it was not sent (Dify reported an error without an error code: text is required in input form)'],
	])('turns an error frame %s into a Dify error', async (_label, frame, expected) => {
		server().misbehave({ path: '/chat-messages', errorFrameAfterFrames: frame });
		expect(failure(await callNode(server(), { key: server().keys.chat, parameters: sendParams('x') })).message).toBe(expected);
	});

	it.each([
		['dropped', { dropAfterFrames: 2 }],
		['closed cleanly', { endAfterFrames: 2 }],
	])('never reports success for a stream %s before message_end', async (_label, rule) => {
		server().misbehave({ path: '/chat-messages', ...rule });
		const error = failure(await callNode(server(), { key: server().keys.chat, parameters: sendParams('cut') }));
		expect(error.message).toMatch(/^Dify's stream ended before the run finished: the connection was (closed|interrupted)/);
	});

	it('explains an HTML 502 from a proxy, naming the base URL and status', async () => {
		server().misbehave({ path: '/chat-messages', html502: true });
		const error = failure(await callNode(server(), { key: server().keys.chat, parameters: sendParams('x') }));
		expect(error.message).toBe(`Dify at ${server().apiBase} answered HTTP 502 with an HTML page instead of Dify's JSON`);
		expect(error.description).toMatch(/proxy or gateway/);
	});

	it('explains an HTML 502 on a JSON request too', async () => {
		server().misbehave({ path: '/info', html502: true, times: 3 });
		const error = failure(await callNode(server(), { key: server().keys.chat, parameters: { resource: 'app', operation: 'getInfo' } }));
		expect(error.message).toMatch(/answered HTTP 502 with an HTML page/);
	});

	it('reads a JSON error sent instead of a stream', async () => {
		server().misbehave({ path: '/chat-messages', jsonError: { status: 400, code: 'provider_quota_exceeded', message: 'Your quota has been exceeded.' } });
		const error = failure(await callNode(server(), { key: server().keys.chat, parameters: sendParams('x') }));
		expect(error.message).toBe('Dify error provider_quota_exceeded: Your quota has been exceeded.');
		expect(error.description).toMatch(/model provider/);
	});

	it('retries a GET after 429 Retry-After and succeeds', async () => {
		server().misbehave({ path: '/info', status429RetryAfter: 1 });
		const result = await callNode(server(), { key: server().keys.chat, parameters: { resource: 'app', operation: 'getInfo' } });
		expect(result.error).toBeUndefined();
		expect(server().requests.filter((r) => r.path === '/info')).toHaveLength(2);
	});

	it('does not retry a POST that starts no generation after 429, and says what to do', async () => {
		// Generations are retried on too_many_requests (test/integration/busy.test.ts); other writes never.
		const messageId = '0b0b0b0b-1c1c-4d4d-8e8e-f0f0f0f0f0f0';
		server().misbehave({ path: `/messages/${messageId}/feedbacks`, status429RetryAfter: 1 });
		const error = failure(
			await callNode(server(), { key: server().keys.chat, parameters: { resource: 'feedback', operation: 'create', messageId, rating: 'like', user: 'tester' } }),
		);
		expect(error.message).toMatch(/^Dify error too_many_requests/);
		expect(error.description).toMatch(/Wait and retry/);
		expect(server().requests.filter((r) => r.path.endsWith('/feedbacks'))).toHaveLength(1);
	});
});

describe('errors a user can act on', () => {
	it.each([
		['workflow', 'Dify Workflow'],
		['completion', 'Dify Completion'],
	] as const)('says a %s key belongs to the %s node', async (kind, nodeName) => {
		const error = failure(await callNode(server(), { key: server().keys[kind], parameters: sendParams('x') }));
		expect(error.message).toMatch(/^The credential's API key belongs to the Dify [\w ]+ app "Sandbox [\w ]+" \(mode "[a-z-]+"\): /);
		expect(error.message).toContain(`use it with the ${nodeName} node, or select a credential with the API key of a Chatbot or Agent app in this Dify Chatbot node.`);
	});

	it('names the user when a conversation belongs to someone else', async () => {
		const first = await callNode(server(), { key: server().keys.chat, parameters: sendParams('mine') });
		const id = first.items[0].json.conversation_id as string;
		const error = failure(
			await callNode(server(), { key: server().keys.chat, parameters: sendParams('theirs', { user: 'someone-else', conversationId: rl(id) }) }),
		);
		expect(error.message).toBe('Dify error not_found: Conversation Not Exists.');
		expect(error.description).toContain('user "someone-else"');
	});

	it('names the field for invalid inputs JSON, and continueOnFail yields one error item per failed item', async () => {
		const result = await callNode(server(), {
			key: server().keys.chat,
			continueOnFail: true,
			parameters: sendParams('={{ $json.q }}', { inputs: '={{ $json.inputs }}' }),
			items: [{ json: { q: 'ok', inputs: '{}' } }, { json: { q: 'bad', inputs: '{nope' } }, { json: { q: 'ok2', inputs: '{}' } }],
		});
		expect(result.items).toHaveLength(3);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.items[0].json.answer).toBe('Echo: ok');
		expect(result.items[1].json.error).toBe('Inputs (JSON) is not valid JSON');
		expect(result.items[2].json.answer).toBe('Echo: ok2');
	});

	it('never puts the API key in outputs or errors', async () => {
		const key = server().keys.workflow;
		const result = await callNode(server(), { key, continueOnFail: true, parameters: sendParams('x') });
		expect(JSON.stringify(result.run.data)).not.toContain(key);
	});
});
