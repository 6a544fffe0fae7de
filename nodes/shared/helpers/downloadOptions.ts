import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_DOCUMENT_MAX_MB, DEFAULT_DOWNLOAD_TIMEOUT_MS, DEFAULT_FILE_MAX_MB } from '../transport/download';

/** Limits of a file download, as the options of the operation that downloads. */
export interface DownloadOptionsInput {
	maxFileSize?: number;
	allowInternalAddresses?: boolean;
	downloadTimeout?: number;
}

export function maxFileSizeOption(defaultMb: number, why: string, show?: INodeProperties['displayOptions']): INodeProperties {
	return {
		displayName: 'Max File Size (MB)',
		name: 'maxFileSize',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: defaultMb,
		displayOptions: show,
		description: `Largest file the node downloads; a larger one fails before it is read whole. ${why}.`,
	};
}

export function allowInternalAddressesOption(show?: INodeProperties['displayOptions']): INodeProperties {
	return {
		displayName: 'Allow Internal Addresses',
		name: 'allowInternalAddresses',
		type: 'boolean',
		default: false,
		displayOptions: show,
		description:
			'Whether files may be fetched from loopback (127.0.0.1, localhost), link-local or cloud metadata addresses. Off, such URLs are refused, except on the host of the credential\'s Base URL.',
	};
}

const DEFAULT_DOWNLOAD_TIMEOUT_S = DEFAULT_DOWNLOAD_TIMEOUT_MS / 1000;

export function downloadTimeoutOption(show?: INodeProperties['displayOptions']): INodeProperties {
	return {
		displayName: 'Download Timeout (Seconds)',
		name: 'downloadTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_DOWNLOAD_TIMEOUT_S,
		displayOptions: show,
		description: 'Longest time a file download may take, from the first request to the last byte (redirects included); past it the connection is closed',
	};
}

export const documentDownloadOptions: INodeProperties[] = [
	allowInternalAddressesOption(),
	maxFileSizeOption(DEFAULT_DOCUMENT_MAX_MB, `The default is Dify's own limit for documents (UPLOAD_FILE_SIZE_LIMIT, ${DEFAULT_DOCUMENT_MAX_MB} MB)`),
	downloadTimeoutOption(),
];

export const outputFileDownloadOptions: INodeProperties[] = [
	allowInternalAddressesOption({ show: { downloadFiles: [true] } }),
	maxFileSizeOption(DEFAULT_FILE_MAX_MB, `The default is the largest of Dify's own upload limits (video, ${DEFAULT_FILE_MAX_MB} MB)`, { show: { downloadFiles: [true] } }),
	downloadTimeoutOption({ show: { downloadFiles: [true] } }),
];

export function downloadLimits(options: DownloadOptionsInput): { maxBytes?: number; allowInternal: boolean; timeoutMs?: number } {
	const mb = Number(options.maxFileSize);
	const seconds = Number(options.downloadTimeout);
	return {
		maxBytes: Number.isFinite(mb) && mb > 0 ? Math.round(mb * 1024 * 1024) : undefined,
		timeoutMs: Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : undefined,
		allowInternal: options.allowInternalAddresses === true,
	};
}
