import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Ctx } from './http';
import { HttpError, notFound, Router, unauthorized, WERKZEUG_METHOD_NOT_ALLOWED } from './http';
import { ServerState } from './state';
import { ResponseWriter, type ResponseTap } from './writer';
import { addRule, applyPreflight, takeRule } from './misbehave';
import { generateKey, registerApp, registerAppRoutes } from './apps';
import { registerChatRoutes } from './chat';
import { registerCompletionRoutes } from './completion';
import { registerWorkflowRoutes } from './workflow';
import { registerHumanInputRoutes } from './humanInput';
import { registerFileRoutes, serveSignedFile } from './files';
import { registerUserRoutes } from './users';
import { registerAnnotationRoutes } from './annotations';
import { registerDatasetRoutes } from './datasets';
import { registerPipelineRoutes } from './pipeline';
import { registerDocumentRoutes } from './documents';
import { registerSegmentRoutes } from './segments';
import { registerKnowledgeMetaRoutes } from './knowledgeMeta';
import { registerConversationRoutes } from './conversations';
import { registerMessageRoutes } from './messages';
import { registerFeedbackRoutes } from './feedback';
import { registerAudioRoutes } from './audio';
import { multipartBoundary } from './multipart';
import { serveSample } from './samples';
import { serveScriptedModel } from './scriptedModel';
import { registerWebhook, serveWebhook, type WebhookSpec } from './webhooks';
import { admitGeneration, isGeneration, statsOf } from './concurrency';
import type { DifyServer, RecordedRequest, StartOptions, UploadLimits, WrittenResponse } from './types';

export type { ConcurrencyStats } from './concurrency';
export type { WebhookSpec } from './webhooks';
export type { DifyServer, MisbehaveRule, RecordedRequest, AppSpec, AppMode, StartOptions, WrittenResponse } from './types';

export const SERVER_VERSION = '1.14.2';

const MB = 1024 * 1024;
const DEFAULT_LIMITS: UploadLimits = {
	imageBytes: 10 * MB,
	videoBytes: 100 * MB,
	audioBytes: 50 * MB,
	fileBytes: 15 * MB,
	audioToTextBytes: 30 * MB,
};

function buildRouter(): Router {
	const router = new Router();
	registerAppRoutes(router);
	registerChatRoutes(router);
	registerCompletionRoutes(router);
	registerWorkflowRoutes(router);
	registerHumanInputRoutes(router);
	registerFileRoutes(router);
	registerUserRoutes(router);
	registerConversationRoutes(router);
	registerMessageRoutes(router);
	registerFeedbackRoutes(router);
	registerAnnotationRoutes(router);
	registerAudioRoutes(router);
	registerDatasetRoutes(router);
	registerPipelineRoutes(router);
	registerDocumentRoutes(router);
	registerSegmentRoutes(router);
	registerKnowledgeMetaRoutes(router);
	return router;
}

function authenticate(ctx: Ctx, kind: 'app' | 'knowledge'): void {
	const header = ctx.req.headers.authorization;
	if (!header || !header.includes(' ')) {
		throw unauthorized("Authorization header must be provided and start with 'Bearer'");
	}
	const space = header.indexOf(' ');
	const scheme = header.slice(0, space);
	const token = header.slice(space + 1).trim();
	if (scheme.toLowerCase() !== 'bearer') throw unauthorized("Authorization scheme must be 'Bearer'");
	if (kind === 'app') {
		const app = ctx.state.appsByKey.get(token);
		if (!app) throw unauthorized('Access token is invalid');
		ctx.app = app;
	} else if (token !== ctx.state.knowledgeKey) {
		throw unauthorized('Access token is invalid');
	}
}

function bearerToken(header: string | undefined): string | undefined {
	const space = header?.indexOf(' ') ?? -1;
	return header && space > 0 ? header.slice(space + 1).trim() : undefined;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
	return Buffer.concat(chunks);
}

function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
	const out: Record<string, string | string[]> = {};
	for (const key of new Set(params.keys())) {
		const all = params.getAll(key);
		out[key] = all.length > 1 ? all : all[0];
	}
	return out;
}

async function renderError(ctx: Ctx, err: unknown): Promise<void> {
	if (process.env.DIFY_DOUBLE_DEBUG && !(err instanceof HttpError)) process.stderr.write(`${(err as Error)?.stack ?? err}\n`);
	if (ctx.out.headersSent) {
		// Mid-stream failure: Dify's stream would just end.
		if (ctx.out.alive) await ctx.out.end();
		return;
	}
	const e =
		err instanceof HttpError ? err : new HttpError(500, 'internal_server_error', 'Internal Server Error, please contact support.');
	await ctx.out.json(e.status, { code: e.code, message: e.message, status: e.status }, e.headers);
}

async function handle(state: ServerState, router: Router, req: IncomingMessage, res: ServerResponse): Promise<void> {
	const url = new URL(req.url ?? '/', 'http://localhost');
	const method = (req.method ?? 'GET').toUpperCase();
	const isApi = url.pathname === '/v1' || url.pathname.startsWith('/v1/');
	const path = isApi ? url.pathname.slice(3) || '/' : url.pathname;
	const record: RecordedRequest = {
		method,
		path,
		query: queryRecord(url.searchParams),
		headers: req.headers,
		rawBodyLength: 0,
	};
	state.requests.push(record);
	const isMultipart = multipartBoundary(req.headers['content-type']) !== null;
	let rawBody: Buffer | null = null;
	if (!isMultipart) {
		rawBody = await readBody(req);
		record.rawBodyLength = rawBody.length;
		if (rawBody.length && /json/i.test(req.headers['content-type'] ?? '')) {
			try {
				record.json = JSON.parse(rawBody.toString('utf8'));
			} catch {
				// Recorded as raw length only; the handler answers the parse error.
			}
		}
	}
	// Misbehaviour applies to the API and to the webhook trigger routes (a proxy in front of either).
	const rule = isApi || path.startsWith('/triggers/') ? takeRule(state, method, path) : undefined;
	const written: Buffer[] = [];
	let head: { status: number; headers: WrittenResponse['headers'] } = { status: 0, headers: {} };
	const tap: ResponseTap | undefined = state.onResponse
		? {
				head: (status, headers) => {
					head = { status, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])) };
				},
				chunk: (data) => written.push(Buffer.from(data)),
			}
		: undefined;
	if (state.onResponse) {
		const report = state.onResponse;
		res.once('close', () =>
			report({
				method,
				path,
				api: isApi,
				route: record.route,
				key: bearerToken(req.headers.authorization),
				misbehaved: rule !== undefined,
				status: head.status,
				headers: head.headers,
				body: Buffer.concat(written),
			}),
		);
	}
	const ctx: Ctx = {
		req,
		res,
		out: new ResponseWriter(res, state.timers, rule, tap),
		state,
		method,
		path,
		params: {},
		query: url.searchParams,
		record,
		rawBody,
		rule,
	};
	try {
		if (!isApi) {
			if (await serveSample(ctx, path)) return;
			if (await serveScriptedModel(ctx, path)) return;
			if (path.startsWith('/triggers/')) {
				if (await applyPreflight(ctx)) return;
				if (await serveWebhook(ctx, path)) return;
			}
			const signed = /^\/files\/([0-9a-f-]{36})\/file-preview$/i.exec(path);
			if (signed && method === 'GET') return await serveSignedFile(ctx, signed[1]);
			throw notFound();
		}
		if (await applyPreflight(ctx)) return;
		if (path === '/' && method === 'GET') {
			return await ctx.out.json(200, { welcome: 'Dify OpenAPI', api_version: 'v1', server_version: SERVER_VERSION });
		}
		const match = router.match(method, path);
		if (match.kind === 'not_found') throw notFound();
		if (match.kind === 'method_not_allowed') throw new HttpError(405, 'method_not_allowed', WERKZEUG_METHOD_NOT_ALLOWED);
		ctx.params = match.params;
		record.route = `${method} ${match.route.pattern}`;
		if (match.route.auth !== 'none') authenticate(ctx, match.route.auth);
		if (ctx.app && isGeneration(method, path)) admitGeneration(ctx, ctx.app);
		await match.route.handler(ctx);
	} catch (err) {
		await renderError(ctx, err);
	} finally {
		// An unread multipart body (auth error, wrong route) must still be drained for keep-alive.
		if (isMultipart && !req.readableEnded) req.resume();
	}
}

function appByKey(state: ServerState, key: string) {
	const app = state.appsByKey.get(key);
	if (!app) throw new Error(`no app with key ${key}`);
	return app;
}

export async function startDifyServer(opts: StartOptions = {}): Promise<DifyServer> {
	const host = opts.host ?? '127.0.0.1';
	const uploadDir = mkdtempSync(join(tmpdir(), 'dify-double-'));
	const state = new ServerState(
		{ ...DEFAULT_LIMITS, ...opts.uploadLimits },
		opts.pingIntervalMs ?? 10_000,
		opts.frameDelayMs ?? 0,
		uploadDir,
	);
	state.knowledgeKey = generateKey('dataset-');
	state.onFrame = opts.onFrame;
	state.onResponse = opts.onResponse;
	const keys = {
		chat: registerApp(state, { mode: 'chat' }).key,
		agentChat: registerApp(state, { mode: 'agent-chat' }).key,
		agent: registerApp(state, { mode: 'agent' }).key,
		advancedChat: registerApp(state, { mode: 'advanced-chat' }).key,
		completion: registerApp(state, { mode: 'completion' }).key,
		workflow: registerApp(state, { mode: 'workflow' }).key,
		knowledge: state.knowledgeKey,
		chatFeaturesOff: registerApp(state, {
			mode: 'chat',
			name: 'Sandbox Chatbot (features off)',
			features: { suggestedQuestions: false, tts: false, stt: false, fileUpload: false, citations: false, annotationReply: false },
		}).key,
		...(opts.n8nKnowledge
			? { chatN8nKnowledge: registerApp(state, { mode: 'chat', name: 'Sandbox Chatbot (knowledge from n8n)', externalKnowledge: opts.n8nKnowledge }).key }
			: {}),
	};
	if (opts.webhookBodyMaxBytes !== undefined) state.webhookBodyMaxBytes = opts.webhookBodyMaxBytes;
	const workflowApp = appByKey(state, keys.workflow);
	const webhook = (spec: WebhookSpec) => registerWebhook(state, spec.appKey ? appByKey(state, spec.appKey) : workflowApp, spec).id;
	const webhooks = {
		json: webhook({ method: 'POST', contentType: 'application/json', body: [{ name: 'text', type: 'string', required: true }, { name: 'count', type: 'number' }] }),
		form: webhook({ method: 'POST', contentType: 'application/x-www-form-urlencoded', params: [{ name: 'source', type: 'string' }], body: [{ name: 'text', required: true }, { name: 'count', type: 'number' }] }),
		multipart: webhook({ method: 'POST', contentType: 'multipart/form-data', body: [{ name: 'text' }, { name: 'document', type: 'file' }], statusCode: 202, responseBody: '{"accepted": true}' }),
		text: webhook({ method: 'POST', contentType: 'text/plain', body: [{ name: 'raw', required: true }], responseBody: 'Thanks' }),
		binary: webhook({ method: 'PUT', contentType: 'application/octet-stream' }),
		get: webhook({ method: 'GET', contentType: 'application/json', params: [{ name: 'q', required: true }] }),
		header: webhook({ method: 'POST', contentType: 'application/json', headers: [{ name: 'X-Api-Source', required: true }] }),
		disabled: webhook({ enabled: false }),
	};
	const router = buildRouter();
	const server = createServer((req, res) => void handle(state, router, req, res));
	server.on('connection', (socket) => {
		state.sockets.add(socket);
		socket.on('close', () => state.sockets.delete(socket));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port ?? 0, host, () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	const hostPart = host.includes(':') ? `[${host}]` : host;
	state.baseUrl = `http://${hostPart}:${port}`;

	let closed: Promise<void> | null = null;
	return {
		url: state.baseUrl,
		apiBase: `${state.baseUrl}/v1`,
		keys,
		webhooks,
		webhookUrl: (id, debug = false) => `${state.baseUrl}/triggers/${debug ? 'webhook-debug' : 'webhook'}/${id}`,
		createWebhook: (spec) => webhook(spec),
		webhookDebugEvents: () => state.webhookDebugEvents,
		requests: state.requests,
		misbehave: (rule) => addRule(state, rule),
		reset: () => {
			state.resetRuntime();
			for (const name of readdirSync(uploadDir)) rmSync(join(uploadDir, name), { force: true });
		},
		createApp: (spec) => registerApp(state, spec).key,
		limitConcurrency: (key, maxActiveRequests) => {
			state.limitOverrides.set(appByKey(state, key).id, maxActiveRequests);
		},
		concurrency: (key) => ({ ...statsOf(state, appByKey(state, key)) }),
		routes: () => router.list(),
		runs: (key) => {
			const app = appByKey(state, key);
			return [...state.runs.values()].filter((r) => r.appId === app.id).map((r) => ({ id: r.id, taskId: r.taskId, status: r.status, inputs: r.inputs }));
		},
		close: () => {
			closed ??= new Promise<void>((resolve) => {
				state.timers.close();
				for (const stream of [...state.streams]) stream.destroy();
				for (const socket of state.sockets) socket.destroy();
				server.close(() => {
					rmSync(uploadDir, { recursive: true, force: true });
					resolve();
				});
			});
			return closed;
		},
	};
}
