import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { requireId } from '../../helpers/common';

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

