/**
 * n8n instances keep binary data on disk (filesystem mode): uploads must stream it to Dify instead of
 * loading the whole file. This file runs n8n-core's BinaryDataService in filesystem mode.
 */
import { createHash } from 'crypto';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';

import { callNode, sendParams, useDifyServer } from './support';

process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
process.env.N8N_BINARY_DATA_STORAGE_PATH = mkdtempSync(join(tmpdir(), 'dify-binary-'));

const server = useDifyServer({ uploadLimits: { fileBytes: 64 * 1024 * 1024 } });

beforeAll(async () => {
	await Container.get(BinaryDataService).init();
});

/** A workflow's earlier node stored this file on disk; the item only carries its id. */
async function storedItem(bytes: Buffer, fileName: string, mimeType: string) {
	const service = Container.get(BinaryDataService);
	const binary = await service.store(
		{ type: 'execution', workflowId: 'wf-upload', executionId: 'exec-upload' } as never,
		bytes,
		{ mimeType, fileName, data: '' } as never,
	);
	expect(binary.id).toMatch(/^filesystem/);
	return { json: {}, binary: { data: binary } };
}

it('streams a 20 MB file from disk to /files/upload with an exact Content-Length', async () => {
	const bytes = Buffer.alloc(20 * 1024 * 1024, 7);
	bytes.write('%PDF-1.7 streamed', 0);
	const item = await storedItem(bytes, 'big.pdf', 'application/pdf');
	const asBuffer = jest.spyOn(BinaryDataService.prototype, 'getAsBuffer');
	const asStream = jest.spyOn(BinaryDataService.prototype, 'getAsStream');
	const result = await callNode(server(), {
		key: server().keys.chat,
		items: [item],
		parameters: { resource: 'file', operation: 'upload', binaryPropertyName: 'data', user: 'tester' },
	});
	expect(result.error).toBeUndefined();
	expect(result.items[0].json).toMatchObject({ name: 'big.pdf', size: bytes.length, mime_type: 'application/pdf' });
	const request = server().requests.find((r) => r.path === '/files/upload')!;
	expect(request.multipart!.files[0].sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
	expect(Number(request.headers['content-length'])).toBe(request.rawBodyLength);
	expect(request.headers['transfer-encoding']).toBeUndefined();
	// Read as a stream in 256 KiB chunks, never as one buffer.
	expect(asStream).toHaveBeenCalledWith(item.binary.data.id, 256 * 1024);
	expect(asBuffer).not.toHaveBeenCalled();
	asBuffer.mockRestore();
	asStream.mockRestore();
});

it('streams files attached to a message the same way', async () => {
	const item = await storedItem(Buffer.from('hello from disk'), 'note.txt', 'text/plain');
	const result = await callNode(server(), { key: server().keys.chat, items: [item], parameters: sendParams('read', { files: { binaryProperties: 'data' } }) });
	expect(result.error).toBeUndefined();
	expect(server().requests.find((r) => r.path === '/files/upload')!.multipart!.files[0].size).toBe(15);
});
