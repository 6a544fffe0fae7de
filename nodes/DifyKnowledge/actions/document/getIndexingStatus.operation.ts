import type { IDataObject } from 'n8n-workflow';
import { jsonItems, optionsCollection } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { waitForIndexing, waitOptions, type WaitInput } from '../../helpers/indexing';
import { datasetLocator } from '../../helpers/locators';
import { datasetPath, enc, idParam, knowledgeRequest } from '../../helpers/request';

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
