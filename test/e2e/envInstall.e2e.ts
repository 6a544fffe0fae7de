/**
 * The package installed the way the README's "Scaling: queue mode" tells users to install it without
 * the editor: n8n 2.21+'s environment variables (N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV,
 * N8N_COMMUNITY_PACKAGES, N8N_UNVERIFIED_PACKAGES_ENABLED), on every process of a queue-mode cluster
 * whose user folders start with no community packages at all. n8n downloads it from
 * registry.npmjs.org itself (its own registry check, then `npm pack` and `npm install`); this test
 * points HTTPS_PROXY at a stand-in for the registry (./registryProxy) that serves this checkout's
 * packed tarball, so nothing inside n8n is replaced and no license is involved.
 *
 * Order, as it happens in a real deployment: one worker is already running when the main instance
 * starts and installs the package from the environment (the worker learns of it through Redis and
 * installs it too); a second worker starts afterwards and installs it from the database's record
 * (N8N_REINSTALL_MISSING_PACKAGES). Then a workflow with a Dify node runs on both workers.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { startDifyServer, type DifyServer } from '../dify-server';
import { QueueCluster } from '../../scripts/lib/n8n-queue';
import { request, type HttpResult, type N8nInstance } from '../../scripts/lib/n8n-instance';
import { REGISTRY_HOST, startRegistryProxy, type RegistryProxy } from './registryProxy';
import { PACKAGE, chain, credentialRef, credentialsFor, difyNode, packageNodes, packedTarball, runtime } from './support';

jest.setTimeout(600_000);

let server: DifyServer;
let registry: RegistryProxy;
let cluster: QueueCluster;
let baseDir: string;
let cookie = '';
const timings: Record<string, number> = {};

const WORKFLOW_ID = 'e2eEnvInstallAsk';
const WEBHOOK_PATH = 'env-install-ask';

/** What the README tells users to set on every process (the version is this checkout's). */
function packagesEnv(version: string): Record<string, string> {
	return {
		N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV: 'true',
		N8N_COMMUNITY_PACKAGES: JSON.stringify([{ name: PACKAGE, version }]),
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		// A process that starts after the main instance installed it (a new worker, a new container)
		// installs what the database lists; without this n8n only warns that the package is missing.
		N8N_REINSTALL_MISSING_PACKAGES: 'true',
	};
}

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
	const started = Date.now();
	try {
		return await work();
	} finally {
		timings[label] = Date.now() - started;
	}
}

async function waitFor<T>(what: string, check: () => T | undefined, ms: number): Promise<T> {
	const deadline = Date.now() + ms;
	for (;;) {
		const value = check();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${ms / 1000} s`);
		await new Promise((res) => setTimeout(res, 500));
	}
}

const logOf = (p: N8nInstance) => (p.pastLogs || '') + p.serverLog;

/** The package as n8n left it in a process's user folder. */
function installedManifest(p: N8nInstance): Record<string, any> | undefined {
	const file = join(p.userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE, 'package.json');
	return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>) : undefined;
}

/** Asks the published workflow; right after a start n8n may still be registering its webhook (404). */
async function ask(question: string, user: string): Promise<HttpResult> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		const r = await request(`${cluster.main.url}/webhook/${WEBHOOK_PATH}`, { method: 'POST', body: { question, user }, timeoutMs: 120_000 });
		if (r.status !== 404 || Date.now() > deadline) return r;
		await new Promise((res) => setTimeout(res, 500));
	}
}

beforeAll(async () => {
	const started = Date.now();
	server = await startDifyServer();
	registry = await startRegistryProxy(packedTarball());
	baseDir = mkdtempSync(join(tmpdir(), 'dify-e2e-envinstall-'));
	cluster = new QueueCluster({
		runtime: runtime(),
		baseDir,
		workers: 2,
		webhook: false,
		// One execution at a time per worker, so concurrent runs have to use both.
		concurrency: 1,
		env: packagesEnv(registry.version),
		// Each process its own npm cache, as on separate machines: every install downloads the tarball.
		processEnv: (name) => registry.env(join(baseDir, 'npm-cache', name)),
	});
	await cluster.prepare();
	const [early, late] = cluster.workers;
	for (const p of cluster.processes()) expect(existsSync(join(p.userFolder, '.n8n', 'nodes', 'node_modules'))).toBe(false);

	const chat = credentialRef(server, 'chat');
	const ask = chain(
		WORKFLOW_ID,
		'env install: ask Dify from a worker',
		[difyNode('difyChatbot', 'Dify', chat, { resource: 'message', operation: 'send', query: '={{ $json.body.question }}', user: '={{ $json.body.user }}', inputs: '{}', responseMode: 'blocking', options: {} })],
		{
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2.1,
			webhookId: '0e2e0b10-0c4d-4e5f-8a9b-e0e1a5ca11ed',
			parameters: { httpMethod: 'POST', path: WEBHOOK_PATH, responseMode: 'lastNode', options: {} },
		},
	);
	await cluster.main.importCredentials(credentialsFor(server));
	await cluster.main.importWorkflows([ask]);

	await timed('first worker start', () => early.start({ timeoutMs: 180_000 }));
	await timed('main start (installs from env)', () => cluster.main.start({ timeoutMs: 180_000 }));
	await timed('first worker installs after the main told it', () =>
		waitFor('the running worker to install the package', () => (logOf(early).includes(`Community package installed: ${PACKAGE}`) ? true : undefined), 180_000),
	);
	await timed('second worker start (reinstalls from the database)', () => late.start({ timeoutMs: 180_000 }));
	cookie = await cluster.main.login();
	await cluster.main.publishLive(WORKFLOW_ID, cookie);
	timings['setup in total'] = Date.now() - started;
}, 600_000);

afterAll(async () => {
	// eslint-disable-next-line no-console
	console.log(`[env-install] timings (ms): ${JSON.stringify(timings)}\n[env-install] proxy log:\n${(registry?.log ?? []).map((e) => `  ${e.status} ${e.method} ${e.host}${e.method === 'CONNECT' ? '' : ` ${e.path}`} (${e.userAgent ?? '-'})`).join('\n')}`);
	await cluster?.stop();
	await registry?.close();
	await server?.close();
	if (baseDir && !process.env.E2E_KEEP) rmSync(baseDir, { recursive: true, force: true });
});

test('the main instance installs the package from N8N_COMMUNITY_PACKAGES at startup and lists its nodes', async () => {
	expect(logOf(cluster.main)).toContain(`Installed community package '${PACKAGE}@${registry.version}' from env`);
	const r = await cluster.main.request('/rest/community-packages', { headers: { cookie } });
	expect(r.status).toBe(200);
	const listed = (r.json as { data: Array<{ packageName: string; installedVersion: string; failedLoading?: boolean; installedNodes: Array<{ type: string }> }> }).data;
	expect(listed.map((p) => p.packageName)).toEqual([PACKAGE]);
	expect(listed[0].installedVersion).toBe(registry.version);
	expect(listed[0].failedLoading).toBeFalsy();
	expect(listed[0].installedNodes.map((n) => n.type).sort()).toEqual(packageNodes().map((n) => `${PACKAGE}.${n}`).sort());
	// What the editor asks when it opens a workflow: the main instance describes each of the package's nodes.
	const nodeInfos = packageNodes().map((n) => ({ name: `${PACKAGE}.${n}`, version: 1 }));
	const types = await cluster.main.request('/rest/node-types', { method: 'POST', headers: { cookie }, body: { nodeInfos } });
	expect(types.status).toBe(200);
	// (n8n throws for a type it does not know; the descriptions carry the names without the package prefix.)
	expect((types.json as { data: Array<{ name: string }> }).data.map((d) => d.name)).toEqual(packageNodes());
});

test('a worker running at that moment installs it when the main instance tells it; a worker started later installs it from the database', () => {
	const [early, late] = cluster.workers;
	// The running worker: through Redis ("community-package-install"), not at its own startup.
	expect(logOf(early)).not.toContain('Attempting to reinstall missing packages');
	expect(logOf(early)).toContain(`Community package installed: ${PACKAGE}`);
	// The later one: at startup, from the package the main instance recorded in Postgres.
	expect(logOf(late)).toContain('Attempting to reinstall missing packages');
	expect(logOf(late)).toContain(`Community package installed: ${PACKAGE}`);
	for (const p of cluster.processes()) {
		const manifest = installedManifest(p);
		expect(manifest?.version).toBe(registry.version);
		// n8n drops these so that n8n-workflow resolves to its own copy.
		expect(manifest?.peerDependencies).toBeUndefined();
		expect(existsSync(join(p.userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE, 'dist', 'nodes', 'DifyChatbot', 'DifyChatbot.node.js'))).toBe(true);
		expect(logOf(p)).not.toMatch(/Failed to (re)?install community package/);
	}
});

test('every process downloaded it through the proxy from the stand-in registry, and the install needed nothing else', () => {
	const fromRegistry = registry.log.filter((e) => e.host === REGISTRY_HOST && e.method !== 'CONNECT');
	const tarballPath = new URL(registry.tarballUrl).pathname;
	// One download per process: main, the worker told through Redis, the worker that started later.
	expect(fromRegistry.filter((e) => e.path === tarballPath && e.status === 200)).toHaveLength(3);
	// n8n's own check that the version exists (before it runs npm), through the same proxy.
	expect(fromRegistry.filter((e) => e.path === `/${PACKAGE}/${registry.version}` && e.status === 200).length).toBeGreaterThanOrEqual(3);
	// Nothing but this package was asked for: it has no dependencies to fetch.
	expect(fromRegistry.filter((e) => e.status !== 200)).toEqual([]);
	expect(fromRegistry.every((e) => e.path.startsWith(`/${PACKAGE}`))).toBe(true);
	// The only other hosts n8n tried are its own services (the vetted-package list and the package
	// status check); refused, as on a network that reaches only the npm registry, they do not stop the install.
	const refused = new Set(registry.log.filter((e) => e.status === 403).map((e) => `${e.method} ${e.host}`));
	expect([...refused].filter((r) => !/^CONNECT api(-staging)?\.n8n\.io$/.test(r))).toEqual([]);
});

test('a workflow with a Dify node runs on both workers against the sandbox', async () => {
	// Each worker takes one execution at a time; with Dify answering in 1 s, six concurrent runs spread.
	server.misbehave({ path: '/chat-messages', delayMs: 1000, times: 6 });
	const mark = cluster.main.serverLog.length;
	const answers = await Promise.all(
		Array.from({ length: 6 }, (_, i) => ask(`env install ${i}`, `env-user-${i}`)),
	);
	answers.forEach((a, i) => {
		expect(a.status).toBe(200);
		expect(a.json).toMatchObject({ answer: `Echo: env install ${i}` });
	});
	expect(server.requests.filter((q) => q.path === '/chat-messages')).toHaveLength(6);
	const jobs = await waitFor('6 finished jobs', () => {
		const seen = cluster.finishedJobs(mark);
		return seen.length >= 6 ? seen : undefined;
	}, 60_000);
	expect(jobs.every((j) => j.success === true)).toBe(true);
	for (const worker of cluster.workers) {
		const ran = jobs.filter((j) => cluster.workerThatStarted(j.executionId) === worker);
		expect(ran.length).toBeGreaterThan(0);
		for (const j of ran) expect(cluster.hostIdsOf(worker)).toContain(j.workerId);
	}
});

test('a main instance that comes back with an empty user folder (a new container) installs it again from the database', async () => {
	const main = cluster.main;
	await main.stop();
	rmSync(join(main.userFolder, '.n8n', 'nodes'), { recursive: true, force: true });
	const downloads = () => registry.log.filter((e) => e.path === new URL(registry.tarballUrl).pathname && e.status === 200).length;
	const before = downloads();
	await timed('main restart with an empty nodes folder', () => main.start({ timeoutMs: 180_000 }));
	// N8N_COMMUNITY_PACKAGES alone would not do it: n8n compares it with the database, which already lists the package.
	expect(main.serverLog).toContain('Attempting to reinstall missing packages');
	expect(main.serverLog).toContain(`Community package installed: ${PACKAGE}`);
	expect(installedManifest(main)?.version).toBe(registry.version);
	expect(downloads()).toBe(before + 1);
	cookie = await main.login();
	const r = await main.request('/rest/community-packages', { headers: { cookie } });
	const listed = (r.json as { data: Array<{ packageName: string; failedLoading?: boolean }> }).data;
	expect(listed).toEqual([expect.objectContaining({ packageName: PACKAGE, failedLoading: false })]);
	const answer = await ask('after the restart', 'env-user-restart');
	expect(answer.status).toBe(200);
	expect(answer.json).toMatchObject({ answer: 'Echo: after the restart' });
});
