import type { IDataObject } from 'n8n-workflow';

import { callNode, failure, rl, seedTurns, sendParams, useDifyServer } from './support';

const server = useDifyServer();
const conv = (operation: string, extra: Record<string, unknown> = {}) => ({ resource: 'conversation', operation, user: 'tester', ...extra });

describe('conversation / getAll', () => {
	beforeEach(async () => {
		await seedTurns(server(), server().keys.chat, 'tester', 120);
		await seedTurns(server(), server().keys.chat, 'other', 2);
	});

	it('returns all of the user\'s conversations over several last_id pages', async () => {
		const result = await callNode(server(), { key: server().keys.chat, parameters: conv('getAll', { returnAll: true }) });
		expect(result.items).toHaveLength(120);
		const pages = server().requests.filter((r) => r.path === '/conversations');
		expect(pages).toHaveLength(2);
		expect(pages[0].query).toMatchObject({ limit: '100', user: 'tester', sort_by: '-updated_at' });
		expect(pages[1].query.last_id).toBe(result.items[99].json.id);
	});

	it('stops at a limit that cuts a page and honours the sort', async () => {
		const result = await callNode(server(), { key: server().keys.chat, parameters: conv('getAll', { returnAll: false, limit: 7, sortBy: 'created_at' }) });
		expect(result.items).toHaveLength(7);
		expect(server().requests.filter((r) => r.path === '/conversations')).toHaveLength(1);
		expect(server().requests.at(-1)?.query).toMatchObject({ limit: '7', sort_by: 'created_at' });
	});

	it('fails on a non-chat app', async () => {
		const result = await callNode(server(), { key: server().keys.completion, parameters: conv('getAll', { returnAll: true }) });
		expect(failure(result).message).toContain('Dify Completion node');
	});
});

describe('conversation / rename and delete', () => {
	it('renames with a name, or lets Dify generate one', async () => {
		const [turn] = await seedTurns(server(), server().keys.chat, 'tester', 1);
		const id = turn.conversation_id as string;
		const named = await callNode(server(), { key: server().keys.chat, parameters: conv('rename', { conversationId: rl(id), name: 'Billing' }) });
		expect(named.items[0].json).toMatchObject({ id, name: 'Billing' });
		const auto = await callNode(server(), { key: server().keys.chat, parameters: conv('rename', { conversationId: rl(id), autoGenerate: true }) });
		expect(auto.items[0].json.name).toEqual(expect.any(String));
		expect(server().requests.at(-1)?.json).toEqual({ auto_generate: true, user: 'tester' });
	});

	it('refuses an empty name before calling Dify', async () => {
		const result = await callNode(server(), { key: server().keys.chat, parameters: conv('rename', { conversationId: rl('6f1c8f5e-2d7a-4a0e-9a53-1f1f2a2b3c4d'), name: '  ' }) });
		expect(failure(result).message).toBe('Name is empty');
		expect(server().requests).toHaveLength(0);
	});

	it('deletes with a JSON body carrying the user, and 404s for another user', async () => {
		const [turn] = await seedTurns(server(), server().keys.chat, 'tester', 1);
		const id = turn.conversation_id as string;
		const foreign = await callNode(server(), { key: server().keys.chat, parameters: conv('delete', { conversationId: rl(id), user: 'mallory' }) });
		expect(failure(foreign).description).toContain('user "mallory"');
		const deleted = await callNode(server(), { key: server().keys.chat, parameters: conv('delete', { conversationId: rl(id) }) });
		expect(deleted.items[0].json).toEqual({ deleted: true, conversation_id: id });
		expect(server().requests.at(-1)).toMatchObject({ method: 'DELETE', json: { user: 'tester' } });
	});
});

describe('conversation variables (Chatflow)', () => {
	async function chatflowConversation(): Promise<string> {
		const result = await callNode(server(), { type: 'dify.difyChatflow', key: server().keys.advancedChat, parameters: sendParams('hi') });
		expect(result.error).toBeUndefined();
		return result.items[0].json.conversation_id as string;
	}

	it('lists variables with typed values and filters by name', async () => {
		const id = await chatflowConversation();
		const all = await callNode(server(), { type: 'dify.difyChatflow', key: server().keys.advancedChat, parameters: conv('getVariables', { conversationId: rl(id), returnAll: true }) });
		expect(all.error).toBeUndefined();
		const byName: Record<string, IDataObject> = Object.fromEntries(all.items.map((i) => [i.json.name, i.json]));
		expect(Object.keys(byName).length).toBeGreaterThanOrEqual(2);
		const variables = Object.values(byName);
		// The sandbox's chatflow declares both kinds, so each check below runs at least once.
		expect(variables.map((v) => v.value_type)).toEqual(expect.arrayContaining(['number', 'object']));
		for (const variable of variables.filter((v) => v.value_type === 'number')) expect(typeof variable.value).toBe('number');
		for (const variable of variables.filter((v) => v.value_type === 'object')) expect(variable.value).toEqual(expect.any(Object));
		for (const variable of variables) expect(typeof variable.value_raw).toBe('string');
		const first = all.items[0].json.name as string;
		const filtered = await callNode(server(), {
			type: 'dify.difyChatflow',
			key: server().keys.advancedChat,
			parameters: conv('getVariables', { conversationId: rl(id), returnAll: true, variableName: first }),
		});
		expect(filtered.items.length).toBeGreaterThan(0);
		expect(filtered.items.length).toBeLessThan(all.items.length);
		expect(filtered.items.map((i) => String(i.json.name))).toEqual(filtered.items.map(() => expect.stringContaining(first)));
		expect(server().requests.at(-1)?.query.variable_name).toBe(first);
	});

	it('updates a variable, sending JSON values typed, and surfaces a type mismatch', async () => {
		const id = await chatflowConversation();
		const all = await callNode(server(), { type: 'dify.difyChatflow', key: server().keys.advancedChat, parameters: conv('getVariables', { conversationId: rl(id), returnAll: true }) });
		const numeric = all.items.find((i) => i.json.value_type === 'number')!.json;
		const ok = await callNode(server(), {
			type: 'dify.difyChatflow',
			key: server().keys.advancedChat,
			parameters: conv('updateVariable', { conversationId: rl(id), variableId: numeric.id, value: '42', valueType: 'json' }),
		});
		expect(ok.error).toBeUndefined();
		expect(server().requests.at(-1)?.json).toEqual({ value: 42, user: 'tester' });
		expect(ok.items[0].json.value).toBe(42);
		const wrong = await callNode(server(), {
			type: 'dify.difyChatflow',
			key: server().keys.advancedChat,
			parameters: conv('updateVariable', { conversationId: rl(id), variableId: numeric.id, value: 'forty-two', valueType: 'string' }),
		});
		expect(failure(wrong).message).toMatch(/^Dify error bad_request: Type mismatch/);
	});
});
