import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';

import type { DifyOperation } from '../../types';
import { jsonItems, locatorValue } from '../common';
import { datasetLocator, documentLocator, idField } from '../knowledge/locators';
import { datasetPath, enc, idParam, knowledgeRequest } from '../knowledge/request';

const metadataId = idField('Metadata Field ID', 'metadataId', 'ID of the metadata field, as Metadata → Get Many lists it');
const fieldName = { displayName: 'Name', name: 'name', type: 'string' as const, default: '', required: true, placeholder: 'e.g. category' };

export const getAll: DifyOperation = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get the metadata fields of a knowledge base',
	description: 'List the custom metadata fields (with how many documents use each) and the built-in ones',
	properties: [datasetLocator()],
	async execute(ctx) {
		const path = datasetPath.call(this, ctx.itemIndex);
		const custom = await knowledgeRequest.call(this, ctx, 'GET', `${path}/metadata`);
		const builtIn = await knowledgeRequest.call(this, ctx, 'GET', `${path}/metadata/built-in`);
		const enabled = custom.built_in_field_enabled === true;
		return jsonItems([
			...((custom.doc_metadata as IDataObject[]) ?? []).map((f) => ({ ...f, built_in: false })),
			...((builtIn.fields as IDataObject[]) ?? []).map((f) => ({ ...f, built_in: true, enabled })),
		]);
	},
};

export const create: DifyOperation = {
	value: 'create',
	name: 'Create',
	action: 'Create a metadata field',
	description: 'Add a custom metadata field to a knowledge base',
	properties: [
		datasetLocator(),
		fieldName,
		{
			displayName: 'Type',
			name: 'type',
			type: 'options',
			options: [
				{ name: 'Number', value: 'number' },
				{ name: 'String', value: 'string' },
				{ name: 'Time', value: 'time' },
			],
			default: 'string',
		},
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const body = { type: this.getNodeParameter('type', i) as string, name: this.getNodeParameter('name', i) as string };
		return jsonItems(await knowledgeRequest.call(this, ctx, 'POST', `${datasetPath.call(this, i)}/metadata`, { body }));
	},
};

export const rename: DifyOperation = {
	value: 'rename',
	name: 'Rename',
	action: 'Rename a metadata field',
	description: 'Rename a custom metadata field',
	properties: [datasetLocator(), metadataId, { ...fieldName, displayName: 'New Name' }],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const path = `${datasetPath.call(this, i)}/metadata/${enc(idParam.call(this, 'metadataId', 'Metadata Field ID', i))}`;
		return jsonItems(await knowledgeRequest.call(this, ctx, 'PATCH', path, { body: { name: this.getNodeParameter('name', i) as string } }));
	},
};

export const deleteField: DifyOperation = {
	value: 'delete',
	name: 'Delete',
	action: 'Delete a metadata field',
	description: 'Delete a custom metadata field and its values',
	properties: [datasetLocator(), metadataId],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const id = idParam.call(this, 'metadataId', 'Metadata Field ID', i);
		await knowledgeRequest.call(this, ctx, 'DELETE', `${datasetPath.call(this, i)}/metadata/${enc(id)}`);
		return jsonItems({ deleted: true, metadata_id: id });
	},
};

export const setBuiltInFields: DifyOperation = {
	value: 'setBuiltInFields',
	name: 'Set Built-In Fields',
	action: 'Turn built-in metadata fields on or off',
	description: 'Turn on or off the built-in fields (document name, uploader, upload date, last update date, source)',
	properties: [datasetLocator(), { displayName: 'Enabled', name: 'enabled', type: 'boolean', default: true, description: 'Whether Dify fills in the built-in fields for every document' }],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const action = (this.getNodeParameter('enabled', i) as boolean) ? 'enable' : 'disable';
		const body = await knowledgeRequest.call(this, ctx, 'POST', `${datasetPath.call(this, i)}/metadata/built-in/${action}`);
		return jsonItems({ ...body, built_in_field_enabled: action === 'enable' });
	},
};

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
