import { jsonItems } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator } from '../../helpers/locators';
import { datasetPath, knowledgeRequest } from '../../helpers/request';

export const get: DifyOperation = {
	value: 'get',
	name: 'Get',
	action: 'Get a knowledge base',
	description: 'Get a knowledge base with its settings',
	properties: [datasetLocator()],
	async execute(ctx) {
		return jsonItems(await knowledgeRequest.call(this, ctx, 'GET', datasetPath.call(this, ctx.itemIndex)));
	},
};
