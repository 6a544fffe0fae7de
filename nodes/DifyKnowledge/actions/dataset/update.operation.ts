import type { IDataObject } from 'n8n-workflow';
import { jsonItems } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator } from '../../helpers/locators';
import { datasetPath, knowledgeRequest, listParam } from '../../helpers/request';
import { hasRetrievalInput, retrievalModel } from '../../helpers/retrieval';
import { datasetBody, updateOptions, type DatasetSettingsInput } from './fields';

export const update: DifyOperation = {
	value: 'update',
	name: 'Update',
	action: 'Update a knowledge base',
	description: 'Change the name, description or settings of a knowledge base; only the fields set change',
	properties: [
		datasetLocator(),
		{
			displayName: 'Update Fields',
			name: 'updateFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			options: updateOptions,
		},
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const fields = this.getNodeParameter('updateFields', i, {}) as DatasetSettingsInput;
		const path = datasetPath.call(this, i);
		const body = datasetBody(fields);
		if (hasRetrievalInput(fields)) {
			// Dify wants a complete retrieval model: start from the knowledge base's current one.
			const current = await knowledgeRequest.call(this, ctx, 'GET', path);
			body.retrieval_model = retrievalModel.call(this, fields, (current.retrieval_model_dict as IDataObject) ?? {}, i);
		}
		const members = listParam.call(this, 'updateFields.partialMembers', i);
		if (members.length) body.partial_member_list = members.map((user_id) => ({ user_id }));
		return jsonItems(await knowledgeRequest.call(this, ctx, 'PATCH', path, { body }));
	},
};
