import { readFileSync } from 'fs';
import { resolve } from 'path';
import type { INodeType } from 'n8n-workflow';

import { DIFY_KNOWLEDGE } from '../../nodes/DifyKnowledge/operations';
import { ALL_NODES } from '../../nodes/shared/operationTable';
import { DifyChatbot } from '../../nodes/DifyChatbot/DifyChatbot.node';
import { DifyChatflow } from '../../nodes/DifyChatflow/DifyChatflow.node';
import { DifyCompletion } from '../../nodes/DifyCompletion/DifyCompletion.node';
import { DifyWorkflow } from '../../nodes/DifyWorkflow/DifyWorkflow.node';
import { DifyKnowledge } from '../../nodes/DifyKnowledge/DifyKnowledge.node';
import { DifyTrigger } from '../../nodes/DifyTrigger/DifyTrigger.node';
import { TRIGGER_EVENTS } from '../../nodes/DifyTrigger/events';
import { DifyApi } from '../../credentials/DifyApi.credentials';
import { DifyKnowledgeApi } from '../../credentials/DifyKnowledgeApi.credentials';
import { DifyExternalKnowledgeEndpointApi } from '../../credentials/DifyExternalKnowledgeEndpointApi.credentials';
import { DifyApiExtensionEndpointApi } from '../../credentials/DifyApiExtensionEndpointApi.credentials';
import { DifyExternalKnowledgeTrigger } from '../../nodes/DifyExternalKnowledgeTrigger/DifyExternalKnowledgeTrigger.node';
import { DifyExtensionTrigger } from '../../nodes/DifyExtensionTrigger/DifyExtensionTrigger.node';
import { DifyWebhookCall } from '../../nodes/DifyWebhookCall/DifyWebhookCall.node';
import { DIFY_WEBHOOK_CALL } from '../../nodes/DifyWebhookCall/operations';
import { DifyWebhookTriggerApi } from '../../credentials/DifyWebhookTriggerApi.credentials';
import { DifyRespond } from '../../nodes/DifyRespond/DifyRespond.node';

const ROOT = resolve(__dirname, '../..');
const CONTRACT = readFileSync(resolve(ROOT, 'docs/contract.md'), 'utf8');
const README = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8'));

const NODE_CLASSES: INodeType[] = [new DifyChatbot(), new DifyChatflow(), new DifyCompletion(), new DifyWorkflow(), new DifyKnowledge()];
const specByName = Object.fromEntries([...ALL_NODES, DIFY_KNOWLEDGE].map((n) => [n.name, n]));

/** The header and the rows of the (first) markdown table under a `## heading` of the contract. */
function tableWithHeader(heading: string): { header: string[]; rows: string[][] } {
	const section = CONTRACT.split(/^## /m).find((s) => s.startsWith(heading));
	if (!section) throw new Error(`docs/contract.md has no "## ${heading}" section`);
	const lines = section
		.split('\n')
		.filter((l) => l.startsWith('| ') && !l.startsWith('|---'))
		.map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
	return { header: lines[0], rows: lines.slice(1) };
}

function table(heading: string): string[][] {
	return tableWithHeader(heading).rows;
}

const code = (cell: string) => /`([^`]+)`/.exec(cell)?.[1];

/** Every resource/operation pair the contract assigns to each app node. */
function contractPairs(): Set<string> {
	const pairs = new Set<string>();
	const { header, rows } = tableWithHeader('App node operations');
	// A column per app node, named like the node without "Dify " (every app node has one).
	const columns = ALL_NODES.map((spec) => ({ spec, index: header.indexOf(spec.displayName.replace(/^Dify /, '')) }));
	expect(columns.filter((c) => c.index < 0).map((c) => c.spec.displayName)).toEqual([]);
	for (const row of rows) {
		const [, resource, operation] = /^`(\w+)` \/ `(\w+)`$/.exec(row[0]) ?? [];
		expect(`${resource}/${operation}`).toMatch(/^\w+\/\w+$/);
		for (const { spec, index } of columns) if (row[index] === '✓') pairs.add(`${spec.name} ${resource}/${operation}`);
	}
	return pairs;
}

function implementedPairs(): Set<string> {
	const pairs = new Set<string>();
	for (const spec of ALL_NODES) for (const r of spec.resources) for (const o of r.operations) pairs.add(`${spec.name} ${r.value}/${o.value}`);
	return pairs;
}

describe('public contract (docs/contract.md)', () => {
	it('lists exactly the resource/operation pairs the app nodes implement', () => {
		const listed = contractPairs();
		const implemented = implementedPairs();
		expect(listed.size).toBeGreaterThanOrEqual(28);
		expect([...listed].filter((p) => !implemented.has(p))).toEqual([]);
		expect([...implemented].filter((p) => !listed.has(p))).toEqual([]);
	});

	it('lists exactly the resource/operation pairs the Knowledge node implements', () => {
		const listed = new Set<string>();
		for (const row of table('Knowledge node operations')) {
			const [, resource, operation] = /^`(\w+)` \/ `(\w+)`$/.exec(row[0]) ?? [];
			expect(`${resource}/${operation}`).toMatch(/^\w+\/\w+$/);
			listed.add(`${resource}/${operation}`);
		}
		const implemented = new Set(DIFY_KNOWLEDGE.resources.flatMap((r) => r.operations.map((o) => `${r.value}/${o.value}`)));
		expect(listed.size).toBeGreaterThanOrEqual(40);
		expect([...listed].filter((p) => !implemented.has(p))).toEqual([]);
		expect([...implemented].filter((p) => !listed.has(p))).toEqual([]);
	});

	it('keeps the node type names, display names and credentials', () => {
		const rows = table('Nodes');
		for (const node of NODE_CLASSES) {
			const row = rows.find((r) => code(r[0]) === node.description.name);
			expect(row).toBeDefined();
			expect(node.description.displayName).toBe(row![1]);
			expect(node.description.credentials?.map((c) => c.name)).toEqual([code(row![2])]);
			expect(pkg.n8n.nodes).toContain(`dist/nodes/${node.constructor.name}/${node.constructor.name}.node.js`);
		}
	});

	it('keeps the credential type names and fields', () => {
		const rows = table('Credentials');
		for (const cred of [new DifyApi(), new DifyKnowledgeApi()]) {
			const row = rows.find((r) => code(r[0]) === cred.name);
			expect(row?.[1]).toBe(cred.displayName);
			expect(cred.properties.map((p) => p.name)).toEqual(['baseUrl', 'apiKey']);
			expect(cred.properties[1].typeOptions?.password).toBe(true);
		}
	});
});

describe('Dify Trigger contract', () => {
	it('lists exactly the events the trigger offers, with their names and credentials', () => {
		const rows = table('Trigger events');
		expect(rows.map((r) => code(r[0])).sort()).toEqual(TRIGGER_EVENTS.map((e) => e.value).sort());
		for (const event of TRIGGER_EVENTS) {
			const row = rows.find((r) => code(r[0]) === event.value)!;
			expect(row[1]).toBe(event.name);
			expect(code(row[2])).toBe(event.credential);
		}
	});

	it('keeps its type name, and shows each credential exactly for the events that use it', () => {
		const { description } = new DifyTrigger();
		expect(description.name).toBe(code(table('Nodes').find((r) => r[1] === 'Dify Trigger')![0]));
		expect(pkg.n8n.nodes).toContain('dist/nodes/DifyTrigger/DifyTrigger.node.js');
		for (const credential of description.credentials ?? []) {
			// Hidden for the other events, never `show`n: n8n's editor would take a `show`-keyed Event for an auth selector.
			expect(credential.displayOptions?.show).toBeUndefined();
			const hiddenFor = (credential.displayOptions?.hide?.event as string[]).sort();
			expect(hiddenFor).toEqual(TRIGGER_EVENTS.filter((e) => e.credential !== credential.name).map((e) => e.value).sort());
		}
		expect(description.usableAsTool).toBeUndefined();
	});
});

describe('node descriptions', () => {
	it.each(NODE_CLASSES.map((n) => [n.description.name, n]))('%s agrees with its row of the operation table', (name, node) => {
		const { description } = node as INodeType;
		const spec = specByName[name as string];
		expect(spec).toBeDefined();
		expect(description.displayName).toBe(spec.displayName);
		expect(description.credentials?.[0].name).toBe(spec.credential);
		expect(description.usableAsTool).toBe(true);
		const operationProps = description.properties.filter((p) => p.name === 'operation');
		// One per resource, plus the one of the "Custom API Call" resource.
		expect(operationProps).toHaveLength(spec.resources.length + 1);
		for (const prop of operationProps) {
			for (const option of prop.options as Array<{ action?: string }>) expect(option.action).toBeTruthy();
			// Last, and named as n8n names it, so that n8n adds no second one without an action (the
			// canvas would name the node "__CUSTOM_API_CALL__ conversation").
			expect((prop.options as Array<{ name: string; value: string }>).at(-1)).toMatchObject({ name: 'Custom API Call', value: '__CUSTOM_API_CALL__' });
		}
		const resourceProp = description.properties.find((p) => p.name === 'resource')!;
		expect((resourceProp.options as Array<{ name: string }>).at(-1)?.name).toBe('Custom API Call');
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
		for (const spec of [...ALL_NODES, DIFY_KNOWLEDGE]) {
			for (const resource of spec.resources) {
				for (const op of resource.operations) {
					const row = rows.find((l) => l.startsWith(`| ${resource.name} / `) && l.split('|')[1].includes(op.name));
					expect(row ? `${resource.name} / ${op.name}` : `missing ${resource.name} / ${op.name}`).toBe(`${resource.name} / ${op.name}`);
				}
			}
		}
	});

	it('keeps the triggers Dify calls: type names, display names, credentials, webhook paths and parameter values', () => {
		const rows = table('Nodes');
		const credentialRows = table('Credentials');
		const section = CONTRACT.split(/^## /m).find((x) => x.startsWith('Triggers Dify calls'))!;
		for (const node of [new DifyExternalKnowledgeTrigger(), new DifyExtensionTrigger()]) {
			const { description } = node;
			const row = rows.find((r) => code(r[0]) === description.name);
			expect(row?.[1]).toBe(description.displayName);
			expect(description.credentials?.map((c) => c.name)).toEqual([code(row![2])]);
			expect(pkg.n8n.nodes).toContain(`dist/nodes/${node.constructor.name}/${node.constructor.name}.node.js`);
			expect(section).toContain(`\`${description.webhooks![0].path}\``);
			for (const p of description.properties.filter((x) => x.type === 'options' || x.type === 'multiOptions')) {
				expect(section).toContain(`\`${p.name}\``);
				for (const o of p.options as Array<{ value: string }>) expect(section).toContain(`\`${o.value}\``);
			}
		}
		for (const cred of [new DifyExternalKnowledgeEndpointApi(), new DifyApiExtensionEndpointApi()]) {
			const row = credentialRows.find((r) => code(r[0]) === cred.name);
			expect(row?.[1]).toBe(cred.displayName);
			expect(cred.properties.map((p) => p.name)).toEqual(['apiKey']);
			expect(cred.properties[0].typeOptions?.password).toBe(true);
			expect(pkg.n8n.credentials).toContain(`dist/credentials/${cred.constructor.name}.credentials.js`);
		}
	});
});

describe('Dify Webhook Call contract', () => {
	const node = new DifyWebhookCall();
	const { description } = node;

	it('keeps its type name, display name, credentials and registration', () => {
		const row = table('Nodes').find((r) => code(r[0]) === description.name);
		expect(row?.[1]).toBe(description.displayName);
		expect(description.displayName).toBe(DIFY_WEBHOOK_CALL.displayName);
		expect(description.credentials?.map((c) => `\`${c.name}\``).join(', ')).toBe(row![2]);
		expect(pkg.n8n.nodes).toContain('dist/nodes/DifyWebhookCall/DifyWebhookCall.node.js');
		const cred = new DifyWebhookTriggerApi();
		const credRow = table('Credentials').find((r) => code(r[0]) === cred.name);
		expect(credRow?.[1]).toBe(cred.displayName);
		expect(cred.properties.map((p) => p.name)).toEqual(['secretWebhookUrl']);
		expect(cred.properties[0].typeOptions?.password).toBe(true);
		expect(pkg.n8n.credentials).toContain('dist/credentials/DifyWebhookTriggerApi.credentials.js');
	});

	it('lists exactly its resource/operation pairs', () => {
		const listed = table('Webhook Call node').map((row) => /^`(\w+)` \/ `(\w+)`$/.exec(row[0])?.slice(1).join('/'));
		const implemented = DIFY_WEBHOOK_CALL.resources.flatMap((r) => r.operations.map((o) => `${r.value}/${o.value}`));
		expect(listed).toEqual(implemented);
	});

	it('keeps its parameter values, and never `show`s a credential (the editor would hide that field as an auth selector)', () => {
		const section = CONTRACT.split(/^## /m).find((x) => x.startsWith('Webhook Call node'))!;
		for (const name of ['method', 'contentType']) {
			const prop = description.properties.find((p) => p.name === name)!;
			expect(section).toContain(`\`${name}\``);
			for (const o of prop.options as Array<{ value: string }>) expect(section).toContain(`\`${o.value}\``);
		}
		expect(description.properties.some((p) => p.name === 'waitForResult' && p.type === 'boolean')).toBe(true);
		for (const credential of description.credentials ?? []) expect(credential.displayOptions?.show).toBeUndefined();
		expect(description.credentials?.find((c) => c.name === 'difyApi')?.displayOptions?.hide).toEqual({ waitForResult: [false] });
	});

	it('is documented in the README', () => {
		const rows = README.split('\n').filter((l) => l.startsWith('| '));
		for (const resource of DIFY_WEBHOOK_CALL.resources) {
			for (const op of resource.operations) expect(rows.some((l) => l.startsWith(`| ${resource.name} / `) && l.includes(op.name))).toBe(true);
		}
		expect(rows.some((l) => l.includes('`difyWebhookTriggerApi`') || l.includes('Dify Webhook Trigger API'))).toBe(true);
	});
});

describe('route coverage (docs/contract.md, "Route coverage")', () => {
	const structure = JSON.parse(readFileSync(resolve(ROOT, 'test/support/dify-openapi/structure.json'), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
	const described = Object.entries(structure.paths).flatMap(([path, methods]) =>
		Object.keys(methods)
			.filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
			.map((m) => `${m.toUpperCase()} ${path}`),
	);
	const rows = table('Route coverage');
	const routeOf = (row: string[]) => code(row[0]) ?? row[0];

	it('reads the whole description (64 paths)', () => {
		expect(Object.keys(structure.paths)).toHaveLength(64);
		expect(described.length).toBeGreaterThanOrEqual(64);
	});

	it('has one row per route of the description, and no other', () => {
		const listed = rows.map(routeOf);
		expect(described.filter((r) => !listed.includes(r))).toEqual([]);
		expect(listed.filter((r) => !described.includes(r))).toEqual([]);
		expect(new Set(listed).size).toBe(listed.length);
	});

	it('names what calls each route, or says in one sentence why nothing does', () => {
		const empty = rows.filter(([, calledBy, why]) => !calledBy && !/^[A-Z].*\.$/.test(why ?? '')).map(routeOf);
		expect(empty).toEqual([]);
		const both = rows.filter(([, calledBy, why]) => calledBy && why).map(routeOf);
		expect(both).toEqual([]);
	});

	it('names the Knowledge operation of each route the operations table gives it alone', () => {
		const missing: string[] = [];
		let checked = 0;
		for (const [pair, routeCell] of table('Knowledge node operations')) {
			const route = /^`([A-Z]+ \/[^`]+)`$/.exec(routeCell)?.[1];
			const covered = rows.find((r) => routeOf(r) === route);
			if (!route || !covered) continue;
			checked += 1;
			if (!covered[1].includes(pair)) missing.push(`${route} → ${pair}`);
		}
		expect(checked).toBeGreaterThan(30);
		expect(missing).toEqual([]);
	});

	it('names only operations and trigger events that exist', () => {
		const operations = new Set([...ALL_NODES, DIFY_KNOWLEDGE, DIFY_WEBHOOK_CALL].flatMap((spec) => spec.resources.flatMap((r) => r.operations.map((o) => `${r.value}/${o.value}`))));
		const events = new Set(TRIGGER_EVENTS.map((e) => e.value));
		const unknown: string[] = [];
		for (const [, calledBy] of rows) {
			for (const [, resource, operation] of calledBy.matchAll(/`(\w+)` \/ `(\w+)`/g)) {
				if (!operations.has(`${resource}/${operation}`)) unknown.push(`${resource}/${operation}`);
			}
			for (const [, list] of calledBy.matchAll(/trigger ((?:`\w+`(?:, )?)+)/g)) {
				for (const [, event] of list.matchAll(/`(\w+)`/g)) if (!events.has(event)) unknown.push(`event ${event}`);
			}
		}
		expect(unknown).toEqual([]);
	});
});

describe('Respond to Dify contract', () => {
	it('keeps its type name, display name and parameter values, and needs no credential', () => {
		const node = new DifyRespond();
		const { description } = node;
		const row = table('Nodes').find((r) => code(r[0]) === description.name);
		expect(row?.[1]).toBe(description.displayName);
		expect(row?.[2]).toBe('—');
		expect(description.credentials).toBeUndefined();
		expect(pkg.n8n.nodes).toContain(`dist/nodes/${node.constructor.name}/${node.constructor.name}.node.js`);
		const section = CONTRACT.split(/^## /m).find((x) => x.startsWith('Respond to Dify'));
		expect(section).toBeDefined();
		for (const p of description.properties.filter((x) => x.type !== 'notice')) {
			expect(section).toContain(`\`${p.name}\``);
			const values = (p.type === 'options' ? p.options : p.type === 'collection' ? p.options : []) as Array<{ value?: string; name: string }>;
			for (const o of values) expect(section).toContain(`\`${o.value ?? o.name}\``);
		}
	});
});
