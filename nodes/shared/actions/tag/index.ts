import type { IDataObject } from 'n8n-workflow';

import type { DifyOperation } from '../../types';
import { jsonItems } from '../common';
import { datasetLocator, idField } from '../knowledge/locators';
import { datasetIdOf, idParam, knowledgeRequest, listParam } from '../knowledge/request';

const tagId = idField('Tag ID', 'tagId', 'ID of the tag, as Tag → Get Many lists it');
const tagName = { displayName: 'Name', name: 'name', type: 'string' as const, default: '', required: true, description: '1 to 50 characters, unique in the workspace' };
const tagIds = { displayName: 'Tag IDs', name: 'tagIds', type: 'string' as const, default: '', required: true, description: 'Comma-separated, or an array from an expression' };

export const getAll: DifyOperation = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get the knowledge tags',
	description: 'List the knowledge tags of the workspace with how many knowledge bases carry each',
	properties: [],
	async execute(ctx) {
		const tags = (await knowledgeRequest.call(this, ctx, 'GET', '/datasets/tags')) as unknown;
		// Dify sends a bare array with the count as a string.
		return jsonItems((Array.isArray(tags) ? (tags as IDataObject[]) : []).map((t) => ({ ...t, binding_count: t.binding_count === null || t.binding_count === undefined ? 0 : Number(t.binding_count) })));
	},
};

export const create: DifyOperation = {
	value: 'create',
	name: 'Create',
	action: 'Create a knowledge tag',
	description: 'Create a tag for knowledge bases',
	properties: [tagName],
	async execute(ctx) {
		return jsonItems(await knowledgeRequest.call(this, ctx, 'POST', '/datasets/tags', { body: { name: this.getNodeParameter('name', ctx.itemIndex) as string } }));
	},
};

export const rename: DifyOperation = {
	value: 'rename',
	name: 'Rename',
	action: 'Rename a knowledge tag',
	description: 'Rename a knowledge tag',
	properties: [tagId, { ...tagName, displayName: 'New Name' }],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const body = { tag_id: idParam.call(this, 'tagId', 'Tag ID', i), name: this.getNodeParameter('name', i) as string };
		return jsonItems(await knowledgeRequest.call(this, ctx, 'PATCH', '/datasets/tags', { body }));
	},
};

export const deleteTag: DifyOperation = {
	value: 'delete',
	name: 'Delete',
	action: 'Delete a knowledge tag',
	description: 'Delete a knowledge tag (knowledge bases keep existing)',
	properties: [tagId],
	async execute(ctx) {
		const id = idParam.call(this, 'tagId', 'Tag ID', ctx.itemIndex);
		// Dify reads the tag from a JSON body even on DELETE.
		await knowledgeRequest.call(this, ctx, 'DELETE', '/datasets/tags', { body: { tag_id: id } });
		return jsonItems({ deleted: true, tag_id: id });
	},
};

export const bind: DifyOperation = {
	value: 'bind',
	name: 'Bind',
	action: 'Add tags to a knowledge base',
	description: 'Bind tags to a knowledge base',
	properties: [datasetLocator(), tagIds],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const body = { tag_ids: listParam.call(this, 'tagIds', i), target_id: datasetIdOf.call(this, i) };
		await knowledgeRequest.call(this, ctx, 'POST', '/datasets/tags/binding', { body });
		return jsonItems({ bound: true, ...body });
	},
};

export const unbind: DifyOperation = {
	value: 'unbind',
	name: 'Unbind',
	action: 'Remove tags from a knowledge base',
	description: 'Unbind tags from a knowledge base',
	properties: [datasetLocator(), tagIds],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const body = { tag_ids: listParam.call(this, 'tagIds', i), target_id: datasetIdOf.call(this, i) };
		await knowledgeRequest.call(this, ctx, 'POST', '/datasets/tags/unbinding', { body });
		return jsonItems({ unbound: true, ...body });
	},
};
