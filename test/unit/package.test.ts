import { execFileSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { resolve } from 'path';

const ROOT = resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8'));

describe('the published package', () => {
	it('has no runtime dependencies and n8n-workflow only as a peer', () => {
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.license).toBe('MIT');
	});

	it('lists every compiled node and credential, and they exist after the build', () => {
		if (!existsSync(resolve(ROOT, 'dist'))) throw new Error('Run `npm run build` first (npm test does).');
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(existsSync(resolve(ROOT, file))).toBe(true);
		for (const node of pkg.n8n.nodes as string[]) expect(existsSync(resolve(ROOT, node.replace(/[^/]+$/, 'dify.svg')))).toBe(true);
	});

	it('packs only compiled code, icons, README, LICENSE and package.json', () => {
		const [report] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }));
		const files = (report.files as Array<{ path: string }>).map((f) => f.path);
		expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json', 'dist/nodes/DifyChatbot/DifyChatbot.node.js']));
		const unexpected = files.filter((f) => !['README.md', 'LICENSE', 'package.json'].includes(f) && !/^dist\/(nodes|credentials)\/.+\.(js|svg|json)$/.test(f));
		expect(unexpected).toEqual([]);
		expect(files.some((f) => /test|\.ts$/.test(f))).toBe(false);
	});
});
