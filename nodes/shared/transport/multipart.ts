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
	const boundary = newBoundary();
	return {
		head: Buffer.from(fieldParts(boundary, fields) + fileHeader(boundary, file), 'utf8'),
		tail: Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'),
		contentType: `multipart/form-data; boundary=${boundary}`,
	};
}

function newBoundary(): string {
	return `----n8nDify${randomBytes(12).toString('hex')}`;
}

function fieldParts(boundary: string, fields: Record<string, string | undefined>): string {
	const parts: string[] = [];
	for (const [name, value] of Object.entries(fields)) {
		if (value === undefined) continue;
		parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`);
	}
	return parts.join('');
}

function fileHeader(boundary: string, file: Omit<FilePart, 'data'>): string {
	// RFC 7578: filename in quotes, plus filename* for non-ASCII names.
	const asciiName = file.fileName.replace(/[^\x20-\x7e]/g, '_');
	const star = asciiName === file.fileName ? '' : `; filename*=UTF-8''${encodeURIComponent(file.fileName)}`;
	return `--${boundary}\r\nContent-Disposition: form-data; name="${quote(file.fieldName)}"; filename="${quote(asciiName)}"${star}\r\nContent-Type: ${file.contentType}\r\n\r\n`;
}

/** One file of a multipart body with several: its bytes, or a stream of them with its exact size. */
export interface MultipartFile extends Omit<FilePart, 'data'> {
	content: Buffer | AsyncIterable<Buffer>;
	size: number;
}

/**
 * A multipart/form-data body of text fields and any number of files (each under its own field name).
 * Streamed files are read while the body is sent, with an exact Content-Length; when every file is
 * already in memory the body is plain bytes.
 */
export async function multipartWithFiles(
	fields: Record<string, string | undefined>,
	files: MultipartFile[],
): Promise<{ body: Buffer | unknown; contentType: string; contentLength: number }> {
	const boundary = newBoundary();
	const head = Buffer.from(fieldParts(boundary, fields), 'utf8');
	const headers = files.map((file) => Buffer.from(fileHeader(boundary, file), 'utf8'));
	const crlf = Buffer.from('\r\n');
	const closing = Buffer.from(`--${boundary}--\r\n`, 'utf8');
	const contentType = `multipart/form-data; boundary=${boundary}`;
	const contentLength = head.length + closing.length + files.reduce((sum, file, k) => sum + headers[k].length + file.size + crlf.length, 0);
	const streamed = files.find((file) => !Buffer.isBuffer(file.content));
	const Readable = streamed ? readableClassOf(streamed.content) : undefined;
	if (!Readable) {
		// No Readable class to stream with (never seen with n8n's binary streams): read the files first.
		const parts: Buffer[] = [head];
		for (let k = 0; k < files.length; k++) {
			const content = files[k].content;
			const bytes: Buffer[] = [];
			if (Buffer.isBuffer(content)) bytes.push(content);
			else for await (const chunk of content) bytes.push(chunk);
			parts.push(headers[k], ...bytes, crlf);
		}
		parts.push(closing);
		return { body: Buffer.concat(parts), contentType, contentLength };
	}
	async function* parts(): AsyncGenerator<Buffer> {
		yield head;
		for (let k = 0; k < files.length; k++) {
			yield headers[k];
			const content = files[k].content;
			if (Buffer.isBuffer(content)) yield content;
			else for await (const chunk of content) yield chunk;
			yield crlf;
		}
		yield closing;
	}
	return { body: Readable.from(parts(), { objectMode: false, highWaterMark: 64 * 1024 }), contentType, contentLength };
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
