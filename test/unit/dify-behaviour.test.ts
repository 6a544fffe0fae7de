/**
 * docs/dify-behaviour.md is where the repository explains Dify: every citation of it must name one of
 * its headings, every documented difference from Dify's OpenAPI description must name a heading that
 * explains it, and nothing may point at documents the repository does not contain.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { BARE_ERROR_BODIES, BINARY_TYPE_DIFFERENCES, KNOWN_DIFFERENCES, UNDOCUMENTED_STATUSES } from '../support/openapi';

const ROOT = path.resolve(__dirname, '../..');
const DOC = readFileSync(path.join(ROOT, 'docs/dify-behaviour.md'), 'utf8');

/** Section text by heading (`## Heading`). */
const sections = new Map(
	DOC.split(/^## /m)
		.slice(1)
		.map((part) => {
			const newline = part.indexOf('\n');
			return [part.slice(0, newline).trim(), part.slice(newline + 1)] as const;
		}),
);

const SOURCE_ROOTS = ['nodes', 'credentials', 'test', 'bench', 'scripts', 'docs', 'examples', 'README.md', 'package.json', '.ci'];
const TEXT = /\.(ts|js|mjs|cjs|json|md|yml|yaml|sh)$|^run$/;

function files(entry: string): string[] {
	const full = path.join(ROOT, entry);
	let stat;
	try {
		stat = statSync(full);
	} catch {
		return [];
	}
	if (stat.isFile()) return TEXT.test(path.basename(entry)) ? [entry] : [];
	if (['node_modules', 'dify-openapi'].includes(path.basename(entry))) return [];
	return readdirSync(full).flatMap((name) => files(path.join(entry, name)));
}

/** Every text file of the repository's own sources, this test excepted (it names what it looks for). */
const sources = SOURCE_ROOTS.flatMap(files)
	.filter((file) => !file.endsWith('dify-behaviour.test.ts'))
	.map((file) => ({ file, text: readFileSync(path.join(ROOT, file), 'utf8') }));

test('the sources are read (the walk itself can fail)', () => {
	expect(sources.some((s) => s.file === path.join('nodes', 'shared', 'types.ts'))).toBe(true);
	expect(sources.length).toBeGreaterThan(100);
});

test('headings are unique and every section names its Dify source', () => {
	const headings = DOC.match(/^## .+$/gm) ?? [];
	expect(new Set(headings).size).toBe(headings.length);
	const withoutSource = [...sections].filter(([, text]) => !/\]\(https:\/\/(github\.com\/langgenius\/dify|docs\.dify\.ai)/.test(text)).map(([h]) => h);
	expect(withoutSource).toEqual([]);
});

test('every difference from Dify\'s OpenAPI description names a section that explains it', () => {
	const named = [...KNOWN_DIFFERENCES, ...UNDOCUMENTED_STATUSES, ...BARE_ERROR_BODIES, ...BINARY_TYPE_DIFFERENCES].map((d) => d.heading);
	expect(named.length).toBeGreaterThan(20);
	const unexplained = [...new Set(named)].filter((h) => !sections.get(h)?.includes('**OpenAPI description:**'));
	expect(unexplained).toEqual([]);
});

test('every citation of docs/dify-behaviour.md names one of its headings', () => {
	const cited: { file: string; heading: string }[] = [];
	for (const { file, text } of sources) {
		for (const m of text.matchAll(/dify-behaviour\.md,?((?:\s*(?:,|and|see)?\s*'[^'\n]+')+)/g)) {
			for (const h of m[1].matchAll(/'([^'\n]+)'/g)) cited.push({ file, heading: h[1] });
		}
	}
	expect(cited.length).toBeGreaterThan(50);
	expect(cited.filter((c) => !sections.has(c.heading))).toEqual([]);
});

test('nothing cites section numbers or documents the repository does not contain', () => {
	const outside = /\u00a7|dify-service-api|operations\.md|seed matrix|the (project's )?brief\b|\bissue \d|\/work\/shared/i;
	const hits = sources.flatMap(({ file, text }) =>
		text
			.split('\n')
			.map((line, i) => ({ file, line: i + 1, text: line }))
			.filter((l) => outside.test(l.text)),
	);
	expect(hits).toEqual([]);
});
