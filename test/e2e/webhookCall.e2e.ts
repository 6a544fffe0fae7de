/**
 * The Dify Webhook Call node in a real n8n: its credential imported (and encrypted) by n8n, one call
 * to the sandbox's Webhook Trigger with Wait for Result, and an unknown webhook whose URL must not
 * show up anywhere in the execution n8n records.
 */
import { startDifyServer, type DifyServer } from '../dify-server';
import type { N8nInstance } from '../../scripts/lib/n8n-instance';
import { PACKAGE, chain, credentialRef, credentialsFor, errorOf, freshInstance, outputOf } from './support';

let server: DifyServer;
let instance: N8nInstance;
let cleanup: () => Promise<void>;

const UNKNOWN_ID = 'e2eUnknownWebhookId00000';
const workflows: Record<string, unknown>[] = [];

function webhookNode(credentialId: string, parameters: Record<string, unknown>, withApp: boolean) {
	return {
		name: 'Webhook Call',
		type: `${PACKAGE}.difyWebhookCall`,
		parameters: { resource: 'webhook', operation: 'start', method: 'POST', contentType: 'application/json', ...parameters },
		credentials: {
			difyWebhookTriggerApi: { id: credentialId, name: credentialId },
			...(withApp ? { difyApi: credentialRef(server, 'workflow') } : {}),
		},
	};
}

beforeAll(async () => {
	server = await startDifyServer();
	({ instance, cleanup } = await freshInstance('webhook'));
	await instance.importCredentials([
		...credentialsFor(server),
		{ id: 'e2eWebhookCred01', name: 'e2eWebhookCred01', type: 'difyWebhookTriggerApi', data: { secretWebhookUrl: server.webhookUrl(server.webhooks.json) } },
		{ id: 'e2eWebhookCred02', name: 'e2eWebhookCred02', type: 'difyWebhookTriggerApi', data: { secretWebhookUrl: server.webhookUrl(UNKNOWN_ID) } },
	] as never);
	workflows.push(
		chain('e2eWebhookWait01', 'webhook call, wait for result', [
			webhookNode('e2eWebhookCred01', { jsonBody: '{"text": "from n8n"}', waitForResult: true, options: { pollInterval: 0.05 } }, true),
		]),
		chain('e2eWebhookMiss01', 'webhook call, unknown webhook', [webhookNode('e2eWebhookCred02', { jsonBody: '{"text": "x"}' }, false)]),
	);
	await instance.importWorkflows(workflows);
}, 300000);

afterAll(async () => {
	await cleanup?.();
	await server?.close();
});

beforeEach(() => server.reset());

test('starts the workflow through its Webhook Trigger and outputs the finished run', async () => {
	const r = await instance.execute('e2eWebhookWait01');
	expect(errorOf(r.result)).toBeUndefined();
	const [item] = outputOf(r.result, 'Webhook Call');
	expect(item.json).toMatchObject({ statusCode: 200, body: { status: 'success' }, run: { status: 'succeeded', outputs: { result: 'Processed: from n8n' } } });
	const call = server.requests.find((q) => q.path.startsWith('/triggers/webhook/'));
	expect(call?.json).toEqual({ text: 'from n8n' });
	expect(call?.headers['x-n8n-run-tag']).toMatch(/^n8n[0-9a-f]{24}$/);
	expect(JSON.stringify(r.result)).not.toContain(server.webhooks.json);
});

test('an unknown webhook fails with the actionable 404, and the URL is nowhere in the execution', async () => {
	const r = await instance.execute('e2eWebhookMiss01');
	expect(errorOf(r.result)?.message).toBe('No enabled Dify Webhook Trigger at this Webhook URL (HTTP 404)');
	expect(`${JSON.stringify(r.result)}${r.stdout}${r.stderr}`).not.toContain(UNKNOWN_ID);
});
