import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { startDifyServer, type DifyServer, type StartOptions } from '../dify-server';
import { runNode, type RunOptions, type RunResult } from '../harness/n8n';
import { validateRequest } from '../support/openapi';

/** Starts one Dify test server for a test file and resets its state between tests. */
export function useDifyServer(options: StartOptions = {}): () => DifyServer {
	let server: DifyServer | undefined;
	beforeAll(async () => {
		server = await startDifyServer({ pingIntervalMs: 20, ...options });
	});
	afterEach(() => {
		// Every JSON body our transport sent must satisfy Dify's own OpenAPI description.
		// Dify's OpenAPI description covers the Service API, not the webhook trigger routes.
		const problems = (server?.requests ?? [])
			.filter((r) => r.json !== undefined && !r.path.startsWith('/triggers/'))
			.flatMap((r) => validateRequest(r.method, r.path, r.json).map((p) => `${r.method} ${r.path}: ${p}`));
		server?.reset();
		expect(problems).toEqual([]);
	});
	afterAll(async () => await server?.close());
	return () => {
		if (!server) throw new Error('server not started');
		return server;
	};
}

export const rl = (value: string) => ({ __rl: true, mode: 'id', value });

export interface NodeCall extends Partial<RunOptions> {
	key: string;
	parameters: IDataObject;
	baseUrl?: string;
	items?: INodeExecutionData[];
}

/** Runs a Dify node (Chatbot unless `type` says otherwise) against the server with an app key. */
export async function callNode(server: DifyServer, call: NodeCall): Promise<RunResult> {
	return await runNode({
		...call,
		type: call.type ?? 'dify.difyChatbot',
		credentials: { difyApi: { baseUrl: call.baseUrl ?? server.apiBase, apiKey: call.key } },
	});
}

export function sendParams(query: string, extra: IDataObject = {}): IDataObject {
	return {
		resource: 'message',
		operation: 'send',
		query,
		user: 'tester',
		conversationId: rl(''),
		inputs: '{}',
		responseMode: 'streaming',
		...extra,
	};
}

/** Asserts the run failed and returns the error, for readable expectations. */
export function failure(result: RunResult): NonNullable<RunResult['error']> {
	if (!result.error) throw new Error(`expected a failure, got ${JSON.stringify(result.items)}`);
	return result.error;
}

/** Talks to the test server directly (not through the node), to set up state quickly. */
export async function difyPost(server: DifyServer, key: string, path: string, body: IDataObject): Promise<IDataObject> {
	const response = await fetch(`${server.apiBase}${path}`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
		body: JSON.stringify(body),
	});
	const text = await response.text();
	if (response.status >= 400) throw new Error(`${path}: ${response.status} ${text}`);
	return text ? (JSON.parse(text) as IDataObject) : {};
}

/** Sends `count` blocking chat turns as `user`, each in a new conversation or all in one. */
export async function seedTurns(server: DifyServer, key: string, user: string, count: number, oneConversation = false): Promise<IDataObject[]> {
	const out: IDataObject[] = [];
	let conversation = '';
	for (let k = 0; k < count; k++) {
		const answer = await difyPost(server, key, '/chat-messages', { query: `turn ${k}`, inputs: {}, user, response_mode: 'blocking', conversation_id: conversation });
		out.push(answer);
		if (oneConversation) conversation = answer.conversation_id as string;
	}
	return out;
}
