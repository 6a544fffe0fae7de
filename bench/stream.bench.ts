/**
 * Stream-reading benchmarks, reported as ratios measured in one run (machines differ; ratios travel).
 * Run: npm run bench
 */
import { performance } from 'perf_hooks';

import { parseSse } from '../nodes/shared/transport/sse';

function workflowStream(nodes: number): Buffer {
	const frames: string[] = ['event: ping\n\n'];
	for (let k = 0; k < nodes; k++) {
		const data = { id: `exec-${k}`, node_id: `n${k}`, node_type: 'llm', title: `LLM 节点 ${k}`, inputs: { text: 'ü'.repeat(200) } };
		frames.push(`data: ${JSON.stringify({ event: 'node_started', task_id: 't', workflow_run_id: 'r', data })}\n\n`);
		frames.push(`data: ${JSON.stringify({ event: 'node_finished', task_id: 't', workflow_run_id: 'r', data: { ...data, status: 'succeeded', outputs: { text: '✓'.repeat(300) } } })}\n\n`);
	}
	frames.push(`data: ${JSON.stringify({ event: 'workflow_finished', data: { status: 'succeeded', outputs: { result: 'x'.repeat(1 << 20) } } })}\n\n`);
	return Buffer.from(frames.join(''), 'utf8');
}

function chunk(buffer: Buffer, size: number): Buffer[] {
	const out: Buffer[] = [];
	for (let k = 0; k < buffer.length; k += size) out.push(buffer.subarray(k, k + size));
	return out;
}

async function* feed(chunks: Buffer[]): AsyncGenerator<Buffer> {
	for (const c of chunks) yield c;
}

/** What peers do: wait for the whole body, then split it. */
function bufferedParse(chunks: Buffer[]): number {
	const text = Buffer.concat(chunks).toString('utf8');
	let events = 0;
	for (const block of text.split('\n\n')) {
		const line = block.split('\n').find((l) => l.startsWith('data:'));
		if (line) {
			JSON.parse(line.slice(5));
			events++;
		}
	}
	return events;
}

async function incrementalParse(chunks: Buffer[], onFirst?: () => void): Promise<number> {
	let events = 0;
	for await (const frame of parseSse(feed(chunks))) {
		if (frame.data === undefined) continue;
		JSON.parse(frame.data);
		if (events++ === 0) onFirst?.();
	}
	return events;
}

async function time(fn: () => Promise<unknown> | unknown, repeat: number): Promise<number> {
	const samples: number[] = [];
	for (let k = 0; k < repeat; k++) {
		const start = performance.now();
		await fn();
		samples.push(performance.now() - start);
	}
	samples.sort((a, b) => a - b);
	return samples[Math.floor(samples.length / 2)];
}

export async function run(): Promise<string[]> {
	const stream = workflowStream(1000);
	const lines: string[] = [`stream: 2,000 node events + 1 MiB output = ${(stream.length / 1048576).toFixed(1)} MiB`];
	for (const size of [16 * 1024, 64 * 1024]) {
		const chunks = chunk(stream, size);
		const buffered = await time(() => bufferedParse(chunks), 9);
		const incremental = await time(() => incrementalParse(chunks), 9);
		let first = 0;
		const start = performance.now();
		await incrementalParse(chunks, () => (first = performance.now() - start));
		lines.push(
			`${size / 1024} KiB chunks: incremental/buffered total time = ${(incremental / buffered).toFixed(2)}; ` +
				`first event after ${((first / incremental) * 100).toFixed(2)}% of the incremental total (buffered: 100%)`,
		);
	}
	// A 1 MiB frame arriving in 4 KiB pieces: the parser must stay linear.
	const big = Buffer.from(`data: ${JSON.stringify({ event: 'x', text: 'y'.repeat(1 << 20) })}\n\n`);
	const few = await time(() => incrementalParse(chunk(big, 256 * 1024)), 9);
	const many = await time(() => incrementalParse(chunk(big, 4 * 1024)), 9);
	lines.push(`1 MiB frame in 4 KiB vs 256 KiB chunks: time ratio = ${(many / few).toFixed(2)} (linear parsing keeps it near 1)`);
	return lines;
}

if (require.main === module) {
	void run().then((lines) => {
		for (const line of lines) process.stdout.write(`${line}\n`);
	});
}
