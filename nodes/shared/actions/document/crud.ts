import type { IDataObject } from 'n8n-workflow';

import type { DifyOperation } from '../../types';
import { asPage, collectPages } from '../../transport/pagination';
import { filtersCollection, jsonItems, locatorValue } from '../common';
import { getTake, returnAllFields } from '../listFields';
import { datasetLocator, documentLocator } from '../knowledge/locators';
import { datasetPath, documentPath, knowledgeRequest } from '../knowledge/request';

export const get: DifyOperation = {
	value: 'get',
	name: 'Get',
	action: 'Get a document',
	description: 'Get a document with its indexing state, process rule and metadata',
	properties: [
		datasetLocator(),
		documentLocator(),
		{
			displayName: 'Metadata',
			name: 'metadata',
			type: 'options',
			options: [
				{ name: 'All Fields', value: 'all', description: 'The document with its metadata' },
				{ name: 'Only Metadata', value: 'only', description: 'Just the ID, type and metadata values' },
				{ name: 'Without Metadata', value: 'without', description: 'The document without metadata' },
			],
			default: 'all',
		},
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const metadata = this.getNodeParameter('metadata', i, 'all') as string;
		return jsonItems(await knowledgeRequest.call(this, ctx, 'GET', documentPath.call(this, i), { qs: { metadata } }));
	},
};

export const getAll: DifyOperation = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many documents',
	description: 'List the documents of a knowledge base, newest first',
	properties: [
		datasetLocator(),
		...returnAllFields(),
		filtersCollection([
			{ displayName: 'Keyword', name: 'keyword', type: 'string', default: '', description: 'Only documents whose name contains this text (case-sensitive)' },
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: ['Archived', 'Available', 'Disabled', 'Error', 'Indexing', 'Paused', 'Queuing'].map((name) => ({ name, value: name.toLowerCase() })),
				default: 'available',
			},
		]),
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const filters = this.getNodeParameter('filters', i, {}) as { keyword?: string; status?: string };
		const qs: IDataObject = {};
		if (filters.keyword) qs.keyword = filters.keyword;
		if (filters.status) qs.status = filters.status;
		const path = `${datasetPath.call(this, i)}/documents`;
		const documents = await collectPages(
			async (page, limit) => asPage(await knowledgeRequest.call(this, ctx, 'GET', path, { qs: { ...qs, page, limit } })),
			getTake.call(this, i),
			// Dify serves at most 100 per page while echoing a larger limit, and then says has_more: false.
			100,
		);
		return jsonItems(documents);
	},
};

export const deleteDocument: DifyOperation = {
	value: 'delete',
	name: 'Delete',
	action: 'Delete a document',
	description: 'Delete a document and its chunks',
	properties: [datasetLocator(), documentLocator('The document to delete (not while it is being indexed)')],
	async execute(ctx) {
		const i = ctx.itemIndex;
		await knowledgeRequest.call(this, ctx, 'DELETE', documentPath.call(this, i));
		return jsonItems({ deleted: true, document_id: locatorValue.call(this, 'documentId', i) });
	},
};
