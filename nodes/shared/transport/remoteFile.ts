import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IBinaryData, IExecuteFunctions, JsonObject } from 'n8n-workflow';

import { describeNetworkFailure } from './errors';
import { headerValue, readText } from './request';

/** The file name a download should get: Content-Disposition first, then the URL's last segment. */
export function remoteFileName(url: string, disposition: string): string | undefined {
	const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
	if (star) {
		try {
			return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
		} catch {
			// fall through to the plain name
		}
	}
	const plain = /filename\s*=\s*"?([^";]+)"?/.exec(disposition)?.[1]?.trim();
	if (plain) return plain;
	try {
		const last = new URL(url).pathname.split('/').filter(Boolean).pop();
		return last ? decodeURIComponent(last) : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Fetches a file from any URL through n8n (no Dify credential: the key must never leave for another
 * host) and stores it as n8n binary data while it arrives, so a large file is not held in memory
 * when n8n keeps binaries on disk. Dify has no "create document from URL" endpoint; this is the first half.
 */
export async function fetchRemoteFile(this: IExecuteFunctions, url: string, itemIndex: number, fileNameOverride?: string): Promise<IBinaryData> {
	if (!/^https?:\/\//i.test(url)) {
		throw new NodeOperationError(this.getNode(), `"${url}" is not a file URL`, { itemIndex, description: 'The File URL must start with http:// or https:// and be reachable from this n8n instance.' });
	}
	let response: { statusCode: number; headers: Record<string, string | string[] | undefined>; body: unknown };
	try {
		response = (await this.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			abortSignal: this.getExecutionCancelSignal?.(),
		})) as typeof response;
	} catch (error) {
		const message = `Cannot fetch the file at ${url.split('?')[0]}: ${describeNetworkFailure(error)}`;
		throw new NodeApiError(this.getNode(), { message } as JsonObject, { message, description: 'Check the File URL and that this n8n instance can reach its host.', itemIndex });
	}
	if (response.statusCode >= 400) {
		const sample = (await readText(response.body, 4096)).slice(0, 200);
		const message = `Fetching the file at ${url.split('?')[0]} failed with HTTP ${response.statusCode}`;
		throw new NodeApiError(this.getNode(), { status: response.statusCode } as JsonObject, {
			message,
			description: `The file host answered: ${sample || '(empty body)'}. Check the URL; signed links may have expired.`,
			httpCode: String(response.statusCode),
			itemIndex,
		});
	}
	const contentType = headerValue(response.headers, 'content-type').split(';')[0].trim();
	const fileName = fileNameOverride || remoteFileName(url, headerValue(response.headers, 'content-disposition')) || 'document.txt';
	const mimeType = contentType && contentType !== 'application/octet-stream' ? contentType : undefined;
	return await this.helpers.prepareBinaryData(response.body as Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0], fileName, mimeType);
}
