/**
 * The test server against Dify's published contract, in both directions. One walk drives every route
 * the server serves; the server hands every answer it writes to `onResponse`, and each one is checked
 * against Dify's OpenAPI description (test/support/openapi.ts): JSON bodies against the response
 * schema of their status, binary answers by Content-Type, and every stream frame against the event
 * schema of its app type's family. Only the documented KNOWN_DIFFERENCES are tolerated, so a field
 * renamed or retyped in any answer fails here. The coverage tests fail when a route or a stream event
 * of the server is left out of the walk. Request bodies the walk sends are validated too; every JSON
 * body the nodes send is validated after each integration test (`useDifyServer`, test/integration/support.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startDifyServer, type DifyServer, type WrittenResponse } from './index';
import { call, dataFrames, multipartBody, taskIdCatcher, type RawResponse, type RequestOptions } from './testClient';
import { SPEC_PATH, specRoute, validateContentType, validateDatasourceEvent, validateRequest, validateResponse, validateStreamEvent } from '../support/openapi';

type Family = 'chat' | 'completion' | 'workflow' | 'datasource';
type Mode = 'chat' | 'agent-chat' | 'agent' | 'advanced-chat' | 'completion' | 'workflow' | 'pipeline' | 'datasource';

let server: DifyServer;
const written: WrittenResponse[] = [];
let modeByKey: Map<string, Mode | 'knowledge'>;

interface Send extends RequestOptions {
	/** Request bodies that are wrong on purpose are not checked against the spec. */
	invalidRequest?: boolean;
}

/** One request over real HTTP; a JSON request body is validated against the spec first. */
async function send(path: string, opts: Send): Promise<RawResponse> {
	const method = opts.method ?? (opts.json !== undefined || opts.body !== undefined ? 'POST' : 'GET');
	if (opts.json !== undefined && !opts.invalidRequest) expect(validateRequest(method, path, opts.json)).toEqual([]);
	return call(server.apiBase, path, { ...opts, method });
}

const json = (res: RawResponse) => res.json as Record<string, any>;
const chat = (query: string, extra: Record<string, unknown> = {}) => ({ query, inputs: {}, user: 'walker', ...extra });
const run = (inputs: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ inputs, user: 'walker', ...extra });

function upload(key: string, name: string, type: string, content: Buffer | string, user = 'walker') {
	const mp = multipartBody([
		{ name: 'user', value: user },
		{ name: 'file', filename: name, contentType: type, content },
	]);
	return send('/files/upload', { key, body: mp.body, headers: { 'Content-Type': mp.contentType } });
}

function knowledgeFile(name: string, text: string, data?: unknown) {
	const parts: Parameters<typeof multipartBody>[0] = [{ name: 'file', filename: name, contentType: 'text/plain', content: text }];
	if (data !== undefined) parts.push({ name: 'data', value: JSON.stringify(data) });
	const mp = multipartBody(parts);
	return { body: mp.body, headers: { 'Content-Type': mp.contentType } };
}

async function walkApps(): Promise<void> {
	const k = server.keys;
	// Index, metadata of every app type.
	await call(server.apiBase, '/');
	for (const key of [k.chat, k.agentChat, k.agent, k.advancedChat, k.completion, k.workflow, k.chatFeaturesOff]) {
		for (const p of ['/info', '/parameters', '/meta', '/site']) await send(p, { key });
	}

	// Chat: blocking with citations, streaming with every trigger, an error frame, stop.
	const first = json(await send('/chat-messages', { key: k.chat, json: chat('hello walker', { response_mode: 'blocking' }) }));
	const conversationId = first.conversation_id as string;
	await send('/chat-messages', { key: k.chat, json: chat('pic [tts] [file] [replace]', { response_mode: 'streaming', conversation_id: conversationId }) });
	server.misbehave({ path: '/chat-messages', errorFrameAfterFrames: { after: 1, code: 'completion_request_error', message: 'model failed', status: 400 } });
	await send('/chat-messages', { key: k.chat, json: chat('broken', { response_mode: 'streaming' }) });
	const chatStop = taskIdCatcher();
	const slowChat = send('/chat-messages', { key: k.chat, json: chat('slow one [slow]', { response_mode: 'streaming' }), onText: chatStop.onText });
	await send(`/chat-messages/${await chatStop.taskId}/stop`, { key: k.chat, json: { user: 'walker' } });
	await slowChat;

	// Agents.
	await send('/chat-messages', { key: k.agentChat, json: chat('sum', { response_mode: 'streaming' }) });
	await send('/chat-messages', { key: k.agent, json: chat('hello agent', { response_mode: 'streaming' }) });

	// History, suggestions, feedback, conversations.
	await send('/messages', { key: k.chat, query: { conversation_id: conversationId, user: 'walker', limit: 1 } });
	await send(`/messages/${first.message_id}/suggested`, { key: k.chat, query: { user: 'walker' } });
	await send(`/messages/${first.message_id}/feedbacks`, { key: k.chat, json: { rating: 'like', content: 'good', user: 'walker' } });
	const feedbacks = json(await send('/app/feedbacks', { key: k.chat }));
	await send(`/end-users/${feedbacks.data[0].from_end_user_id}`, { key: k.chat });
	await send('/conversations', { key: k.chat, query: { user: 'walker', limit: 1 } });
	await send(`/conversations/${conversationId}/name`, { key: k.chat, json: { name: 'Walked', user: 'walker' } });
	await send(`/conversations/${conversationId}/variables`, { key: k.chat, query: { user: 'walker' } });
	await send(`/conversations/${conversationId}`, { key: k.chat, method: 'DELETE', json: { user: 'walker' } });
	await send('/messages', { key: k.chat, query: { conversation_id: conversationId, user: 'walker' } });

	// Files: upload, use, preview (inline and attachment); audio both ways.
	const file = json(await upload(k.chat, 'notes.txt', 'text/plain', 'walk notes'));
	await send('/chat-messages', { key: k.chat, json: chat('with file', { files: [{ type: 'document', transfer_method: 'local_file', upload_file_id: file.id }] }) });
	await send(`/files/${file.id}/preview`, { key: k.chat });
	await send(`/files/${file.id}/preview`, { key: k.chat, query: { as_attachment: true } });
	const speech = await send('/text-to-audio', { key: k.chat, json: { text: 'walk speech', user: 'walker' } });
	const mp3 = multipartBody([{ name: 'file', filename: 'speech.mp3', contentType: 'audio/mp3', content: speech.body }]);
	await send('/audio-to-text', { key: k.chat, body: mp3.body, headers: { 'Content-Type': mp3.contentType } });
	await send('/text-to-audio', { key: k.chat, json: { message_id: '00000000-0000-4000-8000-000000000000', user: 'walker' } });

	// Annotations and the reply job.
	const annotation = json(await send('/apps/annotations', { key: k.chat, json: { question: 'Walk?', answer: 'Yes.' } }));
	await send('/apps/annotations', { key: k.chat, query: { limit: 5 } });
	await send(`/apps/annotations/${annotation.id}`, { key: k.chat, method: 'PUT', json: { question: 'Walk?', answer: 'Always.' } });
	const reply = { score_threshold: 0.9, embedding_provider_name: 'openai', embedding_model_name: 'text-embedding-3-small' };
	const job = json(await send('/apps/annotation-reply/enable', { key: k.chat, json: reply }));
	for (let i = 0; i < 2; i++) await send(`/apps/annotation-reply/enable/status/${job.job_id}`, { key: k.chat });
	await send('/chat-messages', { key: k.chat, json: chat('walk?') });
	await send(`/apps/annotations/${annotation.id}`, { key: k.chat, method: 'DELETE' });

	// Completion: blocking, streaming with moderation, an error frame, stop.
	await send('/completion-messages', { key: k.completion, json: { inputs: { query: 'abc' }, user: 'walker' } });
	await send('/completion-messages', { key: k.completion, json: { inputs: { query: 'x [replace]' }, user: 'walker', response_mode: 'streaming' } });
	server.misbehave({ path: '/completion-messages', errorFrameAfterFrames: { after: 1, code: 'provider_quota_exceeded', message: 'quota', status: 400 } });
	await send('/completion-messages', { key: k.completion, json: { inputs: { query: 'y' }, user: 'walker', response_mode: 'streaming' } });
	await send('/completion-messages/some-task/stop', { key: k.completion, json: { user: 'walker' } });

	// Chatflow: streaming, variables, failure, worker error frame, pause → form → reattach, run detail.
	const flow = json(await send('/chat-messages', { key: k.advancedChat, json: chat('flow', { response_mode: 'blocking' }) }));
	await send('/chat-messages', { key: k.advancedChat, json: chat('flow again', { response_mode: 'streaming', conversation_id: flow.conversation_id }) });
	const vars = json(await send(`/conversations/${flow.conversation_id}/variables`, { key: k.advancedChat, query: { user: 'walker' } }));
	const topic = vars.data.find((v: { name: string }) => v.name === 'topic');
	await send(`/conversations/${flow.conversation_id}/variables/${topic.id}`, { key: k.advancedChat, method: 'PUT', json: { value: 'walking', user: 'walker' } });
	await send('/chat-messages', { key: k.advancedChat, json: chat('fails [fail]', { response_mode: 'streaming' }) });
	const strict = server.createApp({ mode: 'advanced-chat', userInputForm: [{ 'text-input': { type: 'text-input', label: 'Topic', variable: 'topic', required: true } }] });
	modeByKey.set(strict, 'advanced-chat');
	await send('/chat-messages', { key: strict, json: chat('x', { response_mode: 'streaming' }) });
	const paused = dataFrames((await send('/chat-messages', { key: k.advancedChat, json: chat('review [pause]', { response_mode: 'streaming' }) })).text);
	const flowToken = (paused.find((f) => f.event === 'human_input_required')!.data as { form_token: string }).form_token;
	await send(`/form/human_input/${flowToken}`, { key: k.advancedChat });
	await send(`/form/human_input/${flowToken}`, { key: k.advancedChat, json: { inputs: { feedback: 'ok' }, action: 'approve', user: 'walker' } });
	await send(`/workflow/${String(paused[0].workflow_run_id)}/events`, { key: k.advancedChat, query: { user: 'walker' } });
	await send(`/workflows/run/${String(paused[0].workflow_run_id)}`, { key: k.advancedChat });
	await send('/chat-messages', { key: k.advancedChat, json: chat('blocked [pause]') });

	// Workflow: blocking with a file, a pinned version, streaming, worker error frame, pause → resume, stop, logs.
	const image = json(await upload(k.workflow, 'pic.png', 'image/png', Buffer.from([1, 2, 3])));
	const done = json(await send('/workflows/run', { key: k.workflow, json: run({ text: 'walk', file: { type: 'image', transfer_method: 'local_file', upload_file_id: image.id } }) }));
	const detail = json(await send(`/workflows/run/${done.workflow_run_id}`, { key: k.workflow }));
	await send(`/workflows/${detail.workflow_id}/run`, { key: k.workflow, json: run({ text: 'pinned' }) });
	await send('/workflows/run', { key: k.workflow, json: run({ text: 'stream' }, { response_mode: 'streaming' }) });
	await send('/workflows/run', { key: k.workflow, json: run({ text: 'fails', fail: true }, { response_mode: 'streaming' }) });
	await send('/workflows/run', { key: k.workflow, json: run({}, { response_mode: 'streaming' }) });
	const wfPaused = dataFrames((await send('/workflows/run', { key: k.workflow, json: run({ text: 'p', pause: true }, { response_mode: 'streaming' }) })).text);
	const wfToken = (wfPaused.find((f) => f.event === 'human_input_required')!.data as { form_token: string }).form_token;
	await send(`/form/human_input/${wfToken}`, { key: k.workflow });
	await send(`/form/human_input/${wfToken}`, { key: k.workflow, json: { inputs: { feedback: 'fine' }, action: 'reject', user: 'walker' } });
	await send(`/workflow/${String(wfPaused[0].workflow_run_id)}/events`, { key: k.workflow, query: { user: 'walker' } });
	await send(`/workflow/${String(wfPaused[0].workflow_run_id)}/events`, { key: k.workflow, query: { user: 'walker' } });
	await send('/workflows/run', { key: k.workflow, json: run({ text: 'blocked', pause: true }) });
	const wfStop = taskIdCatcher();
	const sleeping = send('/workflows/run', { key: k.workflow, json: run({ text: 'z', sleep_ms: 5000 }, { response_mode: 'streaming' }), onText: wfStop.onText });
	await send(`/workflows/tasks/${await wfStop.taskId}/stop`, { key: k.workflow, json: { user: 'walker' } });
	await sleeping;
	await send('/workflows/logs', { key: k.workflow, query: { limit: 2 } });

	// Errors the nodes handle: wrong app type, unknown conversation, missing user, bad key, no JSON type.
	await send('/workflows/run', { key: k.chat, json: run({ text: 'x' }) });
	await send('/chat-messages', { key: k.completion, json: chat('x') });
	await send('/completion-messages', { key: k.chat, json: { inputs: {}, user: 'walker' } });
	await send('/chat-messages', { key: k.chat, json: chat('x', { conversation_id: '00000000-0000-4000-8000-000000000000' }) });
	await send('/chat-messages', { key: k.chat, json: { query: 'x', inputs: {} }, invalidRequest: true });
	await send('/info', { key: k.knowledge });
	await send(`/conversations/${conversationId}`, { key: k.chat, method: 'DELETE', body: 'user=walker', headers: { 'Content-Type': 'text/plain' } });
	server.limitConcurrency(k.workflow, 1);
	const holder = taskIdCatcher();
	const holding = send('/workflows/run', { key: k.workflow, json: run({ text: 'hold', sleep_ms: 5000 }, { response_mode: 'streaming' }), onText: holder.onText });
	const heldTask = await holder.taskId;
	await send('/workflows/run', { key: k.workflow, json: run({ text: 'refused' }) });
	await send(`/workflows/tasks/${heldTask}/stop`, { key: k.workflow, json: { user: 'walker' } });
	await holding;
}

async function walkKnowledge(): Promise<void> {
	const key = server.keys.knowledge;
	const ds = json(await send('/datasets', { key, json: { name: 'Walk', indexing_technique: 'high_quality' } }));
	const base = `/datasets/${ds.id}`;
	const indexed = async (batch: string) => {
		for (let i = 0; i < 2; i++) await send(`${base}/documents/${batch}/indexing-status`, { key });
	};
	await send('/datasets', { key, query: { page: 1, limit: 5 } });
	await send(base, { key });
	await send(base, { key, method: 'PATCH', json: { description: 'walked' } });
	const rule = { mode: 'custom', rules: { pre_processing_rules: [], segmentation: { separator: '\n', max_tokens: 100 } } };
	const text = json(await send(`${base}/document/create-by-text`, { key, json: { name: 't.md', text: 'alpha line\nbeta line', process_rule: rule } }));
	await indexed(text.batch);
	const byFile = json(await send(`${base}/document/create-by-file`, { key, ...knowledgeFile('f.txt', 'gamma line', { process_rule: rule }) }));
	await indexed(byFile.batch);
	const doc = text.document.id as string;
	const fileDoc = byFile.document.id as string;
	await send(`${base}/documents`, { key, query: { status: 'available' } });
	for (const metadata of ['all', 'only']) await send(`${base}/documents/${doc}`, { key, query: { metadata } });
	const segments = json(await send(`${base}/documents/${doc}/segments`, { key }));
	const seg = segments.data[0].id as string;
	await send(`${base}/documents/${doc}/segments`, { key, json: { segments: [{ content: 'delta', keywords: ['d'] }] } });
	await send(`${base}/documents/${doc}/segments`, { key, json: { segments: [] }, invalidRequest: true });
	await send(`${base}/documents/${doc}/segments/${seg}`, { key });
	await send(`${base}/documents/${doc}/segments/${seg}`, { key, json: { segment: { content: 'alpha line 2' } } });
	const child = json(await send(`${base}/documents/${doc}/segments/${seg}/child_chunks`, { key, json: { content: 'kid' } })).data;
	await send(`${base}/documents/${doc}/segments/${seg}/child_chunks`, { key });
	await send(`${base}/documents/${doc}/segments/${seg}/child_chunks/${child.id}`, { key, method: 'PATCH', json: { content: 'kid 2' } });
	await send(`${base}/documents/${doc}/segments/${seg}/child_chunks/${child.id}`, { key, method: 'DELETE' });
	await send(`${base}/retrieve`, { key, json: { query: 'beta' } });
	await send(`${base}/hit-testing`, { key, json: { query: 'gamma' } });
	const field = json(await send(`${base}/metadata`, { key, json: { type: 'string', name: 'lang' } }));
	await send(`${base}/metadata`, { key });
	await send(`${base}/metadata/${field.id}`, { key, method: 'PATCH', json: { name: 'language' } });
	await send(`${base}/metadata/built-in`, { key });
	await send(`${base}/metadata/built-in/enable`, { key, method: 'POST' });
	const values = { operation_data: [{ document_id: doc, metadata_list: [{ id: field.id, name: 'language', value: 'en' }], partial_update: false }] };
	await send(`${base}/documents/metadata`, { key, json: values });
	await send(`${base}/metadata/${field.id}`, { key, method: 'DELETE' });
	const tag = json(await send('/datasets/tags', { key, json: { name: 'walk' } }));
	await send('/datasets/tags/binding', { key, json: { tag_ids: [tag.id], target_id: ds.id } });
	await send('/datasets/tags', { key });
	await send(`${base}/tags`, { key });
	await send('/datasets/tags', { key, method: 'PATCH', json: { tag_id: tag.id, name: 'walked' } });
	await send('/datasets/tags/unbinding', { key, json: { tag_ids: [tag.id], target_id: ds.id } });
	await send('/datasets/tags', { key, method: 'DELETE', json: { tag_id: tag.id } });
	await send('/workspaces/current/models/model-types/text-embedding', { key });
	// Knowledge Pipeline: the pipeline base's datasource nodes (published, draft), a classic base's refusal, a file.
	const pipelineKb = '1c2d3e4f-5a6b-4c7d-9e8f-0a1b2c3d4e5f';
	await send(`/datasets/${pipelineKb}/pipeline/datasource-plugins`, { key });
	await send(`/datasets/${pipelineKb}/pipeline/datasource-plugins?is_published=false`, { key });
	await send(`/datasets/${ds.id}/pipeline/datasource-plugins`, { key });
	const pipelineFile = json(await send('/datasets/pipeline/file-upload', { key, ...knowledgeFile('pipeline.txt', 'for a pipeline run') }));
	// Runs: published (blocking and streaming both answer the queued documents as JSON), draft blocking,
	// draft streaming (succeeded, failed, a worker error frame), a classic base; a datasource node's stream.
	const pipelineRun = (extra: Record<string, unknown> = {}) => ({
		inputs: {},
		datasource_type: 'local_file',
		datasource_info_list: [{ reference: pipelineFile.id, name: 'pipeline.txt' }],
		start_node_id: '1750400203722',
		is_published: true,
		response_mode: 'blocking',
		...extra,
	});
	const runPath = `/datasets/${pipelineKb}/pipeline/run`;
	const queued = json(await send(runPath, { key, json: pipelineRun() }));
	for (let i = 0; i < 2; i++) await send(`/datasets/${pipelineKb}/documents/${queued.batch}/indexing-status`, { key });
	await send(runPath, { key, json: pipelineRun({ response_mode: 'streaming' }) });
	await send(runPath, { key, json: pipelineRun({ is_published: false }) });
	await send(runPath, { key, json: pipelineRun({ is_published: false, response_mode: 'streaming' }) });
	await send(runPath, { key, json: pipelineRun({ is_published: false, response_mode: 'streaming', inputs: { fail: true } }) });
	server.misbehave({ path: runPath, errorFrameAfterFrames: { after: 2, message: 'worker failed' } });
	await send(runPath, { key, json: pipelineRun({ is_published: false, response_mode: 'streaming' }) });
	await send(`/datasets/${ds.id}/pipeline/run`, { key, json: pipelineRun() });
	await send(runPath, { key, json: pipelineRun({ response_mode: 'fast' }), invalidRequest: true });
	const crawler = `/datasets/${pipelineKb}/pipeline/datasource/nodes/1750400203900/run`;
	await send(crawler, { key, json: { inputs: { url: 'https://example.com' }, datasource_type: 'website_crawl', is_published: false } });
	await send(crawler, { key, json: { inputs: { url: 'https://crawl-error.example' }, datasource_type: 'website_crawl', is_published: false, credential_id: 'b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e' } });
	await send(crawler, { key, json: { inputs: {}, datasource_type: 'website_crawl', is_published: true } });
	await send(`/datasets/${ds.id}/pipeline/datasource/nodes/1750400203900/run`, { key, json: { inputs: {}, datasource_type: 'website_crawl', is_published: false } });
	const updates: [string, RequestOptions][] = [
		[`${base}/documents/${doc}/update-by-text`, { json: { name: 't2.md', text: 'epsilon' } }],
		[`${base}/documents/${doc}/update_by_text`, { json: { name: 't3.md', text: 'zeta' } }],
		[`${base}/documents/${fileDoc}`, { method: 'PATCH', ...knowledgeFile('g.txt', 'eta') }],
		[`${base}/documents/${fileDoc}/update-by-file`, knowledgeFile('h.txt', 'theta')],
		[`${base}/documents/${fileDoc}/update_by_file`, knowledgeFile('i.txt', 'iota')],
	];
	for (const [p, opts] of updates) await indexed(json(await send(p, { key, ...opts })).batch);
	await indexed(json(await send(`${base}/document/create_by_text`, { key, json: { name: 'u.md', text: 'kappa' } })).batch);
	await indexed(json(await send(`${base}/document/create_by_file`, { key, ...knowledgeFile('v.txt', 'lambda') })).batch);
	await send(`${base}/document/create-by-file`, { key, ...knowledgeFile('x.exe', 'MZ', { process_rule: { mode: 'automatic' } }) });
	await send(`${base}/documents/${fileDoc}/download`, { key });
	await send(`${base}/documents/download-zip`, { key, json: { document_ids: [fileDoc] } });
	await send(`${base}/documents/status/disable`, { key, method: 'PATCH', json: { document_ids: [fileDoc] } });
	// The updates cut the document again: its chunks are new.
	const fresh = json(await send(`${base}/documents/${doc}/segments`, { key })).data[0].id as string;
	await send(`${base}/documents/${doc}/segments/${fresh}`, { key, method: 'DELETE' });
	await send(`${base}/documents/${fileDoc}`, { key, method: 'DELETE' });
	await send('/datasets', { key, json: { name: 'Walk' } });
	await send(base, { key, method: 'DELETE' });
}

beforeAll(async () => {
	server = await startDifyServer({ pingIntervalMs: 200, onResponse: (r) => written.push(r) });
	const k = server.keys;
	modeByKey = new Map<string, Mode | 'knowledge'>([
		[k.chat, 'chat'],
		[k.chatFeaturesOff, 'chat'],
		[k.agentChat, 'agent-chat'],
		[k.agent, 'agent'],
		[k.advancedChat, 'advanced-chat'],
		[k.completion, 'completion'],
		[k.workflow, 'workflow'],
		[k.knowledge, 'knowledge'],
	]);
	await walkApps();
	await walkKnowledge();
}, 60_000);

afterAll(() => server.close());

const apiAnswers = () => written.filter((r) => r.api && r.path !== '/');
const contentType = (r: WrittenResponse) => String(r.headers['content-type'] ?? '');
const isJson = (r: WrittenResponse) => contentType(r).startsWith('application/json');
const isStream = (r: WrittenResponse) => contentType(r).startsWith('text/event-stream');
const label = (r: WrittenResponse) => `${r.method} ${r.path} ${r.status}`;

function familyOf(r: WrittenResponse): { family: Family; mode: Mode } {
	const mode = modeByKey.get(r.key ?? '');
	// Knowledge streams: a draft pipeline run reports like a workflow run; a datasource node has its own events.
	if (mode === 'knowledge' && /\/pipeline\/run$/.test(r.path)) return { family: 'workflow', mode: 'pipeline' };
	if (mode === 'knowledge' && /\/pipeline\/datasource\/nodes\/[^/]+\/run$/.test(r.path)) return { family: 'datasource', mode: 'datasource' };
	if (!mode || mode === 'knowledge') throw new Error(`${label(r)}: a stream for an unknown key`);
	if (mode === 'completion') return { family: 'completion', mode };
	return { family: mode === 'workflow' ? 'workflow' : 'chat', mode };
}

test('the walk got an answer from every route the server serves, and a successful one from each', () => {
	const answered = new Set(apiAnswers().filter((r) => r.status < 400).map((r) => r.route));
	const missing = server
		.routes()
		.map((r) => `${r.method} ${r.pattern}`)
		.filter((route) => !answered.has(route));
	expect(missing).toEqual([]);
});

test('every JSON answer matches the response schema of its status in Dify\'s OpenAPI description', () => {
	const answers = apiAnswers().filter(isJson);
	expect(answers.length).toBeGreaterThan(100);
	const errors = answers.flatMap((r) => {
		const body = r.body.length ? (JSON.parse(r.body.toString('utf8')) as unknown) : undefined;
		return validateResponse(r.method, r.path, r.status, body).map((e) => `${label(r)}: ${e}`);
	});
	expect(errors).toEqual([]);
});

test('every answer has a media type the description gives for that route and status; 204s are empty', () => {
	const errors = apiAnswers().flatMap((r) => {
		if (r.status === 204) return r.body.length === 0 ? [] : [`${label(r)}: 204 with a body`];
		return validateContentType(r.method, r.path, r.status, contentType(r)).map((e) => `${label(r)}: ${e}`);
	});
	expect(errors).toEqual([]);
	const binary = apiAnswers().filter((r) => r.status === 200 && !isJson(r) && !isStream(r));
	expect(new Set(binary.map((r) => specRoute(r.method, r.path)))).toEqual(
		new Set(['/files/{file_id}/preview', '/text-to-audio', '/datasets/{dataset_id}/documents/download-zip']),
	);
});

test('every stream frame matches the event schema of its app type\'s family', () => {
	const streams = apiAnswers().filter(isStream);
	expect(streams.length).toBeGreaterThan(15);
	const errors = streams.flatMap((r) => {
		const { family } = familyOf(r);
		return dataFrames(r.body.toString('utf8')).flatMap((frame) =>
			(family === 'datasource' ? validateDatasourceEvent(frame) : validateStreamEvent(family, frame)).map((e) => `${label(r)}: ${e}`),
		);
	});
	expect(errors).toEqual([]);
});

/** Event names the server's source can write: its literals that are events of Dify's stream catalogues. */
function eventsInServerSource(): string[] {
	const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as { components: { schemas: Record<string, { discriminator?: { mapping?: object } }> } };
	const catalogue = new Set(
		['ChunkChatEvent', 'ChunkCompletionEvent', 'ChunkWorkflowEvent'].flatMap((s) => Object.keys(spec.components.schemas[s].discriminator?.mapping ?? {})),
	);
	catalogue.delete('ping');
	const found = new Set<string>();
	for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
		const source = readFileSync(path.join(__dirname, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
		for (const m of source.matchAll(/'([a-z_]+)'/g)) if (catalogue.has(m[1])) found.add(m[1]);
	}
	return [...found].sort();
}

test('each app type\'s streams carried every event the server writes for it', () => {
	const seen = new Map<Mode, Set<string>>();
	for (const r of apiAnswers().filter(isStream)) {
		const { mode } = familyOf(r);
		const events = seen.get(mode) ?? new Set<string>();
		for (const frame of dataFrames(r.body.toString('utf8'))) events.add(String(frame.event));
		seen.set(mode, events);
	}
	const sorted = (mode: Mode) => [...(seen.get(mode) ?? [])].sort();
	const chatMessages = ['error', 'message', 'message_end', 'message_file', 'message_replace', 'tts_message', 'tts_message_end'];
	const runEvents = ['error', 'human_input_form_filled', 'human_input_required', 'node_finished', 'node_started', 'workflow_finished', 'workflow_paused', 'workflow_started'];
	expect(sorted('chat')).toEqual(chatMessages);
	expect(sorted('agent-chat')).toEqual(['agent_message', 'agent_thought', 'message_end']);
	expect(sorted('agent')).toEqual(['agent_message', 'agent_thought', 'message', 'message_end']);
	expect(sorted('completion')).toEqual(['error', 'message', 'message_end', 'message_replace']);
	expect(sorted('advanced-chat')).toEqual([...runEvents, 'message', 'message_end'].sort());
	expect(sorted('workflow')).toEqual([...runEvents, 'text_chunk'].sort());
	expect(sorted('pipeline')).toEqual(['error', 'node_finished', 'node_started', 'workflow_finished', 'workflow_started']);
	expect(sorted('datasource')).toEqual(['datasource_completed', 'datasource_error', 'datasource_processing']);
	const union = new Set([...seen.values()].flatMap((s) => [...s]));
	expect(eventsInServerSource().filter((e) => !union.has(e))).toEqual([]);
});
