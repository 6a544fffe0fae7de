import { existsSync, mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

import { ensureRuntime } from '../../scripts/n8n-runtime';
import { packPackage } from '../../scripts/lib/n8n-instance';

/**
 * Once per e2e run: the n8n runtime (installed on first use, minutes; reused afterwards) and one
 * `npm pack` of the built package that every test installs into its own n8n user folder.
 */
export default async function globalSetup(): Promise<void> {
	const line = process.env.E2E_N8N_LINE ?? '2';
	const rt = await ensureRuntime(line);
	const repo = resolve(__dirname, '..', '..');
	if (!existsSync(join(repo, 'dist', 'nodes'))) throw new Error('dist/ is missing: run "npm run build" before the e2e suite (npm run test:e2e does).');
	const { tgz } = packPackage(mkdtempSync(join(tmpdir(), 'dify-e2e-pack-')));
	process.env.DIFY_E2E_TGZ = tgz;
	process.stdout.write(`\n[e2e] n8n ${rt.n8nVersion} on Node ${rt.nodeVersion}; package ${tgz}\n`);
}
