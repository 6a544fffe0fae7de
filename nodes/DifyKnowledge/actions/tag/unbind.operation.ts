import { jsonItems } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator } from '../../helpers/locators';
import { datasetIdOf, knowledgeRequest, listParam } from '../../helpers/request';
import { tagIds } from './fields';

export const unbind: DifyOperation = {
	value: 'unbind',
	name: 'Unbind',
	action: 'Remove tags from a knowledge base',
	description: 'Unbind tags from a knowledge base',
	properties: [datasetLocator(), tagIds],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const body = { tag_ids: listParam.call(this, 'tagIds', i), target_id: datasetIdOf.call(this, i) };
		await knowledgeRequest.call(this, ctx, 'POST', '/datasets/tags/unbinding', { body });
		return jsonItems({ unbound: true, ...body });
	},
};
