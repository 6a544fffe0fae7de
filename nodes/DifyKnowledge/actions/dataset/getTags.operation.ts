import type { IDataObject } from 'n8n-workflow';
import { jsonItems } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator } from '../../helpers/locators';
import { datasetPath, knowledgeRequest } from '../../helpers/request';

export const getTags: DifyOperation = {
	value: 'getTags',
	name: 'Get Tags',
	action: 'Get the tags of a knowledge base',
	description: 'List the tags bound to a knowledge base',
	properties: [datasetLocator()],
	async execute(ctx) {
		const body = await knowledgeRequest.call(this, ctx, 'GET', `${datasetPath.call(this, ctx.itemIndex)}/tags`);
		return jsonItems((body.data as IDataObject[]) ?? []);
	},
};
