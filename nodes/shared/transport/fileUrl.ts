import type { IExecuteFunctions } from 'n8n-workflow';

import { absoluteFileUrl } from './baseUrl';
import { DEFAULT_DOWNLOAD_TIMEOUT_MS, DEFAULT_FILE_MAX_MB, downloadFile, type DownloadLimits } from './download';
import { getConnection, type DifyTarget } from './request';

export interface FetchedFile {
	/** The file's bytes, at most the size limit, for `prepareBinaryData`. */
	body: Buffer;
	contentType: string;
	contentDisposition: string;
}

/** What a user may change about downloads of Dify's file links. */
export interface FileUrlLimits {
	maxBytes?: number;
	allowInternal?: boolean;
	timeoutMs?: number;
}

/**
 * Downloads a file URL found in a Dify answer (workflow outputs, message files, document downloads).
 * These URLs are signed and expire (FILES_ACCESS_TIMEOUT, 300 s by default), may be relative to the
 * instance origin when FILES_URL is unset, and may point at a third-party host for `remote_url` files,
 * so they are fetched WITHOUT the API key, within the download limits. The credential's own host is
 * trusted (the nodes already talk to it); any other host on an internal range needs "Allow Internal Addresses".
 */
export async function fetchFileUrl(this: IExecuteFunctions, target: DifyTarget, url: string, itemIndex: number, options: FileUrlLimits = {}): Promise<FetchedFile> {
	const conn = await getConnection.call(this, target);
	const absolute = absoluteFileUrl(conn.baseUrl, url);
	const limits: DownloadLimits = {
		maxBytes: options.maxBytes ?? DEFAULT_FILE_MAX_MB * 1024 * 1024,
		timeoutMs: options.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS,
		allowInternal: options.allowInternal === true,
		trustedOrigin: new URL(conn.baseUrl).origin,
	};
	const file = await downloadFile.call(this, absolute, limits, itemIndex, 'the Dify file');
	return { body: file.data, contentType: file.contentType, contentDisposition: file.contentDisposition };
}
