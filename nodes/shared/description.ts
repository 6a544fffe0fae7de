import { updateDisplayOptions } from 'n8n-workflow';
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import type { DifyNodeSpec } from './types';

function operationProperty(resource: DifyNodeSpec['resources'][number]): INodeProperties {
	// Built from the operation table, so the default is computed (the lint rule expects a literal).
	// eslint-disable-next-line n8n-nodes-base/node-param-default-missing
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource.value] } },
		options: resource.operations
			.map((op) => ({ name: op.name, value: op.value, action: op.action, description: op.description }))
			.sort((a, b) => a.name.localeCompare(b.name)),
		default: resource.operations[0].value,
	};
}

/** Builds a node's whole form from its row of the operation table. */
export function buildDescription(spec: DifyNodeSpec): INodeTypeDescription {
	const properties: INodeProperties[] = [
		// eslint-disable-next-line n8n-nodes-base/node-param-default-missing
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: spec.resources
				.map((r) => ({ name: r.name, value: r.value }))
				.sort((a, b) => a.name.localeCompare(b.name)),
			default: spec.resources[0].value,
		},
	];
	for (const resource of spec.resources) properties.push(operationProperty(resource));
	for (const resource of spec.resources) {
		for (const op of resource.operations) {
			const fields = typeof op.properties === 'function' ? op.properties(spec) : op.properties;
			properties.push(...updateDisplayOptions({ show: { resource: [resource.value], operation: [op.value] } }, fields));
		}
	}
	return {
		displayName: spec.displayName,
		name: spec.name,
		icon: 'file:dify.svg',
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: spec.description,
		defaults: { name: spec.displayName },
		inputs: ['main'],
		outputs: ['main'],
		usableAsTool: true,
		credentials: [{ name: spec.credential, required: true }],
		properties,
	};
}
