import { createHash } from 'node:crypto';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { callNode, failure, useDifyServer } from './support';

const server = useDifyServer();

const USER = 'wf-ops';

const wf = (parameters: IDataObject, extra: IDataObject = {}, key?: string) =>
	callNode(server(), { key: key ?? server().keys.workflow, type: 'dify.difyWorkflow', parameters, ...extra });

const run = (inputs: IDataObject, extra: IDataObject = {}, user = USER) =>
	wf({ resource: 'workflow', operation: 'run', inputs: JSON.stringify(inputs), user, responseMode: 'streaming', ...extra });

function binaryItem(text: string, fileName: string, mimeType: string): INodeExecutionData {
	return { json: {}, binary: { data: { data: Buffer.from(text).toString('base64'), mimeType, fileName } } };
}

describe('workflow / getRun', () => {
	it('returns the run with inputs parsed from Dify\'s JSON string', async () => {
		const started = await run({ text: 'detail', tone: 'casual' });
		const id = started.items[0].json.workflow_run_id as string;
		const result = await wf({ resource: 'workflow', operation: 'getRun', workflowRunId: id });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({
			id,
			status: 'succeeded',
			inputs: { text: 'detail', tone: 'casual' },
			outputs: { result: 'Processed: detail' },
			total_steps: 3,
		});
	});

	it('fails with not_found for an unknown run and with the right node for another app type', async () => {
		const missing = failure(await wf({ resource: 'workflow', operation: 'getRun', workflowRunId: 'nope' }));
		expect(missing.message).toBe('Dify error not_found: Workflow run not found.');
		const wrong = failure(await wf({ resource: 'workflow', operation: 'getRun', workflowRunId: 'x' }, {}, server().keys.completion));
		expect(wrong.message).toContain('belongs to the Dify Text Generator app "Sandbox Text Generator" (mode "completion"): use it with the Dify Completion node');
	});
});

describe('workflow / stop', () => {
	it('sends the user in a JSON body and reports success', async () => {
		const result = await wf({ resource: 'workflow', operation: 'stop', taskId: 'task-1', user: USER });
		expect(result.items[0].json).toEqual({ task_id: 'task-1', result: 'success' });
		expect(server().requests.at(-1)).toMatchObject({ method: 'POST', path: '/workflows/tasks/task-1/stop', json: { user: USER } });
	});

	it('fails for a key of another app type', async () => {
		const error = failure(await wf({ resource: 'workflow', operation: 'stop', taskId: 't', user: USER }, {}, server().keys.advancedChat));
		expect(error.message).toContain('use it with the Dify Chatflow node, or select a credential with the API key of a Workflow app in this Dify Workflow node.');
	});
});

describe('workflow / getLogs', () => {
	beforeEach(async () => {
		await run({ text: 'alpha' }, {}, 'alice');
		await run({ text: 'beta', fail: true }, { }, 'bob');
		await run({ text: 'gamma' }, {}, 'alice');
	});
	const logs = (extra: IDataObject) => wf({ resource: 'workflow', operation: 'getLogs', returnAll: true, ...extra });
	const statuses = (items: INodeExecutionData[]) => items.map((i) => (i.json.workflow_run as IDataObject).status);

	it('lists runs newest first, with Return All and with Limit', async () => {
		const all = await logs({});
		expect(all.items).toHaveLength(3);
		expect(all.items[0].json).toMatchObject({ created_from: 'service-api', created_by_end_user: { session_id: 'alice' } });
		const limited = await logs({ returnAll: false, limit: 2 });
		expect(limited.items).toHaveLength(2);
		expect(server().requests.at(-1)?.query).toMatchObject({ page: '1', limit: '2' });
	});

	it('walks pages until total when returning all', async () => {
		for (let n = 0; n < 100; n++) await run({ text: `bulk ${n}`, nodes: 0 }, {}, 'bulk');
		const all = await logs({});
		expect(all.items).toHaveLength(103);
		expect(server().requests.filter((r) => r.path === '/workflows/logs').map((r) => r.query.page)).toEqual(['1', '2']);
	});

	it('filters by status, keyword, end user session and creation time', async () => {
		expect(statuses((await logs({ filters: { status: 'failed' } })).items)).toEqual(['failed']);
		expect((await logs({ filters: { keyword: 'gamma' } })).items).toHaveLength(1);
		expect((await logs({ filters: { endUserSessionId: 'alice' } })).items).toHaveLength(2);
		expect((await logs({ filters: { createdAfter: '2099-01-01T00:00:00' } })).items).toHaveLength(0);
		expect((await logs({ filters: { createdBefore: '2099-01-01T00:00:00' } })).items).toHaveLength(3);
		const query = server().requests.at(-1)?.query;
		expect(query?.created_at__before).toMatch(/^2099-01-01T\d\d:00:00\.000Z$/);
	});

	it('passes the account filter and reports Dify\'s error for an unknown account', async () => {
		expect((await logs({ filters: { account: 'owner@sandbox.local' } })).items).toHaveLength(0);
		const error = failure(await logs({ filters: { account: 'nobody@example.com' } }));
		expect(error.message).toBe('Dify error invalid_param: Account not found: nobody@example.com');
	});
});

describe('workflow files', () => {
	it('uploads an n8n binary, runs with it as a file variable and downloads the output file as binary', async () => {
		const text = 'Quarterly numbers: 42\n';
		const result = await wf(
			{
				resource: 'workflow',
				operation: 'run',
				inputs: JSON.stringify({ text: 'with file' }),
				fileInputs: { files: [{ variable: 'file', variableType: 'file', source: 'binary', binaryPropertyName: 'data' }] },
				user: USER,
				responseMode: 'streaming',
				options: { downloadFiles: true },
			},
			{ items: [binaryItem(text, 'report.txt', 'text/plain')] },
		);
		expect(result.error).toBeUndefined();
		const upload = server().requests.find((r) => r.path === '/files/upload');
		expect(upload?.multipart?.fields).toEqual({ user: USER });
		expect(upload?.multipart?.files[0]).toMatchObject({ name: 'file', filename: 'report.txt', contentType: 'text/plain' });
		const runBody = server().requests.find((r) => r.path === '/workflows/run')?.json as IDataObject;
		expect(runBody.inputs).toEqual({
			text: 'with file',
			file: { type: 'document', transfer_method: 'local_file', upload_file_id: expect.any(String) },
		});
		const item = result.items[0];
		expect(item.json.output_files).toEqual([
			{ output: 'file', binary_property: 'file', filename: 'report.txt', mime_type: 'text/plain', size: text.length },
		]);
		expect(item.binary?.file).toMatchObject({ fileName: 'report.txt', mimeType: 'text/plain' });
		const bytes = Buffer.from(item.binary!.file.data, 'base64');
		expect(createHash('sha256').update(bytes).digest('hex')).toBe(createHash('sha256').update(text).digest('hex'));
		// The signed file URL is fetched without the API key.
		const fetched = server().requests.find((r) => r.path.includes('/file-preview'));
		expect(fetched?.headers.authorization).toBeUndefined();
	});

	it('keeps the file object in JSON without downloading when not asked', async () => {
		const result = await wf(
			{
				resource: 'workflow',
				operation: 'run',
				inputs: JSON.stringify({ text: 'with file' }),
				fileInputs: { files: [{ variable: 'file', source: 'url', url: 'https://example.com/notes.pdf' }] },
				user: USER,
			},
		);
		expect(result.error).toBeUndefined();
		expect((result.items[0].json.outputs as IDataObject).file).toMatchObject({ transfer_method: 'remote_url', filename: 'notes.pdf' });
		expect(result.items[0].binary).toBeUndefined();
		expect(server().requests.some((r) => r.path === '/files/upload')).toBe(false);
	});

	it('explains a file uploaded by another user', async () => {
		const uploaded = await wf(
			{ resource: 'file', operation: 'upload', binaryPropertyName: 'data', user: 'someone-else' },
			{ items: [binaryItem('x', 'a.txt', 'text/plain')] },
		);
		const id = uploaded.items[0].json.id as string;
		const error = failure(
			await wf({
				resource: 'workflow',
				operation: 'run',
				inputs: JSON.stringify({ text: 'x', file: { type: 'document', transfer_method: 'local_file', upload_file_id: id } }),
				user: USER,
				responseMode: 'blocking',
			}),
		);
		expect(error.message).toBe('Dify error invalid_param: Invalid upload file');
		expect(error.description).toContain('same User');
	});

	it('refuses two files for a single-file variable before calling Dify', async () => {
		const error = failure(
			await wf({
				resource: 'workflow',
				operation: 'run',
				inputs: '{"text":"x"}',
				fileInputs: { files: [{ variable: 'file', source: 'url', url: 'https://e.com/a.pdf, https://e.com/b.pdf' }] },
				user: USER,
			}),
		);
		expect(error.message).toContain('has 2 files, but a Single File variable takes exactly one');
		expect(server().requests).toHaveLength(0);
	});
});

describe('workflow node: app operations', () => {
	it.each([
		['getInfo', { mode: 'workflow' }],
		['getParameters', { opening_statement: null }],
		['getSite', { title: 'Sandbox Workflow' }],
	])('%s', async (operation, expected) => {
		const result = await wf({ resource: 'app', operation });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject(expected);
	});

	it('uploads a file', async () => {
		const result = await wf({ resource: 'file', operation: 'upload', binaryPropertyName: 'data', user: USER }, { items: [binaryItem('hi', 'hi.txt', 'text/plain')] });
		expect(result.items[0].json).toMatchObject({ name: 'hi.txt', size: 2, extension: 'txt' });
	});

	it('fails with an actionable message for a wrong key', async () => {
		const error = failure(await wf({ resource: 'app', operation: 'getInfo' }, {}, 'app-wrong'));
		expect(error.message).toMatch(/^Dify error unauthorized/);
	});
});
