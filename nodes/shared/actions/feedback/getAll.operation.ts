import { jsonItems, targetOf } from '../../helpers/common';
import { getTake, returnAllFields } from '../../helpers/listFields';
import { asPage, collectPages } from '../../transport/pagination';
import { difyRequest } from '../../transport/request';
import type { DifyOperation } from '../../types';

export const getAll: DifyOperation = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many feedbacks of the app',
	description: 'Get the likes, dislikes and comments given to the app\'s messages, newest first',
	properties: returnAllFields(),
	async execute(ctx) {
		const i = ctx.itemIndex;
		const feedbacks = await collectPages(
			async (page, limit) =>
				asPage(await difyRequest.call(this, targetOf(ctx.node), { method: 'GET', path: '/app/feedbacks', qs: { page, limit }, itemIndex: i })),
			getTake.call(this, i),
			// Dify allows up to 101 per page on this endpoint.
			101,
		);
		return jsonItems(feedbacks);
	},
};
