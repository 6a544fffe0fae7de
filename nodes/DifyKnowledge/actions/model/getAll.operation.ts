import type { IDataObject } from 'n8n-workflow';
import { jsonItems } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { enc, knowledgeRequest } from '../../helpers/request';

export const getAll: DifyOperation = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get the available models',
	description: 'List the models of a type the workspace can use, e.g. embedding models for knowledge bases and rerank models for retrieval',
	properties: [
		{
			displayName: 'Model Type',
			name: 'modelType',
			type: 'options',
			options: [
				{ name: 'LLM', value: 'llm' },
				{ name: 'Moderation', value: 'moderation' },
				{ name: 'Rerank', value: 'rerank' },
				{ name: 'Speech to Text', value: 'speech2text' },
				{ name: 'Text Embedding', value: 'text-embedding' },
				{ name: 'Text to Speech', value: 'tts' },
			],
			default: 'text-embedding',
		},
	],
	async execute(ctx) {
		const type = this.getNodeParameter('modelType', ctx.itemIndex) as string;
		const body = await knowledgeRequest.call(this, ctx, 'GET', `/workspaces/current/models/model-types/${enc(type)}`);
		// One item per model, with the provider ID the knowledge base settings ask for.
		const models = ((body.data as IDataObject[]) ?? []).flatMap((provider) =>
			((provider.models as IDataObject[]) ?? []).map((m) => ({
				provider: provider.provider,
				provider_label: (provider.label as IDataObject | undefined)?.en_US ?? provider.provider,
				...m,
				label: (m.label as IDataObject | undefined)?.en_US ?? m.model,
			})),
		);
		return jsonItems(models);
	},
};
