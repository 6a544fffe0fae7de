import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getJsonObject } from './common';

/**
 * The app's input variables, either as form fields read from the app (`GET /parameters`, a
 * resource mapper like Airtable's columns) or as a JSON object. JSON stays the default so workflows
 * built with expressions keep working and apps whose key is not set yet can still be configured.
 */
export function inputsProperties(jsonDescription: string): INodeProperties[] {
	return [
		{
			displayName: 'Inputs',
			name: 'inputMode',
			type: 'options',
			options: [
				{ name: 'Fields From the App', value: 'fields', description: 'Fill in the input form the app defines in Dify' },
				{ name: 'JSON', value: 'json', description: 'Write the inputs as one JSON object' },
			],
			default: 'json',
		},
		{
			displayName: 'Inputs (JSON)',
			name: 'inputs',
			type: 'json',
			default: '{}',
			description: jsonDescription,
			displayOptions: { show: { inputMode: ['json'] } },
		},
		{
			displayName: 'Input Fields',
			name: 'inputFields',
			type: 'resourceMapper',
			noDataExpression: true,
			default: { mappingMode: 'defineBelow', value: null },
			required: true,
			typeOptions: {
				// The Credential's App entry's name changes with the credential (nodes/shared/methods/credentialApp.ts):
				// n8n reloads these fields on that, as it does when Inputs changes.
				loadOptionsDependsOn: ['inputMode', 'credentialApp.cachedResultName'],
				// No automatic mapping: n8n would label its mode picker "Mapping Column Mode / Map Each
				// Column Manually" (fixed words), and inputs are set one by one, with expressions.
				resourceMapper: {
					resourceMapperMethod: 'getAppInputs',
					mode: 'add',
					valuesLabel: 'Inputs to Send',
					fieldWords: { singular: 'input', plural: 'inputs' },
					addAllFields: true,
					multiKeyMatch: false,
					supportAutoMap: false,
					noFieldsError: 'This Dify app has no input variables. File inputs are set under Files (chat apps) or File Inputs (workflow apps).',
				},
			},
			displayOptions: { show: { inputMode: ['fields'] } },
		},
	];
}

export function getInputs(this: IExecuteFunctions, i: number): IDataObject {
	if (this.getNodeParameter('inputMode', i, 'json') !== 'fields') return getJsonObject.call(this, 'inputs', i, 'Inputs (JSON)');
	const mapped = this.getNodeParameter('inputFields.value', i, {}) as IDataObject | null;
	const inputs: IDataObject = {};
	for (const [name, value] of Object.entries(mapped ?? {})) {
		// Unset optional fields arrive as null/undefined: leave them out so Dify applies its defaults.
		if (value === null || value === undefined) continue;
		inputs[name] = value;
	}
	if (typeof inputs !== 'object') throw new NodeOperationError(this.getNode(), 'Input Fields are not readable', { itemIndex: i });
	return inputs;
}
