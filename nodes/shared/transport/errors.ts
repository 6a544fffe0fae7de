import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INode, JsonObject } from 'n8n-workflow';

import { knowledgeHint } from './knowledgeErrors';

/** Dify's error envelope (dify-service-api.md §1.5); `code` is missing on worker-side stream errors. */
export interface DifyErrorBody {
	code?: string;
	message?: string;
	status?: number;
	params?: string;
}

/** What we know about the request that failed, to write an error the user can act on. */
export interface FailedRequest {
	baseUrl: string;
	method: string;
	path: string;
	user?: string;
	itemIndex?: number;
	/** The app the key belongs to, as GET /info reports it, to say which node the key is for. */
	app?: AppIdentity;
	/** The node that made the request, to tell the user which node to use instead. */
	nodeDisplayName?: string;
	/** Redacted from every message, as a last line of defence. */
	secret?: string;
	/** Set when a generation was refused as busy until the node gave up waiting. */
	busy?: { waitedMs: number; attempts: number; maxWaitMs: number; retryAfterMs?: number };
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** " (refused 7 times over 12.5 s of waiting)" for an error after the busy back-off gave up. */
function busySuffix(req: FailedRequest): string {
	const busy = req.busy;
	if (!busy) return '';
	return busy.attempts > 1 ? ` (refused ${busy.attempts} times over ${seconds(busy.waitedMs)} of waiting)` : ' (refused; the node did not wait)';
}

/** Why the busy back-off gave up. */
function busyWhy(req: FailedRequest): string {
	const busy = req.busy!;
	return busy.retryAfterMs !== undefined
			? `The server asked to wait ${seconds(busy.retryAfterMs)} (Retry-After), more than is left of "Max Wait When Dify Is Busy" (${seconds(busy.maxWaitMs)}), so the node stopped waiting.`
			: busy.maxWaitMs <= 0
				? '"Max Wait When Dify Is Busy" is 0, so the node did not wait.'
				: `The app stayed at its limit for the whole "Max Wait When Dify Is Busy" (${seconds(busy.maxWaitMs)}).`;
}

/** What to do when the busy back-off gave up. */
function busyHint(req: FailedRequest): string {
	const why = busyWhy(req);
	return `Dify refuses new runs of this app while its limit of concurrent requests is reached (max_active_requests; self-hosted default APP_MAX_ACTIVE_REQUESTS). ${why} Lower "Items at Once", spread the workflows that use this app over time, raise the app's limit in Dify, or raise "Max Wait When Dify Is Busy".`;
}

/** The app a key belongs to, as Dify's GET /info reports it. */
export interface AppIdentity {
	mode: string;
	name?: string;
}

/** Dify's names for its app types, by mode. */
const APP_TYPE_BY_MODE: Record<string, string> = {
	chat: 'Chatbot',
	'agent-chat': 'Agent',
	agent: 'Agent',
	'advanced-chat': 'Chatflow',
	completion: 'Text Generator',
	workflow: 'Workflow',
};

const NODE_BY_MODE: Record<string, string> = {
	chat: 'Dify Chatbot',
	'agent-chat': 'Dify Chatbot',
	agent: 'Dify Chatbot',
	'advanced-chat': 'Dify Chatflow',
	completion: 'Dify Completion',
	workflow: 'Dify Workflow',
};

const WRONG_APP_CODES = new Set(['not_chat_app', 'not_workflow_app', 'not_completion_app', 'app_unavailable']);

export function isWrongAppTypeCode(code: string | undefined): boolean {
	return code !== undefined && WRONG_APP_CODES.has(code);
}

/** The Dify node that serves an app mode, e.g. "Dify Workflow" for "workflow". */
export function nodeForMode(mode: string): string | undefined {
	return NODE_BY_MODE[mode];
}

/** "Chatbot or Agent": the app types a node serves, in Dify's words. */
function appTypesOf(nodeDisplayName: string): string {
	const types = Object.keys(NODE_BY_MODE)
		.filter((mode) => NODE_BY_MODE[mode] === nodeDisplayName)
		.map((mode) => APP_TYPE_BY_MODE[mode]);
	return [...new Set(types)].join(' or ');
}

/**
 * The one sentence every place says when a key belongs to an app of another type (a run, the
 * Conversation list, Fields From the App): the app's type and name as Dify reports them, the node
 * that serves it, and which credential this node needs instead.
 */
export function wrongAppTypeMessage(app: AppIdentity, nodeDisplayName?: string): string {
	const type = APP_TYPE_BY_MODE[app.mode] ?? app.mode;
	const name = app.name ? ` "${app.name}"` : '';
	const right = NODE_BY_MODE[app.mode];
	const use = right ? `use it with the ${right} node` : 'use it with the node for that app type';
	const instead =
		nodeDisplayName && nodeDisplayName !== right && appTypesOf(nodeDisplayName)
			? `, or select a credential with the API key of a ${appTypesOf(nodeDisplayName)} app in this ${nodeDisplayName} node`
			: '';
	return `The credential's API key belongs to the Dify ${type} app${name} (mode "${app.mode}"): ${use}${instead}.`;
}

/** "text" when Dify says `text is required in input form` (any code, or none). */
export function missingInputOf(message: string | undefined): string | undefined {
	return /^\s*(.+?) is required in input form\b/i.exec(message ?? '')?.[1]?.trim();
}

export function redact(text: string, secret?: string): string {
	if (!secret || secret.length < 4) return text;
	return text.split(secret).join('***');
}

function hintFor(body: DifyErrorBody, httpStatus: number | undefined, req: FailedRequest): string | undefined {
	const code = body.code;
	const message = body.message ?? '';
	// The Knowledge API's errors have their own causes and fixes (wrong key type, plan limits, indexing).
	const knowledge = knowledgeHint({ code, message, httpStatus, path: req.path, secret: req.secret });
	if (knowledge) return knowledge;
	if (httpStatus === 401 || code === 'unauthorized') {
		return 'Dify rejected the API key. Check the key in the credential: app nodes need the API key of that app (it starts with "app-"); a Knowledge key ("dataset-…") only works with the Dify Knowledge node, and an app key does not work there.';
	}
	if (/^(Conversation|Message|Last Conversation|First Message|Conversation Variable) Not Exists/i.test(message)) {
		const sent = req.user === undefined ? 'no user' : `user "${req.user}"`;
		return `Dify only shows conversations and messages to the end user that created them. This request was sent with ${sent}: set the User field to the same value as the run that created the conversation or message.`;
	}
	if (isWrongAppTypeCode(code)) {
		const right = req.app ? NODE_BY_MODE[req.app.mode] : undefined;
		if (req.app && right && right !== req.nodeDisplayName) {
			return `This API key belongs to a Dify app of type "${req.app.mode}": use the ${right} node with it${req.nodeDisplayName ? `, not the ${req.nodeDisplayName} node` : ''}.`;
		}
		if (code === 'app_unavailable') {
			return 'The app is unavailable: its configuration is incomplete, it is not published, or the key belongs to an app of another type. Open the app in Dify and check it is published.';
		}
		return 'This API key belongs to a Dify app of another type than this node serves. Use the node that matches the app type (Chatbot, Chatflow, Completion or Workflow).';
	}
	if (code === 'rate_limit_error') {
		return 'Dify Cloud\'s quota of workflow executions for this workspace is used up. Waiting seconds does not help, so the node does not retry: upgrade the plan or wait until the quota renews.';
	}
	if (code === 'too_many_requests' || httpStatus === 429) {
		if (req.busy) return busyHint(req);
		return 'Dify is limiting concurrent requests to this app. Wait and retry, or process fewer items at once.';
	}
	const missing = missingInputOf(message);
	if (missing) {
		return `Dify checks the app's required inputs on every ${/workflows/.test(req.path) ? 'run' : 'request'}. Set "${missing}" in Inputs (JSON), e.g. {"${missing}": "…"}, or switch Inputs to "Fields From the App" and fill in ${missing}.`;
	}
	if (code === 'invalid_param' && /user must be provided/i.test(message)) {
		return 'Fill in the User field.';
	}
	if (code === 'invalid_param' && /Invalid upload file/i.test(message)) {
		return 'Dify only lets the end user that uploaded a file use it: upload the file with the same User value as the message or run.';
	}
	if (code === 'provider_not_initialize' || code === 'provider_quota_exceeded' || code === 'model_currently_not_support') {
		return 'The app\'s model provider is not usable: check the model credentials and quota in Dify.';
	}
	if (httpStatus === 404 && code === 'not_found' && /requested URL was not found/i.test(message)) {
		return 'Dify has no such route: an ID is probably not a valid UUID, or the Dify version is too old for this operation.';
	}
	return undefined;
}

/** Turns Dify's error envelope (HTTP error or stream `error` frame) into an actionable NodeApiError. */
export function difyApiError(node: INode, body: DifyErrorBody, httpStatus: number | undefined, req: FailedRequest): NodeApiError {
	const code = body.code;
	const difyMessage = (body.message ?? '').trim() || '(Dify sent no message)';
	// Dify's stream error frames carry no code; say so instead of inventing one.
	const said = code
		? `Dify error ${code}: ${difyMessage}`
		: `Dify ${httpStatus ? `answered HTTP ${httpStatus}` : 'reported an error'} without an error code: ${difyMessage}`;
	const missing = missingInputOf(body.message);
	const wrongApp = isWrongAppTypeCode(code) && req.app && NODE_BY_MODE[req.app.mode] !== req.nodeDisplayName;
	let headline = said;
	if (wrongApp) headline = wrongAppTypeMessage(req.app!, req.nodeDisplayName);
	else if (missing) headline = `The Dify app requires the input "${missing}", and it was not sent (${said})`;
	const message = redact(`${headline}${busySuffix(req)}`, req.secret);
	const hint = wrongApp ? `Dify answered: ${said}.` : hintFor(body, httpStatus, req);
	const where = `${req.method} ${req.baseUrl}${req.path}${httpStatus ? ` answered HTTP ${httpStatus}` : ' failed'}`;
	const description = redact(hint ? `${hint} (${where})` : where, req.secret);
	const response: JsonObject = { code: code ?? null, message: difyMessage, status: body.status ?? httpStatus ?? null };
	if (body.params) response.params = body.params;
	return new NodeApiError(node, response, {
		message,
		description,
		httpCode: httpStatus ? String(httpStatus) : undefined,
		itemIndex: req.itemIndex,
	});
}

/** A response that is not Dify's JSON at all: a proxy's HTML page, an empty body, plain text. */
export function notDifyResponseError(node: INode, httpStatus: number, contentType: string, req: FailedRequest, sample: string): NodeApiError {
	const kind = /html/i.test(contentType) ? 'an HTML page' : contentType ? `"${contentType}"` : 'a body that is not JSON';
	const gateway = httpStatus === 502 || httpStatus === 503 || httpStatus === 504;
	const message = redact(`Dify at ${req.baseUrl} answered HTTP ${httpStatus} with ${kind} instead of Dify's JSON${busySuffix(req)}`, req.secret);
	const description = redact(
		req.busy
			? `A proxy in front of Dify refused the request (HTTP 429 with Retry-After), so Dify never saw it. ${busyWhy(req).replace('The app stayed at its limit', 'The proxy kept refusing')} Lower "Items at Once", raise the proxy's limit, or raise "Max Wait When Dify Is Busy". Request: ${req.method} ${req.path}.`
			: gateway
			? `A proxy or gateway in front of Dify failed (HTTP ${httpStatus}): Dify is down, overloaded, or timed out. Retry later; for long runs use the streaming response mode. Request: ${req.method} ${req.path}.`
			: `Check that the Base URL of the credential points at the Dify API (e.g. https://api.dify.ai/v1). Request: ${req.method} ${req.path}. Start of the body: ${sample.slice(0, 160)}`,
		req.secret,
	);
	return new NodeApiError(node, { status: httpStatus, contentType } as JsonObject, {
		message,
		description,
		httpCode: String(httpStatus),
		itemIndex: req.itemIndex,
	});
}

const NETWORK_CODES: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused (is Dify running and is the port right?)',
	ENOTFOUND: 'the host name could not be resolved (DNS); check the Base URL',
	EAI_AGAIN: 'the host name could not be resolved right now (DNS); check the Base URL',
	ECONNRESET: 'the connection was reset',
	ETIMEDOUT: 'the connection timed out',
	ECONNABORTED: 'the request timed out',
	EHOSTUNREACH: 'the host is unreachable',
	CERT_HAS_EXPIRED: 'its TLS certificate has expired',
	DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified',
};

export function findErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
		const candidate = (current as IDataObject).code;
		if (typeof candidate === 'string' && /^[A-Z_]+$/.test(candidate)) return candidate;
		current = (current as IDataObject).cause ?? (current as IDataObject).reason;
	}
	return undefined;
}

/**
 * Words for a socket failure. Raw codes stay out of messages: n8n replaces any message containing
 * ECONNRESET & co. with its own generic text, which would hide which server failed.
 */
export function describeNetworkFailure(error: unknown): string {
	const code = findErrorCode(error);
	if (code && NETWORK_CODES[code]) return NETWORK_CODES[code];
	const message = (error as Error | undefined)?.message ?? '';
	return message && !/^E[A-Z_]+$/.test(message) ? message.replace(/\bE[A-Z]{4,}\b/g, 'network error') : 'aborted';
}

/** A transport failure before any HTTP status: names the base URL, never the key. */
export function networkError(node: INode, error: unknown, req: FailedRequest): NodeApiError | NodeOperationError {
	const code = findErrorCode(error);
	const what = describeNetworkFailure(error);
	const message = redact(`Cannot reach Dify at ${req.baseUrl}: ${what}`, req.secret);
	// No `code`-like key: n8n would swap our message for its generic text for ECONNREFUSED and friends.
	return new NodeApiError(node, { message, network_failure: code ?? 'unknown' } as JsonObject, {
		message,
		description: `Request: ${req.method} ${req.path}. Check the Base URL of the Dify credential and that this n8n instance can reach it.`,
		itemIndex: req.itemIndex,
	});
}

/**
 * What a catch block throws: n8n's own node errors pass through unchanged (they already carry the
 * message, hint and item), anything else is wrapped so n8n shows it as this node's error.
 */
export function asNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error as Error, { itemIndex });
}
