import { jsonItems } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator } from '../../helpers/locators';
import { datasetPath, knowledgeRequest } from '../../helpers/request';

export const setBuiltInFields: DifyOperation = {
	value: 'setBuiltInFields',
	name: 'Set Built-In Fields',
	action: 'Turn built-in metadata fields on or off',
	description: 'Turn on or off the built-in fields (document name, uploader, upload date, last update date, source)',
	properties: [datasetLocator(), { displayName: 'Enabled', name: 'enabled', type: 'boolean', default: true, description: 'Whether Dify fills in the built-in fields for every document' }],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const action = (this.getNodeParameter('enabled', i) as boolean) ? 'enable' : 'disable';
		const body = await knowledgeRequest.call(this, ctx, 'POST', `${datasetPath.call(this, i)}/metadata/built-in/${action}`);
		return jsonItems({ ...body, built_in_field_enabled: action === 'enable' });
	},
};
