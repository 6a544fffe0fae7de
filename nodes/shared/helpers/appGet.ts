import { difyRequest } from '../transport/request';
import type { DifyOperation } from '../types';
import { jsonItems, targetOf } from './common';

/** The app endpoints are parameterless GETs whose JSON is the output. */
export function appGet(value: string, name: string, path: string, action: string, description: string): DifyOperation {
	return {
		value,
		name,
		action,
		description,
		properties: [],
		async execute(ctx) {
			return jsonItems(await difyRequest.call(this, targetOf(ctx.node), { method: 'GET', path, itemIndex: ctx.itemIndex }));
		},
	};
}
