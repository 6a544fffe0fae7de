import { jsonItems, locatorValue } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator, documentLocator } from '../../helpers/locators';
import { documentPath, knowledgeRequest } from '../../helpers/request';

export const deleteDocument: DifyOperation = {
	value: 'delete',
	name: 'Delete',
	action: 'Delete a document',
	description: 'Delete a document and its chunks',
	properties: [datasetLocator(), documentLocator('The document to delete (not while it is being indexed)')],
	async execute(ctx) {
		const i = ctx.itemIndex;
		await knowledgeRequest.call(this, ctx, 'DELETE', documentPath.call(this, i));
		return jsonItems({ deleted: true, document_id: locatorValue.call(this, 'documentId', i) });
	},
};
