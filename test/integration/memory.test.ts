/**
 * A long stream must pass through the node, not pile up in it. Memory is measured (after a full
 * garbage collection) in the middle of a run: when the first answer text arrives, ~48 MB of node
 * events have gone by. No timing is asserted.
 */
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';

import { callNode, useDifyServer } from './support';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const server = useDifyServer();

const MB = 1024 * 1024;

it('does not keep the frames of a workflow stream while it is running', async () => {
	const nodes = 3000; // × 16 KiB of node output ≈ 48 MB of node events before the first text chunk
	gc();
	const before = process.memoryUsage().heapUsed;
	let midStream: number | undefined;
	const result = await callNode(server(), {
		type: 'dify.difyWorkflow',
		key: server().keys.workflow,
		streaming: true,
		onChunk: (chunk) => {
			if (chunk.type !== 'item' || midStream !== undefined) return;
			gc();
			midStream = process.memoryUsage().heapUsed;
		},
		parameters: {
			resource: 'workflow',
			operation: 'run',
			inputs: JSON.stringify({ text: 'memory', nodes, node_kb: 16 }),
			user: 'tester',
			responseMode: 'streaming',
			options: {},
		},
	});
	expect(result.error).toBeUndefined();
	expect(result.items[0].json.status).toBe('succeeded');
	expect(midStream).toBeDefined();
	// Kept frames would be ≥ 48 MB here (as decoded text); what is left is the sandbox's run record
	// (its frames share one node output string) and the node's small summary.
	expect((midStream! - before) / MB).toBeLessThan(16);
}, 120_000); // ~15 s alone; a loaded 2-core machine (CI with the e2e lanes queued) takes longer
