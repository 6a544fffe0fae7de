import { jsonItems } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { idParam, knowledgeRequest } from '../../helpers/request';
import { childChunkId, childPath, parentFields } from './fields';

export const deleteChildChunk: DifyOperation = {
	value: 'delete',
	name: 'Delete',
	action: 'Delete a child chunk',
	description: 'Delete a child chunk',
	properties: [...parentFields, childChunkId],
	async execute(ctx) {
		const i = ctx.itemIndex;
		await knowledgeRequest.call(this, ctx, 'DELETE', childPath.call(this, i));
		return jsonItems({ deleted: true, child_chunk_id: idParam.call(this, 'childChunkId', 'Child Chunk ID', i) });
	},
};
