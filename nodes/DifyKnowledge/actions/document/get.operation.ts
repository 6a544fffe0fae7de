import { jsonItems } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator, documentLocator } from '../../helpers/locators';
import { documentPath, knowledgeRequest } from '../../helpers/request';

export const get: DifyOperation = {
	value: 'get',
	name: 'Get',
	action: 'Get a document',
	description: 'Get a document with its indexing state, process rule and metadata',
	properties: [
		datasetLocator(),
		documentLocator(),
		{
			displayName: 'Metadata',
			name: 'metadata',
			type: 'options',
			options: [
				{ name: 'All Fields', value: 'all', description: 'The document with its metadata' },
				{ name: 'Only Metadata', value: 'only', description: 'Just the ID, type and metadata values' },
				{ name: 'Without Metadata', value: 'without', description: 'The document without metadata' },
			],
			default: 'all',
		},
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const metadata = this.getNodeParameter('metadata', i, 'all') as string;
		return jsonItems(await knowledgeRequest.call(this, ctx, 'GET', documentPath.call(this, i), { qs: { metadata } }));
	},
};
