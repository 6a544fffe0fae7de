import { difyCalls } from './difyCalls';
import { startDifyServer } from './index';

/** Standalone sandbox: `npx ts-node test/dify-server/cli.ts --port 8787 --host 127.0.0.1`. */
function arg(name: string): string | undefined {
	const i = process.argv.indexOf(`--${name}`);
	if (i >= 0) return process.argv[i + 1];
	const inline = process.argv.find((a) => a.startsWith(`--${name}=`));
	return inline?.slice(name.length + 3);
}

async function main(): Promise<void> {
	// `cli.js dify-calls <what> …`: Dify calling an endpoint (see difyCalls.ts), instead of the sandbox.
	if (process.argv[2] === 'dify-calls') {
		process.stdout.write(`${JSON.stringify(await difyCalls(process.argv[3] ?? '', arg), null, 2)}\n`);
		return;
	}
	const port = Number(arg('port') ?? 8787);
	const host = arg('host') ?? '127.0.0.1';
	// --n8n-knowledge <endpoint>: a chat app whose knowledge base is that External Knowledge API (npm start
	// points it at the "Dify retrieves from n8n" example).
	const n8nEndpoint = arg('n8n-knowledge');
	const server = await startDifyServer({
		port,
		host,
		...(n8nEndpoint
			? { n8nKnowledge: { endpoint: n8nEndpoint, apiKey: arg('n8n-knowledge-key') ?? '', knowledgeId: arg('n8n-knowledge-id') ?? '', topK: Number(arg('n8n-knowledge-top-k') ?? 2) } }
			: {}),
	});
	process.stdout.write(`${JSON.stringify({ url: server.url, apiBase: server.apiBase, keys: server.keys, webhooks: Object.fromEntries(Object.entries(server.webhooks).map(([name, id]) => [name, server.webhookUrl(id)])) })}\n`);
	const shutdown = () => {
		void server.close().then(() => process.exit(0));
	};
	process.once('SIGINT', shutdown);
	process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
	process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
	process.exit(1);
});
