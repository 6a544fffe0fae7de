import { jsonItems } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator } from '../../helpers/locators';
import { datasetPath, knowledgeRequest } from '../../helpers/request';
import { fieldName } from './fields';

export const create: DifyOperation = {
	value: 'create',
	name: 'Create',
	action: 'Create a metadata field',
	description: 'Add a custom metadata field to a knowledge base',
	properties: [
		datasetLocator(),
		fieldName,
		{
			displayName: 'Type',
			name: 'type',
			type: 'options',
			options: [
				{ name: 'Number', value: 'number' },
				{ name: 'String', value: 'string' },
				{ name: 'Time', value: 'time' },
			],
			default: 'string',
		},
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const body = { type: this.getNodeParameter('type', i) as string, name: this.getNodeParameter('name', i) as string };
		return jsonItems(await knowledgeRequest.call(this, ctx, 'POST', `${datasetPath.call(this, i)}/metadata`, { body }));
	},
};
