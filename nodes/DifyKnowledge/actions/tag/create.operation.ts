import { jsonItems } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { knowledgeRequest } from '../../helpers/request';
import { tagName } from './fields';

export const create: DifyOperation = {
	value: 'create',
	name: 'Create',
	action: 'Create a knowledge tag',
	description: 'Create a tag for knowledge bases',
	properties: [tagName],
	async execute(ctx) {
		return jsonItems(await knowledgeRequest.call(this, ctx, 'POST', '/datasets/tags', { body: { name: this.getNodeParameter('name', ctx.itemIndex) as string } }));
	},
};
