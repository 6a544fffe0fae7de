import type { IDataObject } from 'n8n-workflow';
import { filtersCollection, jsonItems } from '../../../shared/helpers/common';
import { getTake, returnAllFields } from '../../../shared/helpers/listFields';
import { asPage, collectPages } from '../../../shared/transport/pagination';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator, documentLocator } from '../../helpers/locators';
import { documentPath, knowledgeRequest, repeatedQuery } from '../../helpers/request';

export const getAll: DifyOperation = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many chunks of a document',
	description: 'List the chunks of a document in order',
	properties: [
		datasetLocator(),
		documentLocator(),
		...returnAllFields(),
		filtersCollection([
			{ displayName: 'Keyword', name: 'keyword', type: 'string', default: '', description: 'Only chunks containing this text' },
			{
				displayName: 'Status',
				name: 'status',
				type: 'multiOptions',
				options: ['Completed', 'Error', 'Indexing', 'Paused', 'Waiting'].map((name) => ({ name, value: name.toLowerCase() })),
				default: [],
			},
		]),
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const filters = this.getNodeParameter('filters', i, {}) as { keyword?: string; status?: string[] };
		const qs: IDataObject = {};
		if (filters.keyword) qs.keyword = filters.keyword;
		const path = `${documentPath.call(this, i)}/segments${repeatedQuery('status', filters.status ?? [])}`;
		return jsonItems(
			await collectPages(async (page, limit) => asPage(await knowledgeRequest.call(this, ctx, 'GET', path, { qs: { ...qs, page, limit } })), getTake.call(this, i)),
		);
	},
};
