import { randomBytes } from 'crypto';

export interface FilePart {
	/** Dify reads exactly one part named `file`. */
	fieldName: string;
	fileName: string;
	contentType: string;
	data: Buffer;
}

function quote(value: string): string {
	return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/[\r\n]/g, ' ');
}

/**
 * A multipart/form-data body with plain text fields (`user`, `data`) and one file part. Written by
 * hand because verified community nodes may not depend on `form-data`, and the part's Content-Type
 * must be exactly what we choose (Dify's audio endpoint rejects audio/mpeg, see docs/dify-behaviour.md, 'Audio').
 */
export function buildMultipart(fields: Record<string, string | undefined>, file: FilePart): { body: Buffer; contentType: string } {
	const { head, tail, contentType } = multipartFrame(fields, file);
	return { body: Buffer.concat([head, file.data, tail]), contentType };
}

/** The bytes around the file's content, so the content itself can be streamed between them. */
export function multipartFrame(
	fields: Record<string, string | undefined>,
	file: Omit<FilePart, 'data'>,
): { head: Buffer; tail: Buffer; contentType: string } {
	const boundary = `----n8nDify${randomBytes(12).toString('hex')}`;
	const head: string[] = [];
	for (const [name, value] of Object.entries(fields)) {
		if (value === undefined) continue;
		head.push(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`);
	}
	// RFC 7578: filename in quotes, plus filename* for non-ASCII names.
	const asciiName = file.fileName.replace(/[^\x20-\x7e]/g, '_');
	const star = asciiName === file.fileName ? '' : `; filename*=UTF-8''${encodeURIComponent(file.fileName)}`;
	head.push(
		`--${boundary}\r\nContent-Disposition: form-data; name="${quote(file.fieldName)}"; filename="${quote(asciiName)}"${star}\r\nContent-Type: ${file.contentType}\r\n\r\n`,
	);
	return {
		head: Buffer.from(head.join(''), 'utf8'),
		tail: Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'),
		contentType: `multipart/form-data; boundary=${boundary}`,
	};
}

type ReadableClass = { from(source: AsyncIterable<Buffer>, options?: { objectMode?: boolean; highWaterMark?: number }): unknown };

/**
 * The Readable class of a stream n8n gave us. Community nodes may not import `stream`, and axios only
 * streams a request body that is a real Readable, so we borrow the class from n8n's own stream.
 */
function readableClassOf(stream: unknown): ReadableClass | undefined {
	for (let ctor = (stream as object | null)?.constructor as unknown; ctor; ctor = Object.getPrototypeOf(ctor)) {
		if (typeof (ctor as ReadableClass).from === 'function') return ctor as ReadableClass;
	}
	return undefined;
}

/**
 * A multipart body whose file content is read from `source` while it is sent, so a large file never
 * sits in memory whole. Returns undefined when no Readable class can be found (then buffer instead).
 */
export function streamingMultipart(
	fields: Record<string, string | undefined>,
	file: Omit<FilePart, 'data'>,
	source: AsyncIterable<Buffer>,
	size: number,
): { body: unknown; contentType: string; contentLength: number } | undefined {
	const Readable = readableClassOf(source);
	if (!Readable) return undefined;
	const { head, tail, contentType } = multipartFrame(fields, file);
	async function* parts(): AsyncGenerator<Buffer> {
		yield head;
		for await (const chunk of source) yield chunk;
		yield tail;
	}
	// Readable.from defaults to object mode, which reads 16 chunks (4 MiB of 256 KiB chunks) ahead of
	// the socket; in byte mode it stays one chunk ahead.
	return { body: Readable.from(parts(), { objectMode: false, highWaterMark: 64 * 1024 }), contentType, contentLength: head.length + size + tail.length };
}
