/**
 * The measurements made in a real n8n (the e2e runtime, n8n 2.41.1 on Node 24) with the packed
 * package installed the way n8n installs community packages:
 *   P1  node time per item of Dify Chatbot Send (blocking) vs n8n's HTTP Request node, same endpoint
 *   P4  first streamed answer text: sandbox writes it → a streaming-webhook client receives it
 *   P6  RSS growth of n8n while it uploads a 100 MB file from filesystem binary mode (ours and HTTP Request)
 */
import { mkdirSync, rmSync, writeFileSync } from 'fs';
import { request as httpRequest } from 'http';
import { join } from 'path';
import { performance } from 'perf_hooks';

import type { DifyServer } from '../test/dify-server';
import type { N8nRuntime } from '../scripts/n8n-runtime';
import type { N8nInstance } from '../scripts/lib/n8n-instance';
import { log, MB, median, REPO, rssOf, sampleRss } from './lib';

/* eslint-disable @typescript-eslint/no-require-imports -- plain-JS helpers shared with npm start and e2e */
const runtimeLib = require(join(REPO, 'scripts', 'n8n-runtime.js')) as typeof import('../scripts/n8n-runtime');
const instanceLib = require(join(REPO, 'scripts', 'lib', 'n8n-instance.js')) as typeof import('../scripts/lib/n8n-instance');
const sandboxLib = require(join(REPO, 'scripts', 'lib', 'sandbox.js')) as typeof import('../scripts/lib/sandbox');
/* eslint-enable @typescript-eslint/no-require-imports */

const PACKAGE = 'n8n-nodes-dify-suite';
const CHAT_CREDENTIAL = { id: 'difySandboxChat01', name: 'Dify sandbox (Chatbot app)' };

export async function runtime(): Promise<N8nRuntime> {
	return await runtimeLib.ensureRuntime('2');
}

interface NodeSpec {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
}

function chainWorkflow(id: string, name: string, nodes: NodeSpec[]): Record<string, unknown> {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < nodes.length - 1; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return {
		id,
		name,
		nodes: nodes.map((n, i) => ({ id: `${id}-${i}`, position: [i * 220, 0], ...n })),
		connections,
		settings: { executionOrder: 'v1' },
		pinData: {},
		active: false,
	};
}

const difyNode = (name: string, parameters: Record<string, unknown>): NodeSpec => ({
	name,
	type: `${PACKAGE}.difyChatbot`,
	typeVersion: 1,
	parameters,
	credentials: { difyApi: CHAT_CREDENTIAL },
});

/** n8n's HTTP Request node sending what Send sends, with the same credential (n8n adds the key). */
const httpChatNode = (name: string, apiBase: string): NodeSpec => ({
	name,
	type: 'n8n-nodes-base.httpRequest',
	typeVersion: 4.2,
	parameters: {
		method: 'POST',
		url: `${apiBase}/chat-messages`,
		authentication: 'predefinedCredentialType',
		nodeCredentialType: 'difyApi',
		sendBody: true,
		specifyBody: 'json',
		jsonBody: "={{ JSON.stringify({ query: 'row ' + $itemIndex, inputs: {}, user: 'bench', response_mode: 'blocking' }) }}",
		options: {},
	},
	credentials: { difyApi: CHAT_CREDENTIAL },
});

/** The cheapest setup of the HTTP Request node: a plain Header Auth credential holding the same key. */
export const HEADER_AUTH_CREDENTIAL = { id: 'benchHeaderAuth01', name: 'Dify key as Header Auth' };
const httpHeaderAuthNode = (name: string, apiBase: string): NodeSpec => ({
	...httpChatNode(name, apiBase),
	parameters: { ...httpChatNode(name, apiBase).parameters, authentication: 'genericCredentialType', genericAuthType: 'httpHeaderAuth', nodeCredentialType: undefined },
	credentials: { httpHeaderAuth: HEADER_AUTH_CREDENTIAL },
});

const sendBlocking = {
	resource: 'message',
	operation: 'send',
	query: "={{ 'row ' + $itemIndex }}",
	user: 'bench',
	inputs: '{}',
	responseMode: 'blocking',
	options: {},
};

export interface Bench {
	instance: N8nInstance;
	userFolder: string;
	cleanup(): Promise<void>;
}

/** A fresh n8n user folder with the packed package and the sandbox credentials. */
export async function prepare(rt: N8nRuntime, server: DifyServer, env: Record<string, string>): Promise<Bench> {
	const userFolder = instanceLib.tempDir('dify-bench-n8n-');
	const { tgz } = instanceLib.packPackage(join(userFolder, 'pack'));
	const port = await instanceLib.freePort();
	const brokerPort = await instanceLib.freePort([port]);
	const instance = new instanceLib.N8nInstance({ runtime: rt, userFolder, port, brokerPort, env });
	instance.installPackage(tgz);
	await instance.importCredentials([
		...sandboxLib.sandboxCredentials({ apiBase: server.apiBase, keys: { ...server.keys } }),
		{ ...HEADER_AUTH_CREDENTIAL, type: 'httpHeaderAuth', data: { name: 'Authorization', value: `Bearer ${server.keys.chat}` } },
	]);
	return {
		instance,
		userFolder,
		cleanup: async () => {
			await instance.stop();
			rmSync(userFolder, { recursive: true, force: true });
		},
	};
}

export interface P1Result {
	items: number;
	rounds: number;
	difyMsPerItem: number[];
	httpMsPerItem: number[];
	ratios: number[];
	ratio: number;
	/** The HTTP Request node with a Header Auth credential (no credential type of ours involved). */
	headerAuthMsPerItem: number[];
	headerAuthRatios: number[];
	headerAuthRatio: number;
	headerAuthMedianMsPerItem: number;
	difyMedianMsPerItem: number;
	httpMedianMsPerItem: number;
	/** Same, with Items at Once at its maximum: what a batch of independent items can use. */
	difyConcurrentMsPerItem?: number;
}

const P1_WORKFLOW = 'benchP1PerItem01';
const P1_PATH = 'dify-bench-p1';

/**
 * Webhook → 1,000 items → (Dify, HTTP Request with the Dify credential, HTTP Request with Header Auth)
 * × (1 warm-up + rounds), the order rotating per round, then Send with Items at Once 32. Node time is
 * n8n's own executionTime.
 */
export function perItemWorkflow(apiBase: string, items: number, rounds: number): Record<string, unknown> {
	const nodes: NodeSpec[] = [
		{
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			webhookId: '0e2e0b10-0c4d-4e5f-8a9b-0000000000b1',
			parameters: { httpMethod: 'POST', path: P1_PATH, responseMode: 'lastNode', options: {} },
		},
		{
			name: 'Items',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			parameters: { jsCode: `return Array.from({ length: ${items} }, (_, i) => ({ json: { i } }));` },
		},
	];
	for (let r = 0; r <= rounds; r++) {
		const trio = [difyNode(`Dify ${r}`, sendBlocking), httpChatNode(`HTTP ${r}`, apiBase), httpHeaderAuthNode(`Header ${r}`, apiBase)];
		nodes.push(...trio.slice(r % 3), ...trio.slice(0, r % 3));
	}
	nodes.push(difyNode('Dify at once', { ...sendBlocking, options: { concurrency: 32 } }));
	return chainWorkflow(P1_WORKFLOW, 'bench P1', nodes);
}

/** The run data of the latest finished execution of a workflow, read through n8n's REST API. */
async function lastRunData(bench: Bench, cookie: string, workflowId: string): Promise<Record<string, any>> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const list = await bench.instance.request(`/rest/executions?filter=${filter}`, { headers: { cookie } });
	const id = (list.json as { data?: { results?: Array<{ id: string }> } })?.data?.results?.[0]?.id;
	if (!id) throw new Error(`no execution of ${workflowId}: ${list.status} ${list.text.slice(0, 300)}`);
	const one = await bench.instance.request(`/rest/executions/${id}`, { headers: { cookie }, timeoutMs: 120000 });
	const raw = (one.json as { data?: { data?: string } })?.data?.data;
	if (typeof raw !== 'string') throw new Error(`execution ${id}: ${one.status} ${one.text.slice(0, 300)}`);
	// n8n stores and serves execution data in the `flatted` format (it has circular references).
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const flatted = require(join(bench.instance.runtime.dir, 'node_modules', 'flatted')) as { parse(text: string): any };
	const data = flatted.parse(raw);
	if (data?.resultData?.error) throw new Error(`execution ${id} failed: ${data.resultData.error.message}`);
	return data.resultData.runData;
}

/** n8n registers published webhooks shortly after it reports ready; a 404 until then runs nothing. */
async function callWebhook(bench: Bench, path: string, timeoutMs: number) {
	const deadline = Date.now() + 60000;
	for (;;) {
		const response = await bench.instance.request(`/webhook/${path}`, { method: 'POST', body: {}, timeoutMs });
		if (response.status !== 404 || Date.now() > deadline) return response;
		await new Promise((res) => setTimeout(res, 500));
	}
}

export async function p1(bench: Bench, cookie: string, items: number, rounds: number): Promise<P1Result> {
	const response = await callWebhook(bench, P1_PATH, 600000);
	if (response.status !== 200) throw new Error(`P1 webhook: HTTP ${response.status} ${response.text.slice(0, 300)}`);
	const runData = await lastRunData(bench, cookie, P1_WORKFLOW);
	const perItem = (name: string) => {
		const task = runData[name]?.[0];
		const out = task?.data?.main?.[0]?.length;
		if (out !== items) throw new Error(`P1: ${name} output ${out} items, expected ${items}`);
		return task.executionTime / items;
	};
	const dify: number[] = [];
	const http: number[] = [];
	const header: number[] = [];
	for (let r = 1; r <= rounds; r++) {
		dify.push(perItem(`Dify ${r}`));
		http.push(perItem(`HTTP ${r}`));
		header.push(perItem(`Header ${r}`));
	}
	const ratios = dify.map((d, k) => d / http[k]);
	const headerAuthRatios = dify.map((d, k) => d / header[k]);
	return {
		items,
		rounds,
		difyMsPerItem: dify,
		httpMsPerItem: http,
		ratios,
		ratio: median(ratios),
		difyMedianMsPerItem: median(dify),
		httpMedianMsPerItem: median(http),
		headerAuthMsPerItem: header,
		headerAuthRatios,
		headerAuthRatio: median(headerAuthRatios),
		headerAuthMedianMsPerItem: median(header),
		difyConcurrentMsPerItem: perItem('Dify at once'),
	};
}

export interface P4Result {
	samples: number;
	firstChunkMs: number[];
	medianMs: number;
	p90Ms: number;
}

/** POSTs to a streaming webhook and resolves with the time the first answer text ("item" chunk) arrived. */
export function firstItemAt(url: string, body: unknown): Promise<{ at: number; text: string }> {
	return new Promise((resolve, reject) => {
		const data = Buffer.from(JSON.stringify(body));
		let at = 0;
		let text = '';
		const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': data.length } }, (res) => {
			if (res.statusCode === 404) {
				// Not registered yet (n8n registers published webhooks shortly after it is ready).
				res.resume();
				res.on('end', () => setTimeout(() => firstItemAt(url, body).then(resolve, reject), 500));
				return;
			}
			res.on('data', (chunk: Buffer) => {
				text += chunk.toString('utf8');
				if (!at && text.includes('"type":"item"')) at = performance.now();
			});
			res.on('end', () => (at ? resolve({ at, text }) : reject(new Error(`no streamed item in: ${text.slice(0, 300)}`))));
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end(data);
	});
}

const STREAM_WEBHOOK_PATH = 'dify-bench-stream';

export function streamingWebhookWorkflow(): Record<string, unknown> {
	return chainWorkflow('benchP4Stream001', 'bench P4', [
		{
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2.1,
			webhookId: '0e2e0b10-0c4d-4e5f-8a9b-0000000000b4',
			parameters: { httpMethod: 'POST', path: STREAM_WEBHOOK_PATH, responseMode: 'streaming', options: {} },
		},
		difyNode('Dify', { ...sendBlocking, query: '={{ $json.body.question }}', responseMode: 'streaming' }),
	]);
}

/** Tells when the sandbox wrote the first answer delta of the request made after `arm()`. */
export interface FrameWatch {
	arm(): void;
	firstAt(): number | undefined;
}

/** performance.now() in this process stamps both ends: the sandbox's write and the client's read. */
export async function p4(bench: Bench, watch: FrameWatch, samples = 30): Promise<P4Result> {
	const url = `${bench.instance.url}/webhook/${STREAM_WEBHOOK_PATH}`;
	const times: number[] = [];
	for (let k = 0; k < samples + 3; k++) {
		watch.arm();
		const { at, text } = await firstItemAt(url, { question: `latency ${k}` });
		const streamed = text
			.split('\n')
			.filter((line) => line.startsWith('{'))
			.map((line) => JSON.parse(line) as { type: string; content?: string })
			.filter((chunk) => chunk.type === 'item')
			.map((chunk) => chunk.content ?? '')
			.join('');
		if (streamed !== `Echo: latency ${k}`) throw new Error(`P4: unexpected stream ${text.slice(0, 300)}`);
		const wrote = watch.firstAt();
		if (wrote === undefined) throw new Error('P4: the sandbox recorded no answer frame');
		if (k >= 3) times.push(at - wrote); // the first requests warm n8n up
	}
	const sorted = [...times].sort((a, b) => a - b);
	return { samples, firstChunkMs: times, medianMs: median(times), p90Ms: sorted[Math.floor(sorted.length * 0.9)] };
}

export interface P6Result {
	fileMb: number;
	readOnlyGrowthMb: number;
	difyGrowthMb: number;
	httpGrowthMb: number;
	rssBeforeMb: number;
}

const FILE_WORKFLOWS = {
	read: 'benchP6ReadOnly1',
	dify: 'benchP6DifyUpld1',
	http: 'benchP6HttpUpld1',
} as const;

/** Webhook → Read/Write Files from Disk → (nothing | Dify File Upload | HTTP Request multipart upload). */
export function uploadWorkflows(apiBase: string, file: string): Array<Record<string, unknown>> {
	const webhook = (path: string, n: number): NodeSpec => ({
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: `0e2e0b10-0c4d-4e5f-8a9b-0000000000c${n}`,
		parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', options: {} },
	});
	const read: NodeSpec = {
		name: 'Read',
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1,
		parameters: { operation: 'read', fileSelector: file, options: {} },
	};
	const upload = difyNode('Upload', { resource: 'file', operation: 'upload', binaryPropertyName: 'data', user: 'bench' });
	const httpUpload: NodeSpec = {
		name: 'Upload',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'POST',
			url: `${apiBase}/files/upload`,
			authentication: 'predefinedCredentialType',
			nodeCredentialType: 'difyApi',
			sendBody: true,
			contentType: 'multipart-form-data',
			bodyParameters: {
				parameters: [
					{ parameterType: 'formBinaryData', name: 'file', inputDataFieldName: 'data' },
					{ name: 'user', value: 'bench' },
				],
			},
			options: {},
		},
		credentials: { difyApi: CHAT_CREDENTIAL },
	};
	return [
		chainWorkflow(FILE_WORKFLOWS.read, 'bench P6 read only', [webhook('bench-p6-read', 1), read]),
		chainWorkflow(FILE_WORKFLOWS.dify, 'bench P6 Dify upload', [webhook('bench-p6-dify', 2), read, upload]),
		chainWorkflow(FILE_WORKFLOWS.http, 'bench P6 HTTP upload', [webhook('bench-p6-http', 3), read, httpUpload]),
	];
}

export function writeBigFile(dir: string, bytes: number): string {
	mkdirSync(dir, { recursive: true });
	const file = join(dir, 'bench-100mb.txt');
	const line = Buffer.from('n8n-nodes-dify-suite upload benchmark line, plain ASCII text, 64 bytes.\n'.slice(0, 63) + '\n');
	const block = Buffer.alloc(1024 * 1024);
	for (let o = 0; o < block.length; o += line.length) line.copy(block, o);
	writeFileSync(file, Buffer.alloc(0));
	const parts: Buffer[] = [];
	for (let written = 0; written < bytes; written += block.length) parts.push(block.subarray(0, Math.min(block.length, bytes - written)));
	writeFileSync(file, Buffer.concat(parts));
	return file;
}

/** RSS growth of the n8n main process over its level just before each run, sampled every 10 ms. */
export async function p6(bench: Bench, fileBytes: number, rounds = 2): Promise<P6Result> {
	const pid = (bench.instance as unknown as { server: { pid: number } | null }).server?.pid;
	if (!pid) throw new Error('P6: n8n is not running');
	const growth = async (path: string, check: (json: unknown) => void) => {
		const values: number[] = [];
		let before = 0;
		for (let r = 0; r < rounds; r++) {
			await new Promise((res) => setTimeout(res, 1500)); // let n8n settle after the previous run
			before = rssOf(pid) ?? 0;
			const sampler = sampleRss(() => rssOf(pid), 10);
			const response = await callWebhook(bench, path, 300000);
			const peak = sampler.stop();
			if (response.status !== 200) throw new Error(`P6 ${path}: HTTP ${response.status} ${response.text.slice(0, 300)}`);
			check(response.json);
			values.push((peak - before) / MB);
		}
		return { growthMb: median(values), beforeMb: before / MB };
	};
	const uploaded = (json: unknown) => {
		const size = (json as { size?: number } | undefined)?.size;
		if (size !== fileBytes) throw new Error(`P6: the upload answered ${JSON.stringify(json).slice(0, 300)}`);
	};
	const readOnly = await growth('bench-p6-read', () => undefined);
	const dify = await growth('bench-p6-dify', uploaded);
	const http = await growth('bench-p6-http', uploaded);
	return { fileMb: fileBytes / MB, readOnlyGrowthMb: readOnly.growthMb, difyGrowthMb: dify.growthMb, httpGrowthMb: http.growthMb, rssBeforeMb: dify.beforeMb };
}

export const workflowIds = { p1: P1_WORKFLOW, p4: 'benchP4Stream001', ...FILE_WORKFLOWS };

export { log };
