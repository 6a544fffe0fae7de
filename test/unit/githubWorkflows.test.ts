import { readFileSync } from 'fs';
import { resolve } from 'path';
import { parse } from 'yaml';

/** The repository's GitHub Actions cannot run here; this checks they parse and say what they must. */
const load = (name: string) => parse(readFileSync(resolve(__dirname, '../../.github/workflows', name), 'utf8'));
const commands = (job: { steps: Array<{ run?: string }> }) => job.steps.map((s) => s.run ?? '').join('\n');

describe('GitHub workflows', () => {
	it('CI runs the README test command on push and pull request, with the n8n runtime cache', () => {
		const ci = load('ci.yml');
		expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
		const job = ci.jobs.test;
		expect(commands(job)).toMatch(/^npm install\b/m);
		expect(commands(job)).toMatch(/^npm test$/m);
		const cache = job.steps.find((s: { uses?: string }) => s.uses?.startsWith('actions/cache@'));
		expect(cache.with.path).toBe('~/.cache/n8n-nodes-dify-suite');
		expect(job.steps.find((s: { run?: string }) => s.run === 'npm test').env.CI).toBe(true);
	});

	it('Publish runs on version tags, tests first, and publishes with provenance', () => {
		const publish = load('publish.yml');
		expect(publish.on.push.tags).toContain('*.*.*');
		expect(publish.permissions['id-token']).toBe('write');
		const run = commands(publish.jobs.publish);
		expect(run).toMatch(/npm publish --provenance --access public/);
		expect(run.indexOf('npm test')).toBeGreaterThan(-1);
		expect(run.indexOf('npm test')).toBeLessThan(run.indexOf('npm publish'));
	});
});
