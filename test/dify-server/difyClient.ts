/**
 * Dify as a client: sends the requests Dify's server sends when it calls out to an External Knowledge
 * API or an API-based Extension, and reads the answers the way Dify's code does, reporting what Dify
 * would do with them (records, a moderation verdict, the text of an external data tool, or the error
 * Dify would raise). The tests use it as the oracle for the Dify Extension and External Knowledge
 * triggers; `cli.ts dify-calls …` runs it by hand. The Dify source each rule below comes from is
 * cited in docs/dify-behaviour.md, 'External Knowledge API (Dify calls n8n)' and 'API-based Extension (Dify calls n8n)'.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

// ---- Python's json.dumps, byte for byte where it matters -------------------------------------------

/** A number Python holds as a float (json.dumps writes 0.0, not 0). */
export class PyFloat {
	constructor(readonly value: number) {}
}

function pyString(s: string, ensureAscii: boolean): string {
	let out = '"';
	for (const ch of s) {
		const code = ch.codePointAt(0)!;
		if (ch === '"') out += '\\"';
		else if (ch === '\\') out += '\\\\';
		else if (ch === '\n') out += '\\n';
		else if (ch === '\r') out += '\\r';
		else if (ch === '\t') out += '\\t';
		else if (ch === '\b') out += '\\b';
		else if (ch === '\f') out += '\\f';
		else if (code < 0x20) out += `\\u${code.toString(16).padStart(4, '0')}`;
		else if (ensureAscii && code > 0x7e) {
			// Python escapes every non-ASCII code unit, astral characters as surrogate pairs.
			for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
		} else out += ch;
	}
	return `${out}"`;
}

function pyFloat(n: number): string {
	if (!Number.isFinite(n)) throw new Error('Python would write NaN/Infinity, which is not JSON');
	return Number.isInteger(n) ? n.toFixed(1) : String(n);
}

/**
 * `json.dumps(value)` (separators ", " and ": ", ensure_ascii) or, with `compact`, what httpx's
 * `json=` writes since 0.28 (separators "," and ":", no ASCII escaping). Key order is kept.
 */
export function pythonJson(value: unknown, compact = false): string {
	const [comma, colon] = compact ? [',', ':'] : [', ', ': '];
	const ensureAscii = !compact;
	const walk = (v: unknown): string => {
		if (v === null || v === undefined) return 'null';
		if (v instanceof PyFloat) return pyFloat(v.value);
		if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFloat(v);
		if (typeof v === 'boolean') return v ? 'true' : 'false';
		if (typeof v === 'string') return pyString(v, ensureAscii);
		if (Array.isArray(v)) return `[${v.map(walk).join(comma)}]`;
		const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
		return `{${entries.map(([k, x]) => `${pyString(k, ensureAscii)}${colon}${walk(x)}`).join(comma)}}`;
	};
	return walk(value);
}

// ---- HTTP as httpx sends it ---------------------------------------------------------------------------

export interface Attempt {
	url: string;
	status?: number;
	text?: string;
	/** Set when no answer came: a refused connection, a timeout. */
	error?: string;
}

export interface Sent {
	method: string;
	url: string;
	headers: Record<string, string>;
	body: string;
}

interface HttpAnswer {
	status: number;
	headers: IncomingHttpHeaders;
	text: string;
}

/** httpx's defaults plus what the caller adds; the User-Agent names httpx as Dify's requests do. */
function baseHeaders(): Record<string, string> {
	return { Accept: '*/*', 'Accept-Encoding': 'gzip, deflate', Connection: 'keep-alive', 'User-Agent': 'python-httpx/0.28.1' };
}

function once(sent: Sent, connectMs: number, readMs: number): Promise<HttpAnswer> {
	return new Promise((resolve, reject) => {
		const url = new URL(sent.url);
		const body = Buffer.from(sent.body, 'utf8');
		const headers: Record<string, string | number> = { ...sent.headers };
		if (sent.method !== 'GET') headers['Content-Length'] = body.length;
		const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
		const req = send(url, { method: sent.method, headers });
		let phase: 'connect' | 'read' = 'connect';
		let timer = setTimeout(() => req.destroy(new Error(`ConnectTimeout: no connection within ${connectMs} ms`)), connectMs);
		const readTimer = () => {
			clearTimeout(timer);
			timer = setTimeout(() => req.destroy(new Error(`ReadTimeout: nothing read for ${readMs} ms`)), readMs);
		};
		req.once('socket', (socket) => {
			if (!socket.connecting) {
				phase = 'read';
				readTimer();
			} else
				socket.once('connect', () => {
					phase = 'read';
					readTimer();
				});
		});
		req.once('response', (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => {
				chunks.push(c);
				readTimer();
			});
			res.once('end', () => {
				clearTimeout(timer);
				resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
			});
			res.once('error', (e) => {
				clearTimeout(timer);
				reject(e);
			});
		});
		req.once('error', (e) => {
			clearTimeout(timer);
			reject(new Error(phase === 'connect' && !/Timeout/.test(e.message) ? `ConnectError: ${e.message}` : e.message));
		});
		if (sent.method !== 'GET') req.write(body);
		req.end();
	});
}

/** httpx's redirect rules: 307/308 keep method and body, the others become a GET without body. */
async function withRedirects(sent: Sent, follow: boolean, connectMs: number, readMs: number): Promise<HttpAnswer & { url: string }> {
	let current = sent;
	for (let hop = 0; hop <= 20; hop++) {
		const answer = await once(current, connectMs, readMs);
		const location = answer.headers.location;
		if (!follow || ![301, 302, 303, 307, 308].includes(answer.status) || !location) return { ...answer, url: current.url };
		const keep = answer.status === 307 || answer.status === 308;
		current = {
			method: keep ? current.method : 'GET',
			url: new URL(location, current.url).toString(),
			headers: keep ? current.headers : Object.fromEntries(Object.entries(current.headers).filter(([k]) => !/^content-/i.test(k))),
			body: keep ? current.body : '',
		};
	}
	throw new Error('TooManyRedirects: Exceeded maximum allowed redirects.');
}

export interface ClientOptions {
	/** Dify's SSRF_DEFAULT_*_TIME_OUT for external knowledge (5 s each); the extension requestor's own 5 s / 60 s. */
	connectMs?: number;
	readMs?: number;
	/** Dify's SSRF_DEFAULT_MAX_RETRIES (3). */
	maxRetries?: number;
	/** Multiplies ssrf_proxy's back-off (0.5 s, 1 s, 2 s); tests use a small value to keep runs short. */
	backoffScale?: number;
}

const STATUS_FORCELIST = [429, 500, 502, 503, 504];

/**
 * core/helper/ssrf_proxy.make_request: answers with a status outside the force list are returned;
 * those inside it and transport errors are retried with back-off, then MaxRetriesExceededError.
 */
async function ssrfProxyRequest(
	sent: Sent,
	follow: boolean,
	opts: Required<ClientOptions>,
	attempts: Attempt[],
): Promise<{ ok: true; answer: HttpAnswer } | { ok: false; error: string }> {
	for (let retries = 0; retries <= opts.maxRetries; ) {
		try {
			const answer = await withRedirects(sent, follow, opts.connectMs, opts.readMs);
			attempts.push({ url: answer.url, status: answer.status, text: answer.text });
			if (!STATUS_FORCELIST.includes(answer.status)) return { ok: true, answer };
		} catch (e) {
			attempts.push({ url: sent.url, error: (e as Error).message });
		}
		retries += 1;
		if (retries <= opts.maxRetries) await new Promise((r) => setTimeout(r, 500 * 2 ** (retries - 1) * opts.backoffScale));
	}
	return { ok: false, error: `Reached maximum retries (${opts.maxRetries}) for URL ${sent.url}` };
}

function options(opts: ClientOptions, readMs: number): Required<ClientOptions> {
	return { connectMs: opts.connectMs ?? 5000, readMs: opts.readMs ?? readMs, maxRetries: opts.maxRetries ?? 3, backoffScale: opts.backoffScale ?? 1 };
}

/** `response.json()`: Python's parser, which refuses what JSON.parse refuses. */
function pyJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch (e) {
		return { ok: false, error: `JSONDecodeError: ${(e as Error).message}` };
	}
}

const isDict = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const pyType = (v: unknown) => (v === null ? 'NoneType' : Array.isArray(v) ? 'list' : typeof v === 'string' ? 'str' : typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'float') : typeof v === 'boolean' ? 'bool' : 'dict');

// ---- External Knowledge API ---------------------------------------------------------------------------

export interface RetrievalSettings {
	knowledgeId: string;
	query: string;
	topK: number;
	scoreThresholdEnabled?: boolean;
	scoreThreshold?: number;
	/** A MetadataCondition ({logical_operator, conditions}); Dify sends null when none is set. */
	metadataCondition?: Record<string, unknown> | null;
}

/** What Dify's retrieval builds from a record: a Document with the score and title put into its metadata. */
export interface DifyDocument {
	page_content: string;
	metadata: Record<string, unknown>;
	provider: 'external';
}

export type RetrievalOutcome =
	| { ok: true; documents: DifyDocument[]; records: unknown[]; sent: Sent; attempts: Attempt[] }
	| { ok: false; error: string; sent: Sent; attempts: Attempt[] };

/** services/external_knowledge_service.py fetch_external_knowledge_retrieval, then the Documents core/rag builds. */
export async function retrieveExternalKnowledge(endpoint: string, apiKey: string, s: RetrievalSettings, opts: ClientOptions = {}): Promise<RetrievalOutcome> {
	const headers: Record<string, string> = { ...baseHeaders(), 'Content-Type': 'application/json' };
	if (apiKey) headers.Authorization = `Bearer ${apiKey}`;
	const threshold = s.scoreThresholdEnabled ? (s.scoreThreshold ?? 0) : 0;
	const body = pythonJson({
		retrieval_setting: { top_k: s.topK, score_threshold: new PyFloat(threshold) },
		query: s.query,
		knowledge_id: s.knowledgeId,
		metadata_condition: s.metadataCondition ?? null,
	});
	const sent: Sent = { method: 'POST', url: `${endpoint}/retrieval`, headers, body };
	const attempts: Attempt[] = [];
	const result = await ssrfProxyRequest(sent, true, options(opts, 5000), attempts);
	if (!result.ok) return { ok: false, error: result.error, sent, attempts };
	// Any other status: Dify uses an empty list and says nothing.
	if (result.answer.status !== 200) return { ok: true, documents: [], records: [], sent, attempts };
	const parsed = pyJson(result.answer.text);
	if (!parsed.ok) return { ok: false, error: parsed.error, sent, attempts };
	if (!isDict(parsed.value)) return { ok: false, error: `AttributeError: '${pyType(parsed.value)}' object has no attribute 'get'`, sent, attempts };
	const records = parsed.value.records ?? [];
	if (!Array.isArray(records)) return { ok: false, error: `TypeError: records is a ${pyType(records)}, not a list`, sent, attempts };
	const documents: DifyDocument[] = [];
	for (const record of records) {
		if (!isDict(record)) return { ok: false, error: `AttributeError: '${pyType(record)}' object has no attribute 'get'`, sent, attempts };
		if (typeof record.content !== 'string') return { ok: false, error: 'ValidationError for Document: page_content: Input should be a valid string', sent, attempts };
		const metadata = record.metadata === undefined ? {} : record.metadata;
		if (!isDict(metadata)) return { ok: false, error: 'ValidationError for Document: metadata: Input should be a valid dictionary', sent, attempts };
		documents.push({ page_content: record.content, metadata: { ...metadata, score: record.score ?? null, title: record.title ?? null }, provider: 'external' });
	}
	return { ok: true, documents, records, sent, attempts };
}

/**
 * What Dify does when an External Knowledge API is saved (check_endpoint_and_api_key): an empty POST
 * to `<endpoint>/retrieval` with the key; 403, 404 and 502 refuse the save, every other answer is accepted.
 */
export async function checkExternalKnowledgeEndpoint(endpoint: string, apiKey: string, opts: ClientOptions = {}): Promise<{ ok: true; status: number } | { ok: false; error: string }> {
	const url = `${endpoint}/retrieval`;
	try {
		const answer = await once({ method: 'POST', url, headers: { ...baseHeaders(), Authorization: `Bearer ${apiKey}` }, body: '' }, opts.connectMs ?? 5000, opts.readMs ?? 5000);
		if (answer.status === 502) return { ok: false, error: `Bad Gateway: failed to connect to the endpoint: ${url}` };
		if (answer.status === 404) return { ok: false, error: `Not Found: failed to connect to the endpoint: ${url}` };
		if (answer.status === 403) return { ok: false, error: `Forbidden: Authorization failed with api_key: ${apiKey}` };
		return { ok: true, status: answer.status };
	} catch {
		return { ok: false, error: `failed to connect to the endpoint: ${url}` };
	}
}

// ---- API-based Extension ------------------------------------------------------------------------------

export type ExtensionPoint = 'ping' | 'app.external_data_tool.query' | 'app.moderation.input' | 'app.moderation.output';

export type ExtensionAnswer = { ok: true; json: Record<string, unknown>; sent: Sent; attempts: Attempt[] } | { ok: false; error: string; sent: Sent; attempts: Attempt[] };

/** core/extension/api_based_extension_requestor.py: POST {point, params}, 5 s to connect, 60 s to read. */
export async function callExtension(endpoint: string, apiKey: string, point: ExtensionPoint, params: Record<string, unknown>, opts: ClientOptions = {}): Promise<ExtensionAnswer> {
	const headers = { ...baseHeaders(), 'Content-Type': 'application/json', Authorization: `Bearer ${apiKey}` };
	const sent: Sent = { method: 'POST', url: endpoint, headers, body: pythonJson({ point, params }, true) };
	const attempts: Attempt[] = [];
	const result = await ssrfProxyRequest(sent, false, options(opts, 60000), attempts);
	if (!result.ok) return { ok: false, error: result.error, sent, attempts };
	const { status, text } = result.answer;
	if (status !== 200) return { ok: false, error: `request error, status_code: ${status}, content: ${[...text].slice(0, 100).join('')}`, sent, attempts };
	const parsed = pyJson(text);
	if (!parsed.ok) return { ok: false, error: parsed.error, sent, attempts };
	if (!isDict(parsed.value)) return { ok: false, error: `AttributeError: '${pyType(parsed.value)}' object has no attribute 'get'`, sent, attempts };
	return { ok: true, json: parsed.value, sent, attempts };
}

/** services/api_based_extension_service.py _ping_connection, run when the extension is saved. */
export async function pingExtension(endpoint: string, apiKey: string, opts: ClientOptions = {}): Promise<{ ok: true } | { ok: false; error: string }> {
	const answer = await callExtension(endpoint, apiKey, 'ping', {}, opts);
	if (!answer.ok) return { ok: false, error: `connection error: ${answer.error}` };
	if (answer.json.result !== 'pong') return { ok: false, error: `connection error: ${JSON.stringify(answer.json)}` };
	return { ok: true };
}

/** core/external_data_tool/api/api.py: the text Dify puts into the prompt variable. */
export async function queryExternalDataTool(
	endpoint: string,
	apiKey: string,
	p: { appId: string; variable: string; inputs: Record<string, unknown>; query: string | null },
	opts: ClientOptions = {},
): Promise<{ ok: true; text: string; sent: Sent } | { ok: false; error: string; sent: Sent }> {
	const answer = await callExtension(endpoint, apiKey, 'app.external_data_tool.query', { app_id: p.appId, tool_variable: p.variable, inputs: p.inputs, query: p.query }, opts);
	if (!answer.ok) return { ok: false, error: answer.error, sent: answer.sent };
	const fail = (why: string) => ({ ok: false as const, error: `[External data tool] API query failed, variable: ${p.variable}, error: ${why}`, sent: answer.sent });
	if (!('result' in answer.json)) return fail('result not found in response');
	if (typeof answer.json.result !== 'string') return fail('result is not string');
	return { ok: true, text: answer.json.result, sent: answer.sent };
}

// pydantic's lax bool: what ModerationInputsResult(**result) accepts for `flagged`.
const TRUE = ['1', 'on', 't', 'true', 'y', 'yes'];
const FALSE = ['0', 'off', 'f', 'false', 'n', 'no'];
function laxBool(v: unknown): boolean | undefined {
	if (typeof v === 'boolean') return v;
	if (v === 0 || v === 1) return v === 1;
	if (typeof v === 'string') {
		const s = v.trim().toLowerCase();
		if (TRUE.includes(s)) return true;
		if (FALSE.includes(s)) return false;
	}
	return undefined;
}

type Verdict<T> = { ok: true; flagged: boolean; action: 'direct_output' | 'overridden'; sent: Sent } & T;

/** core/moderation/base.py's result models, validated as pydantic does. */
function moderationFields(model: string, json: Record<string, unknown>, extra: Record<string, 'str' | 'dict'>): { ok: true; flagged: boolean; action: 'direct_output' | 'overridden'; fields: Record<string, unknown> } | { ok: false; error: string } {
	const errors: string[] = [];
	const flagged = json.flagged === undefined ? false : laxBool(json.flagged);
	if (flagged === undefined) errors.push('flagged: Input should be a valid boolean');
	const action = json.action;
	if (action === undefined) errors.push('action: Field required');
	else if (action !== 'direct_output' && action !== 'overridden') errors.push("action: Input should be 'direct_output' or 'overridden'");
	const fields: Record<string, unknown> = {};
	for (const [name, type] of Object.entries({ preset_response: 'str' as const, ...extra })) {
		const v = json[name];
		if (v === undefined) fields[name] = type === 'str' ? '' : {};
		else if (type === 'str' ? typeof v !== 'string' : !isDict(v)) errors.push(`${name}: Input should be a valid ${type === 'str' ? 'string' : 'dictionary'}`);
		else fields[name] = v;
	}
	if (errors.length) return { ok: false, error: `${errors.length} validation error${errors.length > 1 ? 's' : ''} for ${model}: ${errors.join('; ')}` };
	return { ok: true, flagged: flagged!, action: action as 'direct_output' | 'overridden', fields };
}

/**
 * core/moderation/api + input_moderation.py: not flagged leaves the input alone; flagged with
 * direct_output ends the message with preset_response; overridden replaces inputs and query.
 */
export async function moderateInput(
	endpoint: string,
	apiKey: string,
	p: { appId: string; inputs: Record<string, unknown>; query: string },
	opts: ClientOptions = {},
): Promise<Verdict<{ answer?: string; inputs: Record<string, unknown>; query: string }> | { ok: false; error: string; sent: Sent }> {
	const answer = await callExtension(endpoint, apiKey, 'app.moderation.input', { app_id: p.appId, inputs: p.inputs, query: p.query }, opts);
	if (!answer.ok) return { ok: false, error: answer.error, sent: answer.sent };
	const v = moderationFields('ModerationInputsResult', answer.json, { inputs: 'dict', query: 'str' });
	if (!v.ok) return { ok: false, error: v.error, sent: answer.sent };
	const base = { ok: true as const, flagged: v.flagged, action: v.action, sent: answer.sent };
	if (!v.flagged) return { ...base, inputs: p.inputs, query: p.query };
	if (v.action === 'direct_output') return { ...base, answer: v.fields.preset_response as string, inputs: p.inputs, query: p.query };
	return { ...base, inputs: v.fields.inputs as Record<string, unknown>, query: v.fields.query as string };
}

/** core/moderation/output_moderation.py: flagged replaces the answer with preset_response or text. */
export async function moderateOutput(
	endpoint: string,
	apiKey: string,
	p: { appId: string; text: string },
	opts: ClientOptions = {},
): Promise<Verdict<{ text: string }> | { ok: false; error: string; sent: Sent }> {
	const answer = await callExtension(endpoint, apiKey, 'app.moderation.output', { app_id: p.appId, text: p.text }, opts);
	if (!answer.ok) return { ok: false, error: answer.error, sent: answer.sent };
	const v = moderationFields('ModerationOutputsResult', answer.json, { text: 'str' });
	if (!v.ok) return { ok: false, error: v.error, sent: answer.sent };
	const base = { ok: true as const, flagged: v.flagged, action: v.action, sent: answer.sent };
	if (!v.flagged) return { ...base, text: p.text };
	return { ...base, text: (v.action === 'direct_output' ? v.fields.preset_response : v.fields.text) as string };
}
