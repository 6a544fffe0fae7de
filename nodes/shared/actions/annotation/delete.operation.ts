import { jsonItems } from '../../helpers/common';
import type { DifyOperation } from '../../types';
import { annotationId, annotationIdField, request } from './fields';

export const deleteAnnotation: DifyOperation = {
	value: 'delete',
	name: 'Delete',
	action: 'Delete an annotation',
	description: 'Delete an annotation',
	properties: [annotationIdField],
	async execute(ctx) {
		const id = annotationId.call(this, ctx.itemIndex);
		await request.call(this, ctx, 'DELETE', `/apps/annotations/${encodeURIComponent(id)}`);
		return jsonItems({ deleted: true, annotation_id: id });
	},
};
