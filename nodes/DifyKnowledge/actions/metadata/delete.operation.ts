import { jsonItems } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator } from '../../helpers/locators';
import { datasetPath, enc, idParam, knowledgeRequest } from '../../helpers/request';
import { metadataId } from './fields';

export const deleteField: DifyOperation = {
	value: 'delete',
	name: 'Delete',
	action: 'Delete a metadata field',
	description: 'Delete a custom metadata field and its values',
	properties: [datasetLocator(), metadataId],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const id = idParam.call(this, 'metadataId', 'Metadata Field ID', i);
		await knowledgeRequest.call(this, ctx, 'DELETE', `${datasetPath.call(this, i)}/metadata/${enc(id)}`);
		return jsonItems({ deleted: true, metadata_id: id });
	},
};
