import { jsonItems } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator } from '../../helpers/locators';
import { datasetPath, enc, knowledgeRequest, listParam } from '../../helpers/request';
import { documentIdsField } from './fields';

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
