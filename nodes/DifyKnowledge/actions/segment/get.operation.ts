import type { IDataObject } from 'n8n-workflow';
import { jsonItems } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator, documentLocator } from '../../helpers/locators';
import { knowledgeRequest } from '../../helpers/request';
import { segmentId, segmentPath } from './fields';

export const get: DifyOperation = {
	value: 'get',
	name: 'Get',
	action: 'Get a chunk',
	description: 'Get one chunk with its child chunks',
	properties: [datasetLocator(), documentLocator(), segmentId],
	async execute(ctx) {
		const body = await knowledgeRequest.call(this, ctx, 'GET', segmentPath.call(this, ctx.itemIndex));
		return jsonItems({ ...(body.data as IDataObject), doc_form: body.doc_form });
	},
};
