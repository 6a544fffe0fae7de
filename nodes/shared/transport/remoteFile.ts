import type { IExecuteFunctions } from 'n8n-workflow';

import { DEFAULT_DOCUMENT_MAX_MB, DEFAULT_DOWNLOAD_TIMEOUT_MS, downloadFile } from './download';
import { fileNameFromDisposition, fileNameFromUrl, mimeTypeFor, safeFileName } from './fileName';

export interface RemoteFile {
	data: Buffer;
	fileName: string;
	mimeType?: string;
}

/** The file name a download should get: Content-Disposition first, then the URL's last segment, made safe. */
export function remoteFileName(url: string, disposition: string): string | undefined {
	return fileNameFromDisposition(disposition) ?? fileNameFromUrl(url);
}

/**
 * Fetches a file from any URL through n8n (no Dify credential: the key must never leave for another
 * host), within the download limits. Dify has no "create document from URL" endpoint; this is the
 * first half. The bytes go straight into the upload, with no detour through base64.
 */
export async function fetchRemoteFile(
	this: IExecuteFunctions,
	url: string,
	itemIndex: number,
	options: { fileName?: string; maxBytes?: number; allowInternal?: boolean; timeoutMs?: number } = {},
): Promise<RemoteFile> {
	const file = await downloadFile.call(
		this,
		url,
		{
			maxBytes: options.maxBytes ?? DEFAULT_DOCUMENT_MAX_MB * 1024 * 1024,
			timeoutMs: options.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS,
			allowInternal: options.allowInternal === true,
		},
		itemIndex,
	);
	const fileName = safeFileName(options.fileName) ?? remoteFileName(file.finalUrl, file.contentDisposition) ?? 'document.txt';
	return { data: file.data, fileName, mimeType: mimeTypeFor(fileName, undefined, file.contentType) };
}
