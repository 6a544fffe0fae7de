/**
 * Validation against Dify's own OpenAPI description (dify-docs, documents 1.16; its structure is
 * kept in test/support/dify-openapi), a contract nobody on this project wrote. Where it disagrees with `dify-service-api.md` (read from Dify's server
 * code), the server code wins: those disagreements are the explicit KNOWN_DIFFERENCES below, each
 * applied as a schema patch so everything else is still checked.
 */
import { readFileSync } from 'fs';
import path from 'path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** The structure of Dify's OpenAPI description, extracted by scripts/extract-openapi.js (CC BY 4.0, see its README). */
export const SPEC_PATH = path.resolve(__dirname, 'dify-openapi/structure.json');

type Json = Record<string, unknown>;

interface KnownDifference {
	/** JSON pointer into the spec, before the OpenAPI → JSON Schema conversion. */
	pointer: string;
	/** Replaces the schema node at `pointer`. */
	schema: Json;
	why: string;
}

const MONEY = { type: ['string', 'number'] };
const STRING_OR_NULL = { type: ['string', 'null'] };

const nullableStrings = (schemaPointer: string, props: string[], why: string): KnownDifference[] =>
	props.map((p) => ({ pointer: `${schemaPointer}/properties/${p}`, schema: STRING_OR_NULL, why }));

export const KNOWN_DIFFERENCES: KnownDifference[] = [
	...['prompt_unit_price', 'prompt_price_unit', 'prompt_price', 'completion_unit_price', 'completion_price_unit', 'completion_price', 'total_price'].map(
		(field): KnownDifference => ({
			pointer: `/components/schemas/Usage/properties/${field}`,
			schema: MONEY,
			why: '§1.7: Decimal money fields are strings in SSE but numbers in blocking JSON; the spec says string only.',
		}),
	),
	{
		pointer: '/components/schemas/AppInfoResponse/properties/description',
		schema: STRING_OR_NULL,
		why: '§2.17: /info description is null when the app has none.',
	},
	{
		pointer: '/components/schemas/AppInfoResponse/properties/author_name',
		schema: STRING_OR_NULL,
		why: '§2.17: author_name may be null.',
	},
	{
		pointer: '/components/schemas/WebAppSettingsResponse/properties/chat_color_theme',
		schema: STRING_OR_NULL,
		why: '§2.17: chat_color_theme is null until a theme is chosen.',
	},
	{
		pointer: '/components/schemas/WebAppSettingsResponse/properties/icon_type',
		schema: STRING_OR_NULL,
		why: '§2.17: icon_type may be null.',
	},
	{
		pointer: '/components/schemas/WebAppSettingsResponse/properties/description',
		schema: STRING_OR_NULL,
		why: 'Site description is nullable in the site model.',
	},
	{
		pointer: '/components/schemas/AppParametersResponse/properties/user_input_form/items',
		schema: { type: 'object', minProperties: 1, maxProperties: 1 },
		why: '§7.2: items are single-key objects of many more types (number, checkbox, file, file-list, json_object…) than the three the spec lists in a oneOf that open objects can never satisfy exactly once.',
	},
	{
		pointer: '/components/schemas/UserInputFormItem',
		schema: { type: 'object', minProperties: 1, maxProperties: 1 },
		why: 'Same as the inline user_input_form items.',
	},
	{
		pointer: '/components/schemas/AgentThoughtItem/properties/files',
		schema: { type: 'array' },
		why: '§2.14: agent thought files are file objects/ids; the spec types them as strings.',
	},
	{
		pointer: '/components/schemas/ConversationMessageItem/properties/feedback',
		schema: { type: ['object', 'null'] },
		why: 'Kept nullable; the spec shape is respected otherwise.',
	},
	...nullableStrings(
		'/components/schemas/Dataset/properties/external_knowledge_info',
		['external_knowledge_id', 'external_knowledge_api_id', 'external_knowledge_api_name', 'external_knowledge_api_endpoint'],
		'§4.1: internal (vendor) knowledge bases carry an external_knowledge_info object of nulls.',
	),
	...nullableStrings(
		'/components/schemas/Dataset/properties/icon_info',
		['icon_type', 'icon', 'icon_background', 'icon_url'],
		'§4.1: icon_info fields are null for knowledge bases without an icon.',
	),
	...nullableStrings(
		'/components/schemas/Dataset',
		['doc_form', 'chunk_structure', 'embedding_model', 'embedding_model_provider', 'indexing_technique'],
		'§4.1: a knowledge base has no chunk structure until its first document, and no embedding model or indexing technique until one is chosen.',
	),
	{
		pointer: '/components/schemas/RetrieverResource/properties/summary',
		schema: STRING_OR_NULL,
		why: '§2.1: retriever resource fields may be null.',
	},
];

/** Statuses the reference documents but the spec does not list for an operation. */
export const UNDOCUMENTED_STATUSES: { method: string; path: string; status: number; why: string }[] = [
	{ method: '*', path: '*', status: 401, why: '§1.2: every authenticated route answers 401; the spec documents it only in securitySchemes.' },
	{ method: '*', path: '*', status: 415, why: '§1.3: JSON routes answer 415 unsupported_media_type for a wrong Content-Type.' },
	{ method: '*', path: '*', status: 429, why: 'Misbehaviour rule / concurrency limiter: any generation route can be rate limited.' },
	{ method: '*', path: '*', status: 502, why: 'Misbehaviour rule: proxy page in front of Dify.' },
	{ method: '*', path: '*', status: 500, why: '§1.5: uncaught errors answer 500 on any route.' },
	{ method: '*', path: '*', status: 404, why: '§1.3: malformed UUID path ids fall through to werkzeug 404 on any route.' },
	{ method: '*', path: '*', status: 400, why: '§1.3/§1.5: bad JSON (400 bad_request) and ValueErrors (400 invalid_param) on any route.' },
	{ method: 'POST', path: '/files/upload', status: 413, why: 'documented' },
	{ method: 'GET', path: '/files/{file_id}/preview', status: 200, why: 'raw bytes' },
	{ method: 'POST', path: '/text-to-audio', status: 200, why: '§2.16: JSON null quirk for unknown message_id.' },
];

const ERROR_ENVELOPE: Json = {
	type: 'object',
	required: ['code', 'message', 'status'],
	properties: { code: { type: 'string' }, message: { type: 'string' }, status: { type: 'integer' } },
};

function setPointer(root: Json, pointer: string, value: Json): void {
	const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
	let node: Json = root;
	for (const part of parts.slice(0, -1)) {
		node = node[part] as Json;
		if (!node) throw new Error(`KNOWN_DIFFERENCES pointer not in spec: ${pointer}`);
	}
	node[parts[parts.length - 1]] = value;
}

/** OpenAPI 3.0 → JSON Schema: `nullable`, component refs into one registered document. */
function convert(node: unknown): unknown {
	if (Array.isArray(node)) return node.map(convert);
	if (!node || typeof node !== 'object') return node;
	const src = node as Json;
	const out: Json = {};
	for (const [key, value] of Object.entries(src)) {
		if (key === 'nullable' || key === 'discriminator' || key === 'example' || key === 'examples' || key === 'xml') continue;
		if (key === '$ref' && typeof value === 'string') {
			out.$ref = value.startsWith('#/') ? `openapi.json${value}` : value;
			continue;
		}
		// properties maps are name → schema; convert each schema, not the map itself.
		out[key] = convert(value);
	}
	if (src.nullable === true) {
		if (typeof out.type === 'string') {
			out.type = [out.type, 'null'];
			if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
		} else {
			return { anyOf: [out, { type: 'null' }] };
		}
	}
	return out;
}

interface Loaded {
	spec: Json;
	ajv: Ajv;
	cache: Map<string, ValidateFunction>;
}

let loaded: Loaded | undefined;

function load(): Loaded {
	if (loaded) return loaded;
	const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as Json;
	for (const diff of KNOWN_DIFFERENCES) setPointer(spec, diff.pointer, diff.schema);
	const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
	addFormats(ajv);
	for (const format of ['int64', 'int32', 'double', 'float', 'decimal', 'binary', 'byte']) {
		if (!ajv.formats[format]) ajv.addFormat(format, true);
	}
	// ajv-formats' `url` rejects private hosts like 127.0.0.1, and Dify's file URLs may be relative (§1.9).
	ajv.addFormat('url', true);
	ajv.addSchema({ $id: 'openapi.json', components: convert(spec.components) } as Json, undefined, undefined, false);
	loaded = { spec, ajv, cache: new Map() };
	return loaded;
}

function compile(key: string, schema: unknown): ValidateFunction {
	const { ajv, cache } = load();
	let fn = cache.get(key);
	if (!fn) {
		fn = ajv.compile(convert(schema) as Json);
		cache.set(key, fn);
	}
	return fn;
}

/** The spec path template for a concrete path; literal segments beat `{param}` segments. */
export function matchSpecPath(concrete: string): string | undefined {
	const { spec } = load();
	const parts = concrete.split('?')[0].split('/').filter(Boolean);
	let best: { tpl: string; literals: number } | undefined;
	for (const tpl of Object.keys(spec.paths as Json)) {
		const segs = tpl.split('/').filter(Boolean);
		if (segs.length !== parts.length) continue;
		let literals = 0;
		const ok = segs.every((s, i) => {
			if (s.startsWith('{')) return parts[i] !== '';
			literals += 1;
			return s === parts[i];
		});
		if (ok && (!best || literals > best.literals)) best = { tpl, literals };
	}
	return best?.tpl;
}

function operation(method: string, concrete: string): { tpl: string; op: Json } | string {
	const tpl = matchSpecPath(concrete);
	if (!tpl) return `no OpenAPI path matches ${concrete}`;
	const op = ((load().spec.paths as Json)[tpl] as Json)[method.toLowerCase()] as Json | undefined;
	if (!op) return `no OpenAPI operation ${method.toUpperCase()} ${tpl}`;
	return { tpl, op };
}

function resolveResponse(response: Json): Json {
	const ref = response.$ref;
	if (typeof ref === 'string') {
		const name = ref.split('/').pop()!;
		return ((load().spec.components as Json).responses as Json)[name] as Json;
	}
	return response;
}

function format(fn: ValidateFunction, label: string): string[] {
	return (fn.errors ?? []).map((e) => `${label}${e.instancePath || '/'} ${e.message ?? 'invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}

function allowedUndocumented(method: string, tpl: string, status: number): boolean {
	return UNDOCUMENTED_STATUSES.some(
		(u) => (u.method === '*' || u.method === method.toUpperCase()) && (u.path === '*' || u.path === tpl) && u.status === status,
	);
}

/**
 * Errors (empty = valid) of a JSON response body. Error statuses are checked against Dify's
 * `{code,message,status}` envelope, whose `status` must equal the HTTP status.
 */
export function validateResponse(method: string, concretePath: string, status: number, body: unknown): string[] {
	const found = operation(method, concretePath);
	if (typeof found === 'string') return [found];
	const { tpl, op } = found;
	const responses = op.responses as Json;
	const raw = (responses[String(status)] ?? responses.default) as Json | undefined;
	if (status >= 400 || (!raw && status !== 200 && status !== 201)) {
		if (!raw && !allowedUndocumented(method, tpl, status)) return [`status ${status} is not documented for ${method.toUpperCase()} ${tpl}`];
		const fn = compile('error-envelope', ERROR_ENVELOPE);
		const errors = fn(body) ? [] : format(fn, 'error');
		const envelope = body as { status?: unknown };
		if (envelope && typeof envelope === 'object' && envelope.status !== status) {
			errors.push(`error envelope status ${String(envelope.status)} differs from HTTP ${status}`);
		}
		return errors;
	}
	if (!raw) {
		return allowedUndocumented(method, tpl, status) ? [] : [`status ${status} is not documented for ${method.toUpperCase()} ${tpl}`];
	}
	const response = resolveResponse(raw);
	const content = response.content as Json | undefined;
	const schema = (content?.['application/json'] as Json | undefined)?.schema;
	if (!schema) {
		if (status === 204 && body !== undefined && body !== '') return ['204 must have an empty body'];
		return [];
	}
	const fn = compile(`${method} ${tpl} ${status}`, schema);
	return fn(body) ? [] : format(fn, `${method.toUpperCase()} ${tpl} ${status} body`);
}

/** Errors of a JSON request body against the operation's requestBody schema. */
export function validateRequest(method: string, concretePath: string, body: unknown): string[] {
	const found = operation(method, concretePath);
	if (typeof found === 'string') return [found];
	const { tpl, op } = found;
	const requestBody = op.requestBody as Json | undefined;
	if (!requestBody) return body === undefined ? [] : [`${method.toUpperCase()} ${tpl} takes no request body`];
	const content = requestBody.content as Json;
	const media = (content['application/json'] ?? content['multipart/form-data']) as Json | undefined;
	if (!media?.schema) return [];
	const fn = compile(`request ${method} ${tpl}`, media.schema);
	return fn(body) ? [] : format(fn, `${method.toUpperCase()} ${tpl} request`);
}

const STREAM_BASES: Record<'chat' | 'completion' | 'workflow', string> = {
	chat: 'ChunkChatEvent',
	completion: 'ChunkCompletionEvent',
	workflow: 'ChunkWorkflowEvent',
};

/** Errors of one SSE data frame, via the spec's `event` discriminator mapping of the family. */
export function validateStreamEvent(family: 'chat' | 'completion' | 'workflow', frame: Json): string[] {
	const schemas = (load().spec.components as Json).schemas as Json;
	const base = schemas[STREAM_BASES[family]] as Json;
	const mapping = ((base.discriminator as Json | undefined)?.mapping ?? {}) as Record<string, string>;
	const event = String(frame.event);
	const ref = mapping[event];
	if (!ref) return [`event "${event}" is not in the ${family} stream catalogue`];
	const fn = compile(`stream ${ref}`, { $ref: ref });
	return fn(frame) ? [] : format(fn, `${family} ${event}`);
}
