import type { INodeListSearchResult } from 'n8n-workflow';

import { runListSearch } from '../harness/n8n';
import { seedTurns, useDifyServer } from './support';

const server = useDifyServer();

const search = async (parameters: Record<string, string>, filter?: string, paginationToken?: string) =>
	(await runListSearch({
		type: 'dify.difyChatbot',
		method: 'searchConversations',
		parameters: { resource: 'message', operation: 'send', ...parameters },
		credentials: { difyApi: { baseUrl: server().apiBase, apiKey: server().keys.chat } },
		filter,
		paginationToken,
	})) as INodeListSearchResult;

it('lists the conversations of the User typed in the form, with paging and a filter', async () => {
	await seedTurns(server(), server().keys.chat, 'ann', 105);
	await seedTurns(server(), server().keys.chat, 'bob', 1);
	const first = await search({ user: 'ann' });
	expect(first.results).toHaveLength(100);
	expect(first.paginationToken).toEqual(expect.any(String));
	const second = await search({ user: 'ann' }, undefined, first.paginationToken);
	expect(second.results).toHaveLength(5);
	expect(second.paginationToken).toBeUndefined();
	expect(server().requests.every((r) => r.path !== '/conversations' || r.query.user === 'ann')).toBe(true);
	const filtered = await search({ user: 'bob' }, 'chat about');
	expect(filtered.results).toHaveLength(1);
	expect(filtered.results[0]).toEqual({ name: expect.stringMatching(/^Chat about/), value: expect.any(String) });
});

it('falls back to the default user when User is an expression', async () => {
	await seedTurns(server(), server().keys.chat, 'n8n', 2);
	const result = await search({ user: '={{ $json.sessionId }}' });
	expect(result.results).toHaveLength(2);
	expect(server().requests.at(-1)?.query.user).toBe('n8n');
});
