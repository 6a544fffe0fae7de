import type { INodeProperties } from 'n8n-workflow';

import { streamOptionFields } from '../../../shared/helpers/streamOptions';

/** Dify's datasource types (DatasourceProviderType). */
export const DATASOURCE_TYPES = [
	{ name: 'Local File', value: 'local_file' },
	{ name: 'Online Document', value: 'online_document' },
	{ name: 'Online Drive', value: 'online_drive' },
	{ name: 'Website Crawl', value: 'website_crawl' },
];

/** A datasource node of the pipeline: from Dify's list of the knowledge base's datasource nodes, or by ID. */
export function datasourceNodeLocator(displayName: string, name: string, description: string): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description,
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchDatasourceNodes', searchable: false } },
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 1750400203722',
				validation: [{ type: 'regex', properties: { regex: '^\\s*[\\w-]+\\s*$', errorMessage: 'Not a node ID (letters, digits, "-" and "_")' } }],
			},
		],
	};
}

export const datasourceTypeField: INodeProperties = {
	displayName: 'Datasource Type',
	name: 'datasourceType',
	type: 'options',
	options: DATASOURCE_TYPES,
	default: 'local_file',
	description: 'The type of the datasource node (its datasource_type in Get Datasource Plugins)',
};

export function pipelineInputsField(description: string): INodeProperties {
	return { displayName: 'Inputs', name: 'inputs', type: 'json', default: '{}', description };
}

export const draftOption: INodeProperties = {
	displayName: 'Draft Pipeline',
	name: 'draft',
	type: 'boolean',
	default: false,
	description: 'Whether to run the draft pipeline instead of the published one (is_published false)',
};

/** The clocks of a stream read (Timeout, Silence Timeout), as every streaming operation names them. */
export const streamTimeoutOptions: INodeProperties[] = streamOptionFields.filter((f) => f.name === 'timeout' || f.name === 'silenceTimeout');
