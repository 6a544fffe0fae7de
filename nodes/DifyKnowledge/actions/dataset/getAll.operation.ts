import type { IDataObject } from 'n8n-workflow';
import { filtersCollection, jsonItems } from '../../../shared/helpers/common';
import { getTake, returnAllFields } from '../../../shared/helpers/listFields';
import { asPage, collectPages } from '../../../shared/transport/pagination';
import type { DifyOperation } from '../../../shared/types';
import { knowledgeRequest, listParam, repeatedQuery } from '../../helpers/request';

export const getAll: DifyOperation = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many knowledge bases',
	description: 'List the knowledge bases of the workspace, newest first',
	properties: [
		...returnAllFields(),
		filtersCollection([
			{ displayName: 'Include All', name: 'includeAll', type: 'boolean', default: false, description: 'Whether to include knowledge bases other members keep to themselves (the key runs as the workspace owner)' },
			{ displayName: 'Keyword', name: 'keyword', type: 'string', default: '', description: 'Only knowledge bases whose name contains this text' },
			{ displayName: 'Tag IDs', name: 'tagIds', type: 'string', default: '', description: 'Comma-separated; only knowledge bases that carry all of these tags' },
		]),
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const filters = this.getNodeParameter('filters', i, {}) as { keyword?: string; tagIds?: string; includeAll?: boolean };
		const qs: IDataObject = {};
		if (filters.keyword) qs.keyword = filters.keyword;
		if (filters.includeAll) qs.include_all = true;
		const path = `/datasets${repeatedQuery('tag_ids', listParam.call(this, 'filters.tagIds', i))}`;
		const datasets = await collectPages(
			async (page, limit) => asPage(await knowledgeRequest.call(this, ctx, 'GET', path, { qs: { ...qs, page, limit } })),
			getTake.call(this, i),
		);
		return jsonItems(datasets);
	},
};
