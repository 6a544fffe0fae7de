import type { IDataObject } from 'n8n-workflow';

import type { DifyOperation } from '../../types';
import { jsonItems, optionsCollection } from '../common';
import { datasetLocator } from '../knowledge/locators';
import { waitForIndexing, waitOptions, type WaitInput } from '../knowledge/indexing';
import { datasetPath, enc, idParam, knowledgeRequest, listParam } from '../knowledge/request';

export const getIndexingStatus: DifyOperation = {
	value: 'getIndexingStatus',
	name: 'Get Indexing Status',
	action: 'Get the indexing status of a batch',
	description: 'Get the indexing progress of the documents of one create or update batch, or wait until it is finished',
	properties: [
		datasetLocator(),
		{ displayName: 'Batch', name: 'batch', type: 'string', default: '', required: true, placeholder: '={{ $json.batch }}', description: 'The `batch` a create or update operation returned' },
		{
			displayName: 'Wait for Completion',
			name: 'waitForCompletion',
			type: 'boolean',
			default: false,
			description: 'Whether to check again until every document is indexed (or failed), within Max Wait',
		},
		{ ...optionsCollection(waitOptions()), displayOptions: { show: { waitForCompletion: [true] } } },
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const path = datasetPath.call(this, i);
		const batch = idParam.call(this, 'batch', 'Batch', i);
		if (this.getNodeParameter('waitForCompletion', i, false) as boolean) {
			return jsonItems(await waitForIndexing.call(this, ctx, path, batch, this.getNodeParameter('options', i, {}) as WaitInput));
		}
		const body = await knowledgeRequest.call(this, ctx, 'GET', `${path}/documents/${enc(batch)}/indexing-status`);
		return jsonItems((body.data as IDataObject[]) ?? []);
	},
};

export const documentIdsField = {
	displayName: 'Document IDs',
	name: 'documentIds',
	type: 'string' as const,
	default: '',
	required: true,
	placeholder: 'e.g. 7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e, 9d0e1f2a-…',
	description: 'Comma-separated, or an array from an expression',
};

export const updateStatus: DifyOperation = {
	value: 'updateStatus',
	name: 'Update Status',
	action: 'Enable, disable or archive documents',
	description: 'Enable, disable, archive or un-archive several documents at once',
	properties: [
		datasetLocator(),
		documentIdsField,
		{
			displayName: 'Action',
			name: 'action',
			type: 'options',
			options: [
				{ name: 'Archive', value: 'archive' },
				{ name: 'Disable', value: 'disable' },
				{ name: 'Enable', value: 'enable' },
				{ name: 'Un-Archive', value: 'un_archive' },
			],
			default: 'enable',
		},
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const action = this.getNodeParameter('action', i) as string;
		const documentIds = listParam.call(this, 'documentIds', i);
		await knowledgeRequest.call(this, ctx, 'PATCH', `${datasetPath.call(this, i)}/documents/status/${enc(action)}`, { body: { document_ids: documentIds } });
		return jsonItems({ result: 'success', action, document_ids: documentIds });
	},
};
