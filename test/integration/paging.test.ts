/**
 * Every list operation with more items than one Dify page, for Return All and for a Limit that cuts
 * a page (so the second page is fetched and then trimmed).
 */
import { callNode, difyPost, rl, seedTurns, sendParams, useDifyServer } from './support';

const server = useDifyServer();
const pages = (path: string) => server().requests.filter((r) => r.path === path);

it('conversation / getAll: Limit 105 of 120 (pages of 100 by last_id)', async () => {
	await seedTurns(server(), server().keys.chat, 'pager', 120);
	const result = await callNode(server(), { key: server().keys.chat, parameters: { resource: 'conversation', operation: 'getAll', user: 'pager', returnAll: false, limit: 105 } });
	expect(result.items).toHaveLength(105);
	expect(new Set(result.items.map((i) => i.json.id)).size).toBe(105);
	expect(pages('/conversations').map((r) => [r.query.limit, r.query.last_id !== undefined])).toEqual([
		['100', false],
		['100', true],
	]);
});

it('feedback / getAll: Limit 103 of 105 (pages of 101)', async () => {
	const turns = await seedTurns(server(), server().keys.chat, 'pager', 105);
	for (const turn of turns) await difyPost(server(), server().keys.chat, `/messages/${turn.message_id}/feedbacks`, { rating: 'dislike', user: 'pager' });
	const result = await callNode(server(), { key: server().keys.chat, parameters: { resource: 'feedback', operation: 'getAll', returnAll: false, limit: 103 } });
	expect(result.items).toHaveLength(103);
	expect(pages('/app/feedbacks').map((r) => [r.query.page, r.query.limit])).toEqual([
		['1', '101'],
		['2', '101'],
	]);
});

it('workflow / getLogs: Limit 101 of 103 (pages of 100)', async () => {
	for (let k = 0; k < 103; k++) await difyPost(server(), server().keys.workflow, '/workflows/run', { inputs: { text: `r${k}`, nodes: 0 }, user: 'pager', response_mode: 'blocking' });
	const result = await callNode(server(), { type: 'dify.difyWorkflow', key: server().keys.workflow, parameters: { resource: 'workflow', operation: 'getLogs', returnAll: false, limit: 101 } });
	expect(result.items).toHaveLength(101);
	expect(pages('/workflows/logs').map((r) => r.query.page)).toEqual(['1', '2']);
});

describe('conversation / getVariables with 130 variables', () => {
	let key = '';
	let conversationId = '';
	beforeEach(async () => {
		key = server().createApp({
			mode: 'advanced-chat',
			conversationVariables: Array.from({ length: 130 }, (_, k) => ({ name: `var_${k}`, value_type: 'number', value: k, description: '' })),
		} as never);
		const sent = await callNode(server(), { type: 'dify.difyChatflow', key, parameters: sendParams('hi') });
		conversationId = sent.items[0].json.conversation_id as string;
	});

	it('returns all of them over last_id pages', async () => {
		const result = await callNode(server(), {
			type: 'dify.difyChatflow',
			key,
			parameters: { resource: 'conversation', operation: 'getVariables', conversationId: rl(conversationId), user: 'tester', returnAll: true },
		});
		expect(result.items).toHaveLength(130);
		expect(result.items[129].json).toMatchObject({ name: 'var_129', value: 129 });
		expect(pages(`/conversations/${conversationId}/variables`)).toHaveLength(2);
	});

	it('stops at a Limit that cuts the second page', async () => {
		const result = await callNode(server(), {
			type: 'dify.difyChatflow',
			key,
			parameters: { resource: 'conversation', operation: 'getVariables', conversationId: rl(conversationId), user: 'tester', returnAll: false, limit: 110 },
		});
		expect(result.items).toHaveLength(110);
		expect(result.items[109].json.name).toBe('var_109');
	});
});
