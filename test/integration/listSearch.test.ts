import type { INodeListSearchResult } from 'n8n-workflow';

import { runListSearch } from '../harness/n8n';
import { RELOAD_HINT } from '../../nodes/shared/methods/resourceMapping';
import { callNode, failure, sendParams, seedTurns, useDifyServer } from './support';

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

describe('a credential whose key belongs to another app type', () => {
	const load = (type: string, key: string, kind: 'listSearch' | 'resourceMapping') =>
		runListSearch({
			type,
			kind,
			method: kind === 'listSearch' ? 'searchConversations' : 'getAppInputs',
			parameters: { resource: 'message', operation: 'send', user: 'n8n', inputMode: 'fields' },
			credentials: { difyApi: { baseUrl: server().apiBase, apiKey: key } },
		});
	const SAID =
		'The credential\'s API key belongs to the Dify Workflow app "Sandbox Workflow" (mode "workflow"): use it with the Dify Workflow node, or select a credential with the API key of a Chatbot or Agent app in this Dify Chatbot node.';

	it('the Conversation list says the same as a run: the app, its type and the node to use', async () => {
		await expect(load('dify.difyChatbot', server().keys.workflow, 'listSearch')).rejects.toThrow(SAID);
		const run = await callNode(server(), { key: server().keys.workflow, parameters: sendParams('x') });
		expect(failure(run).message).toBe(SAID);
	});

	// n8n's resource mapper shows no load error's message, only the notice for an empty form.
	const notice = async (type: string, key: string) => (await load(type, key, 'resourceMapping')) as { fields: unknown[]; emptyFieldsNotice?: string };

	it('Fields From the App says it too (as the form\'s notice), although Dify serves the workflow app\'s form', async () => {
		expect(await notice('dify.difyChatbot', server().keys.workflow)).toEqual({ fields: [], emptyFieldsNotice: expect.stringMatching(/^The credential's API key belongs to the Dify Workflow app/) });
		expect((await notice('dify.difyChatbot', server().keys.workflow)).emptyFieldsNotice).toContain(SAID);
		// n8n does not reload the fields when the node had no credential before: the notice says how.
		expect((await notice('dify.difyChatbot', server().keys.workflow)).emptyFieldsNotice).toContain(RELOAD_HINT);
		expect((await notice('dify.difyWorkflow', server().keys.advancedChat)).emptyFieldsNotice).toContain(
			'The credential\'s API key belongs to the Dify Chatflow app "Sandbox Chatflow" (mode "advanced-chat"): use it with the Dify Chatflow node, or select a credential with the API key of a Workflow app in this Dify Workflow node.',
		);
		expect((await notice('dify.difyChatbot', server().keys.agent)).fields.length).toBeGreaterThan(0);
	});

	it('Fields From the App explains a rejected key in its notice too', async () => {
		const rejected = await notice('dify.difyChatbot', 'app-not-a-real-key-000000');
		expect(rejected.fields).toEqual([]);
		expect(rejected.emptyFieldsNotice).toMatch(/^Dify error unauthorized: Access token is invalid Dify rejected the API key\./);
		expect(rejected.emptyFieldsNotice).not.toContain('app-not-a-real-key-000000');
	});
});

describe("Credential's App: the app the credential's key belongs to, as one list entry", () => {
	const app = async (type: string, key: string) =>
		(await runListSearch({
			type,
			method: 'searchCredentialApp',
			parameters: { resource: 'message', operation: 'send' },
			credentials: { difyApi: { baseUrl: server().apiBase, apiKey: key } },
		})) as INodeListSearchResult;

	it('names the app, its type and mode, with one value for every credential', async () => {
		expect((await app('dify.difyChatbot', server().keys.chat)).results).toEqual([{ name: '"Sandbox Chatbot": Dify Chatbot app (mode "chat")', value: 'credential' }]);
		expect((await app('dify.difyChatbot', server().keys.agentChat)).results).toEqual([{ name: '"Sandbox Agent": Dify Agent app (mode "agent-chat")', value: 'credential' }]);
		expect(server().requests.filter((r) => r.path === '/info')).toHaveLength(2);
	});

	it('says when the key belongs to an app of another type, and which node serves it', async () => {
		expect((await app('dify.difyChatbot', server().keys.workflow)).results).toEqual([
			{ name: '"Sandbox Workflow": Dify Workflow app (mode "workflow"), not for the Dify Chatbot node: use it with the Dify Workflow node', value: 'credential' },
		]);
		expect((await app('dify.difyWorkflow', server().keys.advancedChat)).results[0].name).toBe(
			'"Sandbox Chatflow": Dify Chatflow app (mode "advanced-chat"), not for the Dify Workflow node: use it with the Dify Chatflow node',
		);
	});

	it('a rejected key is an entry saying why (so the editor keeps the value), without the key', async () => {
		const [entry] = (await app('dify.difyChatbot', 'app-not-a-real-key-000000')).results;
		expect(entry.value).toBe('credential');
		expect(entry.name).toMatch(/^Cannot read the app: Dify error unauthorized: Access token is invalid Dify rejected the API key\./);
		expect(entry.name).not.toContain('app-not-a-real-key-000000');
	});
});
