import type { INodeProperties } from 'n8n-workflow';

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

/** A knowledge base: from the list, by the URL of its page in Dify, or by ID. */
export function datasetLocator(description = 'The knowledge base'): INodeProperties {
	return {
		displayName: 'Knowledge Base',
		name: 'datasetId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description,
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchDatasets', searchable: true } },
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: 'e.g. https://cloud.dify.ai/datasets/6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d/documents',
				extractValue: { type: 'regex', regex: `datasets/(${UUID})` },
				validation: [{ type: 'regex', properties: { regex: `.*datasets/${UUID}.*`, errorMessage: 'Not the URL of a Dify knowledge base' } }],
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d',
				validation: [{ type: 'regex', properties: { regex: `^\\s*${UUID}\\s*$`, errorMessage: 'Not a knowledge base ID (a UUID)' } }],
			},
		],
	};
}

/** A document of the chosen knowledge base: from its list, by the URL of its page in Dify, or by ID. */
export function documentLocator(description = 'The document'): INodeProperties {
	return {
		displayName: 'Document',
		name: 'documentId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description,
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchDocuments', searchable: true } },
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: 'e.g. https://cloud.dify.ai/datasets/6a7b…/documents/7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e',
				extractValue: { type: 'regex', regex: `documents/(${UUID})` },
				validation: [{ type: 'regex', properties: { regex: `.*documents/${UUID}.*`, errorMessage: 'Not the URL of a Dify document' } }],
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e',
				validation: [{ type: 'regex', properties: { regex: `^\\s*${UUID}\\s*$`, errorMessage: 'Not a document ID (a UUID)' } }],
			},
		],
	};
}

/** A plain ID field (chunks, child chunks, metadata fields, tags have no picker). */
export function idField(displayName: string, name: string, description: string): INodeProperties {
	return { displayName, name, type: 'string', default: '', required: true, placeholder: 'e.g. 8c9d0e1f-2a3b-4c4d-8e5f-6a7b8c9d0e1f', description };
}
