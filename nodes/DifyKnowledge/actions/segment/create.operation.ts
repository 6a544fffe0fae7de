import type { IDataObject } from 'n8n-workflow';
import { jsonItems } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator, documentLocator } from '../../helpers/locators';
import { documentPath, knowledgeRequest } from '../../helpers/request';
import { keywords } from './fields';

export const create: DifyOperation = {
	value: 'create',
	name: 'Create',
	action: 'Add chunks to a document',
	description: 'Add one or more chunks to a document that has finished indexing',
	properties: [
		datasetLocator(),
		documentLocator('The document to add chunks to (indexed and enabled)'),
		{
			displayName: 'Chunks',
			name: 'chunks',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Chunk',
			default: { chunk: [{ content: '' }] },
			required: true,
			options: [
				{
					displayName: 'Chunk',
					name: 'chunk',
					values: [
						{ displayName: 'Content', name: 'content', type: 'string', typeOptions: { rows: 4 }, default: '', description: 'Text of the chunk (the question, in Q&A documents)' },
						{ displayName: 'Answer', name: 'answer', type: 'string', typeOptions: { rows: 2 }, default: '', description: 'The answer, required in Q&A documents' },
						{ displayName: 'Keywords', name: 'keywords', type: 'string', default: '', description: 'Comma-separated keywords for keyword search' },
					],
				},
			],
		},
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const chunks = ((this.getNodeParameter('chunks', i, {}) as { chunk?: IDataObject[] }).chunk ?? []).map((c) => {
			const segment: IDataObject = { content: c.content };
			if (c.answer) segment.answer = c.answer;
			const words = keywords(c.keywords);
			if (words.length) segment.keywords = words;
			return segment;
		});
		const body = await knowledgeRequest.call(this, ctx, 'POST', `${documentPath.call(this, i)}/segments`, { body: { segments: chunks } });
		return jsonItems((body.data as IDataObject[]) ?? []);
	},
};
