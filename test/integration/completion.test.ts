import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { callNode, failure, useDifyServer } from './support';

const server = useDifyServer();

const USER = 'writer';

const cp = (parameters: IDataObject, extra: IDataObject = {}, key?: string) =>
	callNode(server(), { key: key ?? server().keys.completion, type: 'dify.difyCompletion', parameters, ...extra });

const send = (inputs: IDataObject, extra: IDataObject = {}, call: IDataObject = {}, key?: string) =>
	cp({ resource: 'message', operation: 'send', inputs: JSON.stringify(inputs), user: USER, responseMode: 'streaming', ...extra }, call, key);

function binaryItem(text: string, fileName: string, mimeType: string): INodeExecutionData {
	return { json: {}, binary: { data: { data: Buffer.from(text).toString('base64'), mimeType, fileName } } };
}

const completionRequests = () => server().requests.filter((r) => r.path === '/completion-messages');

describe('completion / message send', () => {
	it('streams by default and outputs the whole text with ids and usage', async () => {
		const result = await send({ query: 'a haiku about rain' });
		expect(result.error).toBeUndefined();
		const json = result.items[0].json;
		expect(json).toMatchObject({
			answer: 'Completion: a haiku about rain',
			message_id: expect.any(String),
			task_id: expect.any(String),
			created_at: expect.any(Number),
			usage: expect.objectContaining({ total_tokens: expect.any(Number), total_price: expect.any(Number) }),
		});
		expect(json).not.toHaveProperty('conversation_id');
		expect(completionRequests()[0].json).toEqual({ inputs: { query: 'a haiku about rain' }, user: USER, response_mode: 'streaming' });
	});

	it('gives the same result in blocking mode', async () => {
		const result = await send({ query: 'blocking' }, { responseMode: 'blocking' });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ answer: 'Completion: blocking', message_id: expect.any(String), usage: expect.any(Object) });
		expect(completionRequests()[0].json).toMatchObject({ response_mode: 'blocking' });
	});

	it('sends the legacy query field when given', async () => {
		const result = await send({}, { options: { query: 'old style' } });
		expect(result.items[0].json.answer).toBe('Completion: old style');
		expect(completionRequests()[0].json).toMatchObject({ query: 'old style', inputs: {} });
	});

	it('applies message_replace (moderation) to the output', async () => {
		const result = await send({ query: 'spicy [replace]' });
		expect(result.items[0].json.answer).toBe('[moderated]');
	});

	it('uploads binary files as the same user and attaches them with URLs', async () => {
		const result = await send(
			{ query: 'describe' },
			{ options: { binaryFiles: 'data', fileUrls: 'https://example.com/cat.png' } },
			{ items: [binaryItem('%PDF-1.4', 'spec.pdf', 'application/pdf')] },
		);
		expect(result.error).toBeUndefined();
		expect(server().requests[0]).toMatchObject({ path: '/files/upload', multipart: { fields: { user: USER } } });
		expect((completionRequests()[0].json as IDataObject).files).toEqual([
			{ type: 'document', transfer_method: 'local_file', upload_file_id: expect.any(String) },
			{ type: 'image', transfer_method: 'remote_url', url: 'https://example.com/cat.png' },
		]);
	});

	it('forwards the text to a streaming chat trigger', async () => {
		const result = await send({ query: 'live' }, {}, { streaming: true });
		const text = result.chunks.filter((c) => c.type === 'item').map((c) => c.content).join('');
		expect(text).toBe('Completion: live');
		expect(result.chunks.map((c) => c.type)).toEqual(expect.arrayContaining(['begin', 'end']));
	});

	describe('failures', () => {
		it('names the right node for a key of another app type (Dify says app_unavailable)', async () => {
			const error = failure(await send({ query: 'x' }, {}, {}, server().keys.workflow));
			expect(error.message).toContain('belongs to the Dify Workflow app "Sandbox Workflow" (mode "workflow"): use it with the Dify Workflow node, or select a credential with the API key of a Text Generator app in this Dify Completion node.');
			expect(error.description).toMatch(/^Dify answered: Dify error app_unavailable/);
		});

		it('fails on an error frame without a code', async () => {
			server().misbehave({ path: '/completion-messages', errorFrameAfterFrames: { after: 2, message: 'model overloaded', status: 500 } });
			const error = failure(await send({ query: 'x y z w' }));
			expect(error.message).toBe('Dify reported an error without an error code: model overloaded');
		});

		it('reports input validation in blocking mode as Dify\'s invalid_param', async () => {
			const error = failure(await send({ style: 'baroque' }, { responseMode: 'blocking' }));
			expect(error.message).toMatch(/^Dify error invalid_param: style in input form must be one of the following/);
		});

		it('fails on invalid inputs JSON before calling Dify', async () => {
			const error = failure(await cp({ resource: 'message', operation: 'send', inputs: '{"query": ', user: USER }));
			expect(error.message).toBe('Inputs (JSON) is not valid JSON');
			expect(server().requests).toHaveLength(0);
		});

		it('stops the Dify task when the stream times out', async () => {
			server().misbehave({ path: '/completion-messages', stallSilentAfterFrames: 2 });
			const error = failure(await send({ query: 'stall here please' }, { options: { silenceTimeout: 1 } }));
			expect(error.message).toMatch(/timed out/);
			expect(server().requests.some((r) => /^\/completion-messages\/.+\/stop$/.test(r.path))).toBe(true);
		});
	});
});

describe('completion / message stop', () => {
	it('stops a running generation through /completion-messages/{task_id}/stop', async () => {
		const result = await cp({ resource: 'message', operation: 'stop', taskId: 'task-9', user: USER });
		expect(result.items[0].json).toEqual({ result: 'success', task_id: 'task-9' });
		expect(server().requests.at(-1)).toMatchObject({ path: '/completion-messages/task-9/stop', json: { user: USER } });
	});

	it('fails for a key of another app type', async () => {
		const error = failure(await cp({ resource: 'message', operation: 'stop', taskId: 't', user: USER }, {}, server().keys.chat));
		expect(error.message).toContain('belongs to the Dify Chatbot app "Sandbox Chatbot" (mode "chat"): use it with the Dify Chatbot node');
		expect(error.description).toMatch(/^Dify answered: Dify error app_unavailable/);
	});
});

describe('completion / feedback', () => {
	it('rates a message and lists the app feedback', async () => {
		const sent = await send({ query: 'rate me' });
		const messageId = sent.items[0].json.message_id as string;
		const rated = await cp({ resource: 'feedback', operation: 'create', messageId, rating: 'like', content: 'nice', user: USER });
		expect(rated.error).toBeUndefined();
		expect(rated.items[0].json).toMatchObject({ result: 'success', message_id: messageId, rating: 'like' });
		const list = await cp({ resource: 'feedback', operation: 'getAll', returnAll: true });
		expect(list.items.map((i) => i.json)).toEqual([expect.objectContaining({ message_id: messageId, rating: 'like', content: 'nice' })]);
	});

	it('explains that messages are per user', async () => {
		const sent = await send({ query: 'mine' });
		const error = failure(
			await cp({ resource: 'feedback', operation: 'create', messageId: sent.items[0].json.message_id, rating: 'dislike', user: 'stranger' }),
		);
		expect(error.message).toBe('Dify error not_found: Message Not Exists.');
		expect(error.description).toContain('user "stranger"');
	});
});

describe('completion / file', () => {
	it('downloads a file attached to a message, and explains one attached to none', async () => {
		const attached = await send({ query: 'read this' }, { options: { binaryFiles: 'data' } }, { items: [binaryItem('attached bytes', 'att.txt', 'text/plain')] });
		expect(attached.error).toBeUndefined();
		const [mapping] = (completionRequests()[0].json as IDataObject).files as IDataObject[];
		const downloaded = await cp({ resource: 'file', operation: 'download', fileId: mapping.upload_file_id, user: USER, binaryPropertyName: 'data' });
		expect(downloaded.error).toBeUndefined();
		expect(Buffer.from(downloaded.items[0].binary!.data.data, 'base64').toString()).toBe('attached bytes');
		expect(downloaded.items[0].json).toMatchObject({ file_name: 'att.txt' });

		const uploaded = await cp(
			{ resource: 'file', operation: 'upload', binaryPropertyName: 'data', user: USER },
			{ items: [binaryItem('loose bytes', 'loose.txt', 'text/plain')] },
		);
		expect(uploaded.items[0].json).toMatchObject({ name: 'loose.txt', size: 11 });
		const error = failure(await cp({ resource: 'file', operation: 'download', fileId: uploaded.items[0].json.id, user: USER, binaryPropertyName: 'data' }));
		expect(error.message).toMatch(/^Dify error file_not_found/);
	});
});

describe('completion / audio', () => {
	it('turns text into speech as binary', async () => {
		const result = await cp({ resource: 'audio', operation: 'textToSpeech', source: 'text', text: 'Hello there', user: USER, binaryPropertyName: 'audio' });
		expect(result.error).toBeUndefined();
		expect(result.items[0].binary?.audio.mimeType).toMatch(/^audio\//);
	});

	it('fails when the app has text to speech off', async () => {
		const key = server().createApp({ mode: 'completion', features: { tts: false } });
		const error = failure(await cp({ resource: 'audio', operation: 'textToSpeech', source: 'text', text: 'x', user: USER, binaryPropertyName: 'audio' }, {}, key));
		expect(error.message).toMatch(/^Dify error invalid_param: TTS is not enabled/);
	});
});

describe('completion / annotation', () => {
	it('creates, lists, updates and deletes annotations', async () => {
		const created = await cp({ resource: 'annotation', operation: 'create', question: 'What is n8n?', answer: 'A workflow tool.' });
		expect(created.error).toBeUndefined();
		const id = created.items[0].json.id as string;
		const listed = await cp({ resource: 'annotation', operation: 'getAll', returnAll: true, keyword: 'n8n' });
		expect(listed.items.map((i) => i.json.id)).toEqual([id]);
		const updated = await cp({ resource: 'annotation', operation: 'update', annotationId: id, question: 'What is n8n?', answer: 'Automation.' });
		expect(updated.items[0].json).toMatchObject({ id, answer: 'Automation.' });
		const deleted = await cp({ resource: 'annotation', operation: 'delete', annotationId: id });
		expect(deleted.error).toBeUndefined();
		expect((await cp({ resource: 'annotation', operation: 'getAll', returnAll: true })).items).toHaveLength(0);
	});

	it('enables annotation replies and follows the job', async () => {
		const configured = await cp({
			resource: 'annotation',
			operation: 'configureReply',
			action: 'enable',
			embeddingProviderName: 'openai',
			embeddingModelName: 'text-embedding-3-small',
			scoreThreshold: 0.8,
		});
		expect(configured.error).toBeUndefined();
		const jobId = configured.items[0].json.job_id as string;
		const status = await cp({ resource: 'annotation', operation: 'getReplyStatus', action: 'enable', jobId });
		expect(status.items[0].json).toMatchObject({ job_id: jobId, job_status: expect.stringMatching(/waiting|processing|completed/) });
	});

	it('fails for an unknown annotation and an unknown job', async () => {
		const missing = failure(
			await cp({ resource: 'annotation', operation: 'update', annotationId: '00000000-0000-4000-8000-000000000000', question: 'q', answer: 'a' }),
		);
		expect(missing.message).toMatch(/^Dify error not_found: Annotation not found/);
		const job = failure(await cp({ resource: 'annotation', operation: 'getReplyStatus', action: 'enable', jobId: 'nope' }));
		expect(job.message).toBe('Dify error invalid_param: The job does not exist.');
	});
});

describe('completion / app', () => {
	it.each([
		['getInfo', { mode: 'completion' }],
		['getParameters', { user_input_form: expect.any(Array) }],
		['getSite', { title: 'Sandbox Text Generator' }],
	])('%s', async (operation, expected) => {
		const result = await cp({ resource: 'app', operation });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject(expected);
	});
});
