import { jsonItems } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { idParam, knowledgeRequest } from '../../helpers/request';
import { tagId, tagName } from './fields';

export const rename: DifyOperation = {
	value: 'rename',
	name: 'Rename',
	action: 'Rename a knowledge tag',
	description: 'Rename a knowledge tag',
	properties: [tagId, { ...tagName, displayName: 'New Name' }],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const body = { tag_id: idParam.call(this, 'tagId', 'Tag ID', i), name: this.getNodeParameter('name', i) as string };
		return jsonItems(await knowledgeRequest.call(this, ctx, 'PATCH', '/datasets/tags', { body }));
	},
};
