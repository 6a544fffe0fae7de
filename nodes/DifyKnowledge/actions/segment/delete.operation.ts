import { jsonItems } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator, documentLocator } from '../../helpers/locators';
import { idParam, knowledgeRequest } from '../../helpers/request';
import { segmentId, segmentPath } from './fields';

export const deleteSegment: DifyOperation = {
	value: 'delete',
	name: 'Delete',
	action: 'Delete a chunk',
	description: 'Delete a chunk from a document',
	properties: [datasetLocator(), documentLocator(), segmentId],
	async execute(ctx) {
		const i = ctx.itemIndex;
		await knowledgeRequest.call(this, ctx, 'DELETE', segmentPath.call(this, i));
		return jsonItems({ deleted: true, segment_id: idParam.call(this, 'segmentId', 'Chunk ID', i) });
	},
};
