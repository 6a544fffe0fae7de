import { spawnSync } from 'child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

/**
 * n8n's own verification (the registry scanner's analysis, its ESLint config, inline disables
 * ignored) on the source and on the packed tarball: what n8n runs before it lists a package.
 */
const ROOT = resolve(__dirname, '../..');
const SCRIPT = resolve(ROOT, 'scripts/verify-n8n.mjs');

function verify(...args: string[]) {
	// Without jest's NODE_ENV=test: eslint-plugin-n8n-nodes-base reads it as its own test run and
	// then treats every file as a trigger node named Test.
	const env = { ...process.env };
	delete env.NODE_ENV;
	const r = spawnSync(process.execPath, [SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8', env });
	return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

describe("n8n's verification checks", () => {
	it('pass on the source files and on the packed tarball, with no violation', () => {
		if (!existsSync(resolve(ROOT, 'dist'))) throw new Error('Run `npm run build` first (npm test does).');
		const { code, output } = verify();
		expect(output).toContain('PASS  n8n scanner, source');
		expect(output).toContain('PASS  n8n scanner, packed tarball');
		expect(code).toBe(0);
	}, 120_000);

	it('catch a violation even when an inline comment disables the rule', () => {
		const copy = mkdtempSync(join(tmpdir(), 'dify-verify-src-'));
		try {
			for (const entry of ['package.json', 'nodes', 'credentials', 'icons']) cpSync(resolve(ROOT, entry), join(copy, entry), { recursive: true });
			writeFileSync(
				join(copy, 'nodes/shared/planted.ts'),
				"// eslint-disable-next-line @n8n/community-nodes/no-restricted-globals\nexport const wait = () => setTimeout(() => undefined, 1);\n",
			);
			const { code, output } = verify(copy, '--source-only');
			expect(output).toContain('FAIL  n8n scanner, source');
			expect(output).toContain('no-restricted-globals');
			expect(output).toContain('planted.ts');
			expect(code).toBe(1);
		} finally {
			rmSync(copy, { recursive: true, force: true });
		}
	}, 120_000);
});
