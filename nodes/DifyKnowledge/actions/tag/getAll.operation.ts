import type { IDataObject } from 'n8n-workflow';
import { jsonItems } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { knowledgeRequest } from '../../helpers/request';

export const getAll: DifyOperation = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get the knowledge tags',
	description: 'List the knowledge tags of the workspace with how many knowledge bases carry each',
	properties: [],
	async execute(ctx) {
		const tags = (await knowledgeRequest.call(this, ctx, 'GET', '/datasets/tags')) as unknown;
		// Dify sends a bare array with the count as a string.
		return jsonItems((Array.isArray(tags) ? (tags as IDataObject[]) : []).map((t) => ({ ...t, binding_count: t.binding_count === null || t.binding_count === undefined ? 0 : Number(t.binding_count) })));
	},
};
