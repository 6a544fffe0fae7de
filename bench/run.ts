/**
 * `npm run bench`: every performance figure of bench/README.md (P1–P6), measured side by side in one run on this machine, printed
 * as a table and written to bench/results.md and bench/results.json. Tests never assert on time.
 *
 * The Dify sandbox runs in this process; what is measured runs elsewhere: a child process under the
 * Node of the n8n runtime (P2, P3, P5), a real n8n 2.41.1 with the packed package (P1, P4, P6) and the
 * same n8n in queue mode (P7, and P4/P6 there: bench/queue.ts).
 */
import { execFile } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { cpus, tmpdir, totalmem } from 'os';
import { join } from 'path';
import { performance } from 'perf_hooks';

import { startDifyServer, type DifyServer } from '../test/dify-server';
import type { N8nRuntime } from '../scripts/n8n-runtime';
import { log, MB, REPO, round } from './lib';
import { nodesFor } from './sse';
import type { P3Result } from './sse';
import {
	p1,
	p4,
	p6,
	perItemWorkflow,
	prepare,
	runtime,
	streamingWebhookWorkflow,
	uploadWorkflows,
	workflowIds,
	writeBigFile,
	type P1Result,
	type P4Result,
	type P6Result,
} from './n8n';
import { p4Queue, p6Database, p7, prepareQueue } from './queue';
import { writeReport, type P2Result, type P5Result, type Results } from './report';

const SETTINGS = {
	p1: { items: 1000, rounds: 5 },
	p2: { items: 200, concurrency: 20, sleepMs: 250, rounds: 3 },
	p2Limited: { items: 200, concurrency: 20, sleepMs: 250, rounds: 1, limit: 5 },
	p3: { targetMb: 50, nodeKb: 16, rounds: 25 },
	p4: { samples: 30 },
	p5: { targetMb: 200, nodeKb: 16 },
	p6: { fileMb: 100, rounds: 3 },
	p7: { runs: 200, latencyMs: 250, rounds: 3, workers: 2, p4Samples: 20, p6Rounds: 2 },
};

/** Runs bench/child.js under the n8n runtime's Node, with n8n-core kept away from ~/.n8n. */
function child<T>(rt: N8nRuntime, mode: string, args: object): Promise<T> {
	const userFolder = mkdtempSync(join(tmpdir(), 'dify-bench-core-'));
	const env: NodeJS.ProcessEnv = {
		...process.env,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'dify-suite-bench-key',
		N8N_LOG_LEVEL: 'silent',
		N8N_SSRF_PROTECTION_ENABLED: 'false',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		NO_PROXY: ['127.0.0.1', 'localhost', process.env.NO_PROXY].filter(Boolean).join(','),
	};
	for (const k of ['NODE_OPTIONS', 'NODE_ENV']) delete env[k];
	return new Promise((resolve, reject) => {
		execFile(
			rt.nodeBin,
			['--expose-gc', join(__dirname, 'child.js'), mode, JSON.stringify(args)],
			{ env, maxBuffer: 16 * MB, timeout: 300000 },
			(error, stdout, stderr) => {
				rmSync(userFolder, { recursive: true, force: true });
				if (error) return reject(new Error(`bench child ${mode} failed: ${stderr || error.message}`));
				const last = stdout.trim().split('\n').pop() ?? '';
				resolve(JSON.parse(last) as T);
			},
		);
	});
}

async function main(): Promise<void> {
	const started = performance.now();
	const phases: Record<string, number> = {};
	// BENCH_ONLY=p4,p6 runs only those figures (for working on one); the result files need all of them.
	const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim().toLowerCase());
	const skip = (figure: string) => only !== undefined && !only.includes(figure);
	const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
		const figure = /^(P\d)/.exec(name)?.[1].toLowerCase();
		if (figure && skip(figure)) return undefined as T;
		const t0 = performance.now();
		log(`${name}…`);
		const out = await fn();
		phases[name] = (performance.now() - t0) / 1000;
		log(`${name}: done in ${phases[name].toFixed(1)} s`);
		return out;
	};

	const rt = await phase('n8n runtime (installed on first use)', () => runtime());
	let armed = false;
	let firstAnswerAt: number | undefined;
	const server: DifyServer = await startDifyServer({
		uploadLimits: { fileBytes: 256 * MB },
		onFrame: (path, frame) => {
			if (armed && path === '/chat-messages' && frame.event === 'message') {
				armed = false;
				firstAnswerAt = performance.now();
			}
		},
	});
	const target = { apiBase: server.apiBase, key: server.keys.workflow };
	const work = mkdtempSync(join(tmpdir(), 'dify-bench-'));
	try {
		const p3 = await phase('P3 SSE reader', async () => {
			const nodes = await nodesFor(server.apiBase, server.keys.workflow, SETTINGS.p3.nodeKb, SETTINGS.p3.targetMb * MB);
			const result = await child<P3Result>(rt, 'p3', { ...target, nodes, nodeKb: SETTINGS.p3.nodeKb, rounds: SETTINGS.p3.rounds });
			server.reset();
			return result;
		});
		const p2 = await phase('P2 Items at Once', async () => {
			const free = await child<P2Result>(rt, 'p2', { ...target, ...SETTINGS.p2 });
			server.reset();
			const control = await child<P2Result>(rt, 'p2raw', { ...target, ...SETTINGS.p2 });
			server.reset();
			server.limitConcurrency(server.keys.workflow, SETTINGS.p2Limited.limit);
			const limited = await child<P2Result>(rt, 'p2', { ...target, ...SETTINGS.p2Limited });
			const seen = server.concurrency(server.keys.workflow);
			server.reset();
			return { free, control, limited: { ...limited, admitted: seen.admitted, rejected: seen.rejected, peak: seen.peak } };
		});
		const p5 = await phase('P5 stream memory', async () => {
			const nodes = await nodesFor(server.apiBase, server.keys.workflow, SETTINGS.p5.nodeKb, SETTINGS.p5.targetMb * MB);
			const off = await child<P5Result>(rt, 'p5', { ...target, nodes, nodeKb: SETTINGS.p5.nodeKb, traces: false });
			server.reset();
			const on = await child<P5Result>(rt, 'p5', { ...target, nodes, nodeKb: SETTINGS.p5.nodeKb, traces: true });
			server.reset();
			return { nodes, streamMb: SETTINGS.p5.targetMb, off, on };
		});

		const fileDir = join(work, 'files');
		const file = writeBigFile(fileDir, SETTINGS.p6.fileMb * MB);
		const needsN8n = !(skip('p1') && skip('p4') && skip('p6'));
		const bench = !needsN8n ? undefined : await phase('n8n: pack, install, import, start', async () => {
			const b = await prepare(rt, server, {
				N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
				N8N_RESTRICT_FILE_ACCESS_TO: fileDir,
				N8N_LOG_LEVEL: 'warn',
			});
			await b.instance.importWorkflows([
				perItemWorkflow(server.apiBase, SETTINGS.p1.items, SETTINGS.p1.rounds),
				streamingWebhookWorkflow(),
				...uploadWorkflows(server.apiBase, file),
			]);
			for (const id of Object.values(workflowIds)) await b.instance.publish(id);
			await b.instance.start({ timeoutMs: 240000 });
			return b;
		});
		let p1Result!: P1Result;
		let p4Result!: P4Result;
		let p6Result!: P6Result;
		if (bench) try {
			const cookie = await bench.instance.login();
			p1Result = await phase('P1 per-item cost in n8n', () => p1(bench, cookie, SETTINGS.p1.items, SETTINGS.p1.rounds));
			server.reset();
			p4Result = await phase('P4 first streamed chunk in n8n', () =>
				p4(
					bench,
					{
						arm: () => {
							armed = true;
							firstAnswerAt = undefined;
						},
						firstAt: () => firstAnswerAt,
					},
					SETTINGS.p4.samples,
				),
			);
			server.reset();
			p6Result = await phase('P6 upload memory in n8n', () => p6(bench, SETTINGS.p6.fileMb * MB, SETTINGS.p6.rounds));
		} finally {
			await bench.cleanup();
		}

		// Queue mode (a main, two workers and a webhook process on Postgres and Redis): its own n8n,
		// after the single-process one has stopped, so the two never share the two cores.
		const queue = await phase('P7 queue mode: Postgres, Redis, main, 2 workers, webhook process', async () => {
			const q = await prepareQueue(rt, server, file, fileDir);
			try {
				const p7Result = await p7(q, server, SETTINGS.p7.runs, SETTINGS.p7.latencyMs, SETTINGS.p7.rounds);
				server.reset();
				const p4QueueResult = await p4Queue(
					q,
					{
						arm: () => {
							armed = true;
							firstAnswerAt = undefined;
						},
						firstAt: () => firstAnswerAt,
					},
					SETTINGS.p7.p4Samples,
				);
				server.reset();
				const p6DatabaseResult = await p6Database(q, SETTINGS.p6.fileMb * MB, SETTINGS.p7.p6Rounds);
				server.reset();
				return { p7: p7Result, p4: p4QueueResult, p6: p6DatabaseResult };
			} finally {
				await q.cleanup();
			}
		});

		if (only) {
			const measured = { p1: p1Result, p2, p3, p4: p4Result, p5, p6: p6Result, queue };
			process.stdout.write(`${JSON.stringify(measured, null, 1)}\n`);
			// BENCH_UPDATE=true: put these figures into the last full run's results and write the report again.
			if (process.env.BENCH_UPDATE === 'true') {
				const rawFile = join(REPO, 'build', 'bench-results.raw.json');
				const previous = JSON.parse(readFileSync(rawFile, 'utf8')) as Results;
				// P7's phase also measures P4 and P6 in queue mode: they travel together under `queue`.
				for (const [key, value] of Object.entries(measured)) if (value !== undefined) (previous as unknown as Record<string, unknown>)[key] = value;
				// An earlier re-measurement of the same figures is replaced, not kept beside this one.
				const earlier = (previous.remeasured ?? []).filter((m) => !m.figures.every((f) => only.includes(f)));
				previous.remeasured = [...earlier, { figures: only, date: new Date().toISOString(), seconds: (performance.now() - started) / 1000 }];
				writeFileSync(rawFile, JSON.stringify(previous));
				process.stdout.write(`\n${writeReport(previous, join(REPO, 'bench'))}\n\nbench/results.md and bench/results.json written again with ${only.join(', ')}\n`);
			}
			return;
		}
		const results: Results = {
			date: new Date().toISOString(),
			machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGb: round(totalmem() / 1024 ** 3, 1) },
			versions: { node: rt.nodeVersion, n8n: rt.n8nVersion, benchNode: process.versions.node },
			settings: SETTINGS,
			p1: p1Result,
			p2,
			p3,
			p4: p4Result,
			p5,
			p6: p6Result,
			queue,
			phases,
			totalSeconds: (performance.now() - started) / 1000,
		};
		// Kept (git-ignored) so the report can be rendered again: node build/bench/bench/render.js
		writeFileSync(join(REPO, 'build', 'bench-results.raw.json'), JSON.stringify(results));
		const table = writeReport(results, join(REPO, 'bench'));
		process.stdout.write(`\n${table}\n\nbench/results.md and bench/results.json written (${results.totalSeconds.toFixed(0)} s)\n`);
	} finally {
		await server.close();
		rmSync(work, { recursive: true, force: true });
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exit(1);
});
