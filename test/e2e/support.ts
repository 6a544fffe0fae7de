import { existsSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

import { findRuntime } from '../../scripts/n8n-runtime';
import type { N8nRuntime } from '../../scripts/n8n-runtime';
import { N8nInstance, freePort } from '../../scripts/lib/n8n-instance';
import { readExamples, sandboxCredentials } from '../../scripts/lib/sandbox';
import type { Example, ImportableCredential } from '../../scripts/lib/sandbox';
import type { DifyServer } from '../dify-server';

export const REPO = resolve(__dirname, '..', '..');
export const PACKAGE = 'n8n-nodes-dify-suite';

/** Which n8n line this run uses: 2 unless E2E_N8N_LINE says otherwise (CI's compatibility run uses 1). */
export const LINE = process.env.E2E_N8N_LINE ?? '2';

export function runtime(): N8nRuntime {
	const rt = findRuntime(LINE);
	if (!rt) throw new Error(`n8n line ${LINE} is not installed; the e2e global setup should have installed it`);
	return rt;
}

export function packedTarball(): string {
	const tgz = process.env.DIFY_E2E_TGZ;
	if (!tgz || !existsSync(tgz)) throw new Error('DIFY_E2E_TGZ is not set: run the e2e suite through jest.e2e.config.js');
	return tgz;
}

/** A fresh n8n user folder with the packed package installed the way n8n installs community packages. */
export async function freshInstance(label: string): Promise<{ instance: N8nInstance; cleanup: () => Promise<void> }> {
	const userFolder = mkdtempSync(join(tmpdir(), `dify-e2e-${label}-`));
	const port = await freePort();
	const brokerPort = await freePort([port]);
	const instance = new N8nInstance({ runtime: runtime(), userFolder, port, brokerPort });
	instance.installPackage(packedTarball());
	return {
		instance,
		cleanup: async () => {
			await instance.stop();
			if (!process.env.E2E_KEEP) rmSync(userFolder, { recursive: true, force: true });
		},
	};
}

// ---- what the built package offers (read from dist/, the code n8n loads) ----------------------------

interface Described {
	name: string;
	credentials?: Array<{ name: string }>;
	properties: Array<{ name: string; options?: Array<{ value?: unknown }>; displayOptions?: { show?: Record<string, unknown[]> } }>;
}

function nodeDescriptions(): Described[] {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const manifest = require(join(REPO, 'package.json')) as { n8n: { nodes: string[] } };
	return manifest.n8n.nodes.map((file) => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const mod = require(join(REPO, file)) as Record<string, new () => { description: Described }>;
		return new (Object.values(mod)[0])().description;
	});
}

let cached: Described[] | undefined;
function described(): Described[] {
	cached ??= nodeDescriptions();
	return cached;
}

/** Node type names (without the package prefix) the package registers. */
export function packageNodes(): string[] {
	return described().map((d) => d.name);
}

// ---- workflows -----------------------------------------------------------------------------------

export interface NodeSpec {
	name: string;
	type: string;
	typeVersion?: number;
	parameters?: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	onError?: 'continueRegularOutput' | 'continueErrorOutput' | 'stopWorkflow';
	webhookId?: string;
}

const MANUAL: NodeSpec = { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1 };

/** A workflow whose nodes run one after another, started by a Manual Trigger unless `trigger` is given. */
export function chain(id: string, name: string, nodes: NodeSpec[], trigger: NodeSpec = MANUAL): Record<string, unknown> {
	const all = [trigger, ...nodes];
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < all.length - 1; i++) {
		connections[all[i].name] = { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] };
	}
	return {
		id,
		name,
		nodes: all.map((n, i) => ({
			id: `${id}-${i}`,
			name: n.name,
			type: n.type,
			typeVersion: n.typeVersion ?? 1,
			position: [i * 220, 0],
			parameters: n.parameters ?? {},
			...(n.credentials ? { credentials: n.credentials } : {}),
			...(n.onError ? { onError: n.onError } : {}),
			...(n.webhookId ? { webhookId: n.webhookId } : {}),
		})),
		connections,
		settings: { executionOrder: 'v1' },
		pinData: {},
		active: false,
	};
}

export function difyNode(type: string, name: string, credential: { id: string; name: string }, parameters: Record<string, unknown>): NodeSpec {
	const credType = type === 'difyKnowledge' ? 'difyKnowledgeApi' : 'difyApi';
	return { name, type: `${PACKAGE}.${type}`, typeVersion: 1, parameters, credentials: { [credType]: credential } };
}

// ---- execution output ----------------------------------------------------------------------------

export interface Item {
	json: Record<string, any>;
	binary?: Record<string, any>;
	pairedItem?: unknown;
}

/** Items of `node`'s first output in an `n8n execute --rawOutput` result. */
export function outputOf(result: any, node: string): Item[] {
	const runs = result?.data?.resultData?.runData?.[node];
	if (!runs) throw new Error(`node "${node}" did not run; nodes that ran: ${Object.keys(result?.data?.resultData?.runData ?? {}).join(', ')}`);
	return runs[0]?.data?.main?.[0] ?? [];
}

export function errorOf(result: any): { message?: string; description?: string; node?: { name?: string } } | undefined {
	return result?.data?.resultData?.error;
}

// ---- sandbox -------------------------------------------------------------------------------------

export function credentialsFor(server: DifyServer): ImportableCredential[] {
	const webhookUrls = Object.fromEntries(Object.entries(server.webhooks).map(([name, id]) => [name, server.webhookUrl(id)]));
	return sandboxCredentials({ apiBase: server.apiBase, keys: { ...server.keys }, webhookUrls });
}

export function credentialRef(server: DifyServer, key: string): { id: string; name: string } {
	const keys: Record<string, string> = { ...server.keys };
	const c = credentialsFor(server).find((x) => x.data.apiKey === keys[key]);
	if (!c) throw new Error(`no sandbox credential for key "${key}"`);
	return { id: c.id, name: c.name };
}

/** The examples; with the sandbox's URL, their sandbox addresses point at it (as `npm start` does). */
export function examples(sandboxUrl?: string): Example[] {
	return readExamples(sandboxUrl);
}

