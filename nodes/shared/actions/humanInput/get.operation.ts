import { jsonItems, targetOf } from '../../helpers/common';
import { difyRequest } from '../../transport/request';
import type { DifyOperation } from '../../types';
import { formTokenField, getFormToken } from './fields';

export const get: DifyOperation = {
	value: 'get',
	name: 'Get',
	action: 'Get the form a paused run waits on',
	description: 'Get a human input form: its text, the inputs it asks for, its actions and when it expires',
	properties: [formTokenField],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const token = getFormToken.call(this, i);
		const form = await difyRequest.call(this, targetOf(ctx.node), {
			method: 'GET',
			path: `/form/human_input/${encodeURIComponent(token)}`,
			itemIndex: i,
		});
		return jsonItems({ form_token: token, ...form });
	},
};
