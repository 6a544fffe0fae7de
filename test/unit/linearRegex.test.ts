import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * Every regex in shipped code runs in linear time: eslint-plugin-regexp's ReDoS rules, the ones
 * eslint.config.mjs adds to n8n's lint of nodes/ and credentials/ (here without n8n's slower rules; npm run lint runs them
 * too). A timing-free check: a quadratic pattern is found by analysis, not by waiting for it.
 * ESLint runs in a child process (its flat config is an ES module, which jest's VM cannot import).
 */
const ROOT = path.resolve(__dirname, '..', '..');
const RULES = ['regexp/no-super-linear-backtracking', 'regexp/no-super-linear-move'];

function eslint(args: string[], stdin?: string): Array<{ filePath: string; messages: Array<{ ruleId: string | null; line: number; message: string }> }> {
	const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', '--config', path.join(ROOT, 'test', 'support', 'regexp.eslint.config.mjs'), ...args], { cwd: ROOT, input: stdin, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
	if (!run.stdout) throw new Error(`eslint failed: ${run.stderr}`);
	return JSON.parse(run.stdout);
}

it('finds no super-linear regex in nodes/ and credentials/', () => {
	const found = eslint(['nodes', 'credentials']).flatMap((r) =>
		r.messages.filter((m) => RULES.includes(m.ruleId ?? '')).map((m) => `${path.relative(ROOT, r.filePath)}:${m.line} ${m.message}`),
	);
	expect(found).toEqual([]);
}, 120_000);

it('the rules are live: they catch the pattern that once stalled n8n on a message of spaces', () => {
	const probe = "export const missing = (m: string) => /^\\s*(.+?) is required in input form\\b/i.exec(m);\n";
	const [result] = eslint(['--stdin', '--stdin-filename', 'nodes/probe.ts'], probe);
	expect(result.messages.map((m) => m.ruleId)).toContain('regexp/no-super-linear-backtracking');
}, 120_000);
