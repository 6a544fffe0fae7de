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
		// n8n loads the files listed under "n8n"; a "main" that does not exist only misleads tools.
		if (pkg.main !== undefined) expect(existsSync(resolve(ROOT, pkg.main))).toBe(true);
	});

	it('lists every compiled node and credential, and they and their icons exist after the build', () => {
		if (!existsSync(resolve(ROOT, 'dist'))) throw new Error('Run `npm run build` first (npm test does).');
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(existsSync(resolve(ROOT, file))).toBe(true);
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials] as string[]) {
			const compiled = readFileSync(resolve(ROOT, file), 'utf8');
			const icons = [...compiled.matchAll(/'file:([^']+\.svg)'/g)].map((m) => m[1]);
			expect(icons.length).toBe(2); // light and dark
			for (const icon of icons) expect(existsSync(resolve(ROOT, file, '..', icon))).toBe(true);
		}
	});

	it('packs only compiled code, icons, README, LICENSE and package.json', () => {
		const [report] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }));
		const files = (report.files as Array<{ path: string }>).map((f) => f.path);
		expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json', 'dist/nodes/DifyChatbot/DifyChatbot.node.js', 'dist/icons/dify.dark.svg']));
		const unexpected = files.filter((f) => !['README.md', 'LICENSE', 'package.json'].includes(f) && !/^dist\/((nodes|credentials)\/.+\.(js|json)|icons\/[\w.-]+\.svg)$/.test(f));
		expect(unexpected).toEqual([]);
		expect(files.some((f) => /test|\.ts$/.test(f))).toBe(false);
	});
});
