import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { DifyOperation } from '../../types';
import { difyRequest } from '../../transport/request';
import { jsonItems, requireId, targetOf } from '../common';

export const formTokenField: INodeProperties = {
	displayName: 'Form Token',
	name: 'formToken',
	type: 'string',
	typeOptions: { password: true },
	default: '',
	required: true,
	placeholder: 'e.g. 9f3c2a1b7d6e4f5a8b9c0d1e2f3a4b5c',
	description:
		'The form_token of the paused run: a paused Run or Send outputs it as pause.forms[0].form_token. Anyone with it can answer the form.',
};

export function getFormToken(this: IExecuteFunctions, i: number): string {
	return requireId.call(this, String(this.getNodeParameter('formToken', i) ?? '').trim(), 'Form Token', i);
}

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
