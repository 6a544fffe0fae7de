import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { DifyOperation } from '../../types';
import { asPage, collectPages } from '../../transport/pagination';
import { filtersCollection, jsonItems, optionsCollection } from '../common';
import { getTake, returnAllFields } from '../listFields';
import { datasetLocator } from '../knowledge/locators';
import { datasetIdOf, datasetPath, knowledgeRequest, listParam, repeatedQuery } from '../knowledge/request';
import { hasRetrievalInput, retrievalModel } from '../knowledge/retrieval';
import { datasetBody, datasetSettings, type DatasetSettingsInput } from './fields';

const summaryOptions = [
	{ displayName: 'Summary Index', name: 'summaryIndex', type: 'boolean' as const, default: false, description: 'Whether Dify also indexes an LLM summary of each chunk (needs Summary Model)' },
	{ displayName: 'Summary Model', name: 'summaryModel', type: 'string' as const, default: '', placeholder: 'e.g. gpt-4o-mini' },
	{ displayName: 'Summary Model Provider', name: 'summaryModelProvider', type: 'string' as const, default: '', placeholder: 'e.g. langgenius/openai/openai' },
	{ displayName: 'Summary Prompt', name: 'summaryPrompt', type: 'string' as const, typeOptions: { rows: 3 }, default: '' },
];

export const create: DifyOperation = {
	value: 'create',
	name: 'Create',
	action: 'Create a knowledge base',
	description: 'Create an empty knowledge base',
	properties: [
		{ displayName: 'Name', name: 'name', type: 'string', default: '', required: true, description: 'Unique in the workspace, 1 to 40 characters' },
		optionsCollection([...datasetSettings(), ...summaryOptions]),
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const options = this.getNodeParameter('options', i, {}) as DatasetSettingsInput;
		const body = datasetBody({ ...options, name: this.getNodeParameter('name', i) as string });
		if (hasRetrievalInput(options)) body.retrieval_model = retrievalModel.call(this, options, {}, i);
		if (options.summaryIndex !== undefined) {
			body.summary_index_setting = {
				enable: options.summaryIndex,
				...(options.summaryModel ? { model_name: options.summaryModel } : {}),
				...(options.summaryModelProvider ? { model_provider_name: options.summaryModelProvider } : {}),
				...(options.summaryPrompt ? { summary_prompt: options.summaryPrompt } : {}),
			};
		}
		return jsonItems(await knowledgeRequest.call(this, ctx, 'POST', '/datasets', { body }));
	},
};

export const get: DifyOperation = {
	value: 'get',
	name: 'Get',
	action: 'Get a knowledge base',
	description: 'Get a knowledge base with its settings',
	properties: [datasetLocator()],
	async execute(ctx) {
		return jsonItems(await knowledgeRequest.call(this, ctx, 'GET', datasetPath.call(this, ctx.itemIndex)));
	},
};

export const getAll: DifyOperation = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many knowledge bases',
	description: 'List the knowledge bases of the workspace, newest first',
	properties: [
		...returnAllFields(),
		filtersCollection([
			{ displayName: 'Include All', name: 'includeAll', type: 'boolean', default: false, description: 'Whether to include knowledge bases other members keep to themselves (the key runs as the workspace owner)' },
			{ displayName: 'Keyword', name: 'keyword', type: 'string', default: '', description: 'Only knowledge bases whose name contains this text' },
			{ displayName: 'Tag IDs', name: 'tagIds', type: 'string', default: '', description: 'Comma-separated; only knowledge bases that carry all of these tags' },
		]),
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const filters = this.getNodeParameter('filters', i, {}) as { keyword?: string; tagIds?: string; includeAll?: boolean };
		const qs: IDataObject = {};
		if (filters.keyword) qs.keyword = filters.keyword;
		if (filters.includeAll) qs.include_all = true;
		const path = `/datasets${repeatedQuery('tag_ids', listParam.call(this, 'filters.tagIds', i))}`;
		const datasets = await collectPages(
			async (page, limit) => asPage(await knowledgeRequest.call(this, ctx, 'GET', path, { qs: { ...qs, page, limit } })),
			getTake.call(this, i),
			// Dify serves at most 100 per page while echoing a larger limit.
			100,
		);
		return jsonItems(datasets);
	},
};

const updateOptions: INodeProperties[] = ([
	{ displayName: 'Name', name: 'name', type: 'string', default: '' },
	{ displayName: 'Partial Member IDs', name: 'partialMembers', type: 'string', default: '', description: 'Comma-separated account IDs that may use it, with Permission "Partial Members"' },
	...datasetSettings(),
] as INodeProperties[]).sort((a, b) => a.displayName.localeCompare(b.displayName));

export const update: DifyOperation = {
	value: 'update',
	name: 'Update',
	action: 'Update a knowledge base',
	description: 'Change the name, description or settings of a knowledge base; only the fields set change',
	properties: [
		datasetLocator(),
		{
			displayName: 'Update Fields',
			name: 'updateFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			options: updateOptions,
		},
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const fields = this.getNodeParameter('updateFields', i, {}) as DatasetSettingsInput;
		const path = datasetPath.call(this, i);
		const body = datasetBody(fields);
		if (hasRetrievalInput(fields)) {
			// Dify wants a complete retrieval model: start from the knowledge base's current one.
			const current = await knowledgeRequest.call(this, ctx, 'GET', path);
			body.retrieval_model = retrievalModel.call(this, fields, (current.retrieval_model_dict as IDataObject) ?? {}, i);
		}
		const members = listParam.call(this, 'updateFields.partialMembers', i);
		if (members.length) body.partial_member_list = members.map((user_id) => ({ user_id }));
		return jsonItems(await knowledgeRequest.call(this, ctx, 'PATCH', path, { body }));
	},
};

export const deleteDataset: DifyOperation = {
	value: 'delete',
	name: 'Delete',
	action: 'Delete a knowledge base',
	description: 'Delete a knowledge base with all its documents (apps that use it lose it)',
	properties: [datasetLocator()],
	async execute(ctx) {
		const i = ctx.itemIndex;
		await knowledgeRequest.call(this, ctx, 'DELETE', datasetPath.call(this, i));
		return jsonItems({ deleted: true, dataset_id: datasetIdOf.call(this, i) });
	},
};

export const getTags: DifyOperation = {
	value: 'getTags',
	name: 'Get Tags',
	action: 'Get the tags of a knowledge base',
	description: 'List the tags bound to a knowledge base',
	properties: [datasetLocator()],
	async execute(ctx) {
		const body = await knowledgeRequest.call(this, ctx, 'GET', `${datasetPath.call(this, ctx.itemIndex)}/tags`);
		return jsonItems((body.data as IDataObject[]) ?? []);
	},
};
