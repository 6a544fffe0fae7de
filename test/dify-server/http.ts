import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MisbehaveRule, RecordedRequest } from './types';
import type { AppRuntime, ServerState } from './state';
import type { ResponseWriter } from './writer';

/** Werkzeug's stock texts: Dify passes them through unchanged, clients match on them. */
export const WERKZEUG_NOT_FOUND =
	'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.';
export const WERKZEUG_METHOD_NOT_ALLOWED = 'The method is not allowed for the requested URL.';
export const JSON_CONTENT_TYPE_MESSAGE =
	"Did not attempt to load JSON data because the request Content-Type was not 'application/json'.";
export const JSON_EMPTY_MESSAGE = 'Invalid JSON payload received or JSON payload is empty.';

/** Thrown anywhere in a handler; rendered as Dify's `{code,message,status}` envelope. */
export class HttpError extends Error {
	constructor(
		public readonly status: number,
		public readonly code: string,
		message: string,
		public readonly headers: Record<string, string> = {},
	) {
		super(message);
	}
}

export const invalidParam = (message: string) => new HttpError(400, 'invalid_param', message);
export const badRequest = (message: string) => new HttpError(400, 'bad_request', message);
export const notFound = (message = WERKZEUG_NOT_FOUND) => new HttpError(404, 'not_found', message);
export const notChatApp = () =>
	new HttpError(400, 'not_chat_app', 'Please check if your app mode matches the right API route.');
export const notWorkflowApp = () =>
	new HttpError(400, 'not_workflow_app', 'Please check if your app mode matches the right API route.');
export const appUnavailable = () =>
	new HttpError(400, 'app_unavailable', 'App unavailable, please check your app configurations.');
export const unauthorized = (message: string) =>
	new HttpError(401, 'unauthorized', message, { 'WWW-Authenticate': 'Bearer realm="api"' });

export type AuthKind = 'app' | 'knowledge' | 'none';

export interface Ctx {
	req: IncomingMessage;
	res: ServerResponse;
	out: ResponseWriter;
	state: ServerState;
	method: string;
	/** Path relative to /v1. */
	path: string;
	params: Record<string, string>;
	query: URLSearchParams;
	record: RecordedRequest;
	/** Buffered body for every non-multipart request (multipart stays a stream for the upload parser). */
	rawBody: Buffer | null;
	rule: MisbehaveRule | undefined;
	/** Set by app-key auth. */
	app?: AppRuntime;
}

export type Handler = (ctx: Ctx) => Promise<void> | void;

interface Route {
	method: string;
	/** As registered, e.g. `/conversations/{conversation_id:uuid}`. */
	pattern: string;
	segments: string[];
	auth: AuthKind;
	handler: Handler;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID_RE.test(value);

export type RouteMatch =
	| { kind: 'found'; route: Route; params: Record<string, string> }
	| { kind: 'method_not_allowed' }
	| { kind: 'not_found' };

/**
 * Flask-style routing: `{name}` is a string segment, `{name:uuid}` only matches a UUID, so a
 * malformed id falls through to werkzeug's generic 404 exactly like Dify's `<uuid:…>` converters.
 */
export class Router {
	private readonly routes: Route[] = [];

	add(method: string, pattern: string, auth: AuthKind, handler: Handler): void {
		this.routes.push({ method, pattern, segments: pattern.split('/').filter(Boolean), auth, handler });
	}

	/** Every route served, in registration order. */
	list(): { method: string; pattern: string; auth: AuthKind }[] {
		return this.routes.map(({ method, pattern, auth }) => ({ method, pattern, auth }));
	}

	match(method: string, path: string): RouteMatch {
		const parts = path.split('/').filter(Boolean).map(safeDecode);
		let pathMatched = false;
		for (const route of this.routes) {
			const params = matchSegments(route.segments, parts);
			if (!params) continue;
			if (route.method === method) return { kind: 'found', route, params };
			pathMatched = true;
		}
		return pathMatched ? { kind: 'method_not_allowed' } : { kind: 'not_found' };
	}
}

function safeDecode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | null {
	if (pattern.length !== parts.length) return null;
	const params: Record<string, string> = {};
	for (let i = 0; i < pattern.length; i++) {
		const seg = pattern[i];
		const part = parts[i];
		if (seg.startsWith('{')) {
			const [name, converter] = seg.slice(1, -1).split(':');
			if (converter === 'uuid' && !isUuid(part)) return null;
			params[name] = part;
		} else if (seg !== part) {
			return null;
		}
	}
	return params;
}

/** Flask's `request.get_json()` as Dify's decorators call it: 415 for a wrong type, 400 for bad JSON. */
export function readJsonObject(ctx: Ctx): Record<string, unknown> {
	const type = (ctx.req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	const isJson = type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
	if (!isJson) throw new HttpError(415, 'unsupported_media_type', JSON_CONTENT_TYPE_MESSAGE);
	const text = ctx.rawBody?.toString('utf8') ?? '';
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw badRequest(JSON_EMPTY_MESSAGE);
	}
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw badRequest(JSON_EMPTY_MESSAGE);
	}
	return parsed as Record<string, unknown>;
}

/** Pydantic's ValueError text, which Dify forwards verbatim as `invalid_param`. */
export function pydanticError(model: string, field: string, detail: string, type: string, input: unknown): HttpError {
	const shown = input === undefined ? '{...}' : JSON.stringify(input);
	return invalidParam(`1 validation error for ${model}\n${field}\n  ${detail} [type=${type}, input_value=${shown}]`);
}

export function queryInt(
	ctx: Ctx,
	name: string,
	fallback: number,
	min: number,
	max: number,
): number {
	const raw = ctx.query.get(name);
	if (raw === null || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value)) {
		throw invalidParam(`${name}: invalid literal for int() with base 10: '${raw}'`);
	}
	if (value < min || value > max) {
		throw invalidParam(`${name}: Input should be ${value < min ? 'greater' : 'less'} than or equal to ${value < min ? min : max}`);
	}
	return value;
}

export function queryBool(ctx: Ctx, name: string): boolean {
	const raw = (ctx.query.get(name) ?? '').toLowerCase();
	return raw === 'true' || raw === '1' || raw === 'yes' || raw === 'on';
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
