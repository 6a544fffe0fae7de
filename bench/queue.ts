/**
 * The figures of n8n's queue mode (a main instance, two workers and a webhook process on Postgres and
 * Redis, binary data in the database; scripts/lib/n8n-queue.js, as the queue-mode e2e lane runs it):
 *   P7  wall time / ideal of 200 webhook-started Sends against a sandbox that answers in 250 ms
 *   P4  first streamed answer text: sandbox writes it on behalf of a worker → streaming-webhook client
 *   P6  RSS growth of the workers while a workflow uploads a 100 MB file from `database` binary mode
 */
import { rmSync } from 'fs';
import { join } from 'path';
import { performance } from 'perf_hooks';

import type { DifyServer } from '../test/dify-server';
import type { N8nRuntime } from '../scripts/n8n-runtime';
import type { QueueCluster } from '../scripts/lib/n8n-queue';
import { firstItemAt, HEADER_AUTH_CREDENTIAL, streamingWebhookWorkflow, uploadWorkflows, workflowIds, type FrameWatch } from './n8n';
import { cpuMsOf, MB, median, REPO, rssOf, sampleRss } from './lib';

/* eslint-disable @typescript-eslint/no-require-imports -- plain-JS helpers shared with npm start and e2e */
const queueLib = require(join(REPO, 'scripts', 'lib', 'n8n-queue.js')) as typeof import('../scripts/lib/n8n-queue');
const instanceLib = require(join(REPO, 'scripts', 'lib', 'n8n-instance.js')) as typeof import('../scripts/lib/n8n-instance');
const sandboxLib = require(join(REPO, 'scripts', 'lib', 'sandbox.js')) as typeof import('../scripts/lib/sandbox');
/* eslint-enable @typescript-eslint/no-require-imports */

const CHAT_CREDENTIAL = { id: 'difySandboxChat01', name: 'Dify sandbox (Chatbot app)' };
const ASK_WORKFLOW = 'benchP7QueueAsk1';
const ASK_PATH = 'bench-p7-ask';
/** The control: the same webhook workflow with n8n's HTTP Request node (Header Auth) in place of Send. */
const CONTROL_WORKFLOW = 'benchP7QueueHttp1';
const CONTROL_PATH = 'bench-p7-http';
const STREAM_PATH = 'dify-bench-stream';

/** n8n's default worker concurrency: each worker runs 10 executions at a time. */
export const WORKER_CONCURRENCY = 10;

function askWorkflow(apiBase: string, control = false): Record<string, unknown> {
	const send = {
		type: 'n8n-nodes-dify-suite.difyChatbot',
		typeVersion: 1,
		parameters: { resource: 'message', operation: 'send', query: '={{ $json.body.question }}', user: '={{ $json.body.user }}', inputs: '{}', responseMode: 'blocking', options: {} },
		credentials: { difyApi: CHAT_CREDENTIAL },
	};
	const http = {
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'POST',
			url: `${apiBase}/chat-messages`,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpHeaderAuth',
			sendBody: true,
			specifyBody: 'json',
			jsonBody: "={{ JSON.stringify({ query: $json.body.question, inputs: {}, user: $json.body.user, response_mode: 'blocking' }) }}",
			options: {},
		},
		credentials: { httpHeaderAuth: HEADER_AUTH_CREDENTIAL },
	};
	return {
		id: control ? CONTROL_WORKFLOW : ASK_WORKFLOW,
		name: control ? 'bench P7 queue, HTTP Request control' : 'bench P7 queue',
		nodes: [
			{
				id: `${control ? CONTROL_WORKFLOW : ASK_WORKFLOW}-0`,
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				webhookId: control ? '0e2e0b10-0c4d-4e5f-8a9b-0000000000d8' : '0e2e0b10-0c4d-4e5f-8a9b-0000000000d7',
				position: [0, 0],
				parameters: { httpMethod: 'POST', path: control ? CONTROL_PATH : ASK_PATH, responseMode: 'lastNode', options: {} },
			},
			{ id: `${control ? CONTROL_WORKFLOW : ASK_WORKFLOW}-1`, name: 'Dify', position: [220, 0], ...(control ? http : send) },
		],
		connections: { Webhook: { main: [[{ node: 'Dify', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
		active: false,
	};
}

export interface QueueBench {
	cluster: QueueCluster;
	cookie: string;
	cleanup(): Promise<void>;
}

export async function prepareQueue(rt: N8nRuntime, server: DifyServer, file: string, fileDir: string): Promise<QueueBench> {
	const baseDir = instanceLib.tempDir('dify-bench-queue-');
	const { tgz } = instanceLib.packPackage(join(baseDir, 'pack'));
	const cluster = new queueLib.QueueCluster({
		runtime: rt,
		baseDir,
		workers: 2,
		webhook: true,
		concurrency: WORKER_CONCURRENCY,
		logFormat: 'text',
		workerLogLevel: 'warn',
		env: { N8N_RESTRICT_FILE_ACCESS_TO: fileDir, N8N_LOG_LEVEL: 'warn' },
	});
	try {
		await cluster.prepare({ tgz });
		await cluster.main.importCredentials([
			...sandboxLib.sandboxCredentials({ apiBase: server.apiBase, keys: { ...server.keys } }),
			{ ...HEADER_AUTH_CREDENTIAL, type: 'httpHeaderAuth', data: { name: 'Authorization', value: `Bearer ${server.keys.chat}` } },
		]);
		await cluster.main.importWorkflows([askWorkflow(server.apiBase), askWorkflow(server.apiBase, true), streamingWebhookWorkflow(), ...uploadWorkflows(server.apiBase, file)]);
		await cluster.start({ timeoutMs: 300000 });
		const cookie = await cluster.main.login();
		for (const id of [ASK_WORKFLOW, CONTROL_WORKFLOW, workflowIds.p4, workflowIds.read, workflowIds.dify, workflowIds.http]) await cluster.main.publishLive(id, cookie);
		return { cluster, cookie, cleanup: async () => cluster.stop().finally(() => rmSync(baseDir, { recursive: true, force: true })) };
	} catch (error) {
		await cluster.stop();
		throw error;
	}
}

/** POST to the webhook process; a 404 right after publishing means "not registered yet". */
async function callWebhook(q: QueueBench, path: string, body: unknown, timeoutMs: number) {
	const deadline = Date.now() + 60000;
	for (;;) {
		const r = await instanceLib.request(`${q.cluster.webhookUrl}/webhook/${path}`, { method: 'POST', body, timeoutMs });
		if (r.status !== 404 || Date.now() > deadline) return r;
		await new Promise((res) => setTimeout(res, 500));
	}
}

export interface P7Result {
	runs: number;
	workers: number;
	concurrencyPerWorker: number;
	latencyMs: number;
	idealMs: number;
	wallsMs: number[];
	wallMs: number;
	ratio: number;
	/** The same runs with n8n's HTTP Request node in place of Send: what queue mode costs without us. */
	controlWallsMs: number[];
	controlWallMs: number;
	controlRatio: number;
	/**
	 * CPU time per run of the two workers and of the webhook process (user + system, from /proc),
	 * median over the rounds: unlike the wall, it does not move with what else the machine runs.
	 */
	workerCpuMsPerRun: number;
	controlWorkerCpuMsPerRun: number;
	webhookCpuMsPerRun: number;
	controlWebhookCpuMsPerRun: number;
}

/**
 * 200 Sends started at once through the webhook process; the sandbox holds each for 250 ms. Ideal:
 * the workers' slots (2 × 10) each take a run at a time, so 10 waves of 250 ms. Each round runs the
 * Send workflow and its HTTP Request control back to back, in alternating order.
 */
export async function p7(q: QueueBench, server: DifyServer, runs = 200, latencyMs = 250, rounds = 3): Promise<P7Result> {
	const slots = q.cluster.workers.length * WORKER_CONCURRENCY;
	const idealMs = Math.ceil(runs / slots) * latencyMs;
	// Warm-up: every worker loads both workflows and the package's code once.
	for (const path of [ASK_PATH, CONTROL_PATH])
		await Promise.all(Array.from({ length: slots }, (_, i) => callWebhook(q, path, { question: `warm ${i}`, user: `warm-${i}` }, 120000)));
	const workerPids = q.cluster.workers.map((w) => w.server?.pid).filter((p): p is number => typeof p === 'number');
	const webhookPid = q.cluster.webhook?.server?.pid;
	const cpu = (pids: number[]) => pids.reduce((sum, pid) => sum + (cpuMsOf(pid) ?? 0), 0);
	const cpuUse = { send: { worker: [] as number[], webhook: [] as number[] }, control: { worker: [] as number[], webhook: [] as number[] } };
	const batch = async (path: string, tag: string) => {
		server.reset();
		server.misbehave({ path: '/chat-messages', delayMs: latencyMs, times: runs });
		const workerBefore = cpu(workerPids);
		const webhookBefore = webhookPid ? cpu([webhookPid]) : 0;
		const t0 = performance.now();
		const answers = await Promise.all(
			Array.from({ length: runs }, (_, i) => callWebhook(q, path, { question: `q ${tag}-${i}`, user: `u-${i}` }, 300000)),
		);
		const wall = performance.now() - t0;
		const use = path === CONTROL_PATH ? cpuUse.control : cpuUse.send;
		use.worker.push((cpu(workerPids) - workerBefore) / runs);
		use.webhook.push(((webhookPid ? cpu([webhookPid]) : 0) - webhookBefore) / runs);
		answers.forEach((a, i) => {
			const answer = (a.json as { answer?: string } | undefined)?.answer;
			if (a.status !== 200 || answer !== `Echo: q ${tag}-${i}`) throw new Error(`P7 ${path} run ${i}: HTTP ${a.status} ${a.text.slice(0, 200)}`);
		});
		await new Promise((res) => setTimeout(res, 2000));
		return wall;
	};
	const walls: number[] = [];
	const controlWalls: number[] = [];
	for (let r = 0; r < rounds; r++) {
		if (r % 2 === 0) {
			walls.push(await batch(ASK_PATH, `${r}`));
			controlWalls.push(await batch(CONTROL_PATH, `c${r}`));
		} else {
			controlWalls.push(await batch(CONTROL_PATH, `c${r}`));
			walls.push(await batch(ASK_PATH, `${r}`));
		}
	}
	const wallMs = median(walls);
	const controlWallMs = median(controlWalls);
	return {
		runs,
		workers: q.cluster.workers.length,
		concurrencyPerWorker: WORKER_CONCURRENCY,
		latencyMs,
		idealMs,
		wallsMs: walls,
		wallMs,
		ratio: wallMs / idealMs,
		controlWallsMs: controlWalls,
		controlWallMs,
		controlRatio: controlWallMs / idealMs,
		workerCpuMsPerRun: median(cpuUse.send.worker),
		controlWorkerCpuMsPerRun: median(cpuUse.control.worker),
		webhookCpuMsPerRun: median(cpuUse.send.webhook),
		controlWebhookCpuMsPerRun: median(cpuUse.control.webhook),
	};
}

export interface P4QueueResult {
	samples: number;
	firstChunkMs: number[];
	medianMs: number;
}

/** Like P4, with Send on a worker and the client on the webhook process: chunks travel through Redis. */
export async function p4Queue(q: QueueBench, watch: FrameWatch, samples = 20): Promise<P4QueueResult> {
	const url = `${q.cluster.webhookUrl}/webhook/${STREAM_PATH}`;
	const times: number[] = [];
	for (let k = 0; k < samples + 3; k++) {
		watch.arm();
		const { at } = await firstItemAt(url, { question: `latency ${k}` });
		const wrote = watch.firstAt();
		if (wrote === undefined) throw new Error('P4 queue: the sandbox recorded no answer frame');
		if (k >= 3) times.push(at - wrote);
	}
	return { samples, firstChunkMs: times, medianMs: median(times) };
}

export interface P6DatabaseResult {
	fileMb: number;
	readOnlyGrowthMb: number;
	difyGrowthMb: number;
	httpGrowthMb: number;
}

/** RSS growth of the workers (summed: the run lands on either) over their level just before each run. */
export async function p6Database(q: QueueBench, fileBytes: number, rounds = 2): Promise<P6DatabaseResult> {
	const pids = q.cluster.workers.map((w) => w.server?.pid).filter((p): p is number => typeof p === 'number');
	const rss = () => pids.reduce((sum, pid) => sum + (rssOf(pid) ?? 0), 0);
	const growth = async (path: string, check: (json: unknown) => void) => {
		const values: number[] = [];
		for (let r = 0; r < rounds; r++) {
			await new Promise((res) => setTimeout(res, 1500));
			const before = rss();
			const sampler = sampleRss(rss, 10);
			const response = await callWebhook(q, path, {}, 300000);
			const peak = sampler.stop();
			if (response.status !== 200) throw new Error(`P6 database ${path}: HTTP ${response.status} ${response.text.slice(0, 300)}`);
			check(response.json);
			values.push((peak - before) / MB);
		}
		return median(values);
	};
	const uploaded = (json: unknown) => {
		const size = (json as { size?: number } | undefined)?.size;
		if (size !== fileBytes) throw new Error(`P6 database: the upload answered ${JSON.stringify(json).slice(0, 300)}`);
	};
	const readOnlyGrowthMb = await growth('bench-p6-read', () => undefined);
	const difyGrowthMb = await growth('bench-p6-dify', uploaded);
	const httpGrowthMb = await growth('bench-p6-http', uploaded);
	return { fileMb: fileBytes / MB, readOnlyGrowthMb, difyGrowthMb, httpGrowthMb };
}
