import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Ctx } from './http';
import { multipartBoundary, parseMultipart, type PartSink } from './multipart';
import { createRun } from './runs';
import type { AppRuntime, ServerState, WorkflowRun } from './state';
import { DEFAULT_USER, endUserFor } from './users';

/**
 * Dify's Webhook Trigger (1.10+): `/triggers/webhook/{id}` and `/triggers/webhook-debug/{id}`, outside
 * `/v1`, no key (docs/dify-behaviour.md, 'Webhook triggers'). A call is checked against the trigger's
 * settings, answered with its configured response, and queues a run of the workflow app.
 */

export type WebhookContentType = 'application/json' | 'multipart/form-data' | 'application/x-www-form-urlencoded' | 'text/plain' | 'application/octet-stream';
export type WebhookParamType = 'string' | 'number' | 'boolean' | 'object' | 'array[string]' | 'array[number]' | 'array[boolean]' | 'array[object]' | 'file';

export interface WebhookParam {
	name: string;
	type?: WebhookParamType;
	required?: boolean;
}

export interface WebhookSpec {
	/** The workflow app the trigger belongs to (its key); the sandbox workflow app by default. */
	appKey?: string;
	method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
	contentType?: WebhookContentType;
	headers?: WebhookParam[];
	params?: WebhookParam[];
	body?: WebhookParam[];
	statusCode?: number;
	responseBody?: string;
	/** false: the trigger is switched off (or rate-limited): 404 on the published URL. */
	enabled?: boolean;
}

export interface WebhookTrigger extends Required<Omit<WebhookSpec, 'appKey'>> {
	id: string;
	appId: string;
}

/** Dify's IDs: 24 URL-safe characters (secrets.token_urlsafe(18)). */
function webhookId(): string {
	return randomBytes(18).toString('base64url').slice(0, 24);
}

export function registerWebhook(state: ServerState, app: AppRuntime, spec: WebhookSpec): WebhookTrigger {
	const trigger: WebhookTrigger = {
		id: webhookId(),
		appId: app.id,
		method: spec.method ?? 'POST',
		contentType: spec.contentType ?? 'application/json',
		headers: spec.headers ?? [],
		params: spec.params ?? [],
		body: spec.body ?? [],
		statusCode: spec.statusCode ?? 200,
		responseBody: spec.responseBody ?? '',
		enabled: spec.enabled ?? true,
	};
	state.webhooks.set(trigger.id, trigger);
	return trigger;
}

class Invalid extends Error {}

/** Werkzeug's HTML error page, as Flask renders NotFound / RequestEntityTooLarge outside the JSON APIs. */
async function werkzeugPage(ctx: Ctx, status: 404 | 413, title: string, description: string): Promise<void> {
	const escaped = description.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
	const body = Buffer.from(`<!doctype html>\n<html lang=en>\n<title>${status} ${title}</title>\n<h1>${title}</h1>\n<p>${escaped}</p>\n`);
	ctx.out.head(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': body.length });
	await ctx.out.write(body);
	await ctx.out.end();
}

interface Extracted {
	body: Record<string, unknown>;
	files: Record<string, unknown>;
}

function fileObject(filename: string, mimeType: string, size: number, sha256: string): Record<string, unknown> {
	// The shape of a Dify File's to_dict(), with the bytes' hash in `extension`-free extras for tests.
	const dot = filename.lastIndexOf('.');
	return {
		dify_model_identity: '__dify__file__',
		id: null,
		type: mimeType.startsWith('image/') ? 'image' : 'document',
		transfer_method: 'tool_file',
		related_id: randomUUID(),
		filename,
		extension: dot < 0 ? '' : filename.slice(dot),
		mime_type: mimeType,
		size,
		sha256,
	};
}

async function extract(ctx: Ctx, contentType: string): Promise<Extracted> {
	const raw = ctx.rawBody ?? Buffer.alloc(0);
	switch (contentType) {
		case 'application/json': {
			if (raw.toString('utf8').trim() === '') return { body: {}, files: {} };
			try {
				return { body: JSON.parse(raw.toString('utf8')) as Record<string, unknown>, files: {} };
			} catch (error) {
				// Dify's fallback extraction raises the same ValueError again, which its controller turns into a 404.
				throw Object.assign(new Error(`Invalid JSON body: ${(error as Error).message}`), { notFound: true });
			}
		}
		case 'application/x-www-form-urlencoded': {
			const body: Record<string, unknown> = {};
			for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) body[k] ??= v;
			return { body, files: {} };
		}
		case 'multipart/form-data': {
			const boundary = multipartBoundary(ctx.req.headers['content-type']);
			if (!boundary) return { body: {}, files: {} };
			const discard: PartSink = { write: () => undefined, end: () => undefined };
			const parsed = await parseMultipart(ctx.req, boundary, () => discard);
			ctx.record.rawBodyLength = parsed.totalBytes;
			ctx.record.multipart = { fields: parsed.fields, files: parsed.files.map(({ info: _info, ...rest }) => rest) };
			const files: Record<string, unknown> = {};
			for (const f of parsed.files) {
				// werkzeug's MultiDict.items(): the first file of a name; parts without a file name are skipped.
				if (f.filename && !(f.name in files)) files[f.name] = fileObject(f.filename, f.contentType || 'application/octet-stream', f.size, f.sha256);
			}
			return { body: { ...parsed.fields }, files };
		}
		case 'application/octet-stream':
			return {
				body: { raw: raw.length ? fileObject('', 'application/octet-stream', raw.length, createHash('sha256').update(raw).digest('hex')) : null },
				files: {},
			};
		default:
			return { body: { raw: raw.toString('utf8') }, files: {} };
	}
}

const BOOLEANS: Record<string, boolean> = { true: true, false: false, '1': true, '0': false, yes: true, no: false };

function convertForm(name: string, value: unknown, type: WebhookParamType): unknown {
	const text = String(value);
	if (type === 'string') return text;
	if (type === 'number') {
		const n = Number(text);
		if (text.trim() === '' || !Number.isFinite(n)) throw new Invalid(`Parameter '${name}' validation failed: Cannot convert '${text}' to number`);
		return n;
	}
	if (type === 'boolean') {
		const b = BOOLEANS[text.toLowerCase()];
		if (b === undefined) throw new Invalid(`Parameter '${name}' validation failed: Cannot convert '${text}' to boolean`);
		return b;
	}
	throw new Invalid(`Parameter '${name}' validation failed: Unsupported type '${type}' for form data parameter '${name}'`);
}

function jsonTypeOk(value: unknown, type: WebhookParamType): boolean {
	const itemOk = (v: unknown, t: string) => (t === 'object' ? !!v && typeof v === 'object' && !Array.isArray(v) : typeof v === t);
	if (type.startsWith('array[')) return Array.isArray(value) && value.every((v) => itemOk(v, type.slice(6, -1)));
	if (type === 'file') return true;
	return itemOk(value, type);
}

function pythonType(value: unknown): string {
	if (value === null) return 'NoneType';
	if (Array.isArray(value)) return 'list';
	if (typeof value === 'object') return 'dict';
	if (typeof value === 'string') return 'str';
	if (typeof value === 'boolean') return 'bool';
	return Number.isInteger(value) ? 'int' : 'float';
}

function checkParams(raw: Record<string, unknown>, configs: WebhookParam[], form: boolean, label: 'parameter' | 'body parameter', skipFiles: boolean): Record<string, unknown> {
	const out: Record<string, unknown> = { ...raw };
	for (const config of configs) {
		const type = config.type ?? 'string';
		if (skipFiles && type === 'file') continue;
		if (config.required && !(config.name in raw)) throw new Invalid(`Required ${label} missing: ${config.name}`);
		if (!(config.name in raw)) continue;
		const value = raw[config.name];
		if (form) out[config.name] = convertForm(config.name, value, type);
		else if (!jsonTypeOk(value, type)) {
			const label2 = type.startsWith('array[') ? `array of ${type.slice(6, -1)}s` : type;
			throw new Invalid(`Parameter '${config.name}' validation failed: Expected ${label2}, got ${pythonType(value)}`);
		}
	}
	return out;
}

/** werkzeug's header names as Dify stores them: Title-Case words. */
function titleCase(name: string): string {
	return name.split('-').map((w) => (w ? w[0].toUpperCase() + w.slice(1).toLowerCase() : w)).join('-');
}

function configuredResponse(trigger: WebhookTrigger): unknown {
	const text = trigger.responseBody;
	if (!text) return { status: 'success', message: 'Webhook processed successfully' };
	if (/^\s*[{[]/.test(text)) {
		try {
			return JSON.parse(text);
		} catch {
			return { message: text };
		}
	}
	return { message: text };
}

/** The `/triggers/webhook…` routes; false when the path is not one of them. */
export async function serveWebhook(ctx: Ctx, path: string): Promise<boolean> {
	const match = /^\/triggers\/(webhook|webhook-debug)\/([^/]+)$/.exec(path);
	if (!match) return false;
	if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].includes(ctx.method)) return false;
	const debug = match[1] === 'webhook-debug';
	const state = ctx.state;
	const trigger = state.webhooks.get(match[2]);
	if (!trigger) {
		await werkzeugPage(ctx, 404, 'Not Found', `Webhook not found: ${match[2]}`);
		return true;
	}
	if (!debug && !trigger.enabled) {
		await werkzeugPage(ctx, 404, 'Not Found', `Webhook trigger is disabled for webhook ${trigger.id}`);
		return true;
	}
	const length = Number(ctx.req.headers['content-length'] ?? 0);
	if (length > state.webhookBodyMaxBytes) {
		await werkzeugPage(ctx, 413, 'Request Entity Too Large', `Webhook request too large: ${length} bytes exceeds maximum allowed size of ${state.webhookBodyMaxBytes} bytes`);
		return true;
	}
	const contentType = (ctx.req.headers['content-type'] ?? 'application/json').toLowerCase().split(';')[0].trim();
	let extracted: Extracted;
	try {
		extracted = await extract(ctx, contentType);
	} catch (error) {
		await werkzeugPage(ctx, 404, 'Not Found', (error as Error).message);
		return true;
	}
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(ctx.req.headers)) headers[titleCase(name)] = Array.isArray(value) ? value.join(', ') : String(value);
	const query: Record<string, string> = {};
	for (const [k, v] of ctx.query) query[k] ??= v;
	let body: Record<string, unknown>;
	let params: Record<string, unknown>;
	try {
		if (trigger.method !== ctx.method) throw new Invalid(`HTTP method mismatch. Expected ${trigger.method}, got ${ctx.method}`);
		if (trigger.contentType !== contentType) throw new Invalid(`Content-type mismatch. Expected ${trigger.contentType}, got ${contentType}`);
		const lower = new Set(Object.keys(ctx.req.headers).flatMap((h) => [h, h.replace(/-/g, '_')]));
		for (const h of trigger.headers) {
			if (h.required && !lower.has(h.name.toLowerCase()) && !lower.has(h.name.toLowerCase().replace(/-/g, '_'))) throw new Invalid(`Required header missing: ${h.name}`);
		}
		params = checkParams(query, trigger.params, true, 'parameter', false);
		if (contentType === 'text/plain' || contentType === 'application/octet-stream') {
			if (trigger.body.some((b) => b.required) && !extracted.body.raw) throw new Invalid(`Required body content missing for ${contentType} request`);
			body = extracted.body;
		} else {
			if (!extracted.body || typeof extracted.body !== 'object' || Array.isArray(extracted.body)) {
				await ctx.out.json(500, { error: 'Internal server error', message: `'${pythonType(extracted.body)}' object has no attribute 'items'` });
				return true;
			}
			const form = contentType !== 'application/json';
			body = checkParams(extracted.body, trigger.body, form, 'body parameter', contentType === 'multipart/form-data');
		}
	} catch (error) {
		if (!(error instanceof Invalid)) throw error;
		await ctx.out.json(400, { error: 'Bad Request', message: error.message });
		return true;
	}
	const webhookData = { method: ctx.method, headers, query_params: params, body, files: extracted.files };
	const inputs = { webhook_data: webhookData, webhook_headers: headers, webhook_query_params: params, webhook_body: body };
	if (debug) state.webhookDebugEvents.push({ webhookId: trigger.id, inputs });
	else queueRun(state, trigger, inputs);
	await ctx.out.json(trigger.statusCode, configuredResponse(trigger));
	return true;
}

/**
 * Dify queues the run to a worker (as an end user of type "trigger", session DEFAULT-USER). Here the
 * worker is driven by the client's polling, so tests see each stage: the first log query that could
 * find the run starts it (no row yet), later queries list it (written at start) while it runs, and
 * the second read of its detail finds it finished.
 */
function queueRun(state: ServerState, trigger: WebhookTrigger, inputs: Record<string, unknown>): void {
	const app = state.apps.get(trigger.appId)!;
	const user = endUserFor(state, app, DEFAULT_USER);
	const run = createRun(state, app, user, app.publishedWorkflowIds[0], randomUUID(), inputs, null);
	run.triggeredFrom = 'webhook';
	run.endUserType = 'trigger';
	run.logsWhenFinished = false;
	run.webhookStage = 'queued';
}

/** Advances webhook runs of this app one stage per look at the logs (see queueRun). */
export function webhookRunsOnLogQuery(state: ServerState, appId: string): void {
	for (const run of state.runs.values()) {
		if (run.appId !== appId || run.webhookStage === undefined) continue;
		if (run.webhookStage === 'queued') run.webhookStage = 'picked';
		else if (run.webhookStage === 'picked') {
			run.webhookStage = 'running';
			run.hasLog = true;
			run.logCreatedAt = run.createdAt;
		}
	}
}

/** A webhook run's detail read: the second read of a running one finds it finished. */
export function webhookRunOnDetail(run: WorkflowRun): void {
	if (run.webhookStage !== 'running') return;
	run.webhookReads = (run.webhookReads ?? 0) + 1;
	if (run.webhookReads < 2) return;
	const body = (run.inputs.webhook_body ?? {}) as Record<string, unknown>;
	const text = typeof body.text === 'string' ? body.text : typeof body.raw === 'string' ? body.raw : JSON.stringify(body);
	const files = Object.keys(((run.inputs.webhook_data as Record<string, unknown>)?.files ?? {}) as object);
	run.status = body.fail === true || body.fail === 'true' ? 'failed' : 'succeeded';
	run.error = run.status === 'failed' ? 'forced failure (webhook body fail)' : null;
	run.outputs = run.status === 'failed' ? null : { result: `Processed: ${text}`, files };
	run.totalSteps = 3;
	run.finishedAt = Math.max(run.createdAt, Math.floor(Date.now() / 1000));
	run.elapsedTime = 0.25;
	run.webhookStage = 'done';
}
