import { readFileSync } from 'fs';
import { resolve } from 'path';

import { ALL_NODES } from '../../nodes/shared/operationTable';
import { buildDescription } from '../../nodes/shared/description';
import { DifyApi } from '../../credentials/DifyApi.credentials';
import { DifyKnowledgeApi } from '../../credentials/DifyKnowledgeApi.credentials';

const CONTRACT = readFileSync(resolve(__dirname, '../../../shared/operations.md'), 'utf8');
const README = readFileSync(resolve(__dirname, '../../README.md'), 'utf8');
const COLUMNS = ['difyChatbot', 'difyChatflow', 'difyCompletion', 'difyWorkflow'];
const byName = Object.fromEntries(ALL_NODES.map((n) => [n.name, n]));

function offers(node: string, resource: string, operation: string): boolean {
	return !!byName[node]?.resources.find((r) => r.value === resource)?.operations.some((o) => o.value === operation);
}

describe('public contract (shared/operations.md)', () => {
	const matrix = CONTRACT.split('\n').filter((line) => /^\| .+\| `[a-zA-Z]+` \/ `[a-zA-Z]+` \|$/.test(line) && line.split('|').length === 9);
	const pairs = (line: string) => /`([a-zA-Z]+)` \/ `([a-zA-Z]+)` \|$/.exec(line)!.slice(1, 3);

	it('has every seed-matrix row', () => {
		expect(matrix.length).toBeGreaterThanOrEqual(28);
	});

	it.each(matrix.map((line) => [line.split('|')[1].trim(), line]))('implements %s where the matrix marks it', (_seed, line) => {
		const cells = line.split('|').slice(3, 7).map((c) => c.trim());
		const [resource, operation] = pairs(line);
		cells.forEach((cell, k) => {
			if (cell === '✓') expect(`${COLUMNS[k]} ${resource}/${operation}: ${offers(COLUMNS[k], resource, operation)}`).toBe(`${COLUMNS[k]} ${resource}/${operation}: true`);
		});
	});

	it('offers the extras users expect', () => {
		for (const node of ['difyChatbot', 'difyChatflow']) expect(offers(node, 'conversation', 'updateVariable')).toBe(true);
		for (const node of COLUMNS) expect(offers(node, 'file', 'download')).toBe(true);
		for (const node of ['difyChatflow', 'difyWorkflow']) {
			expect(offers(node, 'humanInput', 'get')).toBe(true);
			expect(offers(node, 'humanInput', 'submit')).toBe(true);
		}
		expect(offers('difyChatbot', 'annotation', 'create')).toBe(true);
	});

	it('keeps the credential type names and fields', () => {
		expect(new DifyApi().name).toBe('difyApi');
		expect(new DifyKnowledgeApi().name).toBe('difyKnowledgeApi');
		for (const cred of [new DifyApi(), new DifyKnowledgeApi()]) {
			expect(cred.properties.map((p) => p.name)).toEqual(['baseUrl', 'apiKey']);
			expect(cred.properties[1].typeOptions?.password).toBe(true);
		}
	});
});

describe('node descriptions', () => {
	it.each(ALL_NODES.map((n) => [n.name, n]))('%s builds a valid form', (_name, spec) => {
		const description = buildDescription(spec);
		expect(description.name).toBe(spec.name);
		expect(description.usableAsTool).toBe(true);
		const operationProps = description.properties.filter((p) => p.name === 'operation');
		expect(operationProps).toHaveLength(spec.resources.length);
		for (const prop of operationProps) {
			for (const option of prop.options as Array<{ action?: string }>) expect(option.action).toBeTruthy();
		}
		// No two fields with the same name may be visible for the same resource/operation.
		for (const resource of spec.resources) {
			for (const op of resource.operations) {
				const visible = description.properties.filter((p) => {
					const show = p.displayOptions?.show;
					return show?.resource?.includes(resource.value) && show?.operation?.includes(op.value);
				});
				const names = visible.filter((p) => !p.displayOptions?.show?.returnAll && !p.displayOptions?.show?.source && !p.displayOptions?.show?.autoGenerate).map((p) => p.name);
				expect(new Set(names).size).toBe(names.length);
			}
		}
	});

	it('documents every operation of every node in the README', () => {
		const rows = README.split('\n').filter((l) => l.startsWith('| '));
		for (const spec of ALL_NODES) {
			for (const resource of spec.resources) {
				for (const op of resource.operations) {
					const row = rows.find((l) => l.startsWith(`| ${resource.name} / `) && l.split('|')[1].includes(op.name));
					expect(row ? `${resource.name} / ${op.name}` : `missing ${resource.name} / ${op.name}`).toBe(`${resource.name} / ${op.name}`);
				}
			}
		}
	});
});
