/**
 * RSS growth of the n8n side while Dify Knowledge → Create From File uploads a 100 MB document.
 *
 *   npx tsc -p bench/knowledge-upload.tsconfig.json && node --expose-gc build/knowledge-bench/bench/knowledge-upload.js
 *
 * Three processes, so nothing else is counted: the Dify test server (it writes the upload to disk),
 * and one process per n8n binary-data mode that runs the node through n8n-core's engine. The file is
 * made on disk first and handed to n8n's BinaryDataService as a stream, as an earlier node (Read
 * Binary File, HTTP Request) would; then RSS is sampled every 5 ms while the node runs.
 * Kept separate from `npm run bench` (bench/README.md has its figure).
 */
import { fork, type ChildProcess } from 'child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const MB = 1024 * 1024;
const SIZE = 100 * MB;

async function serve(): Promise<void> {
	const { startDifyServer } = await import('../test/dify-server');
	const server = await startDifyServer({ uploadLimits: { fileBytes: 200 * MB } });
	process.send?.({ apiBase: server.apiBase, key: server.keys.knowledge });
}

async function writeTextFile(path: string): Promise<void> {
	const out = createWriteStream(path);
	const line = Buffer.from(`${'The quick brown fox jumps over the lazy dog. '.repeat(22)}\n`);
	for (let written = 0; written < SIZE; written += line.length) {
		const chunk = written + line.length > SIZE ? line.subarray(0, SIZE - written) : line;
		if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
	}
	await new Promise<void>((r) => out.end(r));
}

/** One upload in this process; prints peak RSS growth over the idle baseline. */
async function upload(mode: 'filesystem' | 'default', apiBase: string, key: string): Promise<Record<string, unknown>> {
	const dir = mkdtempSync(join(tmpdir(), 'kb-bench-'));
	process.env.N8N_DEFAULT_BINARY_DATA_MODE = mode;
	process.env.N8N_BINARY_DATA_STORAGE_PATH = dir;
	const { Container } = await import('@n8n/di');
	const { BinaryDataService } = await import('n8n-core');
	const { runNode } = await import('../test/harness/n8n');
	await Container.get(BinaryDataService).init();
	const file = join(dir, 'big.txt');
	await writeTextFile(file);
	const gc = (global as { gc?: () => void }).gc ?? (() => undefined);
	// Warm up the engine and the HTTP client with a tiny upload, so the baseline includes them.
	const tiny = await Container.get(BinaryDataService).store(
		{ type: 'execution', workflowId: 'wf', executionId: 'warm' } as never,
		Buffer.from('warm up'),
		{ mimeType: 'text/plain', fileName: 'warm.txt', data: '' } as never,
	);
	const parameters = { resource: 'document', operation: 'createFromFile', datasetId: { __rl: true, mode: 'id', value: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d' }, binaryPropertyName: 'data', options: {} };
	const credentials = { difyKnowledgeApi: { baseUrl: apiBase, apiKey: key } };
	await runNode({ type: 'dify.difyKnowledge', parameters, credentials, items: [{ json: {}, binary: { data: tiny } }] });
	const binary = await Container.get(BinaryDataService).store(
		{ type: 'execution', workflowId: 'wf', executionId: 'big' } as never,
		createReadStream(file),
		{ mimeType: 'text/plain', fileName: 'big.txt', data: '' } as never,
	);
	gc();
	const baseline = process.memoryUsage().rss;
	let peak = baseline;
	const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
	const started = Date.now();
	const result = await runNode({ type: 'dify.difyKnowledge', parameters, credentials, items: [{ json: {}, binary: { data: binary } }] });
	clearInterval(timer);
	peak = Math.max(peak, process.memoryUsage().rss);
	rmSync(dir, { recursive: true, force: true });
	if (result.error) throw new Error(result.error.message);
	const document = result.items[0].json.document as { data_source_info?: { upload_file?: { size?: number } } };
	return { mode, uploadedBytes: document?.data_source_info?.upload_file?.size, rssGrowthMB: Math.round(((peak - baseline) / MB) * 10) / 10, seconds: (Date.now() - started) / 1000 };
}

function child(args: string[]): { proc: ChildProcess; message: Promise<any> } {
	const proc = fork(__filename, args, { execArgv: ['--expose-gc'], stdio: 'inherit' });
	const message = new Promise((resolve, reject) => {
		proc.once('message', resolve);
		proc.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
	});
	return { proc, message };
}

async function main(): Promise<void> {
	const [role, ...rest] = process.argv.slice(2);
	if (role === 'server') return await serve();
	if (role === 'upload') {
		const figure = await upload(rest[0] as 'filesystem' | 'default', rest[1], rest[2]);
		process.send?.(figure, () => process.exit(0));
		return;
	}
	const server = child(['server']);
	const { apiBase, key } = await server.message;
	try {
		for (const mode of ['filesystem', 'default']) {
			const run = child(['upload', mode, apiBase, key]);
			const figure = await run.message;
			process.stdout.write(`${JSON.stringify(figure)}\n`);
		}
	} finally {
		server.proc.kill();
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
	process.exit(1);
});
