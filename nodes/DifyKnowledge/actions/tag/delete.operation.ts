import { jsonItems } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { idParam, knowledgeRequest } from '../../helpers/request';
import { tagId } from './fields';

export const deleteTag: DifyOperation = {
	value: 'delete',
	name: 'Delete',
	action: 'Delete a knowledge tag',
	description: 'Delete a knowledge tag (knowledge bases keep existing)',
	properties: [tagId],
	async execute(ctx) {
		const id = idParam.call(this, 'tagId', 'Tag ID', ctx.itemIndex);
		// Dify reads the tag from a JSON body even on DELETE.
		await knowledgeRequest.call(this, ctx, 'DELETE', '/datasets/tags', { body: { tag_id: id } });
		return jsonItems({ deleted: true, tag_id: id });
	},
};
