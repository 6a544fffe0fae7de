/**
 * `npm start -- --queue` as a user runs it: the sandbox, Postgres, Redis, n8n main and two workers come
 * up, the banner says where each runs, the editor answers, and Ctrl-C (SIGINT) ends every process the
 * command started — none is left behind, and the ports are free again.
 */
import { spawn, type ChildProcess } from 'child_process';
import { readdirSync, readFileSync } from 'fs';
import { createServer } from 'net';
import { join } from 'path';

import { REPO } from './support';

jest.setTimeout(600000);

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = createServer();
		s.once('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address() as { port: number };
			s.close(() => resolve(port));
		});
	});
}

/** Every living descendant of `root`, read from /proc (detached children keep their parent). */
function descendants(root: number): Map<number, string> {
	const parent = new Map<number, number>();
	const command = new Map<number, string>();
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		try {
			const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
			// The command name is in parentheses and may hold spaces; the parent pid is the 2nd field after it.
			const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (after[0] === 'Z') continue;
			parent.set(Number(name), Number(after[1]));
			command.set(Number(name), readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim());
		} catch {
			/* the process ended while we read */
		}
	}
	const found = new Map<number, string>();
	const queue = [root];
	while (queue.length) {
		const pid = queue.shift() as number;
		for (const [child, p] of parent) {
			if (p === pid && !found.has(child)) {
				found.set(child, command.get(child) ?? '');
				queue.push(child);
			}
		}
	}
	return found;
}

function alive(pid: number): boolean {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
	} catch {
		return false;
	}
}

function portOpen(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const s = createServer();
		s.once('error', () => resolve(true));
		s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
	});
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 250));
	}
}

let start: ChildProcess | undefined;

afterAll(async () => {
	if (start?.pid && alive(start.pid)) {
		for (const pid of descendants(start.pid).keys()) {
			try {
				process.kill(pid, 'SIGKILL');
			} catch {
				/* gone */
			}
		}
		start.kill('SIGKILL');
	}
});

test('npm start -- --queue comes up with main and two workers, and Ctrl-C stops every process it started', async () => {
	const n8nPort = await freePort();
	const sandboxPort = await freePort();
	let out = '';
	// The suite has built the package already; --no-build keeps this run from rebuilding it.
	start = spawn(process.execPath, [join(REPO, 'scripts', 'start.js'), '--queue', '--no-build', `--sandbox-port=${sandboxPort}`], {
		cwd: REPO,
		env: { ...process.env, N8N_PORT: String(n8nPort) },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const exited = new Promise<number | null>((resolve) => start?.once('exit', (code) => resolve(code)));
	start.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
	start.stderr?.on('data', (d: Buffer) => (out += d.toString('utf8')));

	await until('the queue-mode banner', () => /worker 2 +pid \d+/.test(out) || start?.exitCode !== null, 480000).catch((e) => {
		throw new Error(`${(e as Error).message}; output so far:\n${out.slice(-3000)}`);
	});
	if (start.exitCode !== null) throw new Error(`npm start -- --queue exited with ${start.exitCode}:\n${out.slice(-3000)}`);

	expect(out).toContain('Queue mode (EXECUTIONS_MODE=queue');
	expect(out).toMatch(new RegExp(`main +http://127\\.0\\.0\\.1:${n8nPort}`));
	const workerPids = [...out.matchAll(/worker \d +pid (\d+)/g)].map((m) => Number(m[1]));
	expect(workerPids).toHaveLength(2);

	const started = descendants(start.pid as number);
	const commands = [...started.values()];
	// Both workers are processes of this command, beside Postgres, Redis and the sandbox.
	for (const pid of workerPids) expect(started.has(pid)).toBe(true);
	expect(commands.some((c) => /(^|\/)postgres( |$)/.test(c))).toBe(true);
	expect(commands.some((c) => c.includes('redis-server'))).toBe(true);
	const health = await fetch(`http://127.0.0.1:${n8nPort}/healthz`);
	expect(health.status).toBe(200);
	expect(await portOpen(sandboxPort)).toBe(true);

	start.kill('SIGINT');
	let timer: NodeJS.Timeout | undefined;
	const code = await Promise.race([exited, new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), 120000)))]);
	clearTimeout(timer);
	expect(code).toBe(0);
	// Every process it started has ended (the last ones may take a moment after the parent's exit).
	await until('every started process to end', () => [...started.keys()].every((pid) => !alive(pid)), 30000).catch(() => {
		const left = [...started].filter(([pid]) => alive(pid)).map(([pid, c]) => `${pid} ${c.slice(0, 160)}`);
		throw new Error(`left running after Ctrl-C:\n${left.join('\n')}`);
	});
	expect(await portOpen(n8nPort)).toBe(false);
	expect(await portOpen(sandboxPort)).toBe(false);
});
