/**
 * `npm start -- --queue`: its banner says which process runs where, and without Postgres or Redis it
 * prints the one command that installs them and stops (nothing started).
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

import { startBanner } from '../../scripts/lib/banner';
import { INSTALL_COMMAND } from '../../scripts/lib/queue-services';

const ROOT = resolve(__dirname, '../..');

describe('the queue-mode banner', () => {
	const banner = startBanner({
		url: 'http://127.0.0.1:5678',
		firstRun: true,
		nodes: ['difyChatbot'],
		sandboxUrl: 'http://127.0.0.1:8787',
		userFolder: '.cache/start/queue',
		queue: [
			{ name: 'main', where: 'http://127.0.0.1:5678  editor' },
			{ name: 'worker 1', where: 'pid 101' },
			{ name: 'worker 2', where: 'pid 102' },
		],
	});

	it('lists every process and where it runs, and what Ctrl-C stops', () => {
		expect(banner).toContain('Queue mode (EXECUTIONS_MODE=queue');
		expect(banner).toMatch(/ {4}main +http:\/\/127\.0\.0\.1:5678 {2}editor/);
		expect(banner).toMatch(/ {4}worker 1 +pid 101/);
		expect(banner).toMatch(/ {4}worker 2 +pid 102/);
		expect(banner).toContain('Ctrl-C stops every process above and the sandbox');
		expect(banner).not.toContain('--fresh starts over');
	});

	it('is not shown without queue mode', () => {
		expect(startBanner({ url: 'u', firstRun: false, nodes: [], sandboxUrl: 's', userFolder: 'f' })).not.toContain('Queue mode');
	});
});

describe('npm start -- --queue without Postgres and Redis', () => {
	it('prints the install command and exits with 1 before building anything', () => {
		// An empty PATH and no Debian folder to look in: neither is found.
		const empty = mkdtempSync(join(tmpdir(), 'no-services-'));
		try {
			const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'start.js'), '--queue'], {
				encoding: 'utf8',
				env: { PATH: empty, PG_BINDIR: empty, DIFY_QUEUE_PG_ROOT: empty },
				timeout: 30000,
			});
			expect(r.status).toBe(1);
			expect(r.stderr).toContain('Queue mode needs postgresql and redis-server');
			expect(r.stderr).toContain(INSTALL_COMMAND);
			expect(r.stdout).not.toContain('building the package');
		} finally {
			rmSync(empty, { recursive: true, force: true });
		}
	});
});
