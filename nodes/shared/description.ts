import { updateDisplayOptions } from 'n8n-workflow';
import type { INodeProperties } from 'n8n-workflow';

import type { DifyNodeSpec, ResourceSpec } from './types';

function byName<T extends { name: string }>(a: T, b: T): number {
	return a.name.localeCompare(b.name);
}

function operationProperty(resource: ResourceSpec): INodeProperties {
	// A plain identifier: n8n's lint reads it as a computed default (a member expression it cannot).
	const defaultOperation = resource.operations[0].value;
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource.value] } },
		options: resource.operations.map((op) => ({ name: op.name, value: op.value, action: op.action, description: op.description })).sort(byName),
		default: defaultOperation,
	};
}

/**
 * The form of a node, generated from its row of the operation table: the Resource picker, one
 * Operation picker per resource, then each operation's own fields shown only for that pair. The node
 * file declares everything else about the node as a literal, where n8n's lint can read it.
 */
export function buildProperties(spec: DifyNodeSpec): INodeProperties[] {
	const defaultResource = spec.resources[0].value;
	const properties: INodeProperties[] = [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: spec.resources.map((r) => ({ name: r.name, value: r.value })).sort(byName),
			default: defaultResource,
		},
	];
	for (const resource of spec.resources) properties.push(operationProperty(resource));
	for (const resource of spec.resources) {
		for (const op of resource.operations) {
			const fields = typeof op.properties === 'function' ? op.properties(spec) : op.properties;
			properties.push(...updateDisplayOptions({ show: { resource: [resource.value], operation: [op.value] } }, fields));
		}
	}
	return properties;
}
