import { callNode, failure, useDifyServer } from './support';

const server = useDifyServer();
const items = (n: number) => Array.from({ length: n }, (_, k) => ({ json: { text: `row ${k}`, fail: k === 2 } }));
const runParams = (extra: Record<string, unknown> = {}) => ({
	resource: 'workflow',
	operation: 'run',
	inputs: '={{ JSON.stringify({ text: $json.text, fail: $json.fail }) }}',
	user: 'tester',
	responseMode: 'streaming',
	...extra,
});

describe('the shared router', () => {
	it.each([1, 4])('keeps input order and pairing with %i item(s) at once, one error item per failed item', async (concurrency) => {
		const result = await callNode(server(), {
			type: 'dify.difyWorkflow',
			key: server().keys.workflow,
			continueOnFail: true,
			items: items(7),
			parameters: runParams({ options: { concurrency } }),
		});
		expect(result.items.map((i) => i.pairedItem)).toEqual([0, 1, 2, 3, 4, 5, 6].map((item) => ({ item })));
		expect(result.items.map((i) => (i.json.error ? 'error' : (i.json.outputs as { result: string }).result))).toEqual([
			'Processed: row 0',
			'Processed: row 1',
			'error',
			'Processed: row 3',
			'Processed: row 4',
			'Processed: row 5',
			'Processed: row 6',
		]);
		expect(server().requests.filter((r) => r.path === '/workflows/run')).toHaveLength(7);
	});

	it('without Continue On Fail, fails with the first failed item and starts no new items after it', async () => {
		const result = await callNode(server(), { type: 'dify.difyWorkflow', key: server().keys.workflow, items: items(7), parameters: runParams({ options: { concurrency: 2 } }) });
		expect(failure(result).message).toMatch(/failed/);
		expect(server().requests.filter((r) => r.path === '/workflows/run').length).toBeLessThan(7);
	});

	it('rejects an operation the node does not offer, as an error item when continuing', async () => {
		// Completion apps have no Meta endpoint in the matrix: a saved workflow edited by hand could still ask.
		const result = await callNode(server(), { type: 'dify.difyCompletion', key: server().keys.completion, continueOnFail: true, parameters: { resource: 'app', operation: 'getMeta' } });
		expect(result.items[0].json.error).toBe('The operation "getMeta" of "app" is not supported by Dify Completion');
	});
});

describe('"Custom API Call" (n8n offers it on every resource)', () => {
	it.each([
		['conversation', '__CUSTOM_API_CALL__'],
		['__CUSTOM_API_CALL__', '__CUSTOM_API_CALL__'],
	])('resource %s / operation %s points to the HTTP Request node with the Dify API credential, without calling Dify', async (resource, operation) => {
		const error = failure(await callNode(server(), { key: server().keys.chat, parameters: { resource, operation } }));
		expect(error.message).toBe('"Custom API Call" is made with n8n\'s HTTP Request node, not with Dify Chatbot');
		expect(error.description).toMatch(/^Add an HTTP Request node, set Authentication to "Predefined Credential Type", Credential Type to "Dify API"/);
		expect(server().requests).toHaveLength(0);
	});
});
