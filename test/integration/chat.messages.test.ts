import { callNode, difyPost, failure, rl, seedTurns, sendParams, useDifyServer } from './support';

const server = useDifyServer();
const key = () => server().keys.chat;

describe('message / send extras', () => {
	it('replaces the answer on message_replace and keeps tts audio out of the output', async () => {
		const result = await callNode(server(), { key: key(), parameters: sendParams('hello [tts] [replace]') });
		expect(result.items[0].json.answer).toBe('[moderated]');
		expect(result.items[0].json).not.toHaveProperty('audio');
		expect(JSON.stringify(result.items[0].json)).not.toMatch(/tts_message/);
	});

	it('outputs message files on request', async () => {
		const result = await callNode(server(), { key: key(), parameters: sendParams('draw [file]', { options: { includeMessageFiles: true } }) });
		const files = result.items[0].json.message_files as Array<{ type: string; url: string }>;
		expect(files).toHaveLength(1);
		expect(files[0].type).toBe('image');
	});

	it('sends auto_generate_name false when asked, and Dify names the conversation from the query', async () => {
		const result = await callNode(server(), { key: key(), parameters: sendParams('a query that is long enough', { options: { autoGenerateName: false } }) });
		expect(server().requests.find((r) => r.path === '/chat-messages')?.json).toMatchObject({ auto_generate_name: false });
		const list = await callNode(server(), { key: key(), parameters: { resource: 'conversation', operation: 'getAll', user: 'tester', returnAll: true } });
		expect(list.items[0].json).toMatchObject({ id: result.items[0].json.conversation_id, name: 'a query that is long…' });
	});

	it('validates required inputs through Dify', async () => {
		const app = server().createApp({ mode: 'chat', userInputForm: [{ 'text-input': { variable: 'topic', label: 'Topic', required: true } }] } as never);
		const missing = await callNode(server(), { key: app, parameters: sendParams('x', { responseMode: 'blocking' }) });
		expect(failure(missing).message).toBe('The Dify app requires the input "topic", and it was not sent (Dify error invalid_param: topic is required in input form)');
		expect(failure(missing).description).toMatch(/^Dify checks the app's required inputs on every request\. Set "topic" in Inputs \(JSON\), e\.g\. \{"topic": "…"\}, or switch Inputs to "Fields From the App"/);
		const ok = await callNode(server(), { key: app, parameters: sendParams('x', { inputs: '{"topic":"pricing"}' }) });
		expect(ok.error).toBeUndefined();
	});
});

describe('message / stop', () => {
	it('stops a running generation as the same user', async () => {
		const result = await callNode(server(), { key: key(), parameters: { resource: 'message', operation: 'stop', taskId: 'task-123', user: 'tester' } });
		expect(result.items[0].json).toEqual({ result: 'success', task_id: 'task-123' });
		expect(server().requests.at(-1)).toMatchObject({ method: 'POST', path: '/chat-messages/task-123/stop', json: { user: 'tester' } });
	});

	it('fails with the wrong app type', async () => {
		const result = await callNode(server(), { key: server().keys.workflow, parameters: { resource: 'message', operation: 'stop', taskId: 't', user: 'tester' } });
		expect(failure(result).message).toBe('The credential\'s API key belongs to the Dify Workflow app "Sandbox Workflow" (mode "workflow"): use it with the Dify Workflow node, or select a credential with the API key of a Chatbot or Agent app in this Dify Chatbot node.');
		expect(failure(result).description).toMatch(/^Dify answered: Dify error not_chat_app: /);
	});
});

describe('message / getAll (history, newest first)', () => {
	let conversationId = '';
	beforeEach(async () => {
		const turns = await seedTurns(server(), key(), 'historian', 130, true);
		conversationId = turns[0].conversation_id as string;
	});

	it('returns all 130 messages across pages, newest first', async () => {
		const result = await callNode(server(), {
			key: key(),
			parameters: { resource: 'message', operation: 'getAll', conversationId: rl(conversationId), user: 'historian', returnAll: true },
		});
		expect(result.items).toHaveLength(130);
		expect(result.items[0].json.query).toBe('turn 129');
		expect(result.items[129].json.query).toBe('turn 0');
		const pages = server().requests.filter((r) => r.path === '/messages');
		expect(pages.map((p) => p.query.limit)).toEqual(['100', '100']);
		// The second page starts before the oldest message of the first one.
		expect(pages[1].query.first_id).toBe(result.items[99].json.id);
	});

	it('returns the latest N for a limit that cuts a page', async () => {
		const result = await callNode(server(), {
			key: key(),
			parameters: { resource: 'message', operation: 'getAll', conversationId: rl(conversationId), user: 'historian', returnAll: false, limit: 105 },
		});
		expect(result.items).toHaveLength(105);
		expect(result.items[0].json.query).toBe('turn 129');
		expect(result.items[104].json.query).toBe('turn 25');
	});

	it('says which user was sent when the conversation is someone else\'s', async () => {
		const result = await callNode(server(), {
			key: key(),
			parameters: { resource: 'message', operation: 'getAll', conversationId: rl(conversationId), user: 'intruder', returnAll: true },
		});
		const error = failure(result);
		expect(error.message).toBe('Dify error not_found: Conversation Not Exists.');
		expect(error.description).toContain('user "intruder"');
	});
});

describe('message / getSuggestions', () => {
	it('returns the suggested questions of an answer', async () => {
		const [turn] = await seedTurns(server(), key(), 'tester', 1);
		const result = await callNode(server(), {
			key: key(),
			parameters: { resource: 'message', operation: 'getSuggestions', messageId: turn.message_id, user: 'tester' },
		});
		expect(result.items[0].json.message_id).toBe(turn.message_id);
		expect((result.items[0].json.suggestions as string[]).length).toBeGreaterThan(0);
	});

	it('reports the disabled feature', async () => {
		const turn = await difyPost(server(), server().keys.chatFeaturesOff, '/chat-messages', { query: 'q', inputs: {}, user: 'tester', response_mode: 'blocking' });
		const result = await callNode(server(), {
			key: server().keys.chatFeaturesOff,
			parameters: { resource: 'message', operation: 'getSuggestions', messageId: turn.message_id, user: 'tester' },
		});
		expect(failure(result).message).toBe('Dify error bad_request: Suggested Questions Is Disabled.');
	});
});
