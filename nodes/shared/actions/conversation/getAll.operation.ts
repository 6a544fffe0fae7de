import { getUser, jsonItems, targetOf, userField } from '../../helpers/common';
import { getTake, returnAllFields } from '../../helpers/listFields';
import { asPage, collectAfterCursor } from '../../transport/pagination';
import { difyRequest } from '../../transport/request';
import type { DifyOperation } from '../../types';

export const getAll: DifyOperation = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many conversations of a user',
	description: 'Get the conversations a User had with the app through the API',
	properties: [
		{ ...userField, description: 'Whose conversations to list. Dify only lists conversations created through the API by this User.' },
		...returnAllFields(),
		{
			displayName: 'Sort By',
			name: 'sortBy',
			type: 'options',
			options: [
				{ name: 'Created (Newest First)', value: '-created_at' },
				{ name: 'Created (Oldest First)', value: 'created_at' },
				{ name: 'Updated (Newest First)', value: '-updated_at' },
				{ name: 'Updated (Oldest First)', value: 'updated_at' },
			],
			default: '-updated_at',
		},
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const user = getUser.call(this, i);
		const sortBy = this.getNodeParameter('sortBy', i, '-updated_at') as string;
		const conversations = await collectAfterCursor(
			async (lastId, limit) =>
				asPage(
					await difyRequest.call(this, targetOf(ctx.node), {
						method: 'GET',
						path: '/conversations',
						qs: { user, limit, sort_by: sortBy, ...(lastId ? { last_id: lastId } : {}) },
						user,
						itemIndex: i,
					}),
				),
			getTake.call(this, i),
		);
		return jsonItems(conversations);
	},
};
