import { createHash } from 'node:crypto';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { testWebhookUrl } from '../../nodes/DifyWebhookCall/credentialTest';
import type { DifyServer } from '../dify-server';
import { runNode, type RunOptions } from '../harness/n8n';
import { failure, useDifyServer } from './support';

const server = useDifyServer();

interface Call {
	webhookId?: string;
	webhookUrl?: string;
	items?: INodeExecutionData[];
	/** Adds the Dify API credential (for Wait for Result) with this app key. */
	appKey?: string;
	continueOnFail?: boolean;
}

async function call(parameters: IDataObject, options: Call = {}, dify: DifyServer = server()) {
	const webhookUrl = options.webhookUrl ?? dify.webhookUrl(options.webhookId ?? dify.webhooks.json);
	const run: RunOptions = {
		type: 'dify.difyWebhookCall',
		credentialType: 'difyWebhookTriggerApi',
		moreCredentialTypes: options.appKey ? ['difyApi'] : [],
		parameters: { resource: 'webhook', operation: 'start', ...parameters },
		credentials: {
			difyWebhookTriggerApi: { secretWebhookUrl: webhookUrl },
			...(options.appKey ? { difyApi: { baseUrl: dify.apiBase, apiKey: options.appKey } } : {}),
		},
		items: options.items,
		continueOnFail: options.continueOnFail,
	};
	return await runNode(run);
}

const webhookRequests = (dify: DifyServer = server()) => dify.requests.filter((r) => r.path.startsWith('/triggers/'));
const onlyRun = () => {
	const runs = server().runs(server().keys.workflow);
	expect(runs).toHaveLength(1);
	return runs[0];
};

function binaryItem(text: string, fileName: string, mimeType: string, property = 'data'): INodeExecutionData {
	return { json: {}, binary: { [property]: { data: Buffer.from(text).toString('base64'), mimeType, fileName } } };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('webhook / start: bodies Dify accepts', () => {
	it('posts a JSON object and outputs the trigger\'s configured answer; the run is queued', async () => {
		const result = await call({ method: 'POST', contentType: 'application/json', jsonBody: '{"text": "hello", "count": 2}' });
		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{
				json: { statusCode: 200, headers: { 'content-type': 'application/json' }, body: { status: 'success', message: 'Webhook processed successfully' } },
				pairedItem: { item: 0 },
			},
		]);
		const [request] = webhookRequests();
		expect(request).toMatchObject({ method: 'POST', path: `/triggers/webhook/${server().webhooks.json}`, json: { text: 'hello', count: 2 } });
		expect(request.headers['content-type']).toBe('application/json');
		expect(request.headers['x-n8n-run-tag']).toBeUndefined();
		expect(onlyRun()).toMatchObject({ status: 'running', inputs: { webhook_body: { text: 'hello', count: 2 } } });
	});

	it('sends form fields URL-encoded with query parameters and headers; Dify converts the declared types', async () => {
		const result = await call(
			{
				method: 'POST',
				contentType: 'application/x-www-form-urlencoded',
				formFields: { field: [{ name: 'text', value: 'über & co' }, { name: 'count', value: '3' }] },
				queryParameters: { parameter: [{ name: 'source', value: 'n8n' }] },
				headerParameters: { header: [{ name: 'X-Source', value: 'crm' }] },
			},
			{ webhookId: server().webhooks.form },
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.statusCode).toBe(200);
		const inputs = onlyRun().inputs as { webhook_body: IDataObject; webhook_query_params: IDataObject; webhook_headers: IDataObject };
		expect(inputs.webhook_body).toEqual({ text: 'über & co', count: 3 });
		expect(inputs.webhook_query_params).toEqual({ source: 'n8n' });
		expect(inputs.webhook_headers['X-Source']).toBe('crm');
	});

	it('sends multipart form data with files from binary fields, each under its parameter name', async () => {
		const report = 'quarterly numbers\n'.repeat(1000);
		const item = binaryItem(report, 'report.txt', 'text/plain');
		item.binary!.photo = binaryItem('PNGDATA', 'p.png', 'image/png').binary!.data;
		const result = await call(
			{
				method: 'POST',
				contentType: 'multipart/form-data',
				formFields: { field: [{ name: 'text', value: 'see attached' }] },
				files: { file: [{ name: 'document', binaryPropertyName: 'data' }, { name: 'photo', binaryPropertyName: 'photo' }] },
			},
			{ webhookId: server().webhooks.multipart, items: [item] },
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ statusCode: 202, body: { accepted: true } });
		const [request] = webhookRequests();
		expect(request.multipart).toEqual({
			fields: { text: 'see attached' },
			files: [
				{ name: 'document', filename: 'report.txt', contentType: 'text/plain', size: report.length, sha256: sha256(report) },
				{ name: 'photo', filename: 'p.png', contentType: 'image/png', size: 7, sha256: sha256('PNGDATA') },
			],
		});
		expect(Number(request.headers['content-length'])).toBe(request.rawBodyLength);
		const files = (onlyRun().inputs.webhook_data as { files: Record<string, IDataObject> }).files;
		expect(files.document).toMatchObject({ filename: 'report.txt', mime_type: 'text/plain', sha256: sha256(report) });
	});

	it('sends plain text and a binary file as the whole body; a text answer is output as text in JSON', async () => {
		const text = await call({ method: 'POST', contentType: 'text/plain', textBody: 'raw words' }, { webhookId: server().webhooks.text });
		expect(text.items[0].json).toMatchObject({ statusCode: 200, body: { message: 'Thanks' } });
		expect(onlyRun().inputs.webhook_body).toEqual({ raw: 'raw words' });
		server().reset();
		const binary = await call({ method: 'PUT', contentType: 'application/octet-stream' }, { webhookId: server().webhooks.binary, items: [binaryItem('%PDF-1.4 bytes', 'a.pdf', 'application/pdf')] });
		expect(binary.error).toBeUndefined();
		const [request] = webhookRequests();
		expect(request).toMatchObject({ method: 'PUT', rawBodyLength: 14 });
		expect((onlyRun().inputs.webhook_body as { raw: IDataObject }).raw).toMatchObject({ size: 14, sha256: sha256('%PDF-1.4 bytes') });
	});

	it('calls a GET trigger with its required query parameter', async () => {
		const result = await call({ method: 'GET', queryParameters: { parameter: [{ name: 'q', value: 'status' }] } }, { webhookId: server().webhooks.get });
		expect(result.error).toBeUndefined();
		expect(webhookRequests()[0]).toMatchObject({ method: 'GET', query: { q: 'status' } });
	});

	it('calls a debug URL: Dify\'s editor gets the call and no run starts', async () => {
		const result = await call({ jsonBody: '{"text": "draft"}' }, { webhookUrl: server().webhookUrl(server().webhooks.json, true) });
		expect(result.error).toBeUndefined();
		expect(server().webhookDebugEvents()).toHaveLength(1);
		expect(server().runs(server().keys.workflow)).toEqual([]);
	});
});

describe('webhook / start: Dify refuses', () => {
	it.each([
		['a method the trigger does not take', { method: 'PUT', jsonBody: '{"text": "x"}' }, 'HTTP method mismatch. Expected POST, got PUT', 'Set Method to the Method of the Webhook Trigger in Dify.'],
		['another content type', { contentType: 'text/plain', textBody: 'x' }, 'Content-type mismatch. Expected application/json, got text/plain', 'Set Body Content Type'],
		['a missing required body parameter', { jsonBody: '{"count": 1}' }, 'Required body parameter missing: text', 'a key of JSON Body'],
		['a value of the wrong type', { jsonBody: '{"text": "x", "count": "two"}' }, "Parameter 'count' validation failed: Expected number, got str", 'in the type the Webhook Trigger declares'],
	])('%s: Dify\'s words and what to change', async (_name, parameters, said, hint) => {
		const error = failure(await call({ method: 'POST', contentType: 'application/json', ...parameters }));
		expect(error.message).toBe(`Dify refused the webhook call: ${said}`);
		expect(error.description).toContain(hint);
		expect(error.httpCode).toBe('400');
		expect(server().runs(server().keys.workflow)).toEqual([]);
	});

	it('names a missing required header, and passes with it', async () => {
		const missing = failure(await call({ jsonBody: '{}' }, { webhookId: server().webhooks.header }));
		expect(missing.message).toBe('Dify refused the webhook call: Required header missing: X-Api-Source');
		expect(missing.description).toContain('Headers');
		const ok = await call({ jsonBody: '{}', headerParameters: { header: [{ name: 'X-Api-Source', value: 'n8n' }] } }, { webhookId: server().webhooks.header });
		expect(ok.error).toBeUndefined();
	});

	it('an unknown or disabled webhook: an actionable 404 that never shows the webhook ID', async () => {
		const unknownId = 'Zz9unknownWebhookId00000';
		const unknown = failure(await call({ jsonBody: '{"text": "x"}' }, { webhookUrl: server().webhookUrl(unknownId) }));
		expect(unknown.message).toBe('No enabled Dify Webhook Trigger at this Webhook URL (HTTP 404)');
		expect(unknown.description).toContain('publish the workflow'.replace('publish', 'Publish'));
		expect(JSON.stringify(unknown)).not.toContain(unknownId);
		const disabled = failure(await call({ jsonBody: '{"text": "x"}' }, { webhookId: server().webhooks.disabled }));
		expect(disabled.message).toBe('No enabled Dify Webhook Trigger at this Webhook URL (HTTP 404)');
		expect(JSON.stringify(disabled)).not.toContain(server().webhooks.disabled);
	});

	it('never follows a redirect: the body goes nowhere else and the URL stays out of the error', async () => {
		const id = server().webhooks.json;
		server().misbehave({ path: `/triggers/webhook/${id}`, redirect: { status: 307, location: `http://127.0.0.1:9/triggers/webhook/${id}` } });
		const error = failure(await call({ jsonBody: '{"text": "x"}' }));
		expect(error.message).toContain('answered HTTP 307, a redirect to 127.0.0.1:9; the node does not follow redirects');
		expect(error.description).toContain("credential's Webhook URL");
		expect(JSON.stringify(error)).not.toContain(id);
		expect(webhookRequests()).toHaveLength(1);
		expect(server().runs(server().keys.workflow)).toEqual([]);
	});

	it('gives up when Dify does not answer within Timeout', async () => {
		const id = server().webhooks.json;
		server().misbehave({ path: `/triggers/webhook/${id}`, neverAnswer: true });
		const error = failure(await call({ jsonBody: '{"text": "x"}', options: { timeout: 1 } }));
		expect(error.message).toContain('did not answer within 1 s');
		expect(error.description).toContain('Raise "Timeout (Seconds)"');
		expect(JSON.stringify(error)).not.toContain(id);
	});

	it('refuses a Webhook URL of another shape before any request, without repeating it', async () => {
		const withQuery = failure(await call({ jsonBody: '{}' }, { webhookUrl: `${server().webhookUrl(server().webhooks.json)}?secret=abc123secret` }));
		expect(withQuery.message).toContain('without "?…" or "#…"');
		expect(JSON.stringify(withQuery)).not.toContain('abc123secret');
		expect(JSON.stringify(withQuery)).not.toContain(server().webhooks.json);
		const otherRoute = failure(await call({ jsonBody: '{}' }, { webhookUrl: `${server().apiBase}/workflows/run` }));
		expect(otherRoute.message).toContain('the Webhook URL must end with /triggers/webhook/<ID>');
		expect(server().requests).toEqual([]);
	});

	it('checks its own fields first: JSON Body must be an object, and Content-Type is the node\'s', async () => {
		const array = failure(await call({ jsonBody: '[1, 2]' }));
		expect(array.message).toBe('JSON Body must be a JSON object');
		const header = failure(await call({ jsonBody: '{}', headerParameters: { header: [{ name: 'content-type', value: 'text/plain' }] } }));
		expect(header.message).toBe('The header "content-type" is set by the node');
		expect(server().requests).toEqual([]);
	});
});

describe('webhook / start: items', () => {
	it('continues on fail with one error item per failed input, every output paired with its input', async () => {
		const result = await call(
			{ jsonBody: '={{ JSON.stringify({ text: $json.text }) }}' },
			{ items: [{ json: { text: 'one' } }, { json: {} }, { json: { text: 'three' } }], continueOnFail: true },
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.items[0].json.statusCode).toBe(200);
		expect(result.items[1].json).toMatchObject({ error: 'Dify refused the webhook call: Required body parameter missing: text', httpCode: '400' });
		expect(result.items[2].json.statusCode).toBe(200);
		expect(server().runs(server().keys.workflow).map((r) => (r.inputs.webhook_body as IDataObject).text)).toEqual(['one', 'three']);
		expect(JSON.stringify(result.items)).not.toContain(server().webhooks.json);
	});
});

describe('webhook / start: Wait for Result', () => {
	it('finds the run through the app\'s logs by its tag and outputs the finished run', async () => {
		const result = await call({ jsonBody: '{"text": "hello"}', waitForResult: true, options: { pollInterval: 0.01 } }, { appKey: server().keys.workflow });
		expect(result.error).toBeUndefined();
		const json = result.items[0].json as IDataObject & { run: IDataObject };
		expect(json.statusCode).toBe(200);
		expect(json.run).toMatchObject({ status: 'succeeded', outputs: { result: 'Processed: hello' }, inputs: { webhook_body: { text: 'hello' } } });
		const tag = webhookRequests()[0].headers['x-n8n-run-tag'] as string;
		expect(tag).toMatch(/^n8n[0-9a-f]{24}$/);
		const logQueries = server().requests.filter((r) => r.path === '/workflows/logs');
		// The first look finds no row (the worker has not started the run), a later one finds it.
		expect(logQueries.length).toBeGreaterThanOrEqual(2);
		for (const q of logQueries) expect(q.query).toMatchObject({ keyword: tag, limit: '1' });
		expect(server().requests.filter((r) => r.path === `/workflows/run/${json.run.id as string}`).length).toBeGreaterThanOrEqual(2);
	});

	it('fails the item for a failed run (naming the run), and refuses a debug URL', async () => {
		const failed = failure(await call({ jsonBody: '{"text": "x", "fail": true}', waitForResult: true, options: { pollInterval: 0.01 } }, { appKey: server().keys.workflow }));
		expect(failed.message).toBe('Dify workflow run failed: forced failure (webhook body fail)');
		expect(failed.description).toContain(server().runs(server().keys.workflow)[0].id);
		const debug = failure(await call({ jsonBody: '{"text": "x"}', waitForResult: true }, { appKey: server().keys.workflow, webhookUrl: server().webhookUrl(server().webhooks.json, true) }));
		expect(debug.message).toBe('Wait for Result does not work with a debug Webhook URL');
	});

	it('stops waiting after Max Wait when the key belongs to another app, naming what to check', async () => {
		const otherApp = server().createApp({ mode: 'workflow', name: 'Other workflow' });
		const error = failure(await call({ jsonBody: '{"text": "x"}', waitForResult: true, options: { maxWait: 1, pollInterval: 0.2 } }, { appKey: otherApp }));
		expect(error.message).toBe("No run of this webhook call appeared in the Dify app's logs within 1 s");
		expect(error.description).toContain('same workflow app as the webhook');
	});
});

describe('webhook / start: size limit', () => {
	const small = useDifyServer({ webhookBodyMaxBytes: 64 });

	it('explains Dify\'s 413 for a body over WEBHOOK_REQUEST_BODY_MAX_SIZE', async () => {
		const error = failure(await call({ jsonBody: JSON.stringify({ text: 'x'.repeat(100) }) }, {}, small()));
		expect(error.message).toBe('Dify refused the webhook call as too large (HTTP 413)');
		expect(error.description).toContain('WEBHOOK_REQUEST_BODY_MAX_SIZE');
	});
});

describe('Dify Webhook Trigger credential test', () => {
	const test = (webhookUrl: string) => testWebhookUrl.call({} as never, { id: '', name: '', type: 'difyWebhookTriggerApi', data: { secretWebhookUrl: webhookUrl } });

	it('accepts Dify\'s URL shapes (with a proxy prefix too) without calling them', async () => {
		await expect(test('https://dify.example.com/triggers/webhook/AbCdEf0123456789_-AbCdE')).resolves.toMatchObject({ status: 'OK' });
		await expect(test('http://host:5001/prefix/triggers/webhook-debug/AbCdEf0123456789_-AbCdE/')).resolves.toMatchObject({ status: 'OK', message: expect.stringContaining('debug') });
	});

	it.each([
		['', 'empty'],
		['ftp://dify.example.com/triggers/webhook/AbCdEf0123456789_-AbCdE', 'http:// or https://'],
		['https://dify.example.com/v1/workflows/run', '/triggers/webhook/<ID>'],
		['https://dify.example.com/triggers/webhook/AbCdEf0123456789?x=1', 'without "?…"'],
		['https://user:pw@dify.example.com/triggers/webhook/AbCdEf0123456789', 'user name or password'],
		['https://dify.example.com/triggers/webhook/..', '/triggers/webhook/<ID>'],
	])('refuses %j', async (url, reason) => {
		const verdict = await test(url);
		expect(verdict.status).toBe('Error');
		expect(verdict.message).toContain(reason);
	});
});
