import type { DifyOperation } from '../../types';
import { jsonItems, targetOf } from '../common';
import { difyRequest } from '../../transport/request';

export const getParameters: DifyOperation = {
	value: 'getParameters',
	name: 'Get Parameters',
	action: 'Get the app input form and enabled features',
	description: 'Get the input variables, file upload settings and features (speech, suggestions, citations) of the app',
	properties: [],
	async execute(ctx) {
		return jsonItems(
			await difyRequest.call(this, targetOf(ctx.node), { method: 'GET', path: '/parameters', itemIndex: ctx.itemIndex }),
		);
	},
};
