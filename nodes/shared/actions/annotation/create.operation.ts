import { jsonItems } from '../../helpers/common';
import type { DifyOperation } from '../../types';
import { questionAnswer, questionAnswerFields, request } from './fields';

export const create: DifyOperation = {
	value: 'create',
	name: 'Create',
	action: 'Create an annotation',
	description: 'Add a question/answer pair that Dify can reply with directly',
	properties: questionAnswerFields,
	async execute(ctx) {
		return jsonItems(await request.call(this, ctx, 'POST', '/apps/annotations', { body: questionAnswer.call(this, ctx.itemIndex) }));
	},
};
