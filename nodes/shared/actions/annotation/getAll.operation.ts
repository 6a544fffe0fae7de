import { jsonItems } from '../../helpers/common';
import { getTake, returnAllFields } from '../../helpers/listFields';
import { asPage, collectPages } from '../../transport/pagination';
import type { DifyOperation } from '../../types';
import { request } from './fields';

export const getAll: DifyOperation = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many annotations',
	description: 'Get the annotations (curated question/answer pairs) of the app',
	properties: [
		...returnAllFields(),
		{ displayName: 'Keyword', name: 'keyword', type: 'string', default: '', description: 'Only annotations whose question or answer contains this text' },
	],
	async execute(ctx) {
		const keyword = (this.getNodeParameter('keyword', ctx.itemIndex, '') as string).trim();
		const annotations = await collectPages(
			async (page, limit) =>
				asPage(await request.call(this, ctx, 'GET', '/apps/annotations', { qs: { page, limit, ...(keyword ? { keyword } : {}) } })),
			getTake.call(this, ctx.itemIndex),
		);
		return jsonItems(annotations);
	},
};
