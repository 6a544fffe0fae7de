import { jsonItems } from '../../../shared/helpers/common';
import { getTake, returnAllFields } from '../../../shared/helpers/listFields';
import { asPage, collectPages } from '../../../shared/transport/pagination';
import type { DifyOperation } from '../../../shared/types';
import { knowledgeRequest } from '../../helpers/request';
import { segmentPath } from '../segment/fields';
import { parentFields } from './fields';

export const getAll: DifyOperation = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many child chunks',
	description: 'List the child chunks of a chunk',
	properties: [
		...parentFields,
		...returnAllFields(),
		{ displayName: 'Keyword', name: 'keyword', type: 'string', default: '', description: 'Only child chunks containing this text' },
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const keyword = this.getNodeParameter('keyword', i, '') as string;
		const path = `${segmentPath.call(this, i)}/child_chunks`;
		// This list has `total` and `total_pages` but no `has_more`.
		return jsonItems(
			await collectPages(
				async (page, limit) => asPage(await knowledgeRequest.call(this, ctx, 'GET', path, { qs: { page, limit, ...(keyword ? { keyword } : {}) } })),
				getTake.call(this, i),
			),
		);
	},
};
