import { callNode, difyPost, failure, seedTurns, useDifyServer } from './support';

const server = useDifyServer();

describe('feedback', () => {
	it('likes, clears and comments a message as its owner', async () => {
		const [turn] = await seedTurns(server(), server().keys.chat, 'tester', 1);
		const like = await callNode(server(), {
			key: server().keys.chat,
			parameters: { resource: 'feedback', operation: 'create', messageId: turn.message_id, rating: 'like', content: 'great', user: 'tester' },
		});
		expect(like.items[0].json).toMatchObject({ result: 'success', rating: 'like' });
		expect(server().requests.at(-1)?.json).toEqual({ rating: 'like', content: 'great', user: 'tester' });
		await callNode(server(), { key: server().keys.chat, parameters: { resource: 'feedback', operation: 'create', messageId: turn.message_id, rating: 'clear', user: 'tester' } });
		expect(server().requests.at(-1)?.json).toEqual({ rating: null, user: 'tester' });
	});

	it('fails for another user\'s message, naming the user', async () => {
		const [turn] = await seedTurns(server(), server().keys.chat, 'tester', 1);
		const result = await callNode(server(), {
			key: server().keys.chat,
			parameters: { resource: 'feedback', operation: 'create', messageId: turn.message_id, rating: 'dislike', user: 'eve' },
		});
		expect(failure(result).description).toContain('user "eve"');
	});

	it('lists all feedbacks over pages of 101, and a limit that cuts a page', async () => {
		const turns = await seedTurns(server(), server().keys.chat, 'tester', 105);
		for (const turn of turns) await difyPost(server(), server().keys.chat, `/messages/${turn.message_id}/feedbacks`, { rating: 'like', user: 'tester' });
		const all = await callNode(server(), { key: server().keys.chat, parameters: { resource: 'feedback', operation: 'getAll', returnAll: true } });
		expect(all.items).toHaveLength(105);
		expect(server().requests.filter((r) => r.path === '/app/feedbacks').map((r) => r.query.limit)).toEqual(['101', '101']);
		const some = await callNode(server(), { key: server().keys.chat, parameters: { resource: 'feedback', operation: 'getAll', returnAll: false, limit: 3 } });
		expect(some.items).toHaveLength(3);
	});
});

describe('annotations', () => {
	const ann = (operation: string, extra: Record<string, unknown> = {}) => ({ resource: 'annotation', operation, ...extra });

	it('creates, updates, lists and deletes; 404s on an unknown id', async () => {
		const created = await callNode(server(), { key: server().keys.chat, parameters: ann('create', { question: 'Opening hours?', answer: '9 to 5' }) });
		const id = created.items[0].json.id as string;
		expect(created.items[0].json).toMatchObject({ question: 'Opening hours?', answer: '9 to 5' });
		const updated = await callNode(server(), { key: server().keys.chat, parameters: ann('update', { annotationId: id, question: 'Opening hours?', answer: '8 to 6' }) });
		expect(updated.items[0].json.answer).toBe('8 to 6');
		const listed = await callNode(server(), { key: server().keys.chat, parameters: ann('getAll', { returnAll: true, keyword: 'hours' }) });
		expect(listed.items.map((i) => i.json.id)).toEqual([id]);
		const deleted = await callNode(server(), { key: server().keys.chat, parameters: ann('delete', { annotationId: id }) });
		expect(deleted.items[0].json).toEqual({ deleted: true, annotation_id: id });
		const again = await callNode(server(), { key: server().keys.chat, parameters: ann('delete', { annotationId: id }) });
		expect(failure(again).message).toMatch(/^Dify error not_found/);
	});

	it('pages with total, not Dify\'s has_more heuristic, for Return All and a cutting Limit', async () => {
		for (let k = 0; k < 130; k++) await difyPost(server(), server().keys.completion, '/apps/annotations', { question: `q${k}`, answer: `a${k}` });
		const all = await callNode(server(), { type: 'dify.difyCompletion', key: server().keys.completion, parameters: ann('getAll', { returnAll: true }) });
		expect(all.items).toHaveLength(130);
		expect(new Set(all.items.map((i) => i.json.id)).size).toBe(130);
		const some = await callNode(server(), { type: 'dify.difyCompletion', key: server().keys.completion, parameters: ann('getAll', { returnAll: false, limit: 101 }) });
		expect(some.items).toHaveLength(101);
	});

	it('configures replies as a job and polls its status', async () => {
		const job = await callNode(server(), {
			key: server().keys.chat,
			parameters: ann('configureReply', { action: 'enable', embeddingProviderName: 'langgenius/openai/openai', embeddingModelName: 'text-embedding-3-small', scoreThreshold: 0.8 }),
		});
		expect(job.items[0].json).toMatchObject({ job_id: expect.any(String), action: 'enable' });
		expect(server().requests.at(-1)?.json).toEqual({ embedding_provider_name: 'langgenius/openai/openai', embedding_model_name: 'text-embedding-3-small', score_threshold: 0.8 });
		const status = async () =>
			(await callNode(server(), { key: server().keys.chat, parameters: ann('getReplyStatus', { action: 'enable', jobId: job.items[0].json.job_id }) })).items[0].json.job_status;
		expect(await status()).toBe('waiting');
		expect(await status()).toBe('completed');
		const unknown = await callNode(server(), { key: server().keys.chat, parameters: ann('getReplyStatus', { action: 'enable', jobId: 'nope' }) });
		expect(failure(unknown).message).toBe('Dify error invalid_param: The job does not exist.');
	});
});

describe('app', () => {
	it.each(['getInfo', 'getParameters', 'getMeta', 'getSite'])('%s returns the app data', async (operation) => {
		const result = await callNode(server(), { key: server().keys.chat, parameters: { resource: 'app', operation } });
		expect(result.error).toBeUndefined();
		expect(Object.keys(result.items[0].json).length).toBeGreaterThan(0);
	});

	it('fails with a knowledge key', async () => {
		const result = await callNode(server(), { key: server().keys.knowledge, parameters: { resource: 'app', operation: 'getSite' } });
		expect(failure(result).httpCode).toBe('401');
	});
});
