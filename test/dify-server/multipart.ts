import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { RecordedMultipartFile } from './types';

export interface PartInfo {
	name: string;
	/** undefined: no `filename` parameter (a plain field); '' : present but empty. */
	filename: string | undefined;
	contentType: string | undefined;
}

export interface PartSink {
	write(chunk: Buffer): void | Promise<void>;
	end(): void | Promise<void>;
}

export interface ParsedMultipart {
	totalBytes: number;
	fields: Record<string, string>;
	files: (RecordedMultipartFile & { info: PartInfo })[];
}

const MAX_FIELD_BYTES = 1024 * 1024;

export function multipartBoundary(contentType: string | undefined): string | null {
	if (!contentType || !/^multipart\/form-data/i.test(contentType)) return null;
	const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
	return match ? (match[1] ?? match[2]) : null;
}

/**
 * Streaming multipart/form-data parser: file bodies go to the sink chunk by chunk (hashing on the
 * way), so a large upload never sits in memory. Only the tail that could hold a boundary is kept.
 */
export async function parseMultipart(
	body: Readable,
	boundary: string,
	openFile: (info: PartInfo) => PartSink,
): Promise<ParsedMultipart> {
	const result: ParsedMultipart = { totalBytes: 0, fields: {}, files: [] };
	const opening = Buffer.from(`--${boundary}`);
	const delimiter = Buffer.from(`\r\n--${boundary}`);
	let buf: Buffer = Buffer.alloc(0);
	// Widened on purpose: the closures below move the stage forward, which narrowing cannot see.
	let stage = 'preamble' as 'preamble' | 'headers' | 'body' | 'after-delimiter' | 'done';
	let part: ActivePart | null = null;

	const startPart = (headerText: string) => {
		const info = parsePartHeaders(headerText);
		if (info.filename === undefined) {
			part = { info, field: [], fieldBytes: 0 };
		} else {
			part = { info, sink: openFile(info), hash: createHash('sha256'), size: 0 };
		}
	};
	const feed = async (chunk: Buffer) => {
		if (!part || chunk.length === 0) return;
		if (part.sink) {
			part.hash!.update(chunk);
			part.size! += chunk.length;
			await part.sink.write(chunk);
		} else if (part.fieldBytes! < MAX_FIELD_BYTES) {
			part.field!.push(chunk);
			part.fieldBytes! += chunk.length;
		}
	};
	const finishPart = async () => {
		if (!part) return;
		if (part.sink) {
			await part.sink.end();
			result.files.push({
				info: part.info,
				name: part.info.name,
				filename: part.info.filename ?? '',
				contentType: part.info.contentType ?? '',
				size: part.size!,
				sha256: part.hash!.digest('hex'),
			});
		} else {
			result.fields[part.info.name] ??= Buffer.concat(part.field!).toString('utf8');
		}
		part = null;
	};

	const process = async (final: boolean) => {
		for (;;) {
			if (stage === 'preamble') {
				const i = buf.indexOf(opening);
				if (i < 0) {
					buf = buf.subarray(Math.max(0, buf.length - opening.length));
					return;
				}
				buf = buf.subarray(i + opening.length);
				stage = 'after-delimiter';
			} else if (stage === 'after-delimiter') {
				if (buf.length < 2) return;
				if (buf[0] === 0x2d && buf[1] === 0x2d) {
					stage = 'done';
					return;
				}
				const eol = buf.indexOf('\r\n');
				if (eol < 0) return;
				buf = buf.subarray(eol + 2);
				stage = 'headers';
			} else if (stage === 'headers') {
				const end = buf.indexOf('\r\n\r\n');
				if (end < 0) {
					if (buf.length > 64 * 1024) throw new Error('multipart part headers too large');
					return;
				}
				startPart(buf.subarray(0, end).toString('utf8'));
				buf = buf.subarray(end + 4);
				stage = 'body';
			} else if (stage === 'body') {
				const i = buf.indexOf(delimiter);
				if (i >= 0) {
					await feed(buf.subarray(0, i));
					await finishPart();
					buf = buf.subarray(i + delimiter.length);
					stage = 'after-delimiter';
					continue;
				}
				const keep = final ? 0 : delimiter.length - 1;
				if (buf.length > keep) {
					await feed(buf.subarray(0, buf.length - keep));
					buf = buf.subarray(buf.length - keep);
				}
				return;
			} else {
				return;
			}
		}
	};

	for await (const chunk of body as AsyncIterable<Buffer>) {
		result.totalBytes += chunk.length;
		if (stage === 'done') continue; // epilogue: drain it
		buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
		await process(false);
	}
	if (stage === 'body') {
		// Truncated body: keep what arrived, like a lenient parser would.
		await process(true);
		await finishPart();
	}
	return result;
}

interface ActivePart {
	info: PartInfo;
	sink?: PartSink;
	hash?: ReturnType<typeof createHash>;
	size?: number;
	field?: Buffer[];
	fieldBytes?: number;
}

function parsePartHeaders(text: string): PartInfo {
	let name = '';
	let filename: string | undefined;
	let contentType: string | undefined;
	for (const line of text.split('\r\n')) {
		const colon = line.indexOf(':');
		if (colon < 0) continue;
		const key = line.slice(0, colon).trim().toLowerCase();
		const value = line.slice(colon + 1).trim();
		if (key === 'content-type') {
			contentType = value || undefined;
		} else if (key === 'content-disposition') {
			const params = parseParams(value);
			name = params.name ?? '';
			if (params['filename*'] !== undefined) filename = decodeExtValue(params['filename*']);
			else if (params.filename !== undefined) filename = params.filename;
		}
	}
	return { name, filename, contentType };
}

function parseParams(value: string): Record<string, string> {
	const params: Record<string, string> = {};
	const re = /;\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g;
	let m: RegExpExecArray | null;
	while ((m = re.exec(value))) {
		let v = m[2].trim();
		// Like werkzeug: only \\ and \" are escapes, so a Windows path keeps its backslashes.
		if (v.startsWith('"')) v = v.slice(1, -1).replace(/\\([\\"])/g, '$1');
		params[m[1].toLowerCase()] = v;
	}
	return params;
}

function decodeExtValue(value: string): string {
	const m = /^([^']*)'[^']*'(.*)$/.exec(value);
	if (!m) return value;
	try {
		return decodeURIComponent(m[2]);
	} catch {
		return m[2];
	}
}
