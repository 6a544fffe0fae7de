import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { DifyServer } from '../dify-server';
import { runNode, type RunResult } from '../harness/n8n';
import { validateResponse } from '../support/openapi';

export const rl = (value: string, mode = 'id') => ({ __rl: true, mode, value });

/** Runs the Dify Knowledge node against the test server with the Knowledge key (or `key`). */
export async function knowledge(
	server: DifyServer,
	parameters: IDataObject,
	options: { key?: string; items?: INodeExecutionData[]; continueOnFail?: boolean; baseUrl?: string } = {},
): Promise<RunResult> {
	return await runNode({
		type: 'dify.difyKnowledge',
		parameters,
		items: options.items,
		continueOnFail: options.continueOnFail,
		credentials: { difyKnowledgeApi: { baseUrl: options.baseUrl ?? server.apiBase, apiKey: options.key ?? server.keys.knowledge } },
	});
}

/** Talks to the test server directly with the Knowledge key (setting up state), checking each answer against Dify's OpenAPI. */
export async function kb(server: DifyServer, method: string, path: string, body?: IDataObject): Promise<any> {
	const response = await fetch(`${server.apiBase}${path}`, {
		method,
		headers: { Authorization: `Bearer ${server.keys.knowledge}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
		body: body ? JSON.stringify(body) : undefined,
	});
	const text = await response.text();
	const json = text ? JSON.parse(text) : undefined;
	expect(validateResponse(method, path, response.status, json)).toEqual([]);
	if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${text}`);
	return json;
}

export async function newDataset(server: DifyServer, name: string, extra: IDataObject = {}): Promise<string> {
	return (await kb(server, 'POST', '/datasets', { name, indexing_technique: 'high_quality', ...extra })).id;
}

/** Adds a text document and polls its batch until Dify says it is indexed. */
export async function indexedDocument(server: DifyServer, datasetId: string, name: string, text: string): Promise<{ id: string; batch: string }> {
	const created = await kb(server, 'POST', `/datasets/${datasetId}/document/create-by-text`, { name, text, indexing_technique: 'high_quality' });
	for (let poll = 0; poll < 5; poll++) {
		const status = await kb(server, 'GET', `/datasets/${datasetId}/documents/${created.batch}/indexing-status`);
		if (status.data[0].indexing_status === 'completed') break;
	}
	return { id: created.document.id, batch: created.batch };
}

/** The requests the node sent to a path (the test server records every request). */
export function sent(server: DifyServer, method: string, path: string | RegExp) {
	return server.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
}
