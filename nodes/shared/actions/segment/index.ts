import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { DifyOperation } from '../../types';
import { asPage, collectPages } from '../../transport/pagination';
import { filtersCollection, jsonItems } from '../common';
import { getTake, returnAllFields } from '../listFields';
import { datasetLocator, documentLocator, idField } from '../knowledge/locators';
import { documentPath, enc, idParam, knowledgeRequest, listParam, repeatedQuery } from '../knowledge/request';

const segmentId = idField('Chunk ID', 'segmentId', 'ID of the chunk (segment), as Chunk → Get Many lists it');

export function segmentPath(this: IExecuteFunctions, i: number): string {
	return `${documentPath.call(this, i)}/segments/${enc(idParam.call(this, 'segmentId', 'Chunk ID', i))}`;
}

function keywords(raw: unknown): string[] {
	return (Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(',')).map((k) => k.trim()).filter(Boolean);
}

export const create: DifyOperation = {
	value: 'create',
	name: 'Create',
	action: 'Add chunks to a document',
	description: 'Add one or more chunks to a document that has finished indexing',
	properties: [
		datasetLocator(),
		documentLocator('The document to add chunks to (indexed and enabled)'),
		{
			displayName: 'Chunks',
			name: 'chunks',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Chunk',
			default: { chunk: [{ content: '' }] },
			required: true,
			options: [
				{
					displayName: 'Chunk',
					name: 'chunk',
					values: [
						{ displayName: 'Content', name: 'content', type: 'string', typeOptions: { rows: 4 }, default: '', description: 'Text of the chunk (the question, in Q&A documents)' },
						{ displayName: 'Answer', name: 'answer', type: 'string', typeOptions: { rows: 2 }, default: '', description: 'The answer, required in Q&A documents' },
						{ displayName: 'Keywords', name: 'keywords', type: 'string', default: '', description: 'Comma-separated keywords for keyword search' },
					],
				},
			],
		},
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const chunks = ((this.getNodeParameter('chunks', i, {}) as { chunk?: IDataObject[] }).chunk ?? []).map((c) => {
			const segment: IDataObject = { content: c.content };
			if (c.answer) segment.answer = c.answer;
			const words = keywords(c.keywords);
			if (words.length) segment.keywords = words;
			return segment;
		});
		const body = await knowledgeRequest.call(this, ctx, 'POST', `${documentPath.call(this, i)}/segments`, { body: { segments: chunks } });
		return jsonItems((body.data as IDataObject[]) ?? []);
	},
};

export const get: DifyOperation = {
	value: 'get',
	name: 'Get',
	action: 'Get a chunk',
	description: 'Get one chunk with its child chunks',
	properties: [datasetLocator(), documentLocator(), segmentId],
	async execute(ctx) {
		const body = await knowledgeRequest.call(this, ctx, 'GET', segmentPath.call(this, ctx.itemIndex));
		return jsonItems({ ...(body.data as IDataObject), doc_form: body.doc_form });
	},
};

export const getAll: DifyOperation = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many chunks of a document',
	description: 'List the chunks of a document in order',
	properties: [
		datasetLocator(),
		documentLocator(),
		...returnAllFields(),
		filtersCollection([
			{ displayName: 'Keyword', name: 'keyword', type: 'string', default: '', description: 'Only chunks containing this text' },
			{
				displayName: 'Status',
				name: 'status',
				type: 'multiOptions',
				options: ['Completed', 'Error', 'Indexing', 'Paused', 'Waiting'].map((name) => ({ name, value: name.toLowerCase() })),
				default: [],
			},
		]),
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const filters = this.getNodeParameter('filters', i, {}) as { keyword?: string; status?: string[] };
		const qs: IDataObject = {};
		if (filters.keyword) qs.keyword = filters.keyword;
		const path = `${documentPath.call(this, i)}/segments${repeatedQuery('status', filters.status ?? [])}`;
		return jsonItems(
			await collectPages(async (page, limit) => asPage(await knowledgeRequest.call(this, ctx, 'GET', path, { qs: { ...qs, page, limit } })), getTake.call(this, i), 100),
		);
	},
};

export const update: DifyOperation = {
	value: 'update',
	name: 'Update',
	action: 'Update a chunk',
	description: 'Change the content, answer, keywords or state of a chunk',
	properties: [
		datasetLocator(),
		documentLocator(),
		segmentId,
		{
			displayName: 'Update Fields',
			name: 'updateFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			options: [
				{ displayName: 'Answer', name: 'answer', type: 'string', typeOptions: { rows: 2 }, default: '' },
				{ displayName: 'Content', name: 'content', type: 'string', typeOptions: { rows: 4 }, default: '' },
				{ displayName: 'Enabled', name: 'enabled', type: 'boolean', default: true, description: 'Whether the chunk is used in searches' },
				{ displayName: 'Keywords', name: 'keywords', type: 'string', default: '', description: 'Comma-separated; replaces the chunk\'s keywords' },
				{ displayName: 'Regenerate Child Chunks', name: 'regenerateChildChunks', type: 'boolean', default: false, description: 'Whether to cut the new content into child chunks again (Parent-Child documents)' },
				{ displayName: 'Summary', name: 'summary', type: 'string', default: '', description: 'Summary indexed with the chunk, when the knowledge base has a summary index' },
			],
		},
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const fields = this.getNodeParameter('updateFields', i, {}) as IDataObject;
		const segment: IDataObject = {};
		for (const key of ['content', 'answer', 'enabled', 'summary'] as const) if (fields[key] !== undefined) segment[key] = fields[key];
		if (fields.keywords !== undefined) segment.keywords = listParam.call(this, 'updateFields.keywords', i);
		if (fields.regenerateChildChunks !== undefined) segment.regenerate_child_chunks = fields.regenerateChildChunks;
		const body = await knowledgeRequest.call(this, ctx, 'POST', segmentPath.call(this, i), { body: { segment } });
		return jsonItems({ ...(body.data as IDataObject), doc_form: body.doc_form });
	},
};

export const deleteSegment: DifyOperation = {
	value: 'delete',
	name: 'Delete',
	action: 'Delete a chunk',
	description: 'Delete a chunk from a document',
	properties: [datasetLocator(), documentLocator(), segmentId],
	async execute(ctx) {
		const i = ctx.itemIndex;
		await knowledgeRequest.call(this, ctx, 'DELETE', segmentPath.call(this, i));
		return jsonItems({ deleted: true, segment_id: idParam.call(this, 'segmentId', 'Chunk ID', i) });
	},
};

export { segmentId };
