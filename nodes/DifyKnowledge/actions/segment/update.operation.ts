import type { IDataObject } from 'n8n-workflow';
import { jsonItems } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator, documentLocator } from '../../helpers/locators';
import { knowledgeRequest, listParam } from '../../helpers/request';
import { segmentId, segmentPath } from './fields';

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
