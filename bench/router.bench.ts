/**
 * Items at Once: 8 workflow runs of ~150 ms each through the real n8n engine and the Dify test
 * server, one at a time vs 4 at once. Reported as a ratio measured in one run.
 * Run with: npx jest --rootDir . --testMatch '<rootDir>/bench/router.bench.ts' (see npm run bench:router)
 */
import { performance } from 'perf_hooks';

import { callNode, useDifyServer } from '../test/integration/support';

const server = useDifyServer();

it('reports the speedup of Items at Once', async () => {
	const items = Array.from({ length: 8 }, (_, k) => ({ json: { text: `row ${k}` } }));
	const run = async (concurrency: number) => {
		const start = performance.now();
		const result = await callNode(server(), {
			type: 'dify.difyWorkflow',
			key: server().keys.workflow,
			items,
			parameters: {
				resource: 'workflow',
				operation: 'run',
				inputs: '={{ JSON.stringify({ text: $json.text, sleep_ms: 150 }) }}',
				user: 'bench',
				responseMode: 'streaming',
				options: { concurrency },
			},
		});
		if (result.error) throw new Error(result.error.message);
		return performance.now() - start;
	};
	await run(1); // warm-up
	const sequential = await run(1);
	const parallel = await run(4);
	process.stdout.write(`8 runs of ~150 ms: 1 at once / 4 at once = ${(sequential / parallel).toFixed(2)}x\n`);
});
