#!/usr/bin/env node
'use strict';
/*
 * Writes test/support/dify-openapi/structure.json: the structural part of Dify's OpenAPI description
 * of the Service API (paths, methods, parameters, request bodies, responses, schemas) that the tests
 * validate requests and answers against. Prose and presentation (descriptions, summaries, examples,
 * titles, tags, documentation-site keys) are dropped, so the repository keeps only the facts it tests
 * with. The source file and its licence are named in test/support/dify-openapi/README.md.
 *
 *   node scripts/extract-openapi.js <path/to/openapi_service.json>
 *   (a copy of en/api-reference/openapi_service.json from langgenius/dify-docs; the tests never run this)
 */
const fs = require('fs');
const path = require('path');

const REPO = path.resolve(__dirname, '..');
if (!process.argv[2]) {
	console.error('usage: node scripts/extract-openapi.js <path/to/openapi_service.json> (from langgenius/dify-docs, en/api-reference/)');
	process.exit(2);
}
const SOURCE = path.resolve(process.argv[2]);
const TARGET = path.join(REPO, 'test', 'support', 'dify-openapi', 'structure.json');

/** Keywords that carry prose or presentation only; validation never reads them. */
const PROSE = new Set(['description', 'summary', 'example', 'examples', 'title', 'tags', 'externalDocs', 'operationId']);
/** Maps whose keys are names chosen by Dify (property names, status codes, media types, paths). */
const NAME_MAPS = new Set(['properties', 'responses', 'content', 'headers', 'patternProperties']);

function strip(node, parentKey) {
	if (Array.isArray(node)) return node.map((v) => strip(v));
	if (!node || typeof node !== 'object') return node;
	const out = {};
	for (const [key, value] of Object.entries(node)) {
		const isName = NAME_MAPS.has(parentKey) && !Array.isArray(node);
		if (!isName && (PROSE.has(key) || key.startsWith('x-'))) continue;
		out[key] = strip(value, isName ? undefined : key);
	}
	return out;
}

const spec = JSON.parse(fs.readFileSync(SOURCE, 'utf8'));
// Paths and component names are Dify's names, kept whatever they are; everything below them is stripped.
const structure = {
	openapi: spec.openapi,
	info: { version: spec.info && spec.info.version },
	paths: Object.fromEntries(Object.entries(spec.paths).map(([p, ops]) => [p, strip(ops)])),
	components: Object.fromEntries(
		Object.entries(spec.components).map(([kind, entries]) => [kind, Object.fromEntries(Object.entries(entries).map(([name, v]) => [name, strip(v)]))]),
	),
};
fs.mkdirSync(path.dirname(TARGET), { recursive: true });
fs.writeFileSync(TARGET, `${JSON.stringify(structure, null, 1)}\n`);
console.log(`wrote ${path.relative(REPO, TARGET)} (${fs.statSync(TARGET).size} bytes) from ${SOURCE}`);
