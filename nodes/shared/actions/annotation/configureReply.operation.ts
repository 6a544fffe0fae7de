import { jsonItems, targetOf } from '../../helpers/common';
import { difyRequest } from '../../transport/request';
import type { DifyOperation } from '../../types';
import { replyActionField } from './fields';

export const configureReply: DifyOperation = {
	value: 'configureReply',
	name: 'Configure Reply',
	action: 'Enable or disable annotation replies',
	description: 'Turn annotation replies on (with an embedding model and a match threshold) or off; Dify does it as a background job',
	properties: [
		replyActionField,
		{
			displayName: 'Embedding Provider Name',
			name: 'embeddingProviderName',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. langgenius/openai/openai',
			description: 'Provider of the embedding model that matches queries to annotations. Dify requires it even to disable.',
		},
		{
			displayName: 'Embedding Model Name',
			name: 'embeddingModelName',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. text-embedding-3-small',
		},
		{
			displayName: 'Score Threshold',
			name: 'scoreThreshold',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
			default: 0.9,
			description: 'How similar a query must be to an annotated question (0 to 1) for Dify to reply with the annotation',
		},
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const action = this.getNodeParameter('action', i) as string;
		const result = await difyRequest.call(this, targetOf(ctx.node), {
			method: 'POST',
			path: `/apps/annotation-reply/${action}`,
			body: {
				embedding_provider_name: this.getNodeParameter('embeddingProviderName', i) as string,
				embedding_model_name: this.getNodeParameter('embeddingModelName', i) as string,
				score_threshold: this.getNodeParameter('scoreThreshold', i) as number,
			},
			itemIndex: i,
		});
		return jsonItems({ ...result, action });
	},
};
