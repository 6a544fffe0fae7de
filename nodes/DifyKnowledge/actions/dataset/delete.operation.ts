import { jsonItems } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator } from '../../helpers/locators';
import { datasetIdOf, datasetPath, knowledgeRequest } from '../../helpers/request';

export const deleteDataset: DifyOperation = {
	value: 'delete',
	name: 'Delete',
	action: 'Delete a knowledge base',
	description: 'Delete a knowledge base with all its documents (apps that use it lose it)',
	properties: [datasetLocator()],
	async execute(ctx) {
		const i = ctx.itemIndex;
		await knowledgeRequest.call(this, ctx, 'DELETE', datasetPath.call(this, i));
		return jsonItems({ deleted: true, dataset_id: datasetIdOf.call(this, i) });
	},
};
