import type { IDataObject } from 'n8n-workflow';
import { jsonItems } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { knowledgeRequest } from '../../helpers/request';
import { childChunkId, childPath, content, parentFields } from './fields';

export const update: DifyOperation = {
	value: 'update',
	name: 'Update',
	action: 'Update a child chunk',
	description: 'Replace the content of a child chunk',
	properties: [...parentFields, childChunkId, content],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const body = await knowledgeRequest.call(this, ctx, 'PATCH', childPath.call(this, i), { body: { content: this.getNodeParameter('content', i) as string } });
		return jsonItems(body.data as IDataObject);
	},
};
