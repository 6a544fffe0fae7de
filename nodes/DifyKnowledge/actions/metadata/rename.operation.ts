import { jsonItems } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator } from '../../helpers/locators';
import { datasetPath, enc, idParam, knowledgeRequest } from '../../helpers/request';
import { fieldName, metadataId } from './fields';

export const rename: DifyOperation = {
	value: 'rename',
	name: 'Rename',
	action: 'Rename a metadata field',
	description: 'Rename a custom metadata field',
	properties: [datasetLocator(), metadataId, { ...fieldName, displayName: 'New Name' }],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const path = `${datasetPath.call(this, i)}/metadata/${enc(idParam.call(this, 'metadataId', 'Metadata Field ID', i))}`;
		return jsonItems(await knowledgeRequest.call(this, ctx, 'PATCH', path, { body: { name: this.getNodeParameter('name', i) as string } }));
	},
};
