import type { IDataObject, IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { redactError } from '../shared/transport/errors';
import { parseMaybeJson } from '../shared/transport/request';
import type { WebhookAnswer, WebhookUrl } from '../shared/transport/webhookTrigger';

/** Response headers worth passing on: what the body is, and Dify's own markers. */
const KEPT_HEADERS = ['content-type', 'x-version', 'x-env', 'x-trace-id'];

/** Dify's answer as an item: the status, a few headers, the body parsed when it is JSON. */
export function answerJson(answer: WebhookAnswer): IDataObject {
	const headers: IDataObject = {};
	for (const name of KEPT_HEADERS) {
		const value = answer.headers[name];
		if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
	}
	const text = answer.body.toString('utf8');
	const isJson = /\bjson\b/i.test(String(headers['content-type'] ?? ''));
	const parsed = text.trim() === '' ? null : isJson ? (parseMaybeJson(text) ?? text) : text;
	return { statusCode: answer.statusCode, headers, body: parsed as IDataObject };
}

/** What to do about each of Dify's validation messages (docs/dify-behaviour.md, 'Webhook triggers'). */
const VALIDATION_HINTS: Array<[RegExp, string]> = [
	[/^HTTP method mismatch/, 'Set Method to the Method of the Webhook Trigger in Dify.'],
	[/^Content-type mismatch/, 'Set Body Content Type to the Content Type of the Webhook Trigger in Dify.'],
	[/^Required header missing/, 'Add the header under Headers (Dify also accepts "_" for "-" in its name).'],
	[/^Required parameter missing/, 'Add it under Query Parameters.'],
	[/^Required body parameter missing/, 'Add it to the body: a key of JSON Body, or a Form Field (a File for a file parameter).'],
	[/^Required body content missing/, 'The trigger requires a body: fill Text Body, or give the binary field.'],
	[/^Parameter '[^']*' validation failed/, 'Send the value in the type the Webhook Trigger declares for it (for form fields: a number, true/false, or text).'],
	[/^Invalid JSON body/, 'Send valid JSON in JSON Body.'],
];

function difyText(body: unknown): string | undefined {
	if (body && typeof body === 'object' && !Array.isArray(body)) {
		const message = (body as IDataObject).message;
		// Dify's messages are one line; a long one is not Dify's and is cut for the error message.
		if (typeof message === 'string') return message.length > 500 ? `${message.slice(0, 500)}…` : message;
	}
	return undefined;
}

/**
 * The error for an answer that is not the trigger's configured one. Dify's own answers: 400 with
 * {"error": "Bad Request", "message"} when the call does not match the trigger's settings, 404 when
 * there is no enabled trigger at the URL, 413 past its body limit, 500 when it could not queue the run.
 */
export function answerError(this: IExecuteFunctions, url: WebhookUrl, answer: WebhookAnswer, i: number): NodeApiError {
	const status = answer.statusCode;
	const json = answerJson(answer);
	const said = difyText(json.body);
	const sample = typeof json.body === 'string' ? json.body.slice(0, 200) : said;
	let message: string;
	let hint: string;
	if (status === 400 && said) {
		message = `Dify refused the webhook call: ${said}`;
		hint = VALIDATION_HINTS.find(([pattern]) => pattern.test(said))?.[1] ?? 'Compare the node\'s Method, Body Content Type, query, headers and body with the Webhook Trigger\'s settings in Dify.';
	} else if (status === 404) {
		message = 'No enabled Dify Webhook Trigger at this Webhook URL (HTTP 404)';
		hint = url.debug
			? 'Dify answers 404 when the webhook ID is unknown. Copy the debug URL again from the Webhook Trigger node in Dify\'s editor.'
			: 'Dify answers 404 when the webhook ID is unknown (the trigger node was removed, or the URL was copied wrong), when the workflow with this trigger is not published, when the trigger is disabled, or when the workspace\'s plan limits triggers. Publish the workflow, check the trigger is enabled, and copy the Webhook URL again from the trigger node.';
	} else if (status === 413) {
		message = 'Dify refused the webhook call as too large (HTTP 413)';
		hint = 'Dify\'s limit is WEBHOOK_REQUEST_BODY_MAX_SIZE (10 MB by default) for the whole body, files included. Send smaller files, or raise the limit on a self-hosted Dify (and the proxy\'s body limit in front of it).';
	} else if (status >= 500 && said) {
		message = `Dify could not start the workflow (HTTP ${status}): ${said}`;
		hint = 'Dify accepted the call but failed to queue the run, e.g. when the workspace\'s trigger quota is used up. Check Dify\'s logs; calling again starts the workflow again if it succeeds.';
	} else {
		message = `Dify's webhook trigger at ${url.base} answered HTTP ${status}`;
		hint = status >= 500 ? 'Dify or a proxy in front of it failed. The run may not have started; try again later.' : 'This is not one of Dify\'s webhook answers; check the Webhook URL points at Dify.';
		if (sample) hint += ` Start of the answer: ${sample}`;
	}
	const error = new NodeApiError(this.getNode(), { status, message: said ?? null } as JsonObject, {
		message,
		description: hint,
		httpCode: String(status),
		itemIndex: i,
	});
	return redactError(error, url.webhookId);
}
