/**
 * The Webhook Call node with n8n's binary data on disk (filesystem mode): files are streamed into the
 * webhook call, several in one multipart body, never read whole into memory.
 */
import { createHash } from 'crypto';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';
import type { IBinaryData } from 'n8n-workflow';

import { runNode } from '../harness/n8n';
import { useDifyServer } from './support';

process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
process.env.N8N_BINARY_DATA_STORAGE_PATH = mkdtempSync(join(tmpdir(), 'dify-webhook-binary-'));

const server = useDifyServer();

beforeAll(async () => {
	await Container.get(BinaryDataService).init();
});

async function stored(bytes: Buffer, fileName: string, mimeType: string): Promise<IBinaryData> {
	const binary = await Container.get(BinaryDataService).store(
		{ type: 'execution', workflowId: 'wf-webhook', executionId: 'exec-webhook' } as never,
		bytes,
		{ mimeType, fileName, data: '' } as never,
	);
	expect(binary.id).toMatch(/^filesystem/);
	return binary;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function call(webhookId: string, parameters: Record<string, unknown>, binary: Record<string, IBinaryData>) {
	return await runNode({
		type: 'dify.difyWebhookCall',
		credentialType: 'difyWebhookTriggerApi',
		parameters: { resource: 'webhook', operation: 'start', ...parameters },
		credentials: { difyWebhookTriggerApi: { secretWebhookUrl: server().webhookUrl(webhookId) } },
		items: [{ json: {}, binary }],
	});
}

it('streams several files from disk in one multipart body with an exact Content-Length', async () => {
	const big = Buffer.alloc(6 * 1024 * 1024, 5);
	big.write('%PDF-1.7 from disk', 0);
	const small = Buffer.from('a small note');
	const asBuffer = jest.spyOn(BinaryDataService.prototype, 'getAsBuffer');
	const asStream = jest.spyOn(BinaryDataService.prototype, 'getAsStream');
	const result = await call(
		server().webhooks.multipart,
		{
			method: 'POST',
			contentType: 'multipart/form-data',
			formFields: { field: [{ name: 'text', value: 'two files' }] },
			files: { file: [{ name: 'document', binaryPropertyName: 'data' }, { name: 'note', binaryPropertyName: 'note' }] },
		},
		{ data: await stored(big, 'big.pdf', 'application/pdf'), note: await stored(small, 'note.txt', 'text/plain') },
	);
	expect(result.error).toBeUndefined();
	expect(result.items[0].json).toMatchObject({ statusCode: 202, body: { accepted: true } });
	const request = server().requests.find((r) => r.path.startsWith('/triggers/webhook/'))!;
	expect(request.multipart?.files.map((f) => [f.name, f.filename, f.size, f.sha256])).toEqual([
		['document', 'big.pdf', big.length, sha256(big)],
		['note', 'note.txt', small.length, sha256(small)],
	]);
	expect(Number(request.headers['content-length'])).toBe(request.rawBodyLength);
	expect(request.headers['transfer-encoding']).toBeUndefined();
	expect(asStream).toHaveBeenCalledTimes(2);
	expect(asBuffer).not.toHaveBeenCalled();
	asBuffer.mockRestore();
	asStream.mockRestore();
});

it('streams one file from disk as the whole body of a binary trigger', async () => {
	const bytes = Buffer.alloc(2 * 1024 * 1024, 9);
	const asBuffer = jest.spyOn(BinaryDataService.prototype, 'getAsBuffer');
	const result = await call(server().webhooks.binary, { method: 'PUT', contentType: 'application/octet-stream', binaryPropertyName: 'data' }, { data: await stored(bytes, 'blob.bin', 'application/octet-stream') });
	expect(result.error).toBeUndefined();
	const request = server().requests.find((r) => r.path.startsWith('/triggers/webhook/'))!;
	expect(request.rawBodyLength).toBe(bytes.length);
	expect(Number(request.headers['content-length'])).toBe(bytes.length);
	const run = server().runs(server().keys.workflow)[0];
	expect((run.inputs.webhook_body as { raw: { sha256: string } }).raw.sha256).toBe(sha256(bytes));
	expect(asBuffer).not.toHaveBeenCalled();
	asBuffer.mockRestore();
});
