import type { IDataObject } from 'n8n-workflow';

import { call } from '../dify-server/testClient';
import { runPoll, type PollResult } from '../harness/n8n';
import { indexedDocument, kb, newDataset } from './knowledge.support';
import { useDifyServer } from './support';

/**
 * The Dify Trigger over HTTP, through n8n-core's PollContext: what each poll emits and the cursor it
 * leaves in the workflow's static data, with events arriving between polls.
 */
describe('Dify Trigger', () => {
	const server = useDifyServer();

	function poller(parameters: IDataObject, key = server().keys.workflow, credentialType = 'difyApi') {
		let staticData: IDataObject = {};
		const poll = async (mode: 'trigger' | 'manual' = 'trigger'): Promise<PollResult> => {
			const result = await runPoll({
				parameters,
				credentialType,
				credentials: { [credentialType]: { baseUrl: server().apiBase, apiKey: key } },
				staticData,
				mode,
			});
			staticData = result.staticData;
			return result;
		};
		return { poll, staticData: () => staticData };
	}

	async function runWorkflow(text: string, extra: IDataObject = {}): Promise<string> {
		const res = await call(server().apiBase, '/workflows/run', {
			key: server().keys.workflow,
			json: { inputs: { text, ...extra }, user: 'alice', response_mode: 'blocking' },
		});
		return (res.json as IDataObject).workflow_run_id as string;
	}

	const cursorOf = (staticData: IDataObject) => (staticData['node:Dify Trigger'] as IDataObject | undefined)?.cursor;
	const runIds = (result: PollResult) => (result.items ?? []).map((i) => i.json.workflow_run_id as string);

	describe('Workflow Run Finished', () => {
		it('emits every run once, oldest first, across polls and a page boundary, and nothing on the first poll', async () => {
			const before = [await runWorkflow('old 1'), await runWorkflow('old 2')];
			const trigger = poller({ event: 'workflowRunFinished' });

			const first = await trigger.poll();
			expect(first.error).toBeUndefined();
			expect(first.items).toBeNull();

			const batch1 = [await runWorkflow('a'), await runWorkflow('b'), await runWorkflow('c')];
			const second = await trigger.poll();
			expect(runIds(second)).toEqual(batch1);
			expect(second.items![0].json).toMatchObject({ status: 'succeeded', user: 'alice', error: null });
			expect(typeof second.items![0].json.elapsed_time).toBe('number');

			// More than one page of Dify's largest page (100) between two polls.
			const batch2: string[] = [];
			for (let i = 0; i < 130; i++) batch2.push(await runWorkflow(`bulk ${i}`));
			const third = await trigger.poll();
			expect(runIds(third)).toEqual(batch2);
			const logRequests = server().requests.filter((r) => r.path === '/workflows/logs');
			expect(logRequests.at(-1)!.query.page).toBe('2');

			const fourth = await trigger.poll();
			expect(fourth.items).toBeNull();
			const all = [...runIds(second), ...runIds(third)];
			expect(new Set(all).size).toBe(all.length);
			expect(all.some((id) => before.includes(id))).toBe(false);
		});

		it('emits the existing runs on the first poll when asked to', async () => {
			const existing = [await runWorkflow('x'), await runWorkflow('y')];
			const trigger = poller({ event: 'workflowRunFinished', options: { includeExisting: true } });
			expect(runIds(await trigger.poll())).toEqual(existing);
			expect((await trigger.poll()).items).toBeNull();
		});

		it('applies the status filter (failed only) and adds run detail on request', async () => {
			const trigger = poller({ event: 'workflowRunFinished', runFilters: { statuses: ['failed'] }, includeRunDetail: true });
			await trigger.poll();
			await runWorkflow('fine');
			const failed = await runWorkflow('broken', { fail: true });
			const result = await trigger.poll();
			expect(runIds(result)).toEqual([failed]);
			expect(result.items![0].json).toMatchObject({ status: 'failed', inputs: { text: 'broken', fail: true } });
			expect(String(result.items![0].json.error)).toContain('forced failure');
			expect(server().requests.find((r) => r.path === '/workflows/logs')!.query.status).toBe('failed');
		});

		it('loses nothing when a poll fails: the cursor stays and the next poll emits what arrived', async () => {
			const trigger = poller({ event: 'workflowRunFinished' });
			await trigger.poll();
			const cursorBefore = JSON.stringify(trigger.staticData());
			const waiting = [await runWorkflow('during outage 1'), await runWorkflow('during outage 2')];
			server().misbehave({ path: '/workflows/logs', html502: true, times: 3 });
			const failed = await trigger.poll();
			expect(failed.error?.message).toMatch(/502/);
			expect(JSON.stringify(trigger.staticData())).toBe(cursorBefore);
			expect(runIds(await trigger.poll())).toEqual(waiting);
		});

		it('says which app type the key belongs to when it is not a workflow app', async () => {
			const trigger = poller({ event: 'workflowRunFinished' }, server().keys.advancedChat);
			const result = await trigger.poll();
			expect(result.error?.message).toBe(
				'The credential\'s API key belongs to the Dify Chatflow app "Sandbox Chatflow" (mode "advanced-chat"): use it with the Dify Chatflow node, or select a credential with the API key of a Workflow app in this Dify Trigger node.',
			);
			expect(result.error?.description).toContain('API Access');
			expect(cursorOf(result.staticData)).toBeUndefined();
		});

		it('explains a rejected key', async () => {
			const result = await poller({ event: 'workflowRunFinished' }, 'app-not-a-real-key').poll();
			expect(result.error?.description).toMatch(/Dify rejected the API key/);
			expect(JSON.stringify(result)).not.toContain('app-not-a-real-key');
		});

		it('Fetch Test Event returns the newest run and leaves the cursor alone, or says there is none', async () => {
			const trigger = poller({ event: 'workflowRunFinished' });
			const none = await trigger.poll('manual');
			expect(none.error?.message).toBe('No "Workflow Run Finished" event found in Dify yet');
			await runWorkflow('one');
			const newest = await runWorkflow('two');
			const test = await trigger.poll('manual');
			expect(runIds(test)).toEqual([newest]);
			expect(cursorOf(trigger.staticData())).toBeUndefined();
		});
	});

	async function chat(query: string, user: string, conversationId = ''): Promise<{ messageId: string; conversationId: string }> {
		const res = await call(server().apiBase, '/chat-messages', {
			key: server().keys.chat,
			json: { query, inputs: {}, user, response_mode: 'blocking', conversation_id: conversationId },
		});
		const body = res.json as IDataObject;
		return { messageId: body.message_id as string, conversationId: body.conversation_id as string };
	}

	async function rate(messageId: string, user: string, rating: 'like' | 'dislike', content = ''): Promise<void> {
		await call(server().apiBase, `/messages/${messageId}/feedbacks`, { key: server().keys.chat, json: { rating, user, content } });
	}

	describe('New Feedback', () => {
		it('emits new feedback once with the rated message, filtered by rating', async () => {
			const old = await chat('before activation', 'carol');
			await rate(old.messageId, 'carol', 'dislike');
			const trigger = poller({ event: 'newFeedback', rating: 'dislike' }, server().keys.chat);
			expect((await trigger.poll()).items).toBeNull();

			const liked = await chat('good answer?', 'carol');
			const disliked = await chat('bad answer?', 'dave');
			await rate(liked.messageId, 'carol', 'like');
			await rate(disliked.messageId, 'dave', 'dislike', 'wrong');
			const result = await trigger.poll();
			expect(result.items!.map((i) => i.json.message_id)).toEqual([disliked.messageId]);
			expect(result.items![0].json).toMatchObject({ rating: 'dislike', content: 'wrong', message: { query: 'bad answer?', answer: 'Echo: bad answer?' } });
			expect((await trigger.poll()).items).toBeNull();
		});

		it('reports feedback of a text generator app without its message (Dify lists no completion messages)', async () => {
			const trigger = poller({ event: 'newFeedback' }, server().keys.completion);
			await trigger.poll();
			const res = await call(server().apiBase, '/completion-messages', {
				key: server().keys.completion,
				json: { inputs: { query: 'write' }, user: 'hana', response_mode: 'blocking' },
			});
			const messageId = (res.json as IDataObject).message_id as string;
			await call(server().apiBase, `/messages/${messageId}/feedbacks`, { key: server().keys.completion, json: { rating: 'like', user: 'hana' } });
			const result = await trigger.poll();
			expect(result.error).toBeUndefined();
			expect(result.items!.map((i) => i.json.message_id)).toEqual([messageId]);
			expect(result.items![0].json.message).toBeNull();
			expect(server().requests.some((r) => r.path === '/messages')).toBe(false);
		});

		it('refuses a workflow app key, naming the app types that have feedback', async () => {
			const result = await poller({ event: 'newFeedback' }, server().keys.workflow).poll();
			expect(result.error?.message).toMatch(/belongs to the Dify Workflow app ".*" \(mode "workflow"\): use it with the Dify Workflow node, or select a credential with the API key of a Chatbot, Agent, Chatflow or Text Generator app in this Dify Trigger node\.$/);
		});
	});

	describe('New Conversation and New Message', () => {
		it("emits a user's new conversations, not other users'", async () => {
			await chat('existing', 'erin');
			const trigger = poller({ event: 'newConversation', user: 'erin' }, server().keys.chat);
			expect((await trigger.poll()).items).toBeNull();
			const mine = await chat('hello', 'erin');
			await chat('hello', 'frank');
			await chat('again', 'erin', mine.conversationId);
			const result = await trigger.poll();
			expect(result.items!.map((i) => i.json.id)).toEqual([mine.conversationId]);
			expect(result.items![0].json.user).toBe('erin');
			expect((await trigger.poll()).items).toBeNull();
		});

		it("emits each answered message of a user's conversations once, old and new conversations alike", async () => {
			const existing = await chat('first', 'gina');
			const trigger = poller({ event: 'newMessage', user: 'gina' }, server().keys.chat);
			expect((await trigger.poll()).items).toBeNull();
			const second = await chat('second', 'gina', existing.conversationId);
			const other = await chat('new topic', 'gina');
			const result = await trigger.poll();
			expect(result.items!.map((i) => i.json.id)).toEqual([second.messageId, other.messageId]);
			expect(result.items![0].json).toMatchObject({ query: 'second', answer: 'Echo: second', conversation_id: existing.conversationId });
			const third = await chat('third', 'gina', other.conversationId);
			expect((await trigger.poll()).items!.map((i) => i.json.id)).toEqual([third.messageId]);
		});
	});

	describe('Document Indexing Finished', () => {
		const indexOnce = async (datasetId: string, batch: string) => await kb(server(), 'GET', `/datasets/${datasetId}/documents/${batch}/indexing-status`);

		it('emits a document once it finished indexing, waits for one still indexing, and filters by outcome', async () => {
			const datasetId = await newDataset(server(), `Watched ${Math.random()}`);
			await indexedDocument(server(), datasetId, 'before.md', 'indexed before activation');
			const trigger = poller({ event: 'documentIndexed', datasetId: { __rl: true, mode: 'list', value: datasetId }, indexingOutcome: '' }, server().keys.knowledge, 'difyKnowledgeApi');
			const failedOnly = poller({ event: 'documentIndexed', datasetId: { __rl: true, mode: 'id', value: datasetId }, indexingOutcome: 'error' }, server().keys.knowledge, 'difyKnowledgeApi');
			expect((await trigger.poll()).items).toBeNull();
			await failedOnly.poll();

			const slow = await kb(server(), 'POST', `/datasets/${datasetId}/document/create-by-text`, { name: 'slow.md', text: 'still indexing' });
			const quick = await indexedDocument(server(), datasetId, 'quick.md', 'done at once');
			const broken = await indexedDocument(server(), datasetId, 'broken.md', 'fails #dify-double:index-error');
			const second = await trigger.poll();
			expect(second.items!.map((i) => i.json.name)).toEqual(['quick.md', 'broken.md']);
			expect(second.items![1].json).toMatchObject({ indexing_status: 'error', error: expect.stringContaining('embedding model') });
			expect((await failedOnly.poll()).items!.map((i) => i.json.document_id)).toEqual([broken.id]);

			for (let i = 0; i < 3; i++) await indexOnce(datasetId, slow.batch);
			const third = await trigger.poll();
			expect(third.items!.map((i) => i.json.document_id)).toEqual([slow.document.id]);
			expect(third.items![0].json).toMatchObject({ indexing_status: 'completed', dataset_id: datasetId });
			expect((await trigger.poll()).items).toBeNull();
			expect(quick.id).not.toBe(slow.document.id);
		});

		it('accepts the knowledge base page URL, and says an app key is the wrong key', async () => {
			const datasetId = await newDataset(server(), `By URL ${Math.random()}`);
			const byUrl = poller({ event: 'documentIndexed', datasetId: { __rl: true, mode: 'url', value: `https://cloud.dify.ai/datasets/${datasetId}/documents` } }, server().keys.knowledge, 'difyKnowledgeApi');
			expect((await byUrl.poll()).error).toBeUndefined();
			expect(server().requests.at(-1)!.path).toBe(`/datasets/${datasetId}/documents`);
			const appKey = await poller({ event: 'documentIndexed', datasetId: { __rl: true, mode: 'id', value: datasetId } }, server().keys.workflow, 'difyKnowledgeApi').poll();
			expect(`${appKey.error?.message} ${appKey.error?.description}`).toMatch(/Knowledge/);
		});
	});
});
