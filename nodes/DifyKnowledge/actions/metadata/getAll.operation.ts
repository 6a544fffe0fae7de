import type { IDataObject } from 'n8n-workflow';
import { jsonItems } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator } from '../../helpers/locators';
import { datasetPath, knowledgeRequest } from '../../helpers/request';

export const getAll: DifyOperation = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get the metadata fields of a knowledge base',
	description: 'List the custom metadata fields (with how many documents use each) and the built-in ones',
	properties: [datasetLocator()],
	async execute(ctx) {
		const path = datasetPath.call(this, ctx.itemIndex);
		const custom = await knowledgeRequest.call(this, ctx, 'GET', `${path}/metadata`);
		const builtIn = await knowledgeRequest.call(this, ctx, 'GET', `${path}/metadata/built-in`);
		const enabled = custom.built_in_field_enabled === true;
		return jsonItems([
			...((custom.doc_metadata as IDataObject[]) ?? []).map((f) => ({ ...f, built_in: false })),
			...((builtIn.fields as IDataObject[]) ?? []).map((f) => ({ ...f, built_in: true, enabled })),
		]);
	},
};
