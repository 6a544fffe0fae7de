import { createHash } from 'node:crypto';
import { startDifyServer, type DifyServer } from './index';
import { call, dataFrames, multipartBody, parseSse, taskIdCatcher, type RawResponse, type RequestOptions } from './testClient';
import { validateRequest, validateResponse, validateStreamEvent } from '../support/openapi';

let server: DifyServer;

type Family = 'chat' | 'completion' | 'workflow';

interface ApiOptions extends RequestOptions {
	/** Request bodies that are wrong on purpose are not checked against the spec. */
	invalidRequest?: boolean;
	family?: Family;
}

/** Every call goes over real HTTP and every JSON answer / SSE frame is checked against the spec. */
async function api(path: string, opts: ApiOptions = {}): Promise<RawResponse> {
	const method = opts.method ?? (opts.json !== undefined || opts.body !== undefined ? 'POST' : 'GET');
	if (opts.json !== undefined && !opts.invalidRequest) expect(validateRequest(method, path, opts.json)).toEqual([]);
	const res = await call(server.apiBase, path, opts);
	const type = String(res.headers['content-type'] ?? '');
	if (type.startsWith('application/json') && path !== '/text-to-audio') {
		expect(validateResponse(method, path, res.status, res.json)).toEqual([]);
	} else if (type.startsWith('text/event-stream') && opts.family) {
		for (const frame of dataFrames(res.text)) {
			// Worker-side error frames have no ids: the spec's error schemas have no required fields either.
			expect(validateStreamEvent(opts.family, frame)).toEqual([]);
		}
	} else if (res.status === 204) {
		expect(res.body.length).toBe(0);
	}
	return res;
}

const body = (res: RawResponse) => res.json as Record<string, any>;

beforeAll(async () => {
	server = await startDifyServer({ pingIntervalMs: 200, uploadLimits: { imageBytes: 2048, fileBytes: 64 * 1024 } });
});

afterEach(() => server.reset());

afterAll(() => server.close());

const chat = (query: string, extra: Record<string, unknown> = {}) => ({ query, inputs: {}, user: 'alice', ...extra });

describe('conventions', () => {
	test('GET /v1/ answers the welcome JSON without auth', async () => {
		const res = await call(server.apiBase, '/');
		expect(res.status).toBe(200);
		expect(res.json).toEqual({ welcome: 'Dify OpenAPI', api_version: 'v1', server_version: expect.any(String) });
	});

	test('keys look like Dify keys', () => {
		for (const [name, key] of Object.entries(server.keys)) {
			expect(key).toMatch(name === 'knowledge' ? /^dataset-[A-Za-z0-9]{24}$/ : /^app-[A-Za-z0-9]{24}$/);
		}
	});

	test.each([
		['missing header', undefined, "Authorization header must be provided and start with 'Bearer'"],
		['no space', 'Bearer', "Authorization header must be provided and start with 'Bearer'"],
		['wrong scheme', 'Basic abc', "Authorization scheme must be 'Bearer'"],
		['unknown key', 'Bearer app-nope', 'Access token is invalid'],
	])('401 for %s, with WWW-Authenticate', async (_name, auth, message) => {
		const res = await api('/info', { headers: auth ? { Authorization: auth } : {} });
		expect(res.status).toBe(401);
		expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
		expect(res.json).toEqual({ code: 'unauthorized', message, status: 401 });
	});

	test('scheme is case-insensitive', async () => {
		const res = await api('/info', { headers: { Authorization: `bearer ${server.keys.chat}` } });
		expect(res.status).toBe(200);
	});

	test('a knowledge key on an app route and an app key on /datasets are invalid', async () => {
		const a = await api('/info', { key: server.keys.knowledge });
		expect(body(a)).toMatchObject({ code: 'unauthorized', message: 'Access token is invalid' });
		const b = await api('/datasets', { key: server.keys.chat });
		expect(body(b)).toMatchObject({ code: 'unauthorized', message: 'Access token is invalid' });
	});

	test('unknown route and malformed UUID ids give werkzeug 404; wrong method 405', async () => {
		const a = await call(server.apiBase, '/nope', { key: server.keys.chat });
		expect(a.status).toBe(404);
		expect(body(a).message).toMatch(/^The requested URL was not found on the server/);
		const b = await call(server.apiBase, '/conversations/not-a-uuid', { method: 'DELETE', key: server.keys.chat, json: { user: 'a' } });
		expect(b.status).toBe(404);
		const c = await call(server.apiBase, '/info', { method: 'POST', key: server.keys.chat, json: {} });
		expect(c.status).toBe(405);
		expect(body(c).code).toBe('method_not_allowed');
	});

	test('JSON endpoints: 415 without JSON content type, 400 on empty/malformed JSON', async () => {
		const a = await api('/chat-messages', { key: server.keys.chat, body: 'x', headers: { 'Content-Type': 'text/plain' } });
		expect(a.status).toBe(415);
		expect(body(a).code).toBe('unsupported_media_type');
		const b = await api('/chat-messages', { key: server.keys.chat, body: '', headers: { 'Content-Type': 'application/json' } });
		expect(body(b)).toEqual({ code: 'bad_request', message: 'Invalid JSON payload received or JSON payload is empty.', status: 400 });
		const c = await api('/chat-messages/abc/stop', { key: server.keys.chat, method: 'POST' });
		expect(c.status).toBe(415);
	});

	test('every request is recorded with path, query, json and body length', async () => {
		await api('/chat-messages', { key: server.keys.chat, json: chat('hi'), query: { trace_id: 't1' } });
		const rec = server.requests.find((r) => r.path === '/chat-messages')!;
		expect(rec).toMatchObject({ method: 'POST', query: { trace_id: 't1' }, json: chat('hi') });
		expect(rec.rawBodyLength).toBe(JSON.stringify(chat('hi')).length);
		expect(rec.headers.authorization).toBe(`Bearer ${server.keys.chat}`);
	});
});

describe('app metadata', () => {
	test.each(['chat', 'agentChat', 'agent', 'advancedChat', 'completion', 'workflow', 'chatFeaturesOff'] as const)(
		'/info, /parameters, /meta, /site for %s',
		async (name) => {
			const key = server.keys[name];
			const info = await api('/info', { key });
			expect(body(info).mode).toBe(
				{ chat: 'chat', agentChat: 'agent-chat', agent: 'agent', advancedChat: 'advanced-chat', completion: 'completion', workflow: 'workflow', chatFeaturesOff: 'chat' }[name],
			);
			const params = body(await api('/parameters', { key }));
			expect(Array.isArray(params.user_input_form)).toBe(true);
			expect(params.system_parameters).toMatchObject({ workflow_file_upload_limit: 10 });
			expect(body(await api('/meta', { key })).tool_icons).toBeDefined();
			expect(body(await api('/site', { key })).title).toEqual(expect.any(String));
		},
	);

	test('feature flags show in /parameters', async () => {
		const on = body(await api('/parameters', { key: server.keys.chat }));
		const off = body(await api('/parameters', { key: server.keys.chatFeaturesOff }));
		expect(on).toMatchObject({ suggested_questions_after_answer: { enabled: true }, speech_to_text: { enabled: true }, retriever_resource: { enabled: true } });
		expect(off).toMatchObject({
			suggested_questions_after_answer: { enabled: false },
			speech_to_text: { enabled: false },
			text_to_speech: { enabled: false },
			retriever_resource: { enabled: false },
			file_upload: { enabled: false },
		});
	});

	test('workflow form declares the hidden control inputs', async () => {
		const form = body(await api('/parameters', { key: server.keys.workflow })).user_input_form as Record<string, any>[];
		const hidden = form.map((i) => Object.values(i)[0]).filter((d) => d.hide).map((d) => d.variable);
		expect(hidden).toEqual(['fail', 'nodes', 'output_kb', 'node_kb', 'pause', 'sleep_ms']);
	});

	test('GET /datasets pages with the knowledge key', async () => {
		const res = body(await api('/datasets', { key: server.keys.knowledge, query: { page: 1, limit: 2 } }));
		expect(res).toMatchObject({ limit: 2, total: 3, page: 1, has_more: true });
		expect(res.data).toHaveLength(2);
		const last = body(await api('/datasets', { key: server.keys.knowledge, query: { page: 2, limit: 2 } }));
		expect(last).toMatchObject({ has_more: false });
		expect(last.data).toHaveLength(1);
	});
});

describe('POST /chat-messages — chat', () => {
	test('blocking: Echo answer, numeric usage, citation, stored conversation', async () => {
		const res = await api('/chat-messages', { key: server.keys.chat, json: chat('hello there friend', { response_mode: 'blocking' }) });
		const b = body(res);
		expect(b).toMatchObject({ event: 'message', mode: 'chat', answer: 'Echo: hello there friend' });
		expect(b.id).toBe(b.message_id);
		expect(typeof b.metadata.usage.total_price).toBe('number');
		expect(b.metadata.retriever_resources).toHaveLength(1);
	});

	test('omitted response_mode is blocking', async () => {
		const res = await api('/chat-messages', { key: server.keys.chat, json: chat('x') });
		expect(res.headers['content-type']).toMatch(/application\/json/);
	});

	test('streaming: 3–6 char deltas (multi-byte safe), message_end with string money, closes', async () => {
		const query = 'Grüße 日本語 😀 done';
		const res = await api('/chat-messages', { key: server.keys.chat, json: chat(query, { response_mode: 'streaming' }), family: 'chat' });
		expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
		expect(res.ending).toBe('end');
		const frames = dataFrames(res.text);
		const deltas = frames.filter((f) => f.event === 'message');
		expect(deltas.length).toBeGreaterThan(3);
		for (const d of deltas) expect([...String(d.answer)].length).toBeLessThanOrEqual(6);
		expect(deltas.map((d) => d.answer).join('')).toBe(`Echo: ${query}`);
		const end = frames[frames.length - 1];
		expect(end.event).toBe('message_end');
		expect(typeof (end.metadata as any).usage.total_price).toBe('string');
		for (const f of frames) expect(f).toMatchObject({ task_id: frames[0].task_id, conversation_id: frames[0].conversation_id });
	});

	test('triggers: [tts], [file], [replace]', async () => {
		const res = await api('/chat-messages', { key: server.keys.chat, json: chat('pic [tts] [file] [replace]', { response_mode: 'streaming' }), family: 'chat' });
		const events = dataFrames(res.text).map((f) => f.event);
		expect(events).toContain('tts_message');
		expect(events.indexOf('tts_message_end')).toBeLessThan(events.indexOf('message_end'));
		expect(events.indexOf('message_replace')).toBeLessThan(events.indexOf('message_end'));
		const file = dataFrames(res.text).find((f) => f.event === 'message_file')!;
		expect(file).toMatchObject({ type: 'image', belongs_to: 'assistant' });
		const png = await call(String(file.url), '');
		expect(png.status).toBe(200);
		expect(png.headers['content-type']).toBe('image/png');
		const replace = dataFrames(res.text).find((f) => f.event === 'message_replace')!;
		expect(replace).toMatchObject({ answer: '[moderated]', reason: 'output_moderation' });
	});

	test('continues a conversation; unknown or foreign conversation is 404; non-UUID is 400', async () => {
		const first = body(await api('/chat-messages', { key: server.keys.chat, json: chat('one') }));
		const second = body(await api('/chat-messages', { key: server.keys.chat, json: chat('two', { conversation_id: first.conversation_id }) }));
		expect(second.conversation_id).toBe(first.conversation_id);
		const foreign = await api('/chat-messages', { key: server.keys.chat, json: { ...chat('x', { conversation_id: first.conversation_id }), user: 'bob' } });
		expect(foreign.status).toBe(404);
		expect(body(foreign)).toMatchObject({ code: 'not_found', message: 'Conversation Not Exists.' });
		const bad = await api('/chat-messages', { key: server.keys.chat, json: chat('x', { conversation_id: 'abc' }), invalidRequest: true });
		expect(body(bad)).toMatchObject({ code: 'invalid_param', message: 'conversation_id must be a valid UUID' });
	});

	test('validation: user, query, inputs, required input, wrong mode', async () => {
		const noUser = await api('/chat-messages', { key: server.keys.chat, json: { query: 'x', inputs: {} }, invalidRequest: true });
		expect(body(noUser)).toMatchObject({ code: 'invalid_param', message: 'Arg user must be provided.' });
		const empty = await api('/chat-messages', { key: server.keys.chat, json: chat('') });
		expect(body(empty)).toMatchObject({ code: 'invalid_param', message: 'query is required' });
		const noInputs = await api('/chat-messages', { key: server.keys.chat, json: { query: 'x', user: 'a' }, invalidRequest: true });
		expect(body(noInputs).code).toBe('invalid_param');
		const key = server.createApp({
			mode: 'chat',
			userInputForm: [{ 'text-input': { label: 'City', variable: 'city', required: true, max_length: 5 } }],
		});
		const missing = await api('/chat-messages', { key, json: chat('x') });
		expect(body(missing)).toMatchObject({ code: 'invalid_param', message: 'city is required in input form' });
		const long = await api('/chat-messages', { key, json: chat('x', { inputs: { city: 'Amsterdam' } }) });
		expect(body(long).message).toBe('city in input form must be less than 5 characters');
		const wrong = await api('/chat-messages', { key: server.keys.workflow, json: chat('x') });
		expect(body(wrong)).toMatchObject({ code: 'not_chat_app', status: 400 });
	});

	test('auto_generate_name decides the conversation name', async () => {
		const a = body(await api('/chat-messages', { key: server.keys.chat, json: chat('tell me about the weather today') }));
		const b = body(await api('/chat-messages', { key: server.keys.chat, json: chat('tell me about the weather today', { auto_generate_name: false }) }));
		const list = body(await api('/conversations', { key: server.keys.chat, query: { user: 'alice' } })).data as any[];
		expect(list.find((c) => c.id === a.conversation_id).name).toBe('Chat about tell me about');
		expect(list.find((c) => c.id === b.conversation_id).name).toBe('tell me about the we…');
	});

	test('files: own upload accepted and previewable, foreign upload rejected, ignored when the feature is off', async () => {
		const upload = async (user: string) => {
			const mp = multipartBody([
				{ name: 'user', value: user },
				{ name: 'file', filename: 'doc.txt', contentType: 'text/plain', content: 'hello file' },
			]);
			return body(await api('/files/upload', { key: server.keys.chat, body: mp.body, headers: { 'Content-Type': mp.contentType } }));
		};
		const mine = await upload('alice');
		const theirs = await upload('bob');
		const file = (id: string) => [{ type: 'document', transfer_method: 'local_file', upload_file_id: id }];
		const before = await api(`/files/${mine.id}/preview`, { key: server.keys.chat });
		expect(before.status).toBe(404);
		expect(body(before).code).toBe('file_not_found');
		const ok = await api('/chat-messages', { key: server.keys.chat, json: chat('with file', { files: file(mine.id) }) });
		expect(ok.status).toBe(200);
		const preview = await api(`/files/${mine.id}/preview`, { key: server.keys.chat });
		expect(preview.text).toBe('hello file');
		expect(preview.headers['cache-control']).toBe('public, max-age=3600');
		const attachment = await api(`/files/${mine.id}/preview`, { key: server.keys.chat, query: { as_attachment: true } });
		expect(attachment.headers['content-disposition']).toBe("attachment; filename*=UTF-8''doc.txt");
		const foreign = await api('/chat-messages', { key: server.keys.chat, json: chat('x', { files: file(theirs.id) }) });
		expect(body(foreign)).toMatchObject({ code: 'invalid_param', message: 'Invalid upload file' });
		const off = await api('/chat-messages', { key: server.keys.chatFeaturesOff, json: chat('x', { files: file(theirs.id) }) });
		expect(off.status).toBe(200);
	});

	test('stop: the owner stops mid-stream (partial message_end); another user has no effect', async () => {
		const catcher = taskIdCatcher();
		const streaming = call(server.apiBase, '/chat-messages', {
			key: server.keys.chat,
			json: chat('a long answer to stop [slow]', { response_mode: 'streaming' }),
			onText: catcher.onText,
		});
		const taskId = await catcher.taskId;
		const other = await api(`/chat-messages/${taskId}/stop`, { key: server.keys.chat, json: { user: 'mallory' } });
		expect(body(other)).toEqual({ result: 'success' });
		const own = await api(`/chat-messages/${taskId}/stop`, { key: server.keys.chat, json: { user: 'alice' } });
		expect(body(own)).toEqual({ result: 'success' });
		const res = await streaming;
		const frames = dataFrames(res.text);
		const answer = frames.filter((f) => f.event === 'message').map((f) => f.answer).join('');
		expect(answer.length).toBeLessThan('Echo: a long answer to stop [slow]'.length);
		expect(frames[frames.length - 1].event).toBe('message_end');
	});
});


describe('POST /chat-messages — agents and chatflow', () => {
	test('agent-chat: blocking/omitted mode rejected; stream of thoughts, tool call and messages', async () => {
		for (const extra of [{ response_mode: 'blocking' }, {}]) {
			const res = await api('/chat-messages', { key: server.keys.agentChat, json: chat('x', extra) });
			expect(body(res)).toEqual({ code: 'invalid_param', message: 'Agent Chat App does not support blocking mode', status: 400 });
		}
		const res = await api('/chat-messages', { key: server.keys.agentChat, json: chat('sum', { response_mode: 'streaming' }), family: 'chat' });
		const frames = dataFrames(res.text);
		const thoughts = frames.filter((f) => f.event === 'agent_thought');
		expect(thoughts.map((t) => t.position)).toEqual([1, 1, 2]);
		expect(thoughts[0].id).toBe(thoughts[1].id);
		expect(thoughts[1]).toMatchObject({ tool: 'calculator', observation: '42' });
		expect(JSON.parse(String(thoughts[1].tool_input))).toEqual({ calculator: { expression: '6*7' } });
		const answer = frames.filter((f) => f.event === 'agent_message').map((f) => f.answer).join('');
		expect(answer).toBe('Let me check that with the calculator. Echo: sum');
		expect(frames.map((f) => f.event).slice(-1)).toEqual(['message_end']);
	});

	test('agent (New Agent): blocking is bad_request; omitted mode streams; closing full message; usage only', async () => {
		const blocking = await api('/chat-messages', { key: server.keys.agent, json: chat('x', { response_mode: 'blocking' }) });
		expect(body(blocking)).toEqual({ code: 'bad_request', message: 'Agent App only supports streaming response mode.', status: 400 });
		const res = await api('/chat-messages', { key: server.keys.agent, json: chat('hello agent'), family: 'chat' });
		const frames = dataFrames(res.text);
		const events = frames.map((f) => f.event);
		expect(events.slice(-2)).toEqual(['message', 'message_end']);
		expect(frames[frames.length - 2].answer).toBe('Echo: hello agent');
		expect(Object.keys(frames[frames.length - 1].metadata as object)).toEqual(['usage']);
	});

	test('chatflow streaming: ping first, nodes, message deltas, message_end then workflow_finished', async () => {
		const res = await api('/chat-messages', { key: server.keys.advancedChat, json: chat('flow', { response_mode: 'streaming' }), family: 'chat' });
		const frames = parseSse(res.text);
		expect(frames[0]).toEqual({ kind: 'ping' });
		const events = dataFrames(res.text).map((f) => f.event);
		expect(events[0]).toBe('workflow_started');
		expect(events.slice(-2)).toEqual(['message_end', 'workflow_finished']);
		const nodes = dataFrames(res.text).filter((f) => f.event === 'node_started').map((f) => (f.data as any).node_type);
		expect(nodes).toEqual(['start', 'llm', 'answer']);
		const msg = dataFrames(res.text).filter((f) => f.event === 'message');
		expect(msg.map((f) => f.answer).join('')).toBe('Echo: flow');
		expect(msg[0].from_variable_selector).toEqual(['llm', 'text']);
		for (const f of dataFrames(res.text)) expect(f).toHaveProperty('conversation_id');
	});

	test('chatflow legacy order, unknown conversation starts a new one, workflow_id validation', async () => {
		const key = server.createApp({ mode: 'advanced-chat', legacyOrder: true });
		const res = await api('/chat-messages', { key, json: chat('old', { response_mode: 'streaming' }), family: 'chat' });
		expect(dataFrames(res.text).map((f) => f.event).slice(-2)).toEqual(['workflow_finished', 'message_end']);
		const unknown = await api('/chat-messages', {
			key: server.keys.advancedChat,
			json: chat('x', { conversation_id: '00000000-0000-4000-8000-000000000000' }),
		});
		expect(body(unknown).conversation_id).not.toBe('00000000-0000-4000-8000-000000000000');
		const malformed = await api('/chat-messages', { key: server.keys.advancedChat, json: chat('x', { workflow_id: 'abc' }), invalidRequest: true });
		expect(body(malformed).code).toBe('bad_request');
		const missing = await api('/chat-messages', { key: server.keys.advancedChat, json: chat('x', { workflow_id: '00000000-0000-4000-8000-000000000001' }) });
		expect(body(missing)).toMatchObject({ code: 'not_found', message: 'Workflow not found with id: 00000000-0000-4000-8000-000000000001' });
	});

	test('chatflow [fail]: failed workflow_finished, no message_end; blocking 400 Run failed', async () => {
		const res = await api('/chat-messages', { key: server.keys.advancedChat, json: chat('x [fail]', { response_mode: 'streaming' }), family: 'chat' });
		const frames = dataFrames(res.text);
		const last = frames[frames.length - 1];
		expect(last.event).toBe('workflow_finished');
		expect(last.data).toMatchObject({ status: 'failed', error: expect.any(String) });
		expect(frames.map((f) => f.event)).not.toContain('message_end');
		const blocking = await api('/chat-messages', { key: server.keys.advancedChat, json: chat('x [fail]') });
		expect(body(blocking)).toMatchObject({ code: 'invalid_param', message: expect.stringMatching(/^Run failed: /) });
	});

	test('chatflow [pause]: human_input_required + workflow_paused, submit, reattach to the rest', async () => {
		const res = await api('/chat-messages', { key: server.keys.advancedChat, json: chat('review [pause]', { response_mode: 'streaming' }), family: 'chat' });
		const frames = dataFrames(res.text);
		expect(frames.map((f) => f.event).slice(-2)).toEqual(['human_input_required', 'workflow_paused']);
		const token = (frames[frames.length - 2].data as any).form_token as string;
		const runId = frames[0].workflow_run_id as string;
		const form = body(await api(`/form/human_input/${token}`, { key: server.keys.advancedChat }));
		expect(form.user_actions.map((a: any) => a.id)).toEqual(['approve', 'reject']);
		const submit = await api(`/form/human_input/${token}`, {
			key: server.keys.advancedChat,
			json: { inputs: { feedback: 'ok' }, action: 'approve', user: 'alice' },
		});
		expect(body(submit)).toEqual({});
		const again = await api(`/form/human_input/${token}`, { key: server.keys.advancedChat, json: { inputs: { feedback: 'ok' }, action: 'approve', user: 'alice' } });
		expect(again.status).toBe(412);
		const resumed = await api(`/workflow/${runId}/events`, { key: server.keys.advancedChat, query: { user: 'alice' }, family: 'chat' });
		const events = dataFrames(resumed.text).map((f) => f.event);
		expect(events[0]).toBe('workflow_started');
		expect(events).toContain('human_input_form_filled');
		expect(events.slice(-2)).toEqual(['message_end', 'workflow_finished']);
		const detail = body(await api(`/workflows/run/${runId}`, { key: server.keys.advancedChat }));
		expect(detail.status).toBe('succeeded');
		expect(typeof detail.inputs).toBe('string');
	});

	test('chatflow [pause] blocking returns the paused JSON', async () => {
		const b = body(await api('/chat-messages', { key: server.keys.advancedChat, json: chat('x [pause]') }));
		expect(b).toMatchObject({ event: 'workflow_paused', mode: 'advanced-chat', data: { status: 'paused', paused_nodes: ['human_review'] } });
		expect(b.data.reasons[0]).toMatchObject({ TYPE: 'human_input_required', form_token: expect.any(String) });
	});

	test('chatflow streaming input validation arrives as the worker error frame on HTTP 200', async () => {
		const key = server.createApp({
			mode: 'advanced-chat',
			userInputForm: [{ 'text-input': { type: 'text-input', label: 'Topic', variable: 'topic', required: true } }],
		});
		const res = await api('/chat-messages', { key, json: chat('x', { response_mode: 'streaming' }) });
		expect(res.status).toBe(200);
		expect(dataFrames(res.text)).toEqual([{ event: 'error', message: 'topic is required in input form', status: 500 }]);
	});
});

describe('POST /completion-messages', () => {
	test('blocking and streaming; wrong mode is app_unavailable; stop', async () => {
		const b = body(await api('/completion-messages', { key: server.keys.completion, json: { inputs: { query: 'abc' }, user: 'u' } }));
		expect(b).toMatchObject({ event: 'message', mode: 'completion', answer: 'Completion: abc' });
		expect(b).not.toHaveProperty('conversation_id');
		const res = await api('/completion-messages', { key: server.keys.completion, json: { inputs: {}, query: 'legacy', user: 'u', response_mode: 'streaming' }, family: 'completion' });
		const frames = dataFrames(res.text);
		expect(frames.filter((f) => f.event === 'message').map((f) => f.answer).join('')).toBe('Completion: legacy');
		for (const f of frames) expect(f).not.toHaveProperty('conversation_id');
		const inputsOnly = body(await api('/completion-messages', { key: server.keys.completion, json: { inputs: { style: 'formal' }, user: 'u' } }));
		expect(inputsOnly.answer).toBe('Completion: {"style":"formal"}');
		const wrong = await api('/completion-messages', { key: server.keys.chat, json: { inputs: {}, user: 'u' } });
		expect(body(wrong)).toMatchObject({ code: 'app_unavailable', status: 400 });
		const stop = await api('/completion-messages/some-task/stop', { key: server.keys.completion, json: { user: 'u' } });
		expect(body(stop)).toEqual({ result: 'success' });
		const wrongStop = await api('/completion-messages/some-task/stop', { key: server.keys.chat, json: { user: 'u' } });
		expect(body(wrongStop).code).toBe('app_unavailable');
	});
});

describe('POST /files/upload', () => {
	const upload = (parts: Parameters<typeof multipartBody>[0], key = server.keys.chat) => {
		const mp = multipartBody(parts);
		return api('/files/upload', { key, body: mp.body, headers: { 'Content-Type': mp.contentType } });
	};

	test('201 with the upload object; recorded with size and sha256', async () => {
		const content = Buffer.from('ünïcödé content');
		const res = await upload([
			{ name: 'user', value: 'alice' },
			{ name: 'file', filename: 'notes.md', contentType: 'text/markdown', content },
		]);
		expect(res.status).toBe(201);
		expect(body(res)).toMatchObject({ name: 'notes.md', size: content.length, extension: 'md', mime_type: 'text/markdown' });
		const rec = server.requests.find((r) => r.path === '/files/upload')!;
		expect(rec.multipart).toEqual({
			fields: { user: 'alice' },
			files: [{ name: 'file', filename: 'notes.md', contentType: 'text/markdown', size: content.length, sha256: createHash('sha256').update(content).digest('hex') }],
		});
		const source = await call(String(body(res).source_url), '');
		expect(source.body.equals(content)).toBe(true);
	});

	test.each([
		['no file part', [{ name: 'user', value: 'a' }], 400, 'no_file_uploaded'],
		['two file parts', [{ name: 'file', filename: 'a.txt', contentType: 'text/plain', content: 'a' }, { name: 'other', filename: 'b.txt', contentType: 'text/plain', content: 'b' }], 400, 'too_many_files'],
		['no content type', [{ name: 'file', filename: 'a.txt', contentType: null, content: 'a' }], 415, 'unsupported_file_type'],
		['empty filename', [{ name: 'file', filename: '', contentType: 'text/plain', content: 'a' }], 400, 'filename_not_exists_error'],
		['slash in filename', [{ name: 'file', filename: 'a\\b.txt', contentType: 'text/plain', content: 'a' }], 400, 'invalid_param'],
		['image over the image limit', [{ name: 'file', filename: 'big.png', contentType: 'image/png', content: Buffer.alloc(4096) }], 413, 'file_too_large'],
	])('%s', async (_name, parts, status, code) => {
		const res = await upload(parts as Parameters<typeof multipartBody>[0]);
		expect(res.status).toBe(status);
		expect(body(res).code).toBe(code);
	});

	test('a large document streams through without being buffered', async () => {
		const content = Buffer.alloc(60 * 1024, 'x');
		const res = await upload([{ name: 'file', filename: 'big.txt', contentType: 'text/plain', content }]);
		expect(body(res).size).toBe(content.length);
	});
});

describe('workflows', () => {
	const run = (inputs: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ inputs, user: 'alice', ...extra });

	test('blocking run: outputs, run detail with inputs as a JSON string', async () => {
		const b = body(await api('/workflows/run', { key: server.keys.workflow, json: run({ text: 'abc' }) }));
		expect(b.data).toMatchObject({ status: 'succeeded', outputs: { result: 'Processed: abc' }, total_steps: 3 });
		const detail = body(await api(`/workflows/run/${b.workflow_run_id}`, { key: server.keys.workflow }));
		expect(JSON.parse(detail.inputs)).toMatchObject({ text: 'abc' });
		const missing = await api(`/workflows/run/00000000-0000-4000-8000-000000000000`, { key: server.keys.workflow });
		expect(body(missing)).toMatchObject({ code: 'not_found', message: 'Workflow run not found.' });
	});

	test('streaming run: ping, started, nodes, text_chunks, finished', async () => {
		const res = await api('/workflows/run', { key: server.keys.workflow, json: run({ text: 'héllo', nodes: 5 }, { response_mode: 'streaming' }), family: 'workflow' });
		expect(parseSse(res.text)[0]).toEqual({ kind: 'ping' });
		const frames = dataFrames(res.text);
		expect(frames.filter((f) => f.event === 'node_started')).toHaveLength(5);
		expect(frames.filter((f) => f.event === 'text_chunk').map((f) => (f.data as any).text).join('')).toBe('Processed: héllo');
		expect(frames[frames.length - 1]).toMatchObject({ event: 'workflow_finished', data: { status: 'succeeded' } });
	});

	test('validation: blocking 400, streaming worker error frame; wrong mode; workflow_id path', async () => {
		const blocking = await api('/workflows/run', { key: server.keys.workflow, json: run({}) });
		expect(body(blocking)).toEqual({ code: 'invalid_param', message: 'text is required in input form', status: 400 });
		const streaming = await api('/workflows/run', { key: server.keys.workflow, json: run({}, { response_mode: 'streaming' }) });
		expect(streaming.status).toBe(200);
		expect(dataFrames(streaming.text)).toEqual([{ event: 'error', message: 'text is required in input form', status: 500 }]);
		const wrong = await api('/workflows/run', { key: server.keys.chat, json: run({ text: 'x' }) });
		expect(body(wrong).code).toBe('not_workflow_app');
		const draft = await api(`/workflows/${'0'.repeat(8)}-0000-4000-8000-000000000000/run`, { key: server.keys.workflow, json: run({ text: 'x' }) });
		expect(body(draft).code).toBe('not_found');
	});

	test('fail control input: HTTP 200, status failed', async () => {
		const b = body(await api('/workflows/run', { key: server.keys.workflow, json: run({ text: 'x', fail: true }) }));
		expect(b.data).toMatchObject({ status: 'failed', error: expect.any(String) });
	});

	test('sleep_ms + stop: the stream ends with workflow_finished stopped', async () => {
		const catcher = taskIdCatcher();
		const streaming = call(server.apiBase, '/workflows/run', {
			key: server.keys.workflow,
			json: run({ text: 'x', sleep_ms: 5000 }, { response_mode: 'streaming' }),
			onText: catcher.onText,
		});
		const taskId = await catcher.taskId;
		const stop = await api(`/workflows/tasks/${taskId}/stop`, { key: server.keys.workflow, json: { user: 'someone-else' } });
		expect(body(stop)).toEqual({ result: 'success' });
		const res = await streaming;
		const frames = dataFrames(res.text);
		expect(frames[frames.length - 1]).toMatchObject({ event: 'workflow_finished', data: { status: 'stopped' } });
	});
});

describe('misbehaviour rules', () => {
	const stream = (extra: RequestOptions = {}) =>
		call(server.apiBase, '/chat-messages', { key: server.keys.chat, json: chat('misbehave 日本語 ok', { response_mode: 'streaming' }), ...extra });

	test('splitAt cuts the stream at absolute byte offsets, even inside a character', async () => {
		const reference = await stream();
		const offset = reference.body.indexOf(Buffer.from('日')) + 1;
		server.misbehave({ path: '/chat-messages', splitAt: [5, offset] });
		const res = await stream();
		expect(res.chunks[0].length).toBe(5);
		const boundaries = res.chunks.reduce<number[]>((acc, c) => [...acc, (acc[acc.length - 1] ?? 0) + c.length], []);
		expect(boundaries).toContain(offset);
		expect(dataFrames(res.text).map((f) => f.answer).join('')).toContain('日本語');
	});

	test('splitAt also applies to JSON bodies', async () => {
		server.misbehave({ path: '/info', splitAt: [3, 10] });
		const res = await call(server.apiBase, '/info', { key: server.keys.chat });
		expect(res.chunks.slice(0, 2).map((c) => c.length)).toEqual([3, 7]);
		expect(body(res).mode).toBe('chat');
	});

	test('delayMs, times and method matching', async () => {
		server.misbehave({ method: 'GET', path: /^\/info$/, delayMs: 150, times: 2 });
		for (let i = 0; i < 3; i++) {
			const t0 = Date.now();
			await call(server.apiBase, '/info', { key: server.keys.chat });
			if (i < 2) expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
			else expect(Date.now() - t0).toBeLessThan(140);
		}
	});

	test('stallWithPingsAfterFrames: N frames, then only pings', async () => {
		server.misbehave({ path: '/chat-messages', stallWithPingsAfterFrames: 2, pingEveryMs: 30 });
		const res = await stream({ timeoutMs: 250 });
		expect(res.ending).toBe('timeout');
		const frames = parseSse(res.text);
		expect(frames.filter((f) => f.kind === 'data')).toHaveLength(2);
		expect(frames.slice(2).every((f) => f.kind === 'ping')).toBe(true);
		expect(frames.length).toBeGreaterThan(4);
	});

	test('stallSilentAfterFrames: N frames, then silence', async () => {
		server.misbehave({ path: '/chat-messages', stallSilentAfterFrames: 1 });
		const res = await stream({ timeoutMs: 500 });
		expect(res.ending).toBe('timeout');
		expect(parseSse(res.text)).toHaveLength(1);
	});

	test('dropAfterFrames destroys the socket; endAfterFrames ends cleanly without the terminal event', async () => {
		server.misbehave({ path: '/chat-messages', dropAfterFrames: 2 });
		const dropped = await stream();
		expect(dropped.ending).toBe('aborted');
		expect(dataFrames(dropped.text)).toHaveLength(2);
		server.misbehave({ path: '/chat-messages', endAfterFrames: 3 });
		const ended = await stream();
		expect(ended.ending).toBe('end');
		expect(dataFrames(ended.text).map((f) => f.event)).toEqual(['message', 'message', 'message']);
	});

	test('errorFrameAfterFrames uses the family envelope; code omitted when not given', async () => {
		server.misbehave({ path: '/chat-messages', errorFrameAfterFrames: { after: 1, code: 'completion_request_error', message: 'boom', status: 400 } });
		const a = dataFrames((await stream()).text);
		expect(a[1]).toEqual({ event: 'error', conversation_id: a[0].conversation_id, message_id: a[0].message_id, created_at: a[0].created_at, code: 'completion_request_error', status: 400, message: 'boom' });
		server.misbehave({ path: '/workflows/run', errorFrameAfterFrames: { after: 2, message: 'worker died' } });
		const res = await call(server.apiBase, '/workflows/run', { key: server.keys.workflow, json: { inputs: { text: 'x' }, user: 'u', response_mode: 'streaming' } });
		const frames = dataFrames(res.text);
		expect(frames[2]).toEqual({ event: 'error', workflow_run_id: frames[0].workflow_run_id, status: 500, message: 'worker died' });
	});

	test('html502, status429RetryAfter, jsonError', async () => {
		server.misbehave({ path: '/chat-messages', html502: true });
		const a = await stream();
		expect(a.status).toBe(502);
		expect(a.headers['content-type']).toBe('text/html');
		expect(a.text).toContain('502 Bad Gateway');
		server.misbehave({ path: '/chat-messages', status429RetryAfter: 7 });
		const b = await stream();
		expect(b.status).toBe(429);
		expect(b.headers['retry-after']).toBe('7');
		expect(body(b).code).toBe('too_many_requests');
		server.misbehave({ path: '/chat-messages', jsonError: { status: 400, code: 'provider_quota_exceeded', message: 'quota' } });
		const c = await stream();
		expect(body(c)).toEqual({ code: 'provider_quota_exceeded', message: 'quota', status: 400 });
	});

	test('per-app concurrency limit: generations over max_active_requests get Dify\'s 429 until a slot frees', async () => {
		const appId = '0c0c0c0c-1d1d-4e4e-8f8f-a0a0a0a0a0a0';
		const key = server.createApp({ mode: 'workflow', id: appId, maxActiveRequests: 2 });
		const wf = (text: string, extra: Record<string, unknown> = {}) => ({ inputs: { text, ...extra }, user: 'alice' });
		const long = (text: string) => call(server.apiBase, '/workflows/run', { key, json: { ...wf(text, { sleep_ms: 300 }), response_mode: 'streaming' } });
		const first = long('a');
		const second = long('b');
		await new Promise((r) => setTimeout(r, 100));
		const rejected = await api('/workflows/run', { key, json: wf('c') });
		expect(rejected.status).toBe(429);
		expect(rejected.headers['retry-after']).toBeUndefined();
		expect(body(rejected)).toEqual({
			code: 'too_many_requests',
			message: `Too many requests. Please try again later. The current maximum concurrent requests allowed for ${appId} is 2.`,
			status: 429,
		});
		// Other apps and other routes are not limited.
		expect((await api('/workflows/logs', { key })).status).toBe(200);
		expect((await api('/chat-messages', { key: server.keys.chat, json: chat('free') })).status).toBe(200);
		expect(dataFrames((await first).text).pop()).toMatchObject({ event: 'workflow_finished' });
		await second;
		expect((await api('/workflows/run', { key, json: wf('d') })).status).toBe(200);
		expect(server.concurrency(key)).toEqual({ limit: 2, active: 0, peak: 2, admitted: 3, rejected: 1 });
		// limitConcurrency() lasts until reset(); the counts are per reset.
		server.limitConcurrency(server.keys.chat, 1);
		expect(server.concurrency(server.keys.chat).limit).toBe(1);
		server.reset();
		expect(server.concurrency(server.keys.chat)).toEqual({ limit: 0, active: 0, peak: 0, admitted: 0, rejected: 0 });
		expect(server.concurrency(key)).toEqual({ limit: 2, active: 0, peak: 0, admitted: 0, rejected: 0 });
	});

	test('idle streams get pings at pingIntervalMs', async () => {
		server.misbehave({ path: '/chat-messages', stallSilentAfterFrames: 0 });
		const silent = await stream({ timeoutMs: 300 });
		expect(parseSse(silent.text)).toEqual([]);
		const res = await call(server.apiBase, '/workflows/run', {
			key: server.keys.workflow,
			json: { inputs: { text: 'x', sleep_ms: 600, nodes: 3 }, user: 'u', response_mode: 'streaming' },
		});
		expect(parseSse(res.text).filter((f) => f.kind === 'ping').length).toBeGreaterThanOrEqual(2);
	});

	test('close() also ends stalled streams', async () => {
		const own = await startDifyServer();
		own.misbehave({ path: '/chat-messages', stallWithPingsAfterFrames: 1, pingEveryMs: 10 });
		const pending = call(own.apiBase, '/chat-messages', { key: own.keys.chat, json: chat('x', { response_mode: 'streaming' }) });
		await new Promise((r) => setTimeout(r, 50));
		await own.close();
		const res = await pending;
		expect(res.ending).toBe('aborted');
	});
});

describe('history, conversations, feedback, suggestions', () => {
	async function conversationWith(n: number, key = server.keys.chat) {
		let conversationId = '';
		const ids: string[] = [];
		for (let i = 1; i <= n; i++) {
			const b = body(await api('/chat-messages', { key, json: chat(`message ${i}`, conversationId ? { conversation_id: conversationId } : {}) }));
			conversationId = b.conversation_id;
			ids.push(b.message_id);
		}
		return { conversationId, ids };
	}

	test('GET /messages: newest page before first_id, oldest → newest; partitioned by user', async () => {
		const { conversationId, ids } = await conversationWith(5);
		const page1 = body(await api('/messages', { key: server.keys.chat, query: { conversation_id: conversationId, user: 'alice', limit: 2 } }));
		expect(page1.data.map((m: any) => m.id)).toEqual(ids.slice(3));
		expect(page1.has_more).toBe(true);
		const page2 = body(await api('/messages', { key: server.keys.chat, query: { conversation_id: conversationId, user: 'alice', limit: 2, first_id: ids[3] } }));
		expect(page2.data.map((m: any) => m.id)).toEqual(ids.slice(1, 3));
		const last = body(await api('/messages', { key: server.keys.chat, query: { conversation_id: conversationId, user: 'alice', limit: 2, first_id: ids[1] } }));
		expect(last).toMatchObject({ has_more: false });
		const foreign = await api('/messages', { key: server.keys.chat, query: { conversation_id: conversationId, user: 'bob' } });
		expect(body(foreign)).toMatchObject({ code: 'not_found', message: 'Conversation Not Exists.' });
		const tooMany = await api('/messages', { key: server.keys.chat, query: { conversation_id: conversationId, user: 'alice', limit: 101 } });
		expect(body(tooMany).code).toBe('invalid_param');
		const badCursor = await api('/messages', { key: server.keys.chat, query: { conversation_id: conversationId, user: 'alice', first_id: '00000000-0000-4000-8000-000000000000' } });
		expect(body(badCursor).message).toBe('First Message Not Exists.');
		const empty = body(await api('/messages', { key: server.keys.chat, query: { conversation_id: '', user: 'alice' } }));
		expect(empty.data).toEqual([]);
		const wrongMode = await api('/messages', { key: server.keys.completion, query: { conversation_id: '', user: 'alice' } });
		expect(body(wrongMode).code).toBe('not_chat_app');
	});

	test('GET /conversations with last_id, sort_by; rename; delete 204', async () => {
		const a = (await conversationWith(1)).conversationId;
		const b = (await conversationWith(1)).conversationId;
		const list = body(await api('/conversations', { key: server.keys.chat, query: { user: 'alice', limit: 1 } }));
		expect(list).toMatchObject({ limit: 1, has_more: true });
		expect(list.data[0].id).toBe(b);
		const next = body(await api('/conversations', { key: server.keys.chat, query: { user: 'alice', limit: 1, last_id: b } }));
		expect(next.data[0].id).toBe(a);
		expect(next.has_more).toBe(false);
		const asc = body(await api('/conversations', { key: server.keys.chat, query: { user: 'alice', sort_by: 'created_at' } }));
		expect(asc.data.map((c: any) => c.id)).toEqual([a, b]);
		const badCursor = await api('/conversations', { key: server.keys.chat, query: { user: 'alice', last_id: '00000000-0000-4000-8000-000000000000' } });
		expect(body(badCursor).message).toBe('Last Conversation Not Exists.');
		const renamed = body(await api(`/conversations/${a}/name`, { key: server.keys.chat, json: { name: 'Renamed', user: 'alice' } }));
		expect(renamed.name).toBe('Renamed');
		const auto = body(await api(`/conversations/${a}/name`, { key: server.keys.chat, json: { auto_generate: true, user: 'alice' } }));
		expect(auto.name).toBe('Chat about message 1');
		const noName = await api(`/conversations/${a}/name`, { key: server.keys.chat, json: { user: 'alice' } });
		expect(body(noName).message).toBe('name is required when auto_generate is false');
		const noBody = await api(`/conversations/${a}`, { key: server.keys.chat, method: 'DELETE' });
		expect(noBody.status).toBe(415);
		const del = await api(`/conversations/${a}`, { key: server.keys.chat, method: 'DELETE', json: { user: 'alice' } });
		expect(del.status).toBe(204);
		const again = await api(`/conversations/${a}`, { key: server.keys.chat, method: 'DELETE', json: { user: 'alice' } });
		expect(body(again).message).toBe('Conversation Not Exists.');
	});

	test('chatflow conversation variables: list (Python str values), filter, update with type check', async () => {
		const first = body(await api('/chat-messages', { key: server.keys.advancedChat, json: chat('vars') }));
		const path = `/conversations/${first.conversation_id}/variables`;
		const vars = body(await api(path, { key: server.keys.advancedChat, query: { user: 'alice' } }));
		const byName = Object.fromEntries(vars.data.map((v: any) => [v.name, v]));
		expect(byName.prefs.value).toBe("{'lang': 'en', 'verbose': False}");
		expect(byName.count.value).toBe('1');
		const filtered = body(await api(path, { key: server.keys.advancedChat, query: { user: 'alice', variable_name: 'TOP' } }));
		expect(filtered.data.map((v: any) => v.name)).toEqual(['topic']);
		const updated = body(await api(`${path}/${byName.topic.id}`, { key: server.keys.advancedChat, method: 'PUT', json: { value: 'cats', user: 'alice' } }));
		expect(updated.value).toBe('cats');
		const mismatch = await api(`${path}/${byName.count.id}`, { key: server.keys.advancedChat, method: 'PUT', json: { value: 'x', user: 'alice' } });
		expect(body(mismatch)).toMatchObject({ code: 'bad_request', message: "Type mismatch: variable 'count' expects number, but got str" });
		const agentVars = await api(path, { key: server.keys.agent, query: { user: 'alice' } });
		expect(body(agentVars).code).toBe('not_chat_app');
	});

	test('feedback and app feedback list; suggested questions and their feature gate', async () => {
		const { ids } = await conversationWith(1);
		const like = await api(`/messages/${ids[0]}/feedbacks`, { key: server.keys.chat, json: { rating: 'like', content: 'nice', user: 'alice' } });
		expect(body(like)).toEqual({ result: 'success' });
		const foreign = await api(`/messages/${ids[0]}/feedbacks`, { key: server.keys.chat, json: { rating: 'like', user: 'bob' } });
		expect(body(foreign).message).toBe('Message Not Exists.');
		const list = body(await api('/app/feedbacks', { key: server.keys.chat }));
		expect(Object.keys(list)).toEqual(['data']);
		expect(list.data[0]).toMatchObject({ rating: 'like', content: 'nice', message_id: ids[0] });
		expect(new Date(list.data[0].created_at).toISOString()).toBe(list.data[0].created_at);
		const revoke = await api(`/messages/${ids[0]}/feedbacks`, { key: server.keys.chat, json: { rating: null, user: 'alice' } });
		expect(body(revoke)).toEqual({ result: 'success' });
		const revokeAgain = await api(`/messages/${ids[0]}/feedbacks`, { key: server.keys.chat, json: { rating: null, user: 'alice' } });
		expect(body(revokeAgain).message).toBe('rating cannot be None when feedback not exists');
		expect((await api('/app/feedbacks', { key: server.keys.chat, query: { limit: 101 } })).status).toBe(200);
		expect((await api('/app/feedbacks', { key: server.keys.chat, query: { limit: 102 } })).status).toBe(400);
		const suggested = body(await api(`/messages/${ids[0]}/suggested`, { key: server.keys.chat, query: { user: 'alice' } }));
		expect(suggested).toMatchObject({ result: 'success', data: expect.any(Array) });
		const off = (await conversationWith(1, server.keys.chatFeaturesOff)).ids[0];
		const disabled = await api(`/messages/${off}/suggested`, { key: server.keys.chatFeaturesOff, query: { user: 'alice' } });
		expect(body(disabled)).toEqual({ code: 'bad_request', message: 'Suggested Questions Is Disabled.', status: 400 });
		const noUser = await api(`/messages/${ids[0]}/suggested`, { key: server.keys.chat });
		expect(body(noUser).message).toBe('Arg user must be provided.');
	});

	test('GET /end-users/{id}', async () => {
		const mp = multipartBody([{ name: 'user', value: 'eve' }, { name: 'file', filename: 'a.txt', contentType: 'text/plain', content: 'a' }]);
		const up = body(await api('/files/upload', { key: server.keys.chat, body: mp.body, headers: { 'Content-Type': mp.contentType } }));
		const user = body(await api(`/end-users/${up.created_by}`, { key: server.keys.chat }));
		expect(user).toMatchObject({ id: up.created_by, session_id: 'eve', type: 'service-api', is_anonymous: false });
		const other = await api(`/end-users/${up.created_by}`, { key: server.keys.completion });
		expect(body(other).code).toBe('end_user_not_found');
	});
});

describe('annotations', () => {
	test('CRUD, capped page with echoed limit, reply job, annotation answers chat', async () => {
		const created = await api('/apps/annotations', { key: server.keys.chat, json: { question: 'What is Dify?', answer: 'An LLM app platform.' } });
		expect(created.status).toBe(201);
		const id = body(created).id;
		const updated = body(await api(`/apps/annotations/${id}`, { key: server.keys.chat, method: 'PUT', json: { question: 'What is Dify?', answer: 'A platform.' } }));
		expect(updated.answer).toBe('A platform.');
		for (let i = 0; i < 3; i++) await api('/apps/annotations', { key: server.keys.chat, json: { question: `q${i}`, answer: `a${i}` } });
		const page = body(await api('/apps/annotations', { key: server.keys.chat, query: { limit: 2, keyword: 'Q' } }));
		expect(page).toMatchObject({ limit: 2, total: 3, page: 1, has_more: true });
		const capped = body(await api('/apps/annotations', { key: server.keys.chat, query: { limit: 500 } }));
		expect(capped).toMatchObject({ limit: 500, total: 4, has_more: false });
		const job = body(await api('/apps/annotation-reply/enable', {
			key: server.keys.chat,
			json: { score_threshold: 0.9, embedding_provider_name: 'openai', embedding_model_name: 'text-embedding-3-small' },
		}));
		expect(job.job_status).toBe('waiting');
		const poll = () => api(`/apps/annotation-reply/enable/status/${job.job_id}`, { key: server.keys.chat });
		expect(body(await poll()).job_status).toBe('waiting');
		expect(body(await poll())).toEqual({ job_id: job.job_id, job_status: 'completed', error_msg: '' });
		const unknown = await api(`/apps/annotation-reply/enable/status/00000000-0000-4000-8000-000000000000`, { key: server.keys.chat });
		expect(body(unknown).message).toBe('The job does not exist.');
		const answer = body(await api('/chat-messages', { key: server.keys.chat, json: chat('what is dify?') }));
		expect(answer.answer).toBe('A platform.');
		expect(answer.metadata.annotation_reply).toMatchObject({ id, account: { name: expect.any(String) } });
		const del = await api(`/apps/annotations/${id}`, { key: server.keys.chat, method: 'DELETE' });
		expect(del.status).toBe(204);
		expect((await api(`/apps/annotations/${id}`, { key: server.keys.chat, method: 'DELETE' })).status).toBe(404);
	});
});

describe('audio', () => {
	test('text → speech → text round trip; message_id wins; unknown message_id is JSON null', async () => {
		const speech = await api('/text-to-audio', { key: server.keys.chat, json: { text: 'héllo speech', user: 'alice' } });
		expect(speech.headers['content-type']).toBe('audio/mpeg');
		expect(speech.chunks.length).toBeGreaterThan(1);
		const mp = multipartBody([{ name: 'file', filename: 'speech.mp3', contentType: 'audio/mp3', content: speech.body }]);
		const text = body(await api('/audio-to-text', { key: server.keys.chat, body: mp.body, headers: { 'Content-Type': mp.contentType } }));
		expect(text).toEqual({ text: 'héllo speech' });
		const msg = body(await api('/chat-messages', { key: server.keys.chat, json: chat('speak') }));
		const fromMessage = await api('/text-to-audio', { key: server.keys.chat, json: { message_id: msg.message_id, text: 'ignored', user: 'alice' } });
		const mp2 = multipartBody([{ name: 'file', filename: 's.mp3', contentType: 'audio/mp3', content: fromMessage.body }]);
		expect(body(await api('/audio-to-text', { key: server.keys.chat, body: mp2.body, headers: { 'Content-Type': mp2.contentType } })).text).toBe('Echo: speak');
		const unknown = await call(server.apiBase, '/text-to-audio', { key: server.keys.chat, json: { message_id: '00000000-0000-4000-8000-000000000000', user: 'alice' } });
		expect(unknown.status).toBe(200);
		expect(unknown.text).toBe('null');
	});

	test('errors: wrong audio type 415, disabled features, no file', async () => {
		const mp = multipartBody([{ name: 'file', filename: 'a.mp3', contentType: 'audio/mpeg', content: 'abc' }]);
		const wrongType = await api('/audio-to-text', { key: server.keys.chat, body: mp.body, headers: { 'Content-Type': mp.contentType } });
		expect(body(wrongType)).toMatchObject({ code: 'unsupported_audio_type', status: 415 });
		const plain = multipartBody([{ name: 'file', filename: 'a.wav', contentType: 'audio/wav', content: 'abcd' }]);
		expect(body(await api('/audio-to-text', { key: server.keys.chat, body: plain.body, headers: { 'Content-Type': plain.contentType } })).text).toBe('transcribed 4 bytes');
		const stt = await api('/audio-to-text', { key: server.keys.chatFeaturesOff, body: plain.body, headers: { 'Content-Type': plain.contentType } });
		expect(body(stt)).toMatchObject({ code: 'invalid_param', message: 'Speech to text is not enabled' });
		const tts = await api('/text-to-audio', { key: server.keys.chatFeaturesOff, json: { text: 'x', user: 'a' } });
		expect(body(tts)).toMatchObject({ code: 'invalid_param', message: 'TTS is not enabled' });
		const none = multipartBody([{ name: 'user', value: 'a' }]);
		const noFile = await api('/audio-to-text', { key: server.keys.chat, body: none.body, headers: { 'Content-Type': none.contentType } });
		expect(body(noFile).code).toBe('bad_request_key_error');
	});
});

describe('workflows — runs, logs, pause/resume, files', () => {
	const run = (inputs: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ inputs, user: 'alice', ...extra });

	test('file input echoed as an output file object whose signed url serves the bytes', async () => {
		const mp = multipartBody([{ name: 'user', value: 'alice' }, { name: 'file', filename: 'pic.png', contentType: 'image/png', content: Buffer.from([1, 2, 3]) }]);
		const up = body(await api('/files/upload', { key: server.keys.workflow, body: mp.body, headers: { 'Content-Type': mp.contentType } }));
		const b = body(await api('/workflows/run', { key: server.keys.workflow, json: run({ text: 'f', file: { type: 'image', transfer_method: 'local_file', upload_file_id: up.id } }) }));
		const file = b.data.outputs.file;
		expect(file).toMatchObject({ dify_model_identity: '__dify__file__', filename: 'pic.png', extension: '.png', related_id: up.id });
		const bytes = await call(file.url, '');
		expect([...bytes.body]).toEqual([1, 2, 3]);
		const wrongType = await api('/workflows/run', { key: server.keys.workflow, json: run({ text: 'f', file: { type: 'audio', transfer_method: 'local_file', upload_file_id: up.id } }) });
		expect(body(wrongType).message).toBe('File validation failed for file: pic.png');
	});

	test('output_kb produces exactly that many KiB with multi-byte characters', async () => {
		const b = body(await api('/workflows/run', { key: server.keys.workflow, json: run({ text: 'x', output_kb: 64 }) }));
		expect(Buffer.byteLength(b.data.outputs.large)).toBe(64 * 1024);
		expect(b.data.outputs.large).toContain('データ');
	});

	test('node_kb gives every middle node that many KiB of output; onFrame sees each data frame', async () => {
		const b = body(await api('/workflows/run', { key: server.keys.workflow, json: run({ text: 'x', nodes: 4, node_kb: 8 }) }));
		expect(b.data.outputs).toEqual({ result: 'Processed: x' });
		const res = await api('/workflows/run', { key: server.keys.workflow, json: run({ text: 'x', nodes: 4, node_kb: 8 }, { response_mode: 'streaming' }) });
		const finished = dataFrames(res.text).filter((f) => f.event === 'node_finished') as Array<{ data: { node_id: string; outputs: { data?: string } } }>;
		expect(finished.map((f) => [f.data.node_id, Buffer.byteLength(f.data.outputs.data ?? '')])).toEqual([
			['start', 0],
			['llm', 8192],
			['step_2', 8192],
			['end', 0],
		]);
		const seen: string[] = [];
		const watched = await startDifyServer({ onFrame: (path, frame) => seen.push(`${path} ${String(frame.event)}`) });
		try {
			await call(watched.apiBase, '/chat-messages', { key: watched.keys.chat, json: chat('hi', { response_mode: 'streaming' }) });
		} finally {
			await watched.close();
		}
		expect(seen[0]).toBe('/chat-messages message');
		expect(seen[seen.length - 1]).toBe('/chat-messages message_end');
	});

	test('pause → form → submit → reattach; finished run reattach gives one workflow_finished', async () => {
		const res = await api('/workflows/run', { key: server.keys.workflow, json: run({ text: 'p', pause: true }, { response_mode: 'streaming' }), family: 'workflow' });
		const frames = dataFrames(res.text);
		expect(frames.map((f) => f.event).slice(-2)).toEqual(['human_input_required', 'workflow_paused']);
		const runId = frames[0].workflow_run_id as string;
		expect(body(await api(`/workflows/run/${runId}`, { key: server.keys.workflow })).status).toBe('paused');
		const token = (frames[frames.length - 2].data as any).form_token;
		const missing = await api(`/form/human_input/${token}`, { key: server.keys.workflow, json: { inputs: {}, action: 'approve', user: 'alice' } });
		expect(body(missing)).toMatchObject({ code: 'invalid_form_data', message: 'Missing required inputs: feedback' });
		await api(`/form/human_input/${token}`, { key: server.keys.workflow, json: { inputs: { feedback: 'fine' }, action: 'reject', user: 'alice' } });
		const foreign = await api(`/workflow/${runId}/events`, { key: server.keys.workflow, query: { user: 'bob' } });
		expect(foreign.status).toBe(404);
		const resumed = await api(`/workflow/${runId}/events`, { key: server.keys.workflow, query: { user: 'alice' }, family: 'workflow' });
		const events = dataFrames(resumed.text);
		expect(events[0]).toMatchObject({ event: 'workflow_started', data: { reason: 'resumption' } });
		expect(events[events.length - 1]).toMatchObject({ event: 'workflow_finished', data: { status: 'succeeded', outputs: { feedback: 'fine', action: 'reject' } } });
		const replay = await api(`/workflow/${runId}/events`, { key: server.keys.workflow, query: { user: 'alice' }, family: 'workflow' });
		expect(dataFrames(replay.text).map((f) => f.event)).toEqual(['workflow_finished']);
	});

	test('GET /workflows/logs: filters and paging', async () => {
		await api('/workflows/run', { key: server.keys.workflow, json: run({ text: 'first' }) });
		await api('/workflows/run', { key: server.keys.workflow, json: run({ text: 'second', fail: true }) });
		await api('/workflows/run', { key: server.keys.workflow, json: { inputs: { text: 'third' }, user: 'bob' } });
		const all = body(await api('/workflows/logs', { key: server.keys.workflow }));
		expect(all).toMatchObject({ total: 3, page: 1, limit: 20, has_more: false });
		expect(body(await api('/workflows/logs', { key: server.keys.workflow, query: { status: 'failed' } })).total).toBe(1);
		expect(body(await api('/workflows/logs', { key: server.keys.workflow, query: { created_by_end_user_session_id: 'bob' } })).total).toBe(1);
		expect(body(await api('/workflows/logs', { key: server.keys.workflow, query: { keyword: 'second' } })).total).toBe(1);
		const paged = body(await api('/workflows/logs', { key: server.keys.workflow, query: { limit: 2 } }));
		expect(paged).toMatchObject({ has_more: true });
		expect((await api('/workflows/logs', { key: server.keys.workflow, query: { limit: 101 } })).status).toBe(400);
		expect((await api('/workflows/logs', { key: server.keys.workflow, query: { status: 'running' } })).status).toBe(400);
		expect((await api('/workflows/logs', { key: server.keys.workflow, query: { created_at__before: 'yesterday-ish' } })).status).toBe(400);
		expect(body(await api('/workflows/logs', { key: server.keys.advancedChat })).total).toBe(0);
	});
});
