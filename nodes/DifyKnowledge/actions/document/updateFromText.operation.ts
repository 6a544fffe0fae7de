import type { IDataObject } from 'n8n-workflow';
import { optionsCollection } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { documentResult } from '../../helpers/documentContent';
import { documentArgs, documentOptions, type DocumentOptionsInput } from '../../helpers/documentOptions';
import { datasetLocator, documentLocator } from '../../helpers/locators';
import { datasetPath, documentPath, knowledgeRequest } from '../../helpers/request';

export const updateFromText: DifyOperation = {
	value: 'updateFromText',
	name: 'Update From Text',
	action: 'Update a document from text',
	description: 'Replace the name and text of a document; Dify indexes it again',
	properties: [
		datasetLocator(),
		documentLocator('The document to change (it must have finished indexing)'),
		{ displayName: 'Name', name: 'name', type: 'string', default: '', required: true },
		{ displayName: 'Text', name: 'text', type: 'string', typeOptions: { rows: 6 }, default: '', description: 'New content; empty keeps the current content and only renames' },
		optionsCollection(documentOptions('update')),
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const options = this.getNodeParameter('options', i, {}) as DocumentOptionsInput;
		const text = this.getNodeParameter('text', i, '') as string;
		const body: IDataObject = { name: this.getNodeParameter('name', i) as string, ...documentArgs.call(this, options, i, 'update') };
		if (text) body.text = text;
		const answer = await knowledgeRequest.call(this, ctx, 'POST', `${documentPath.call(this, i)}/update-by-text`, { body });
		return await documentResult.call(this, ctx, datasetPath.call(this, i), answer, options);
	},
};
