/**
 * The package where production n8n runs: queue mode. Postgres and Redis from the system's packages
 * (started here in temporary folders), n8n's main instance (editor, triggers), two `n8n worker`
 * processes and an `n8n webhook` process, each in its own user folder with the packed package
 * installed the way n8n installs community packages, binary data in the database, editor runs
 * offloaded to the workers. Every run below is executed by a worker and checked against the worker id
 * n8n records for it.
 */
import { mkdtempSync, rmSync } from 'fs';
import http from 'http';
import { tmpdir } from 'os';
import { join } from 'path';

import { startDifyServer, type DifyServer } from '../dify-server';
import { SANDBOX_DATASET_ID } from '../dify-server/generation';
import { SAMPLES } from '../dify-server/samples';
import { call } from '../dify-server/testClient';
import { QueueCluster } from '../../scripts/lib/n8n-queue';
import type { N8nInstance } from '../../scripts/lib/n8n-instance';
import { PACKAGE, chain, credentialRef, credentialsFor, difyNode, examples, packedTarball, runtime, type NodeSpec } from './support';

jest.setTimeout(600_000);

let server: DifyServer;
let cluster: QueueCluster;
let baseDir: string;
let cookie = '';
/** Set by the sandbox whenever it writes an SSE frame; the streaming tests look at it. */
let frameSeen: ((path: string, frame: Record<string, unknown>) => void) | undefined;

const chatExample = examples().find((e) => e.chatPath)!;
const alertExample = examples().find((e) => e.file === 'alert-on-failed-dify-runs.json')!;
const SAMPLE = 'tea-brewing-guide.txt';

function webhook(path: string, responseMode: 'lastNode' | 'streaming', extra: Record<string, unknown> = {}, id = path): NodeSpec {
	const suffix = Buffer.from(id).toString('hex').padEnd(12, '0').slice(0, 12);
	return {
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2.1,
		webhookId: `0e2e0b10-0c4d-4e5f-8a9b-${suffix}`,
		parameters: { httpMethod: 'POST', path, responseMode, options: {}, ...extra },
	};
}

function download(name: string, url: string): NodeSpec {
	return {
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: { url, options: { response: { response: { responseFormat: 'file', outputPropertyName: 'data' } } } },
	};
}

/** Webhook answers in "streaming" mode: one JSON object per line. */
function chunks(text: string): Array<{ type: string; content?: string }> {
	return text
		.split('\n')
		.filter((l) => l.trim())
		.map((l) => JSON.parse(l));
}

function streamedText(text: string): string {
	return chunks(text)
		.filter((c) => c.type === 'item')
		.map((c) => c.content ?? '')
		.join('');
}

interface Streamed {
	status: number | undefined;
	text: string;
	/** How many network reads brought `item` chunks. */
	itemReads: number;
	/** Whether the sandbox had already written the answer's last frame when the first item chunk arrived. */
	endedBeforeFirstItem: boolean | undefined;
}

/**
 * POSTs JSON and reads the answer as it arrives, noting where the sandbox's stream was at the first
 * item chunk. n8n registers published webhooks just after it reports ready, so a 404 is asked again.
 */
async function streamPost(url: string, body: unknown, opts: { onFirstItem?: () => void; timeoutMs?: number } = {}): Promise<Streamed> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		const r = await streamPostOnce(url, body, opts);
		if (r.status !== 404 || Date.now() > deadline) return r;
		await new Promise((res) => setTimeout(res, 500));
	}
}

function streamPostOnce(url: string, body: unknown, opts: { onFirstItem?: () => void; timeoutMs?: number }): Promise<Streamed> {
	let ended = false;
	frameSeen = (path, frame) => {
		if (path === '/chat-messages' && frame.event === 'message_end') ended = true;
	};
	return new Promise((resolve, reject) => {
		const data = Buffer.from(JSON.stringify(body));
		const req = http.request(
			url,
			{ method: 'POST', headers: { 'content-type': 'application/json', 'content-length': data.length }, timeout: opts.timeoutMs ?? 60_000 },
			(res) => {
				const out: Streamed = { status: res.statusCode, text: '', itemReads: 0, endedBeforeFirstItem: undefined };
				res.setEncoding('utf8');
				res.on('data', (d: string) => {
					out.text += d;
					if (d.includes('"type":"item"')) {
						out.itemReads += 1;
						if (out.endedBeforeFirstItem === undefined) {
							out.endedBeforeFirstItem = ended;
							opts.onFirstItem?.();
						}
					}
				});
				res.on('end', () => resolve(out));
				res.on('error', () => resolve(out));
				res.on('aborted', () => resolve(out));
			},
		);
		req.on('timeout', () => req.destroy(new Error(`POST ${url} timed out`)));
		req.on('error', reject);
		req.end(data);
	});
}

async function post(url: string, body: unknown, timeoutMs = 60_000): Promise<{ status?: number; body: Buffer; type?: string }> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		const r = await postOnce(url, body, timeoutMs);
		if (r.status !== 404 || Date.now() > deadline) return r;
		await new Promise((res) => setTimeout(res, 500));
	}
}

function postOnce(url: string, body: unknown, timeoutMs: number): Promise<{ status?: number; body: Buffer; type?: string }> {
	return new Promise((resolve, reject) => {
		const data = Buffer.from(JSON.stringify(body));
		const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': data.length }, timeout: timeoutMs }, (res) => {
			const parts: Buffer[] = [];
			res.on('data', (d: Buffer) => parts.push(d));
			res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(parts), type: res.headers['content-type'] }));
		});
		req.on('timeout', () => req.destroy(new Error(`POST ${url} timed out`)));
		req.on('error', reject);
		req.end(data);
	});
}

const json = (r: { body: Buffer }) => JSON.parse(r.body.toString('utf8'));

async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms: number, everyMs = 500): Promise<T> {
	const deadline = Date.now() + ms;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${ms / 1000} s`);
		await new Promise((res) => setTimeout(res, everyMs));
	}
}

interface ExecutionSummary {
	id: string;
	status: string;
	mode: string;
	workflowId: string;
}

async function executions(workflowId: string): Promise<ExecutionSummary[]> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const all: ExecutionSummary[] = [];
	// n8n answers at most 100 per page, newest first, with a cursor for the next page.
	for (let cursor = ''; ; ) {
		const r = await cluster.main.request(`/rest/executions?filter=${filter}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: { cookie } });
		if (r.status !== 200) throw new Error(`GET /rest/executions: ${r.status} ${r.text.slice(0, 300)}`);
		const data = (r.json as { data: { results: ExecutionSummary[]; nextCursor?: string | null } }).data;
		all.push(...data.results);
		if (!data.nextCursor || !data.results.length) return all;
		cursor = data.nextCursor;
	}
}

async function finished(workflowId: string, count: number, ms = 60_000): Promise<ExecutionSummary[]> {
	return waitFor(
		`${count} finished executions of ${workflowId}`,
		async () => {
			const list = (await executions(workflowId)).filter((e) => !['running', 'new', 'waiting'].includes(e.status));
			return list.length >= count ? list : undefined;
		},
		ms,
	);
}

/** The worker n8n recorded for a finished execution, and that this worker's own log says it ran it. */
function ranOnWorker(executionId: string): N8nInstance {
	const recorded = cluster.finishedOn(executionId);
	expect(recorded).toMatch(/^worker-/);
	const worker = cluster.workerThatStarted(executionId);
	expect(worker).toBeDefined();
	expect(cluster.hostIdsOf(worker!)).toContain(recorded);
	return worker!;
}

const IDS = {
	stream: 'e2eQueueStream01',
	ask: 'e2eQueueAsk00001',
	upload: 'e2eQueueUpload01',
	fromFile: 'e2eQueueKnowFile',
	fromUrl: 'e2eQueueKnowUrl1',
	docDownload: 'e2eQueueDocDown1',
	tts: 'e2eQueueSpeech01',
};

beforeAll(async () => {
	server = await startDifyServer({ onFrame: (path, frame) => frameSeen?.(path, frame) });
	baseDir = mkdtempSync(join(tmpdir(), 'dify-e2e-queue-'));
	cluster = new QueueCluster({
		runtime: runtime(),
		baseDir,
		workers: 2,
		webhook: true,
		// A killed worker's job is noticed after the lock expires; n8n's defaults (30 s) only slow the test.
		env: { QUEUE_WORKER_LOCK_DURATION: '5000', QUEUE_WORKER_LOCK_RENEW_TIME: '2000', QUEUE_WORKER_STALLED_INTERVAL: '5000' },
	});
	await cluster.prepare({ tgz: packedTarball() });
	const main = cluster.main;
	const chat = credentialRef(server, 'chat');
	const knowledge = credentialRef(server, 'knowledge');
	const send = { resource: 'message', operation: 'send', user: '={{ $json.body.user || "n8n" }}', inputs: '{}', options: {} };
	const sampleUrl = `${server.url}/samples/${SAMPLE}`;
	const dataset = { __rl: true, mode: 'id', value: SANDBOX_DATASET_ID };
	const workflows = [
		chain(IDS.stream, 'queue: streamed answer', [difyNode('difyChatbot', 'Dify', chat, { ...send, query: '={{ $json.body.question }}', responseMode: 'streaming' })], webhook('q-stream', 'streaming')),
		chain(IDS.ask, 'queue: blocking answer', [difyNode('difyChatbot', 'Dify', chat, { ...send, query: '={{ $json.body.question }}', responseMode: 'blocking' })], webhook('q-ask', 'lastNode')),
		chain(
			IDS.upload,
			'queue: upload a file and ask about it',
			[
				download('Download', sampleUrl),
				difyNode('difyChatbot', 'Dify', chat, { ...send, user: 'q-files', query: 'What is in this file?', files: { binaryProperties: 'data' }, responseMode: 'blocking' }),
			],
			webhook('q-upload', 'lastNode'),
		),
		chain(
			IDS.fromFile,
			'queue: knowledge document from a binary file',
			[download('Download', sampleUrl), difyNode('difyKnowledge', 'Dify Knowledge', knowledge, { resource: 'document', operation: 'createFromFile', datasetId: dataset, binaryPropertyName: 'data', options: {} })],
			webhook('q-know-file', 'lastNode'),
		),
		chain(
			IDS.fromUrl,
			'queue: knowledge document from a file URL',
			// The sandbox serves the file on 127.0.0.1, an internal address the node refuses unless allowed.
			[difyNode('difyKnowledge', 'Dify Knowledge', knowledge, { resource: 'document', operation: 'createFromUrl', datasetId: dataset, url: sampleUrl, options: { allowInternalAddresses: true } })],
			webhook('q-know-url', 'lastNode'),
		),
		chain(
			IDS.docDownload,
			'queue: download a knowledge document',
			[
				difyNode('difyKnowledge', 'Dify Knowledge', knowledge, {
					resource: 'document',
					operation: 'download',
					datasetId: dataset,
					documentId: { __rl: true, mode: 'id', value: '={{ $json.body.documentId }}' },
					binaryPropertyName: 'data',
				}),
			],
			webhook('q-doc-download', 'lastNode', { responseData: 'firstEntryBinary', options: { binaryPropertyName: 'data' } }),
		),
		chain(
			IDS.tts,
			'queue: text to speech',
			[difyNode('difyChatbot', 'Dify', chat, { resource: 'audio', operation: 'textToSpeech', source: 'text', text: '={{ $json.body.text }}', user: 'q-tts', binaryPropertyName: 'data' })],
			webhook('q-tts', 'lastNode', { responseData: 'firstEntryBinary', options: { binaryPropertyName: 'data' } }),
		),
	];
	await main.importCredentials(credentialsFor(server));
	await main.importWorkflows([...workflows, chatExample.workflow, alertExample.workflow]);
	await cluster.start();
	cookie = await main.login();
	for (const id of [...Object.values(IDS), chatExample.workflow.id, alertExample.workflow.id]) await main.publishLive(id, cookie);
}, 600_000);

afterAll(async () => {
	await cluster?.stop();
	await server?.close();
	if (baseDir && !process.env.E2E_KEEP) rmSync(baseDir, { recursive: true, force: true });
});

beforeEach(() => server.reset());

test('the package is installed in every process the way the README says, and each one loads it', async () => {
	for (const p of cluster.processes()) {
		expect(p.serverLog).not.toMatch(/Unrecognized node type: n8n-nodes-dify-suite/);
	}
	const r = await cluster.main.request('/types/credentials.json', { headers: { cookie } });
	expect((r.json as Array<{ name: string }>).map((c) => c.name)).toEqual(expect.arrayContaining(['difyApi', 'difyKnowledgeApi']));
	expect(cluster.workers.every((w) => cluster.hostIdsOf(w).length === 1)).toBe(true);
});

test('a streaming webhook receives the answer in several chunks while Dify is still streaming, from a worker', async () => {
	const question = '[slow] tell me about queue mode in several small pieces please';
	const r = await streamPost(`${cluster.webhookUrl}/webhook/q-stream`, { question, user: 'q-stream' });
	expect(r.status).toBe(200);
	expect(streamedText(r.text)).toBe(`Echo: ${question}`);
	expect(r.endedBeforeFirstItem).toBe(false);
	expect(r.itemReads).toBeGreaterThan(1);
	const [execution] = await finished(IDS.stream, 1);
	expect(execution.status).toBe('success');
	ranOnWorker(execution.id);
});

test('the Chat Trigger streams the answer from a worker', async () => {
	const chatInput = '[slow] hello from the hosted chat in queue mode';
	const r = await streamPost(`${cluster.webhookUrl}/webhook/${chatExample.chatPath}`, { action: 'sendMessage', sessionId: 'q-chat-1', chatInput });
	expect(r.status).toBe(200);
	expect(streamedText(r.text)).toBe(`Echo: ${chatInput}`);
	expect(r.endedBeforeFirstItem).toBe(false);
	expect(r.itemReads).toBeGreaterThan(1);
	const [execution] = await finished(chatExample.workflow.id, 1);
	ranOnWorker(execution.id);
});

describe('binary data in database mode', () => {
	const sample = Buffer.from(SAMPLES[SAMPLE].text);

	test('a downloaded file is uploaded to Dify and sent with the question', async () => {
		const r = await post(`${cluster.webhookUrl}/webhook/q-upload`, {});
		expect(r.status).toBe(200);
		expect(json(r)).toMatchObject({ answer: 'Echo: What is in this file?' });
		const upload = server.requests.find((q) => q.path === '/files/upload');
		expect(upload?.multipart?.files[0]).toMatchObject({ size: sample.length, filename: SAMPLE });
		const ask = server.requests.find((q) => q.path === '/chat-messages');
		expect((ask?.json as { files: unknown[] }).files).toEqual([expect.objectContaining({ transfer_method: 'local_file', upload_file_id: expect.any(String) })]);
		const [execution] = await finished(IDS.upload, 1);
		ranOnWorker(execution.id);
	});

	test('Knowledge creates a document from an n8n binary file and from a file URL, and downloads it byte for byte', async () => {
		const fromFile = await post(`${cluster.webhookUrl}/webhook/q-know-file`, {});
		expect(fromFile.status).toBe(200);
		const fromUrl = await post(`${cluster.webhookUrl}/webhook/q-know-url`, {});
		expect(fromUrl.status).toBe(200);
		const uploads = server.requests.filter((q) => q.path === `/datasets/${SANDBOX_DATASET_ID}/document/create-by-file`);
		expect(uploads).toHaveLength(2);
		for (const u of uploads) expect(u.multipart?.files[0]).toMatchObject({ size: sample.length });
		const documentId = (json(fromFile) as { document?: { id: string }; id?: string }).document?.id ?? (json(fromFile) as { id: string }).id;
		expect(documentId).toEqual(expect.any(String));
		const got = await post(`${cluster.webhookUrl}/webhook/q-doc-download`, { documentId });
		expect(got.status).toBe(200);
		expect(got.body.equals(sample)).toBe(true);
		const done = await finished(IDS.docDownload, 1);
		ranOnWorker(done[0].id);
	});

	test('Text to Speech returns the audio Dify made', async () => {
		const text = 'Queue mode keeps binary data in the database';
		const r = await post(`${cluster.webhookUrl}/webhook/q-tts`, { text });
		expect(r.status).toBe(200);
		expect(r.type).toMatch(/^audio\/mpeg/);
		// The sandbox's fake MP3 carries the text it was made from, base64-encoded.
		expect(r.body.includes(Buffer.from(Buffer.from(text).toString('base64')))).toBe(true);
		const [execution] = await finished(IDS.tts, 1);
		ranOnWorker(execution.id);
	});
});

test('200 webhook-started runs against a 250 ms Dify all succeed, each with its own answer, spread over both workers', async () => {
	server.misbehave({ path: '/chat-messages', delayMs: 250, times: 200 });
	const mark = cluster.main.serverLog.length;
	const answers = await Promise.all(
		Array.from({ length: 200 }, async (_, i) => {
			const r = await post(`${cluster.webhookUrl}/webhook/q-ask`, { question: `question ${i}`, user: `q-user-${i}` }, 300_000);
			return { i, status: r.status, body: r.status === 200 ? json(r) : r.body.toString() };
		}),
	);
	for (const a of answers) {
		expect(a.status).toBe(200);
		expect(a.body).toMatchObject({ answer: `Echo: question ${a.i}` });
	}
	const sent = server.requests.filter((q) => q.path === '/chat-messages').map((q) => (q.json as { user: string; query: string }));
	expect(sent).toHaveLength(200);
	expect(new Set(sent.map((q) => q.user)).size).toBe(200);
	for (const q of sent) expect(q.user).toBe(`q-user-${q.query.slice('question '.length)}`);
	// What the main instance recorded for each job: which worker ran it and that it succeeded.
	const jobs = await waitFor('200 finished jobs', () => {
		const seen = cluster.finishedJobs(mark);
		return seen.length >= 200 ? seen : undefined;
	}, 120_000);
	expect(jobs).toHaveLength(200);
	expect(new Set(jobs.map((j) => j.executionId)).size).toBe(200);
	expect(jobs.every((j) => j.success === true)).toBe(true);
	// Each worker process logs the executions it starts; the main's record names the same worker.
	// (Where n8n detects Docker, a worker's id is worker-<hostname>: two workers in one container share it.)
	const perWorker = cluster.workers.map((w) => jobs.filter((j) => cluster.workerThatStarted(j.executionId) === w));
	expect(perWorker[0].length + perWorker[1].length).toBe(200);
	expect(perWorker[0].length).toBeGreaterThan(0);
	expect(perWorker[1].length).toBeGreaterThan(0);
	cluster.workers.forEach((w, k) => {
		for (const j of perWorker[k]) expect(cluster.hostIdsOf(w)).toContain(j.workerId);
	});
}, 600_000);

test('a worker killed during a streaming Send: n8n fails the run without sending it again, and Dify finishes its task', async () => {
	const question = `[slow] ${'this answer takes a while to stream '.repeat(6)}`;
	let victim: N8nInstance | undefined;
	const started = streamPost(`${cluster.webhookUrl}/webhook/q-stream`, { question, user: 'q-killed' }, {
		timeoutMs: 120_000,
		onFirstItem: () => {
			// The worker that started the newest execution is the one running this Send.
			const newest = (w: N8nInstance) => Math.max(0, ...[...w.serverLog.matchAll(/Worker started execution (\d+) /g)].map((m) => Number(m[1])));
			victim = [...cluster.workers].sort((a, b) => newest(b) - newest(a))[0];
		},
	});
	await waitFor('the first streamed chunk', () => victim, 60_000, 50);
	const killedAt = Date.now();
	process.kill(-victim!.server!.pid!, 'SIGKILL');
	const r = await started;
	// The client got the beginning of the answer, then the response ended without the rest.
	expect(r.endedBeforeFirstItem).toBe(false);
	expect(streamedText(r.text).length).toBeGreaterThan(0);
	expect(streamedText(r.text)).not.toBe(`Echo: ${question}`);
	const [execution] = await waitFor(
		'the killed run to be settled',
		async () => {
			const list = await executions(IDS.stream);
			return list.length && !['running', 'new'].includes(list[0].status) ? list : undefined;
		},
		120_000,
	);
	const said = [cluster.main, ...(cluster.webhook ? [cluster.webhook] : [])].flatMap((p) =>
		p.serverLog
			.split('\n')
			.filter((l) => l.includes(`xecution ${execution.id} `) || l.includes(`"executionId":"${execution.id}"`) || /stalled/i.test(l))
			.map((l) => `${p.role}: ${l.slice(0, 300)}`),
	);
	// eslint-disable-next-line no-console
	console.log(`[queue] killed worker: execution ${execution.id} ended as ${execution.status} ${Date.now() - killedAt} ms later; client got ${streamedText(r.text).length} chars\n${said.join('\n')}`);
	expect(execution.status).toBe('error');
	// n8n did not hand the job to the other worker: Dify was asked once.
	expect(server.requests.filter((q) => q.path === '/chat-messages')).toHaveLength(1);
	const other = cluster.workers.find((w) => w !== victim)!;
	expect(other.serverLog).not.toContain(`Worker started execution ${execution.id} `);
	// Dify's task was not left running: it completed the answer on its own.
	const answer = await waitFor(
		'Dify to finish the answer',
		async () => {
			const conversations = await call(server.apiBase, '/conversations', { key: server.keys.chat, query: { user: 'q-killed' } });
			const id = (conversations.json as { data: Array<{ id: string }> }).data[0]?.id;
			if (!id) return undefined;
			const messages = await call(server.apiBase, '/messages', { key: server.keys.chat, query: { user: 'q-killed', conversation_id: id } });
			const last = (messages.json as { data: Array<{ answer: string }> }).data.at(-1);
			return last?.answer === `Echo: ${question}` ? last.answer : undefined;
		},
		60_000,
	);
	expect(answer).toBe(`Echo: ${question}`);
	await victim!.stop();
	await victim!.start();
}, 300_000);

test('the Dify Trigger on main fires once per event across polls, a restart of main and events while it was down', async () => {
	const fail = async (text: string) => {
		const res = await call(server.apiBase, '/workflows/run', { key: server.keys.workflow, json: { inputs: { text, fail: true }, user: 'q-trigger', response_mode: 'blocking' } });
		return (res.json as { workflow_run_id: string }).workflow_run_id;
	};
	const polls = () => server.requests.filter((r) => r.path === '/workflows/logs').length;
	const successes = async () => (await executions(alertExample.workflow.id)).filter((e) => e.status === 'success');
	const detailOf = async (id: string) => (await cluster.main.request(`/rest/executions/${id}`, { headers: { cookie } })).text;

	const first = await fail('queue alert one');
	await waitFor('the first alert', async () => ((await successes()).length >= 1 ? true : undefined), 150_000, 2000);
	// Another poll brings nothing new.
	const p = polls();
	await waitFor('another poll', () => (polls() > p ? true : undefined), 90_000, 1000);
	expect((await successes()).length).toBe(1);

	await cluster.main.stop();
	const whileDown = await fail('queue alert while main was down');
	await cluster.main.start();
	cookie = await cluster.main.login();
	await waitFor('the alert for the run that failed while main was down', async () => ((await successes()).length >= 2 ? true : undefined), 150_000, 2000);
	const p2 = polls();
	await waitFor('a poll after that', () => (polls() > p2 ? true : undefined), 90_000, 1000);
	const all = await successes();
	expect(all).toHaveLength(2);
	const texts = await Promise.all(all.map((e) => detailOf(e.id)));
	expect(texts.filter((t) => t.includes(`Dify run ${first} failed`))).toHaveLength(1);
	expect(texts.filter((t) => t.includes(`Dify run ${whileDown} failed`))).toHaveLength(1);
	for (const e of all) ranOnWorker(e.id);
}, 600_000);

void PACKAGE;
