/**
 * With n8n's binary data on disk, Create From File streams the file to Dify (bench/knowledge-upload.ts
 * measures the memory): read in 256 KiB chunks, exact Content-Length, never loaded as one buffer.
 */
import { createHash } from 'crypto';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';

import { knowledge, newDataset, rl, sent } from './knowledge.support';
import { useDifyServer } from './support';

process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
process.env.N8N_BINARY_DATA_STORAGE_PATH = mkdtempSync(join(tmpdir(), 'dify-kb-binary-'));

const server = useDifyServer({ uploadLimits: { fileBytes: 64 * 1024 * 1024 } });

beforeAll(async () => {
	await Container.get(BinaryDataService).init();
});

it('streams a 20 MB document from disk to create-by-file with the settings as the data field', async () => {
	const bytes = Buffer.alloc(20 * 1024 * 1024, 'a');
	bytes.write('Streamed manual.\n', 0);
	const binary = await Container.get(BinaryDataService).store(
		{ type: 'execution', workflowId: 'wf-kb', executionId: 'exec-kb' } as never,
		bytes,
		{ mimeType: 'text/plain', fileName: 'manual.txt', data: '' } as never,
	);
	expect(binary.id).toMatch(/^filesystem/);
	const asBuffer = jest.spyOn(BinaryDataService.prototype, 'getAsBuffer');
	const asStream = jest.spyOn(BinaryDataService.prototype, 'getAsStream');
	const id = await newDataset(server(), 'Streamed');
	const result = await knowledge(
		server(),
		{ resource: 'document', operation: 'createFromFile', datasetId: rl(id), binaryPropertyName: 'data', options: { segmentation: 'automatic' } },
		{ items: [{ json: {}, binary: { data: binary } }] },
	);
	expect(result.error).toBeUndefined();
	const request = sent(server(), 'POST', `/datasets/${id}/document/create-by-file`)[0];
	expect(request.multipart!.files[0]).toMatchObject({ filename: 'manual.txt', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
	expect(JSON.parse(request.multipart!.fields.data)).toEqual({ indexing_technique: 'high_quality', process_rule: { mode: 'automatic' } });
	expect(Number(request.headers['content-length'])).toBe(request.rawBodyLength);
	expect(asStream).toHaveBeenCalledWith(binary.id, 256 * 1024);
	expect(asBuffer).not.toHaveBeenCalled();
	asBuffer.mockRestore();
	asStream.mockRestore();
});
