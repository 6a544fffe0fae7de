import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { buildMultipart, streamingMultipart, type FilePart } from '../transport/multipart';
import type { StreamBody } from '../transport/request';

export interface MultipartRequestBody {
	body: Buffer | StreamBody;
	headers: Record<string, string>;
}

/**
 * A multipart body of text fields and one n8n binary. Binaries stored outside memory (filesystem,
 * S3) are streamed in 256 KiB chunks with an exact Content-Length, so a large file never sits in
 * memory whole; in-memory binaries are already bytes.
 */
export async function binaryMultipart(
	this: IExecuteFunctions,
	binary: IBinaryData,
	fields: Record<string, string | undefined>,
	part: Omit<FilePart, 'data'>,
	readBuffer: () => Promise<Buffer>,
): Promise<MultipartRequestBody> {
	if (binary.id) {
		const { fileSize } = await this.helpers.getBinaryMetadata(binary.id);
		const source = await this.helpers.getBinaryStream(binary.id, 256 * 1024);
		const streamed = streamingMultipart(fields, part, source as AsyncIterable<Buffer>, fileSize);
		if (streamed) {
			return { body: streamed.body as StreamBody, headers: { 'Content-Type': streamed.contentType, 'Content-Length': String(streamed.contentLength) } };
		}
	}
	const multipart = buildMultipart(fields, { ...part, data: await readBuffer() });
	return { body: multipart.body, headers: { 'Content-Type': multipart.contentType } };
}
