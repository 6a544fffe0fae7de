import type { IDataObject } from 'n8n-workflow';
import { filtersCollection, jsonItems } from '../../../shared/helpers/common';
import { getTake, returnAllFields } from '../../../shared/helpers/listFields';
import { asPage, collectPages } from '../../../shared/transport/pagination';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator } from '../../helpers/locators';
import { datasetPath, knowledgeRequest } from '../../helpers/request';

export const getAll: DifyOperation = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many documents',
	description: 'List the documents of a knowledge base, newest first',
	properties: [
		datasetLocator(),
		...returnAllFields(),
		filtersCollection([
			{ displayName: 'Keyword', name: 'keyword', type: 'string', default: '', description: 'Only documents whose name contains this text (case-sensitive)' },
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: ['Archived', 'Available', 'Disabled', 'Error', 'Indexing', 'Paused', 'Queuing'].map((name) => ({ name, value: name.toLowerCase() })),
				default: 'available',
			},
		]),
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const filters = this.getNodeParameter('filters', i, {}) as { keyword?: string; status?: string };
		const qs: IDataObject = {};
		if (filters.keyword) qs.keyword = filters.keyword;
		if (filters.status) qs.status = filters.status;
		const path = `${datasetPath.call(this, i)}/documents`;
		const documents = await collectPages(
			async (page, limit) => asPage(await knowledgeRequest.call(this, ctx, 'GET', path, { qs: { ...qs, page, limit } })),
			getTake.call(this, i),
		);
		return jsonItems(documents);
	},
};
