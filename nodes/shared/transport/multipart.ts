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
 * must be exactly what we choose (Dify's audio endpoint rejects audio/mpeg, §2.16).
 */
export function buildMultipart(fields: Record<string, string | undefined>, file: FilePart): { body: Buffer; contentType: string } {
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
	const body = Buffer.concat([Buffer.from(head.join(''), 'utf8'), file.data, Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')]);
	return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}
