import { jsonItems } from '../../helpers/common';
import type { DifyOperation } from '../../types';
import { annotationId, annotationIdField, questionAnswer, questionAnswerFields, request } from './fields';

export const update: DifyOperation = {
	value: 'update',
	name: 'Update',
	action: 'Update an annotation',
	description: 'Change the question and answer of an annotation',
	properties: [annotationIdField, ...questionAnswerFields],
	async execute(ctx) {
		const id = annotationId.call(this, ctx.itemIndex);
		return jsonItems(await request.call(this, ctx, 'PUT', `/apps/annotations/${encodeURIComponent(id)}`, { body: questionAnswer.call(this, ctx.itemIndex) }));
	},
};
