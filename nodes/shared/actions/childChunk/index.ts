import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { DifyOperation } from '../../types';
import { asPage, collectPages } from '../../transport/pagination';
import { jsonItems } from '../common';
import { getTake, returnAllFields } from '../listFields';
import { datasetLocator, documentLocator, idField } from '../knowledge/locators';
import { enc, idParam, knowledgeRequest } from '../knowledge/request';
import { segmentId, segmentPath } from '../segment';

const childChunkId = idField('Child Chunk ID', 'childChunkId', 'ID of the child chunk, as Child Chunk → Get Many lists it');
const content = { displayName: 'Content', name: 'content', type: 'string' as const, typeOptions: { rows: 3 }, default: '', required: true };
const parentFields = [datasetLocator(), documentLocator(), segmentId];

export const create: DifyOperation = {
	value: 'create',
	name: 'Create',
	action: 'Add a child chunk',
	description: 'Add a child chunk to a chunk of a Parent-Child document',
	properties: [...parentFields, content],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const body = await knowledgeRequest.call(this, ctx, 'POST', `${segmentPath.call(this, i)}/child_chunks`, { body: { content: this.getNodeParameter('content', i) as string } });
		return jsonItems(body.data as IDataObject);
	},
};

export const getAll: DifyOperation = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many child chunks',
	description: 'List the child chunks of a chunk',
	properties: [
		...parentFields,
		...returnAllFields(),
		{ displayName: 'Keyword', name: 'keyword', type: 'string', default: '', description: 'Only child chunks containing this text' },
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const keyword = this.getNodeParameter('keyword', i, '') as string;
		const path = `${segmentPath.call(this, i)}/child_chunks`;
		// This list has `total` and `total_pages` but no `has_more`.
		return jsonItems(
			await collectPages(
				async (page, limit) => asPage(await knowledgeRequest.call(this, ctx, 'GET', path, { qs: { page, limit, ...(keyword ? { keyword } : {}) } })),
				getTake.call(this, i),
				100,
			),
		);
	},
};

function childPath(this: IExecuteFunctions, i: number): string {
	return `${segmentPath.call(this, i)}/child_chunks/${enc(idParam.call(this, 'childChunkId', 'Child Chunk ID', i))}`;
}

export const update: DifyOperation = {
	value: 'update',
	name: 'Update',
	action: 'Update a child chunk',
	description: 'Replace the content of a child chunk',
	properties: [...parentFields, childChunkId, content],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const body = await knowledgeRequest.call(this, ctx, 'PATCH', childPath.call(this, i), { body: { content: this.getNodeParameter('content', i) as string } });
		return jsonItems(body.data as IDataObject);
	},
};

export const deleteChildChunk: DifyOperation = {
	value: 'delete',
	name: 'Delete',
	action: 'Delete a child chunk',
	description: 'Delete a child chunk',
	properties: [...parentFields, childChunkId],
	async execute(ctx) {
		const i = ctx.itemIndex;
		await knowledgeRequest.call(this, ctx, 'DELETE', childPath.call(this, i));
		return jsonItems({ deleted: true, child_chunk_id: idParam.call(this, 'childChunkId', 'Child Chunk ID', i) });
	},
};
