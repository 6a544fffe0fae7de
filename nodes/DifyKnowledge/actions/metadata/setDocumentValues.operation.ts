import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { jsonItems, locatorValue } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator, documentLocator } from '../../helpers/locators';
import { datasetPath, knowledgeRequest } from '../../helpers/request';

export const setDocumentValues: DifyOperation = {
	value: 'setDocumentValues',
	name: 'Set Document Values',
	action: 'Set the metadata of a document',
	description: 'Set the values of custom metadata fields on a document',
	properties: [
		datasetLocator(),
		documentLocator(),
		{
			displayName: 'Values',
			name: 'values',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Value',
			default: {},
			options: [
				{
					name: 'value',
					displayName: 'Value',
					values: [
						{ displayName: 'Field', name: 'field', type: 'string', default: '', description: 'Name or ID of the metadata field' },
						{ displayName: 'Value', name: 'value', type: 'string', default: '', description: 'Numbers for Number fields, Unix seconds for Time fields; empty clears it' },
					],
				},
			],
		},
		{
			displayName: 'Keep Other Values',
			name: 'partialUpdate',
			type: 'boolean',
			default: true,
			description: 'Whether to keep the document\'s values of fields not listed here; off replaces the whole set',
		},
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const path = datasetPath.call(this, i);
		const documentId = locatorValue.call(this, 'documentId', i);
		const values = (this.getNodeParameter('values', i, {}) as { value?: { field: string; value: string }[] }).value ?? [];
		// Dify needs each field's ID and name: look them up, so the user can write either.
		const fields = ((await knowledgeRequest.call(this, ctx, 'GET', `${path}/metadata`)).doc_metadata as IDataObject[]) ?? [];
		const metadataList = values.map(({ field, value }) => {
			const match = fields.find((f) => f.id === field.trim() || f.name === field.trim());
			if (!match) {
				throw new NodeOperationError(this.getNode(), `The knowledge base has no metadata field "${field}"`, {
					itemIndex: i,
					description: `Its fields: ${fields.map((f) => f.name).join(', ') || 'none'}. Create the field first with Metadata → Create.`,
				});
			}
			const typed = value === '' ? null : match.type === 'string' ? value : Number.isFinite(Number(value)) ? Number(value) : value;
			return { id: match.id, name: match.name, value: typed };
		});
		const partialUpdate = this.getNodeParameter('partialUpdate', i, true) as boolean;
		const operation = { document_id: documentId, metadata_list: metadataList, partial_update: partialUpdate };
		await knowledgeRequest.call(this, ctx, 'POST', `${path}/documents/metadata`, { body: { operation_data: [operation] } });
		return jsonItems({ result: 'success', document_id: documentId, metadata: metadataList });
	},
};
