import { NodeApiError } from 'n8n-workflow';
import type { IExecuteFunctions, IHttpRequestMethods, IHttpRequestOptions, JsonObject } from 'n8n-workflow';

import { describeNetworkFailure, findErrorCode, redactError, redirectHost } from './errors';
import { BodyTooLargeError, DeadlineError, destroyBody, formatBytes, readBounded } from './limits';

/**
 * A Webhook Trigger URL as Dify shows it: `<TRIGGER_URL>/triggers/webhook/<id>`, or `webhook-debug`
 * for the draft (docs/dify-behaviour.md, 'Webhook triggers'). `base` may carry a proxy's path prefix.
 */
export interface WebhookUrl {
	/** Origin and any path prefix, never the ID: the part errors may show. */
	base: string;
	/** `/triggers/webhook/<id>` or `/triggers/webhook-debug/<id>`. */
	path: string;
	/** The secret part, redacted from every error. */
	webhookId: string;
	debug: boolean;
}

/** Dify's webhook IDs are 24 URL-safe characters; a little room either way, never a path or a query. */
const WEBHOOK_ID = /^[\w-]{8,64}$/;

/** Why a Webhook URL cannot be used, or the parsed URL. The reason never repeats the URL. */
export function parseWebhookUrl(raw: unknown): WebhookUrl | { problem: string } {
	const text = String(raw ?? '').trim();
	if (!text) return { problem: 'the Webhook URL is empty' };
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return { problem: 'the Webhook URL is not a URL (it must start with http:// or https://)' };
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') return { problem: `the Webhook URL must start with http:// or https://, not ${url.protocol}//` };
	if (url.username || url.password) return { problem: 'the Webhook URL must not contain a user name or password' };
	if (url.search || url.hash) return { problem: 'the Webhook URL must end with the webhook ID, without "?…" or "#…" (query parameters are set in the node)' };
	const segments = url.pathname.split('/');
	if (segments.at(-1) === '') segments.pop();
	const id = segments.at(-1) ?? '';
	const kind = segments.at(-2);
	if (segments.at(-3) !== 'triggers' || (kind !== 'webhook' && kind !== 'webhook-debug') || !WEBHOOK_ID.test(id)) {
		return { problem: 'the Webhook URL must end with /triggers/webhook/<ID> (or /triggers/webhook-debug/<ID>), as the Webhook Trigger node in Dify shows it' };
	}
	const prefix = segments.slice(0, -3).join('/');
	return { base: `${url.origin}${prefix}`, path: `/triggers/${kind}/${id}`, webhookId: id, debug: kind === 'webhook-debug' };
}

export interface WebhookCall {
	method: IHttpRequestMethods;
	qs?: Record<string, string>;
	headers: Record<string, string>;
	/** Ready bytes, or a Node Readable (a streamed file). */
	body?: Buffer | unknown;
	timeoutMs: number;
	/** The node option that sets `timeoutMs`, named in the error when it passes. */
	timeoutOption?: string;
	itemIndex: number;
}

export interface WebhookAnswer {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
}

/** Dify answers with the trigger's configured response, a few bytes; anything this large is not Dify. */
export const MAX_WEBHOOK_ANSWER_BYTES = 16 * 1024 * 1024;

/** The place a failed call is described by: base and the ID-less path, so no error shows the secret. */
function where(url: WebhookUrl, method: string): string {
	return `${method} ${url.base}/triggers/${url.debug ? 'webhook-debug' : 'webhook'}/***`;
}

function webhookError(ctx: IExecuteFunctions, url: WebhookUrl, call: WebhookCall, message: string, description: string, extra: JsonObject = {}, httpCode?: number): NodeApiError {
	const error = new NodeApiError(ctx.getNode(), { message, ...extra } as JsonObject, {
		message,
		description: `${description} Request: ${where(url, call.method)}.`,
		httpCode: httpCode ? String(httpCode) : undefined,
		itemIndex: call.itemIndex,
	});
	return redactError(error, url.webhookId);
}

/**
 * Calls a Webhook Trigger once. Never retried (a second call starts a second run), never redirected
 * (the URL is the secret, and the body would go along), always within `timeoutMs` until the last
 * byte of the answer. Any HTTP status is returned; the caller reads Dify's answer.
 */
export async function callWebhook(this: IExecuteFunctions, url: WebhookUrl, call: WebhookCall): Promise<WebhookAnswer> {
	const started = Date.now();
	const options: IHttpRequestOptions = {
		method: call.method,
		url: `${url.base}${url.path}`,
		qs: call.qs,
		headers: call.headers,
		body: call.body as IHttpRequestOptions['body'],
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
		encoding: 'stream',
		timeout: call.timeoutMs,
	};
	let response: { statusCode: number; headers: WebhookAnswer['headers']; body: unknown };
	try {
		response = (await this.helpers.httpRequest(options)) as typeof response;
	} catch (error) {
		const code = findErrorCode(error);
		const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout of \d+ms exceeded/i.test((error as Error | undefined)?.message ?? '');
		if (timedOut && Date.now() - started >= call.timeoutMs - 100) {
			throw webhookError(this, url, call, `Dify's webhook trigger at ${url.base} did not answer within ${call.timeoutMs / 1000} s`, `Dify answers a webhook call as soon as the run is queued, so Dify or a proxy in front of it is stuck. The connection was closed; the run may or may not have started.${call.timeoutOption ? ` Raise "${call.timeoutOption}" if your Dify is slow.` : ''}`, { limit_ms: call.timeoutMs });
		}
		throw webhookError(this, url, call, `Cannot reach Dify's webhook trigger at ${url.base}: ${describeNetworkFailure(error)}`, 'Check the host of the Webhook URL and that this n8n instance can reach it.', { network_failure: code ?? 'unknown' });
	}
	if (response.statusCode >= 300 && response.statusCode < 400) {
		destroyBody(response.body);
		const location = String(response.headers.location ?? '');
		const host = location ? redirectHost(location, `${url.base}/`) : undefined;
		throw webhookError(
			this,
			url,
			call,
			`Dify's webhook trigger at ${url.base} answered HTTP ${response.statusCode}, ${host ? `a redirect to ${host}` : 'a redirect without a usable target'}; the node does not follow redirects`,
			`Following it would send the webhook call, with its body and files, to that address. Put the final address in the credential's Webhook URL${host ? ` (the redirect points at ${host})` : ''}, e.g. https:// instead of http://.`,
			{ status: response.statusCode, redirect_host: host ?? null },
			response.statusCode,
		);
	}
	try {
		const body = await readBounded(response.body, { maxBytes: MAX_WEBHOOK_ANSWER_BYTES, deadlineMs: Math.max(1, call.timeoutMs - (Date.now() - started)), overflow: 'fail' });
		return { statusCode: response.statusCode, headers: response.headers, body };
	} catch (error) {
		if (error instanceof DeadlineError) {
			throw webhookError(this, url, call, `Dify's webhook trigger at ${url.base} did not finish its answer within ${call.timeoutMs / 1000} s`, 'The connection was closed. The run may have started.', { limit_ms: call.timeoutMs });
		}
		if (error instanceof BodyTooLargeError) {
			throw webhookError(this, url, call, `Dify's webhook trigger at ${url.base} sent an answer larger than ${formatBytes(MAX_WEBHOOK_ANSWER_BYTES)}`, 'Reading stopped and the connection was closed; Dify\'s answers are the trigger\'s short configured response. Check the Webhook URL points at Dify.', { limit_bytes: MAX_WEBHOOK_ANSWER_BYTES });
		}
		throw webhookError(this, url, call, `The connection to Dify's webhook trigger at ${url.base} failed while reading the answer: ${describeNetworkFailure((error as { cause?: unknown }).cause ?? error)}`, 'The run may have started.');
	}
}
