import type { IDataObject } from 'n8n-workflow';
import { jsonItems } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { knowledgeRequest } from '../../helpers/request';
import { segmentPath } from '../segment/fields';
import { content, parentFields } from './fields';

export const create: DifyOperation = {
	value: 'create',
	name: 'Create',
	action: 'Add a child chunk',
	description: 'Add a child chunk to a chunk of a Parent-Child document',
	properties: [...parentFields, content],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const body = await knowledgeRequest.call(this, ctx, 'POST', `${segmentPath.call(this, i)}/child_chunks`, { body: { content: this.getNodeParameter('content', i) as string } });
		return jsonItems(body.data as IDataObject);
	},
};
