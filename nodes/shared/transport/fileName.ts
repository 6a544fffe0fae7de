/**
 * File names and types that come from servers (Content-Disposition, URLs, Dify's file metadata) are
 * data, not paths: they end up as n8n binary names that later nodes write to disk or send in headers.
 */

/** The name from a Content-Disposition header, `filename*` (RFC 5987) first, made safe. */
export function fileNameFromDisposition(disposition: string): string | undefined {
	const header = disposition.slice(0, 2048);
	const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
	if (star) {
		try {
			return safeFileName(decodeURIComponent(star[1].trim().replace(/^"|"$/g, '')));
		} catch {
			// fall through to the plain name
		}
	}
	const plain = /filename\s*=\s*"?([^";]+)"?/.exec(header)?.[1];
	return plain ? safeFileName(plain) : undefined;
}

/** The last segment of a URL's path, made safe. */
export function fileNameFromUrl(url: string): string | undefined {
	try {
		const last = new URL(url).pathname.split('/').filter(Boolean).pop();
		return last ? safeFileName(decodeURIComponent(last)) : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Keeps the last path segment (both separators), drops control characters (CR/LF, NUL and the
 * rest of C0/C1, which would split headers or cut names) and leading dots, and caps the length.
 * Undefined when nothing usable is left.
 */
export function safeFileName(raw: string | undefined): string | undefined {
	if (!raw) return undefined;
	const last = raw.split(/[/\\]/).pop() ?? '';
	const clean = last.replace(/\p{Cc}/gu, '').replace(/^[.\s]+/, '').trim();
	if (!clean) return undefined;
	return clean.length > 200 ? clean.slice(clean.length - 200) : clean;
}

const MIME_BY_EXTENSION: Record<string, string> = {
	txt: 'text/plain',
	md: 'text/markdown',
	markdown: 'text/markdown',
	mdx: 'text/markdown',
	csv: 'text/csv',
	json: 'application/json',
	xml: 'application/xml',
	pdf: 'application/pdf',
	doc: 'application/msword',
	docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	xls: 'application/vnd.ms-excel',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	ppt: 'application/vnd.ms-powerpoint',
	pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
	epub: 'application/epub+zip',
	eml: 'message/rfc822',
	msg: 'application/vnd.ms-outlook',
	vtt: 'text/vtt',
	properties: 'text/plain',
	html: 'text/html',
	htm: 'text/html',
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	gif: 'image/gif',
	webp: 'image/webp',
	svg: 'image/svg+xml',
	mp3: 'audio/mpeg',
	m4a: 'audio/mp4',
	wav: 'audio/wav',
	webm: 'video/webm',
	mp4: 'video/mp4',
	mpga: 'audio/mpeg',
	zip: 'application/zip',
};

/**
 * The MIME type of a downloaded file: Dify's own metadata first, then the extension of the name,
 * then what the file host served, unless that would turn a file into a web page its name does
 * not say it is.
 */
export function mimeTypeFor(fileName: string | undefined, declared: string | undefined, served: string | undefined): string | undefined {
	const clean = (value: string | undefined) => value?.split(';')[0].trim().toLowerCase() || undefined;
	const fromDify = clean(declared);
	if (fromDify && fromDify !== 'application/octet-stream') return fromDify;
	const extension = fileName?.includes('.') ? fileName.split('.').pop()!.toLowerCase() : undefined;
	const fromName = extension ? MIME_BY_EXTENSION[extension] : undefined;
	if (fromName) return fromName;
	const fromHost = clean(served);
	if (!fromHost || fromHost === 'application/octet-stream') return undefined;
	if (/html|xml|javascript|svg/.test(fromHost)) return 'application/octet-stream';
	return fromHost;
}
