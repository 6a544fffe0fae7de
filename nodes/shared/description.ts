import { updateDisplayOptions } from 'n8n-workflow';
import type { INodeProperties } from 'n8n-workflow';

import { credentialAppProperty } from './methods/credentialApp';
import type { DifyNodeSpec, ResourceSpec } from './types';

function byName<T extends { name: string }>(a: T, b: T): number {
	return a.name.localeCompare(b.name);
}

/**
 * n8n appends "Custom API Call" (value `__CUSTOM_API_CALL__`) to the Resource and Operation lists of
 * every node whose credential authenticates generically, unless the list already ends with an option
 * of that name (n8n 2.x LoadNodesAndCredentials.injectCustomApiCallOptions). Choosing it makes n8n's
 * editor hide the node's fields and point to the HTTP Request node, which takes the Dify API
 * credential as a predefined credential type. We add the option ourselves, last, so that it carries
 * an action: n8n names the node after it instead of "__CUSTOM_API_CALL__ conversation".
 */
export const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';

function customApiCallOption(spec: DifyNodeSpec) {
	return {
		name: 'Custom API Call',
		value: CUSTOM_API_CALL,
		action: `Custom Dify API call (HTTP Request node) for ${spec.displayName}`,
		description: 'Call any Dify endpoint with n8n\'s HTTP Request node and this node\'s Dify API credential',
	};
}

function operationProperty(spec: DifyNodeSpec, resource: ResourceSpec): INodeProperties {
	// A plain identifier: n8n's lint reads it as a computed default (a member expression it cannot).
	const defaultOperation = resource.operations[0].value;
	const options = resource.operations
		.map((op) => ({
			name: op.name,
			value: op.value,
			action: typeof op.action === 'function' ? op.action(spec) : op.action,
			description: op.description,
		}))
		.sort(byName);
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource.value] } },
		options: options.concat(customApiCallOption(spec)),
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
	const resourceOptions = spec.resources.map((r) => ({ name: r.name, value: r.value })).sort(byName);
	resourceOptions.push({ name: 'Custom API Call', value: CUSTOM_API_CALL });
	const properties: INodeProperties[] = [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: resourceOptions,
			default: defaultResource,
		},
	];
	for (const resource of spec.resources) properties.push(operationProperty(spec, resource));
	// Resource "Custom API Call": its one operation names the node (see customApiCallOption).
	properties.push({
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [CUSTOM_API_CALL] } },
		options: [customApiCallOption(spec)],
		default: CUSTOM_API_CALL,
	});
	// App nodes show the app of the credential's key above every operation's fields.
	if (spec.credential === 'difyApi') properties.push({ ...credentialAppProperty, displayOptions: { hide: { resource: [CUSTOM_API_CALL] } } });
	for (const resource of spec.resources) {
		for (const op of resource.operations) {
			const fields = typeof op.properties === 'function' ? op.properties(spec) : op.properties;
			properties.push(...updateDisplayOptions({ show: { resource: [resource.value], operation: [op.value] } }, fields));
		}
	}
	return properties;
}
