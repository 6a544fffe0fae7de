import type { DifyOperation } from '../../types';
import { jsonItems, targetOf } from '../common';
import { difyRequest } from '../../transport/request';

export const getInfo: DifyOperation = {
	value: 'getInfo',
	name: 'Get Info',
	action: 'Get the app name, description, tags and mode',
	description: 'Get the basic information of the Dify app behind the API key',
	properties: [],
	async execute(ctx) {
		return jsonItems(await difyRequest.call(this, targetOf(ctx.node), { method: 'GET', path: '/info', itemIndex: ctx.itemIndex }));
	},
};
