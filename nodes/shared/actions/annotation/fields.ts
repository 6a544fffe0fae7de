import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { requireId, targetOf } from '../../helpers/common';
import { difyRequest } from '../../transport/request';
import type { OperationContext } from '../../types';

export const annotationIdField: INodeProperties = {
	displayName: 'Annotation ID',
	name: 'annotationId',
	type: 'string',
	default: '',
	required: true,
	description: 'ID of the annotation (see Get Many)',
};

export const questionAnswerFields: INodeProperties[] = [
	{ displayName: 'Question', name: 'question', type: 'string', typeOptions: { rows: 2 }, default: '', required: true, description: 'The question the annotation answers' },
	{ displayName: 'Answer', name: 'answer', type: 'string', typeOptions: { rows: 4 }, default: '', required: true, description: 'The answer Dify gives when a query matches the question' },
];

export const replyActionField: INodeProperties = {
	displayName: 'Action',
	name: 'action',
	type: 'options',
	options: [
		{ name: 'Enable', value: 'enable' },
		{ name: 'Disable', value: 'disable' },
	],
	default: 'enable',
	description: 'Whether to turn annotation replies on or off',
};

export function annotationId(this: IExecuteFunctions, i: number): string {
	return requireId.call(this, (this.getNodeParameter('annotationId', i) as string).trim(), 'Annotation ID', i);
}

export function questionAnswer(this: IExecuteFunctions, i: number): IDataObject {
	return { question: this.getNodeParameter('question', i) as string, answer: this.getNodeParameter('answer', i) as string };
}

export async function request(this: IExecuteFunctions, ctx: OperationContext, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, extra: { body?: IDataObject; qs?: IDataObject } = {}) {
	return await difyRequest.call(this, targetOf(ctx.node), { method, path, ...extra, itemIndex: ctx.itemIndex });
}

