import { NodeApiError } from 'n8n-workflow';
import type { IExecuteFunctions, JsonObject } from 'n8n-workflow';

import { absoluteFileUrl } from './baseUrl';
import { redact } from './errors';
import { getConnection, headerValue, readText, type DifyTarget } from './request';

export interface FetchedFile {
	/** The response body as a stream, for `prepareBinaryData` (typed through n8n: community nodes may not import `stream`). */
	body: Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];
	contentType: string;
	contentDisposition: string;
}

/** Strips the signature (`timestamp`, `nonce`, `sign`) before a URL appears in an error. */
function withoutQuery(url: string): string {
	return url.split('?')[0];
}

/**
 * Downloads a file URL found in a Dify answer (workflow outputs, message files). These URLs are
 * signed and expire (FILES_ACCESS_TIMEOUT, 300 s by default), may be relative to the instance
 * origin when FILES_URL is unset, and may point at a third-party host for `remote_url` files — so
 * they are fetched WITHOUT the API key, which must never leave for another host.
 */
export async function fetchFileUrl(this: IExecuteFunctions, target: DifyTarget, url: string, itemIndex: number): Promise<FetchedFile> {
	const conn = await getConnection.call(this, target);
	const absolute = absoluteFileUrl(conn.baseUrl, url);
	let response: { statusCode: number; headers: Record<string, string | string[] | undefined>; body: unknown };
	try {
		response = (await this.helpers.httpRequest({
			method: 'GET',
			url: absolute,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			abortSignal: this.getExecutionCancelSignal?.(),
		})) as typeof response;
	} catch (error) {
		const message = redact(`Cannot download the Dify file ${withoutQuery(absolute)}: ${(error as Error).message}`, conn.secret);
		throw new NodeApiError(this.getNode(), { message } as JsonObject, {
			message,
			description: 'Check that this n8n instance can reach the file host (FILES_URL of the Dify server).',
			itemIndex,
		});
	}
	if (response.statusCode >= 400) {
		const sample = (await readText(response.body, 4096)).slice(0, 200);
		const expired = response.statusCode === 403 || response.statusCode === 401;
		const message = `Downloading the Dify file ${withoutQuery(absolute)} failed with HTTP ${response.statusCode}`;
		throw new NodeApiError(this.getNode(), { status: response.statusCode, body: sample } as JsonObject, {
			message,
			description: expired
				? 'Dify file links are signed and expire after a few minutes (FILES_ACCESS_TIMEOUT, 300 s by default). Download the files in the same run, or raise FILES_ACCESS_TIMEOUT on the Dify server.'
				: `The file host answered: ${sample || '(empty body)'}`,
			httpCode: String(response.statusCode),
			itemIndex,
		});
	}
	return {
		body: response.body as FetchedFile['body'],
		contentType: headerValue(response.headers, 'content-type').split(';')[0].trim(),
		contentDisposition: headerValue(response.headers, 'content-disposition'),
	};
}
