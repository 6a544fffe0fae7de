/**
 * Validation against Dify's own OpenAPI description (dify-docs, documents 1.16; its structure is
 * kept in test/support/dify-openapi), a contract nobody on this project wrote. Where it disagrees with
 * Dify's server code, the server code wins: each disagreement is an explicit entry below that names the
 * heading of docs/dify-behaviour.md explaining it, applied as a schema patch so that everything else
 * is still checked. test/unit/dify-behaviour.test.ts holds every heading named here to that page.
 */
import { readFileSync } from 'fs';
import path from 'path';
import Ajv2019 from 'ajv/dist/2019';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** The structure of Dify's OpenAPI description, extracted by scripts/extract-openapi.js (CC BY 4.0, see its README). */
export const SPEC_PATH = path.resolve(__dirname, 'dify-openapi/structure.json');

type Json = Record<string, unknown>;

/** A heading of docs/dify-behaviour.md whose text describes how Dify's server differs from its OpenAPI description. */
export type BehaviourHeading = string;

interface KnownDifference {
	/** JSON pointer into the spec, before the OpenAPI → JSON Schema conversion. */
	pointer: string;
	/** Replaces the schema node at `pointer`. */
	schema: Json;
	heading: BehaviourHeading;
	why: string;
}

const MONEY = { type: ['string', 'number'] };
const STRING_OR_NULL = { type: ['string', 'null'] };

const nullableStrings = (schemaPointer: string, props: string[], heading: BehaviourHeading, why: string): KnownDifference[] =>
	props.map((p) => ({ pointer: `${schemaPointer}/properties/${p}`, schema: STRING_OR_NULL, heading, why }));

/** Fields Dify's server sends that the description does not list: added to the properties map at `properties`. */
const extraFields = (properties: string, fields: Record<string, Json>, heading: BehaviourHeading, why: string): KnownDifference[] =>
	Object.entries(fields).map(([name, schema]) => ({ pointer: `${properties}/${name}`, schema, heading, why }));

const S = '/components/schemas';
const STRING = { type: 'string' };
const ANY_OBJECT_OR_NULL = { type: ['object', 'null'] };
const ARRAY_OR_NULL = { type: ['array', 'null'] };
const NUMBER_OR_NULL = { type: ['number', 'null'] };
const BOOLEAN = { type: 'boolean' };
const STRINGS = { type: 'array', items: { type: 'string' } };

export const KNOWN_DIFFERENCES: KnownDifference[] = [
	...extraFields(`${S}/StreamEventChatMessage/allOf/2/properties`, { id: STRING, from_variable_selector: ARRAY_OR_NULL }, 'Stream events', 'message frames carry the message id and the producing variable.'),
	...extraFields(`${S}/StreamEventMessage/allOf/2/properties`, { id: STRING, from_variable_selector: ARRAY_OR_NULL }, 'Stream events', 'message frames carry the message id and the producing variable.'),
	...extraFields(`${S}/StreamEventChatAgentMessage/allOf/2/properties`, { id: STRING }, 'Stream events', 'agent_message frames carry the message id.'),
	...extraFields(`${S}/StreamEventChatAgentThought/allOf/2/properties`, { tool_labels: ANY_OBJECT_OR_NULL }, 'Stream events', 'agent_thought frames carry tool_labels.'),
	...extraFields(`${S}/StreamEventChatMessageEnd/allOf/2/properties`, { files: ARRAY_OR_NULL }, 'Stream events', 'Chat message_end frames carry the answer\'s files, as completion ones do.'),
	...extraFields(
		`${S}/StreamEventNodeStarted/allOf/2/properties/data/properties`,
		{ inputs_truncated: BOOLEAN, agent_strategy: ANY_OBJECT_OR_NULL },
		'Stream events',
		'Node events of a chatflow carry the same fields as a workflow\'s (truncation flags since 1.9, agent_strategy).',
	),
	...extraFields(`${S}/WorkflowStreamEventNodeStarted/allOf/2/properties/data/properties`, { agent_strategy: ANY_OBJECT_OR_NULL }, 'Stream events', 'node_started carries agent_strategy.'),
	...extraFields(
		`${S}/StreamEventNodeFinished/allOf/2/properties/data/properties`,
		{ inputs_truncated: BOOLEAN, process_data_truncated: BOOLEAN, outputs_truncated: BOOLEAN },
		'Stream events',
		'Node events of a chatflow carry the truncation flags (since 1.9).',
	),
	...extraFields(`${S}/StreamEventWorkflowFinished/allOf/2/properties/data/properties`, { created_by: ANY_OBJECT_OR_NULL }, 'Stream events', 'A chatflow\'s workflow_finished names who ran it, as a workflow\'s does.'),
	...extraFields(`${S}/StreamEventWorkflowPaused/allOf/2/properties`, { workflow_run_id: STRING }, 'Stream events', 'workflow_paused carries the run id beside its data, in both families.'),
	...extraFields(`${S}/Usage/properties`, { time_to_first_token: NUMBER_OR_NULL, time_to_generate: NUMBER_OR_NULL }, 'Numbers, money and timestamps', 'usage carries timing fields.'),
	...extraFields(
		`${S}/RetrieverResource/properties`,
		{ retriever_from: STRING, page: { type: ['integer', 'null'] }, title: STRING_OR_NULL, files: ARRAY_OR_NULL, doc_metadata: ANY_OBJECT_OR_NULL },
		'Chat messages',
		'Retriever resources carry more fields than described.',
	),
	...extraFields(`${S}/ChatCompletionResponse/properties/metadata/properties`, { annotation_reply: ANY_OBJECT_OR_NULL }, 'Annotations', 'An answer given from an annotation says so in metadata.annotation_reply.'),
	...extraFields(`${S}/ChatCompletionResponse/properties`, { workflow_run_id: STRING, data: { type: 'object' } }, 'Chat messages', 'A chatflow paused at a Human Input node answers blocking with the run id and the paused run.'),
	...extraFields(`${S}/WorkflowFinishedData/properties`, { paused_nodes: STRINGS, reasons: { type: 'array' } }, 'Workflow runs', 'A paused blocking run lists its paused nodes and pause reasons.'),
	...extraFields(`${S}/AppParametersResponse/properties/sensitive_word_avoidance/properties`, { type: STRING, configs: { type: 'array' } }, 'App info, parameters, meta and site', 'Moderation settings carry their type and configs.'),
	...extraFields(
		`${S}/AppParametersResponse/properties/file_upload/properties`,
		{ enabled: BOOLEAN, number_limits: { type: 'integer' }, allowed_file_types: STRINGS, allowed_file_extensions: STRINGS, allowed_file_upload_methods: STRINGS },
		'App info, parameters, meta and site',
		'file_upload describes all file types, not only images.',
	),
	...extraFields(
		'/paths/~1datasets~1{dataset_id}~1documents~1{document_id}/get/responses/200/content/application~1json/schema/properties/data_source_info/properties',
		{ upload_file_id: STRING_OR_NULL },
		'Documents',
		'data_source_info of an uploaded document names the upload file id.',
	),
	...['prompt_unit_price', 'prompt_price_unit', 'prompt_price', 'completion_unit_price', 'completion_price_unit', 'completion_price', 'total_price'].map(
		(field): KnownDifference => ({
			pointer: `/components/schemas/Usage/properties/${field}`,
			schema: MONEY,
			heading: 'Numbers, money and timestamps',
			why: 'Decimal money fields are strings in SSE but numbers in blocking JSON; the spec says string only.',
		}),
	),
	...nullableStrings(
		'/components/schemas/AppInfoResponse',
		['description', 'author_name'],
		'App info, parameters, meta and site',
		'/info sends null for an app without a description or author.',
	),
	...nullableStrings(
		'/components/schemas/WebAppSettingsResponse',
		['chat_color_theme', 'icon_type', 'description'],
		'App info, parameters, meta and site',
		'/site sends null until a theme, icon or description is set.',
	),
	{
		pointer: '/components/schemas/AppParametersResponse/properties/user_input_form/items',
		schema: { type: 'object', minProperties: 1, maxProperties: 1 },
		heading: 'Input form',
		why: 'Items are single-key objects of many more types (number, checkbox, file, file-list, json_object…) than the three the spec lists in a oneOf that open objects can never satisfy exactly once.',
	},
	{
		pointer: '/components/schemas/UserInputFormItem',
		schema: { type: 'object', minProperties: 1, maxProperties: 1 },
		heading: 'Input form',
		why: 'Same as the inline user_input_form items.',
	},
	{
		pointer: '/components/schemas/AgentThoughtItem/properties/files',
		schema: { type: 'array' },
		heading: 'Messages',
		why: 'Agent thought files in the history are file objects or ids; the spec types them as strings.',
	},
	{
		pointer: '/components/schemas/ConversationMessageItem/properties/feedback',
		schema: { type: ['object', 'null'] },
		heading: 'Messages',
		why: 'A message nobody rated has feedback null.',
	},
	...nullableStrings(
		'/components/schemas/Dataset/properties/external_knowledge_info',
		['external_knowledge_id', 'external_knowledge_api_id', 'external_knowledge_api_name', 'external_knowledge_api_endpoint'],
		'Knowledge bases',
		'Internal (vendor) knowledge bases carry an external_knowledge_info object of nulls.',
	),
	...nullableStrings(
		'/components/schemas/Dataset/properties/icon_info',
		['icon_type', 'icon', 'icon_background', 'icon_url'],
		'Knowledge bases',
		'icon_info fields are null for knowledge bases without an icon.',
	),
	...nullableStrings(
		'/components/schemas/Dataset',
		['doc_form', 'chunk_structure', 'embedding_model', 'embedding_model_provider', 'indexing_technique'],
		'Knowledge bases',
		'A knowledge base has no chunk structure until its first document, and no embedding model or indexing technique until one is chosen.',
	),
	{
		pointer: '/components/schemas/RetrieverResource/properties/summary',
		schema: STRING_OR_NULL,
		heading: 'Chat messages',
		why: 'Retriever resource fields may be null.',
	},
];

/** Statuses Dify's server answers but the spec does not list for an operation. */
export const UNDOCUMENTED_STATUSES: { method: string; path: string; status: number; heading: BehaviourHeading; why: string; json?: Json }[] = [
	{ method: '*', path: '*', status: 401, heading: 'Authentication and keys', why: 'Every authenticated route answers 401; the spec documents it only in securitySchemes.' },
	{ method: '*', path: '*', status: 415, heading: 'Request bodies', why: 'JSON routes answer 415 unsupported_media_type for a wrong Content-Type.' },
	{ method: '*', path: '*', status: 429, heading: 'Rate limits and concurrency', why: 'Any generation route can meet the concurrency limit; misbehaviour rules can answer 429 anywhere.' },
	{ method: '*', path: '*', status: 502, heading: 'Error envelope', why: 'A proxy in front of Dify answers 502 (misbehaviour rule).' },
	{ method: '*', path: '*', status: 500, heading: 'Error envelope', why: 'Uncaught errors answer 500 on any route.' },
	{ method: '*', path: '*', status: 404, heading: 'Request bodies', why: 'Malformed UUID path ids fall through to werkzeug 404 on any route.' },
	{ method: '*', path: '*', status: 400, heading: 'Error envelope', why: 'Bad JSON (400 bad_request) and ValueErrors (400 invalid_param) on any route.' },
	{ method: 'POST', path: '/text-to-audio', status: 200, heading: 'Audio', why: 'JSON null for an unknown message_id or an empty answer.', json: { type: 'null' } },
];

/** JSON answers that are not Dify's error envelope although their status is an error, by route. */
export const BARE_ERROR_BODIES: { method: string; path: string; heading: BehaviourHeading; schema: Json }[] = [
	...['POST /datasets/{dataset_id}/documents/{document_id}/segments', 'POST /datasets/{dataset_id}/documents/{document_id}/segments/{segment_id}'].map((route) => ({
		method: route.split(' ')[0],
		path: route.split(' ')[1],
		heading: 'Chunks and child chunks',
		schema: { type: 'object', required: ['error'], additionalProperties: false, properties: { error: { type: 'string' } } },
	})),
];

/**
 * Older route spellings Dify still serves (docs/dify-behaviour.md, 'Knowledge API'): validated
 * against the route they are aliases of. Keys are spec-style templates.
 */
export const ROUTE_ALIASES: Record<string, { method: string; path: string }> = {
	'POST /datasets/{dataset_id}/document/create_by_text': { method: 'POST', path: '/datasets/{dataset_id}/document/create-by-text' },
	'POST /datasets/{dataset_id}/document/create_by_file': { method: 'POST', path: '/datasets/{dataset_id}/document/create-by-file' },
	'POST /datasets/{dataset_id}/documents/{document_id}/update_by_text': { method: 'POST', path: '/datasets/{dataset_id}/documents/{document_id}/update-by-text' },
	'POST /datasets/{dataset_id}/documents/{document_id}/update_by_file': { method: 'PATCH', path: '/datasets/{dataset_id}/documents/{document_id}' },
	'POST /datasets/{dataset_id}/hit-testing': { method: 'POST', path: '/datasets/{dataset_id}/retrieve' },
};

/** Binary answers whose Content-Type the spec describes differently from Dify's server. */
export const BINARY_TYPE_DIFFERENCES: { method: string; path: string; heading: BehaviourHeading; why: string }[] = [
	{ method: 'GET', path: '/files/{file_id}/preview', heading: 'Files', why: 'The preview is sent with the stored MIME type, not application/octet-stream.' },
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

/**
 * OpenAPI 3.0 → JSON Schema (draft 2019-09): `nullable`, component refs into one registered document,
 * and closed objects. Dify's description leaves objects open, which would let a renamed field pass
 * (the old name is simply missing, the new one simply extra); here every object schema that lists
 * its properties accepts no others (`unevaluatedProperties: false`, which also sees the properties
 * of `allOf` parts). Schemas that are parts of an `allOf` stay open themselves, or the whole would
 * reject the other parts' properties. A field Dify's server sends beyond the description must be a
 * KNOWN_DIFFERENCES entry. Request bodies are checked against the open description (`RELAXED`): the
 * nodes may send fields Dify reads but does not describe (file `type`, parent-child process rules).
 */
interface Flavour {
	/** `$id` of the registered components document the `$ref`s point into. */
	doc: string;
	closed: boolean;
}

const STRICT: Flavour = { doc: 'openapi.json', closed: true };
const RELAXED: Flavour = { doc: 'openapi-open.json', closed: false };

function convert(node: unknown, flavour: Flavour, open = false): unknown {
	if (Array.isArray(node)) return node.map((item) => convert(item, flavour));
	if (!node || typeof node !== 'object') return node;
	const src = node as Json;
	const out: Json = {};
	for (const [key, value] of Object.entries(src)) {
		if (key === 'nullable' || key === 'discriminator' || key === 'example' || key === 'examples' || key === 'xml') continue;
		if (key === '$ref' && typeof value === 'string') {
			out.$ref = value.startsWith('#/') ? `${flavour.doc}${value}` : value;
		} else if ((key === 'properties' || key === 'schemas') && value && typeof value === 'object' && !Array.isArray(value)) {
			// Maps of name → schema: convert each schema, not the map itself.
			out[key] = Object.fromEntries(Object.entries(value as Json).map(([name, schema]) => [name, convert(schema, flavour, key === 'schemas' && allOfParts.has(name))]));
		} else if (key === 'allOf' && Array.isArray(value)) {
			out.allOf = value.map((part) => convert(part, flavour, true));
		} else {
			out[key] = convert(value, flavour);
		}
	}
	const describesObject = (out.properties && typeof out.properties === 'object') || Array.isArray(out.allOf);
	if (flavour.closed && !open && describesObject && out.additionalProperties === undefined && out.unevaluatedProperties === undefined) {
		out.unevaluatedProperties = false;
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

/** Component schemas used as a part of some `allOf`: they stay open (see convert). */
let allOfParts = new Set<string>();

function findAllOfParts(node: unknown, found: Set<string>): Set<string> {
	if (Array.isArray(node)) for (const item of node) findAllOfParts(item, found);
	else if (node && typeof node === 'object') {
		for (const [key, value] of Object.entries(node as Json)) {
			if (key === 'allOf' && Array.isArray(value)) {
				for (const part of value as Json[]) if (typeof part.$ref === 'string') found.add(part.$ref.split('/').pop()!);
			}
			findAllOfParts(value, found);
		}
	}
	return found;
}

interface Loaded {
	spec: Json;
	ajv: Ajv2019;
	cache: Map<string, ValidateFunction>;
}

let loaded: Loaded | undefined;

function load(): Loaded {
	if (loaded) return loaded;
	const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as Json;
	for (const diff of KNOWN_DIFFERENCES) setPointer(spec, diff.pointer, diff.schema);
	allOfParts = findAllOfParts(spec, new Set());
	const ajv = new Ajv2019({ strict: false, allErrors: true, validateSchema: false });
	addFormats(ajv);
	for (const format of ['int64', 'int32', 'double', 'float', 'decimal', 'binary', 'byte']) {
		if (!ajv.formats[format]) ajv.addFormat(format, true);
	}
	// ajv-formats' `url` rejects private hosts like 127.0.0.1, and Dify's file URLs may be relative (docs/dify-behaviour.md, 'Files').
	ajv.addFormat('url', true);
	for (const flavour of [STRICT, RELAXED]) {
		ajv.addSchema({ $id: flavour.doc, components: convert(spec.components, flavour) } as Json, undefined, undefined, false);
	}
	loaded = { spec, ajv, cache: new Map() };
	return loaded;
}

function compile(key: string, schema: unknown, flavour: Flavour = STRICT): ValidateFunction {
	const { ajv, cache } = load();
	let fn = cache.get(key);
	if (!fn) {
		fn = ajv.compile(convert(schema, flavour) as Json);
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

function templateMatches(tpl: string, concrete: string): boolean {
	const segs = tpl.split('/').filter(Boolean);
	const parts = concrete.split('/').filter(Boolean);
	return segs.length === parts.length && segs.every((s, i) => (s.startsWith('{') ? parts[i] !== '' : s === parts[i]));
}

/** The spec operation answering `method concrete`; an older spelling resolves to the route it is an alias of. */
function operation(method: string, concrete: string): { tpl: string; op: Json } | string {
	const path = concrete.split('?')[0];
	const upper = method.toUpperCase();
	let target = { method: upper, path };
	for (const [alias, canonical] of Object.entries(ROUTE_ALIASES)) {
		const [aliasMethod, aliasTpl] = alias.split(' ');
		if (aliasMethod === upper && templateMatches(aliasTpl, path)) target = canonical;
	}
	const tpl = target.path.includes('{') ? target.path : matchSpecPath(target.path);
	if (!tpl) return `no OpenAPI path matches ${path}`;
	const op = ((load().spec.paths as Json)[tpl] as Json)[target.method.toLowerCase()] as Json | undefined;
	if (!op) return `no OpenAPI operation ${target.method} ${tpl}`;
	return { tpl, op };
}

/** The spec template of the operation that answers a concrete request (aliases resolved), or undefined. */
export function specRoute(method: string, concretePath: string): string | undefined {
	const found = operation(method, concretePath);
	return typeof found === 'string' ? undefined : found.tpl;
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
		const bare = BARE_ERROR_BODIES.find((b) => b.method === method.toUpperCase() && b.path === tpl);
		if (bare && body && typeof body === 'object' && 'error' in body) {
			const bareFn = compile(`bare ${bare.method} ${bare.path}`, bare.schema);
			return bareFn(body) ? [] : format(bareFn, 'bare error');
		}
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
	if (content && !content['application/json']) {
		const undocumented = UNDOCUMENTED_STATUSES.find((u) => u.method === method.toUpperCase() && u.path === tpl && u.status === status);
		if (!undocumented?.json) return [`${method.toUpperCase()} ${tpl} ${status} is described as ${Object.keys(content).join(', ')}, not JSON`];
		const quirk = compile(`undocumented ${method} ${tpl} ${status}`, undocumented.json);
		return quirk(body) ? [] : format(quirk, `${method.toUpperCase()} ${tpl} ${status} body`);
	}
	const schema = (content?.['application/json'] as Json | undefined)?.schema;
	if (!schema) {
		if (status === 204 && body !== undefined && body !== '') return ['204 must have an empty body'];
		return [];
	}
	const fn = compile(`${method} ${tpl} ${status}`, schema);
	return fn(body) ? [] : format(fn, `${method.toUpperCase()} ${tpl} ${status} body`);
}

/**
 * Errors of an answer's Content-Type: error statuses must be Dify's JSON envelope; success statuses
 * must use a media type the spec describes for that status (or a listed difference).
 */
export function validateContentType(method: string, concretePath: string, status: number, contentType: string): string[] {
	const found = operation(method, concretePath);
	if (typeof found === 'string') return [found];
	const { tpl, op } = found;
	const base = contentType.split(';')[0].trim().toLowerCase();
	const label = `${method.toUpperCase()} ${tpl} ${status}`;
	if (status >= 400) return base === 'application/json' ? [] : [`${label} answered ${base || 'no content type'}, not Dify's JSON error envelope`];
	const raw = (op.responses as Json)[String(status)] as Json | undefined;
	if (!raw) return allowedUndocumented(method, tpl, status) ? [] : [`status ${status} is not documented for ${method.toUpperCase()} ${tpl}`];
	const content = resolveResponse(raw).content as Json | undefined;
	if (!content || content[base]) return [];
	if (base === 'application/json' && UNDOCUMENTED_STATUSES.some((u) => u.method === method.toUpperCase() && u.path === tpl && u.status === status && u.json)) return [];
	if (BINARY_TYPE_DIFFERENCES.some((d) => d.method === method.toUpperCase() && d.path === tpl)) return [];
	return [`${label} answered ${base || 'no content type'}; the spec describes ${Object.keys(content).join(', ')}`];
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
	const fn = compile(`request ${method} ${tpl}`, media.schema, RELAXED);
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

const INTEGER_OR_NULL = { type: ['integer', 'null'] };

/**
 * The events of a datasource node's stream (`POST …/pipeline/datasource/nodes/{node_id}/run`), which
 * Dify's OpenAPI description gives only as text: Dify's DatasourceStreamEvent models
 * (docs/dify-behaviour.md, 'Knowledge Pipeline runs').
 */
const DATASOURCE_EVENTS: Record<string, Json> = {
	datasource_processing: {
		type: 'object',
		required: ['event', 'total', 'completed'],
		additionalProperties: false,
		properties: { event: { enum: ['datasource_processing'] }, total: INTEGER_OR_NULL, completed: INTEGER_OR_NULL },
	},
	datasource_completed: {
		type: 'object',
		required: ['event', 'data'],
		additionalProperties: false,
		properties: { event: { enum: ['datasource_completed'] }, data: { type: ['object', 'array'] }, total: INTEGER_OR_NULL, completed: INTEGER_OR_NULL, time_consuming: NUMBER_OR_NULL },
	},
	datasource_error: {
		type: 'object',
		required: ['event', 'error'],
		additionalProperties: false,
		properties: { event: { enum: ['datasource_error'] }, error: { type: 'string' } },
	},
};

/** Errors of one data frame of a datasource node's stream. */
export function validateDatasourceEvent(frame: Json): string[] {
	const event = String(frame.event);
	const schema = DATASOURCE_EVENTS[event];
	if (!schema) return [`event "${event}" is not a datasource event`];
	const fn = compile(`datasource ${event}`, schema);
	return fn(frame) ? [] : format(fn, `datasource ${event}`);
}
