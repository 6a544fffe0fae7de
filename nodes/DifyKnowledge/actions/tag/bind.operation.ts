import { jsonItems } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator } from '../../helpers/locators';
import { datasetIdOf, knowledgeRequest, listParam } from '../../helpers/request';
import { tagIds } from './fields';

export const bind: DifyOperation = {
	value: 'bind',
	name: 'Bind',
	action: 'Add tags to a knowledge base',
	description: 'Bind tags to a knowledge base',
	properties: [datasetLocator(), tagIds],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const body = { tag_ids: listParam.call(this, 'tagIds', i), target_id: datasetIdOf.call(this, i) };
		await knowledgeRequest.call(this, ctx, 'POST', '/datasets/tags/binding', { body });
		return jsonItems({ bound: true, ...body });
	},
};
