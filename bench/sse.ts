/**
 * P3: our SSE reader (nodes/shared/transport/sse.ts) against eventsource-parser, the parser most SSE
 * clients use, and against a bare JSON.parse of the same frames (the floor: no reading at all), on a
 * workflow stream recorded from the sandbox chunk by chunk as it arrived.
 */
import { request } from 'http';
import { performance } from 'perf_hooks';
import { createParser } from 'eventsource-parser';

import { parseSse } from '../nodes/shared/transport/sse';
import { median, MB } from './lib';

/** Runs the sandbox's workflow app in streaming mode and keeps the chunks exactly as they arrived. */
export function recordStream(apiBase: string, key: string, inputs: Record<string, unknown>): Promise<Buffer[]> {
	return new Promise((resolve, reject) => {
		const body = JSON.stringify({ inputs, user: 'bench', response_mode: 'streaming' });
		const req = request(
			`${apiBase}/workflows/run`,
			{ method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => (res.statusCode === 200 ? resolve(chunks) : reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 300)}`))));
				res.on('error', reject);
			},
		);
		req.on('error', reject);
		req.end(body);
	});
}

export const bytesOf = (chunks: Buffer[]) => chunks.reduce((n, c) => n + c.length, 0);

/** Node count giving about `targetBytes` of stream with `nodeKb` KiB per node event. */
export async function nodesFor(apiBase: string, key: string, nodeKb: number, targetBytes: number): Promise<number> {
	const probe = 102;
	const bytes = bytesOf(await recordStream(apiBase, key, { text: 'calibrate', nodes: probe, node_kb: nodeKb }));
	return Math.max(3, Math.round((targetBytes / bytes) * probe));
}

async function* replay(chunks: Buffer[]): AsyncGenerator<Buffer> {
	for (const c of chunks) yield c;
}

async function ours(chunks: Buffer[]): Promise<number> {
	let events = 0;
	for await (const frame of parseSse(replay(chunks))) {
		if (frame.data === undefined) continue;
		JSON.parse(frame.data);
		events++;
	}
	return events;
}

async function eventsourceParser(chunks: Buffer[]): Promise<number> {
	let events = 0;
	const decoder = new TextDecoder();
	const parser = createParser({
		onEvent(event) {
			JSON.parse(event.data);
			events++;
		},
	});
	for await (const c of replay(chunks)) parser.feed(decoder.decode(c, { stream: true }));
	parser.feed(decoder.decode());
	return events;
}

function bareJsonParse(datas: string[]): number {
	for (const d of datas) JSON.parse(d);
	return datas.length;
}

export interface P3Result {
	streamMb: number;
	chunks: number;
	events: number;
	/** Medians over the rounds, ms. */
	oursMs: number;
	eventsourceParserMs: number;
	jsonParseMs: number;
	/** Medians of the per-round ratios (the three run back to back in each round, in rotating order). */
	vsEventsourceParser: number;
	vsJsonParse: number;
	rounds: number;
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

export async function runP3(chunks: Buffer[], rounds = 15): Promise<P3Result> {
	const datas: string[] = [];
	for await (const frame of parseSse(replay(chunks))) if (frame.data !== undefined) datas.push(frame.data);
	const counts = [await ours(chunks), await eventsourceParser(chunks), bareJsonParse(datas)];
	if (new Set(counts).size !== 1) throw new Error(`the parsers disagree on the number of events: ${counts.join(', ')}`);
	const time = async (fn: () => unknown) => {
		gc();
		const start = performance.now();
		await fn();
		return performance.now() - start;
	};
	const samples: Array<{ ours: number; esp: number; json: number }> = [];
	for (let r = 0; r < rounds; r++) {
		const sample = { ours: 0, esp: 0, json: 0 };
		const order = [
			async () => (sample.ours = await time(() => ours(chunks))),
			async () => (sample.esp = await time(() => eventsourceParser(chunks))),
			async () => (sample.json = await time(() => bareJsonParse(datas))),
		];
		for (let k = 0; k < order.length; k++) await order[(k + r) % order.length]();
		samples.push(sample);
	}
	return {
		streamMb: bytesOf(chunks) / MB,
		chunks: chunks.length,
		events: counts[0],
		oursMs: median(samples.map((s) => s.ours)),
		eventsourceParserMs: median(samples.map((s) => s.esp)),
		jsonParseMs: median(samples.map((s) => s.json)),
		vsEventsourceParser: median(samples.map((s) => s.esp / s.ours)),
		vsJsonParse: median(samples.map((s) => s.json / s.ours)),
		rounds,
	};
}
