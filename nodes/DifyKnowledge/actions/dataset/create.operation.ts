import { jsonItems, optionsCollection } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { knowledgeRequest } from '../../helpers/request';
import { hasRetrievalInput, retrievalModel } from '../../helpers/retrieval';
import { datasetBody, datasetSettings, summaryOptions, type DatasetSettingsInput } from './fields';

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
