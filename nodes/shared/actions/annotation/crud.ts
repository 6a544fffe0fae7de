import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { DifyOperation, OperationContext } from '../../types';
import { asPage, collectPages } from '../../transport/pagination';
import { difyRequest } from '../../transport/request';
import { jsonItems, requireId, targetOf } from '../common';
import { getTake, returnAllFields } from '../listFields';
import { annotationIdField, questionAnswerFields } from './fields';

function annotationId(this: IExecuteFunctions, i: number): string {
	return requireId.call(this, (this.getNodeParameter('annotationId', i) as string).trim(), 'Annotation ID', i);
}

function questionAnswer(this: IExecuteFunctions, i: number): IDataObject {
	return { question: this.getNodeParameter('question', i) as string, answer: this.getNodeParameter('answer', i) as string };
}

async function request(this: IExecuteFunctions, ctx: OperationContext, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, extra: { body?: IDataObject; qs?: IDataObject } = {}) {
	return await difyRequest.call(this, targetOf(ctx.node), { method, path, ...extra, itemIndex: ctx.itemIndex });
}

export const getAll: DifyOperation = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many annotations',
	description: 'Get the annotations (curated question/answer pairs) of the app',
	properties: [
		...returnAllFields(),
		{ displayName: 'Keyword', name: 'keyword', type: 'string', default: '', description: 'Only annotations whose question or answer contains this text' },
	],
	async execute(ctx) {
		const keyword = (this.getNodeParameter('keyword', ctx.itemIndex, '') as string).trim();
		const annotations = await collectPages(
			async (page, limit) =>
				asPage(await request.call(this, ctx, 'GET', '/apps/annotations', { qs: { page, limit, ...(keyword ? { keyword } : {}) } })),
			getTake.call(this, ctx.itemIndex),
			// Dify caps the page at 100 while echoing larger limits.
			100,
		);
		return jsonItems(annotations);
	},
};

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
