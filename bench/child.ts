/**
 * Measurements that run in their own process, under the Node of the n8n runtime (the Node n8n 2.x
 * runs on), so the bench's own memory and the sandbox's work do not count:
 *   p2  Items at Once: wall time of a batch against the sandbox's latency, through n8n-core's engine
 *       (p2raw: the same batch from plain HTTP clients, the control)
 *   p3  the SSE reader on a recorded stream (bench/sse.ts)
 *   p5  RSS growth of this process while a long workflow stream passes through the node
 * Usage: node --expose-gc child.js <p2|p3|p5> '<json args>'; prints one JSON line.
 */
import { performance } from 'perf_hooks';

import { runNode } from '../test/harness/n8n';
import { MB, median, sampleRss } from './lib';
import { recordStream, runP3 } from './sse';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

interface Target {
	apiBase: string;
	key: string;
}

function workflowRun(target: Target, items: number, inputs: string, options: Record<string, unknown>) {
	return runNode({
		type: 'dify.difyWorkflow',
		credentials: { difyApi: { baseUrl: target.apiBase, apiKey: target.key } },
		items: Array.from({ length: items }, (_, k) => ({ json: { text: `row ${k}` } })),
		parameters: { resource: 'workflow', operation: 'run', inputs, user: 'bench', responseMode: 'streaming', options },
	});
}

async function p2(args: Target & { items: number; concurrency: number; sleepMs: number; rounds: number; limit?: number }) {
	const inputs = `={{ JSON.stringify({ text: $json.text, sleep_ms: ${args.sleepMs} }) }}`;
	const options = { concurrency: args.concurrency };
	const warm = await workflowRun(args, args.concurrency, inputs, options);
	if (warm.error) throw new Error(warm.error.message);
	// Ideal: the batch as waves of as many runs as may run at once, each taking the sandbox's latency.
	const slots = Math.min(args.concurrency, args.limit ?? Infinity);
	const idealMs = Math.ceil(args.items / slots) * args.sleepMs;
	const walls: number[] = [];
	for (let r = 0; r < args.rounds; r++) {
		const start = performance.now();
		const result = await workflowRun(args, args.items, inputs, options);
		walls.push(performance.now() - start);
		if (result.error) throw new Error(result.error.message);
		const ok = result.items.every((item, i) => (item.json.outputs as { result?: string })?.result === `Processed: row ${i}`);
		if (!ok || result.items.length !== args.items) throw new Error('p2: outputs out of order or missing');
	}
	return { idealMs, wallsMs: walls, wallMs: median(walls), ratio: median(walls) / idealMs };
}

/** The same batch sent by plain HTTP clients (no n8n): what the sandbox and this machine allow. */
async function p2raw(args: Target & { items: number; concurrency: number; sleepMs: number; rounds: number }) {
	const idealMs = Math.ceil(args.items / args.concurrency) * args.sleepMs;
	const batch = async () => {
		let next = 0;
		const worker = async () => {
			while (next < args.items) {
				const k = next++;
				await recordStream(args.apiBase, args.key, { text: `row ${k}`, sleep_ms: args.sleepMs });
			}
		};
		await Promise.all(Array.from({ length: args.concurrency }, worker));
	};
	await batch(); // warm-up
	const walls: number[] = [];
	for (let r = 0; r < args.rounds; r++) {
		const start = performance.now();
		await batch();
		walls.push(performance.now() - start);
	}
	return { idealMs, wallsMs: walls, wallMs: median(walls), ratio: median(walls) / idealMs };
}

async function p3(args: Target & { nodes: number; nodeKb: number; rounds: number }) {
	const chunks = await recordStream(args.apiBase, args.key, { text: 'bench', nodes: args.nodes, node_kb: args.nodeKb });
	return await runP3(chunks, args.rounds);
}

async function p5(args: Target & { nodes: number; nodeKb: number; traces: boolean }) {
	const options = { includeNodeTrace: args.traces };
	const inputs = (nodes: number) => `={{ JSON.stringify({ text: 'memory', nodes: ${nodes}, node_kb: ${args.nodeKb} }) }}`;
	const warm = await workflowRun(args, 1, inputs(200), options);
	if (warm.error) throw new Error(warm.error.message);
	gc();
	await new Promise((r) => setTimeout(r, 200));
	gc();
	const before = process.memoryUsage().rss;
	let peakUsage = process.memoryUsage();
	const sampler = sampleRss(() => {
		const usage = process.memoryUsage();
		if (usage.rss > peakUsage.rss) peakUsage = usage;
		return usage.rss;
	}, 10);
	const start = performance.now();
	const result = await workflowRun(args, 1, inputs(args.nodes), options);
	const ms = performance.now() - start;
	const peak = sampler.stop();
	if (result.error) throw new Error(result.error.message);
	const json = result.items[0].json as { status?: string; node_trace?: unknown[]; node_trace_dropped?: number };
	if (json.status !== 'succeeded') throw new Error(`p5: run ended ${json.status}`);
	return {
		rssBeforeMb: before / MB,
		rssPeakMb: peak / MB,
		growthMb: (peak - before) / MB,
		ms,
		traceEntries: json.node_trace?.length ?? 0,
		traceDropped: json.node_trace_dropped ?? 0,
		atPeakMb: { heapTotal: peakUsage.heapTotal / MB, heapUsed: peakUsage.heapUsed / MB, external: peakUsage.external / MB, arrayBuffers: peakUsage.arrayBuffers / MB },
	};
}

async function main() {
	const [mode, raw] = process.argv.slice(2);
	const args = JSON.parse(raw);
	const run = { p2, p2raw, p3, p5 }[mode as 'p2' | 'p2raw' | 'p3' | 'p5'];
	if (!run) throw new Error(`unknown mode ${mode}`);
	const out = await run(args);
	process.stdout.write(`${JSON.stringify(out)}\n`);
	process.exit(0);
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
