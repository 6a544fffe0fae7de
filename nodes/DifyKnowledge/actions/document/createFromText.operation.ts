import { optionsCollection } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { documentResult } from '../../helpers/documentContent';
import { documentArgs, documentOptions, type DocumentOptionsInput } from '../../helpers/documentOptions';
import { datasetLocator } from '../../helpers/locators';
import { datasetPath, knowledgeRequest } from '../../helpers/request';

export const createFromText: DifyOperation = {
	value: 'createFromText',
	name: 'Create From Text',
	action: 'Create a document from text',
	description: 'Add a document with the given text to a knowledge base; Dify indexes it in the background',
	properties: [
		datasetLocator('The knowledge base to add the document to'),
		{ displayName: 'Name', name: 'name', type: 'string', default: '', required: true, placeholder: 'e.g. Refund policy' },
		{ displayName: 'Text', name: 'text', type: 'string', typeOptions: { rows: 6 }, default: '', required: true },
		optionsCollection(documentOptions('create')),
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const options = this.getNodeParameter('options', i, {}) as DocumentOptionsInput;
		const path = datasetPath.call(this, i);
		const body = { name: this.getNodeParameter('name', i) as string, text: this.getNodeParameter('text', i) as string, ...documentArgs.call(this, options, i) };
		const answer = await knowledgeRequest.call(this, ctx, 'POST', `${path}/document/create-by-text`, { body });
		return await documentResult.call(this, ctx, path, answer, options);
	},
};
