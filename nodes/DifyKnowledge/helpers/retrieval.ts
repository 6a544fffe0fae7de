import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

const SEARCH_METHODS = [
	{ name: 'Full-Text Search', value: 'full_text_search' },
	{ name: 'Hybrid Search', value: 'hybrid_search' },
	{ name: 'Keyword Search (Economy)', value: 'keyword_search' },
	{ name: 'Semantic (Vector) Search', value: 'semantic_search' },
];

/** Settings of Dify's RetrievalModel (docs/dify-behaviour.md, 'Retrieval models'); unset ones keep the knowledge base's own. */
export function retrievalOptions(): INodeProperties[] {
	return [
		{ displayName: 'Search Method', name: 'searchMethod', type: 'options', options: SEARCH_METHODS, default: 'semantic_search', description: 'How Dify finds chunks. Economy knowledge bases always use keyword search.' },
		{ displayName: 'Top K', name: 'topK', type: 'number', typeOptions: { minValue: 1 }, default: 4, description: 'Max number of chunks to return' },
		{
			displayName: 'Score Threshold',
			name: 'scoreThreshold',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
			default: 0.5,
			description: 'Only chunks scoring at least this much (0 to 1); setting it turns the threshold on',
		},
		{ displayName: 'Reranking', name: 'rerankingEnable', type: 'boolean', default: false, description: 'Whether to rerank the results with a rerank model (set Rerank Provider and Rerank Model) or by weights' },
		{
			displayName: 'Reranking Mode',
			name: 'rerankingMode',
			type: 'options',
			options: [
				{ name: 'Rerank Model', value: 'reranking_model' },
				{ name: 'Weighted Score (Hybrid Search)', value: 'weighted_score' },
			],
			default: 'reranking_model',
		},
		{ displayName: 'Rerank Provider', name: 'rerankingProvider', type: 'string', default: '', placeholder: 'e.g. langgenius/cohere/cohere', description: 'Provider of the rerank model, as Model → Get Many lists it' },
		{ displayName: 'Rerank Model', name: 'rerankingModel', type: 'string', default: '', placeholder: 'e.g. rerank-english-v3.0' },
		{
			displayName: 'Semantic Weight',
			name: 'semanticWeight',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
			default: 0.7,
			description: 'Weighted Score only: share of the semantic score; keywords get the rest',
		},
	];
}

export interface RetrievalInput {
	searchMethod?: string;
	topK?: number;
	scoreThreshold?: number;
	rerankingEnable?: boolean;
	rerankingMode?: string;
	rerankingProvider?: string;
	rerankingModel?: string;
	semanticWeight?: number;
}

const KEYS: (keyof RetrievalInput)[] = ['searchMethod', 'topK', 'scoreThreshold', 'rerankingEnable', 'rerankingMode', 'rerankingProvider', 'rerankingModel', 'semanticWeight'];

export function hasRetrievalInput(input: RetrievalInput): boolean {
	return KEYS.some((k) => input[k] !== undefined);
}

/**
 * A complete RetrievalModel: Dify requires search method, reranking, top K and threshold whenever
 * the object is sent, so the settings given are laid over `base` (the knowledge base's own).
 */
export function retrievalModel(this: IExecuteFunctions, input: RetrievalInput, base: IDataObject, i: number): IDataObject {
	const model: IDataObject = {
		search_method: base.search_method ?? 'semantic_search',
		reranking_enable: base.reranking_enable ?? false,
		reranking_mode: base.reranking_mode ?? null,
		reranking_model: base.reranking_model ?? { reranking_provider_name: '', reranking_model_name: '' },
		weights: base.weights ?? null,
		top_k: base.top_k ?? 4,
		score_threshold_enabled: base.score_threshold_enabled ?? false,
		score_threshold: base.score_threshold ?? null,
	};
	if (input.searchMethod !== undefined) model.search_method = input.searchMethod;
	if (input.topK !== undefined) model.top_k = input.topK;
	if (input.scoreThreshold !== undefined) {
		model.score_threshold_enabled = true;
		model.score_threshold = input.scoreThreshold;
	}
	if (input.rerankingEnable !== undefined) model.reranking_enable = input.rerankingEnable;
	if (input.rerankingMode !== undefined) model.reranking_mode = input.rerankingMode;
	if (input.rerankingProvider || input.rerankingModel) {
		model.reranking_model = { reranking_provider_name: input.rerankingProvider ?? '', reranking_model_name: input.rerankingModel ?? '' };
	}
	if (model.reranking_enable && !model.reranking_mode) model.reranking_mode = 'reranking_model';
	if (input.semanticWeight !== undefined) {
		const vector = Math.round(input.semanticWeight * 100) / 100;
		model.weights = {
			weight_type: 'customized',
			vector_setting: { vector_weight: vector, embedding_provider_name: '', embedding_model_name: '' },
			keyword_setting: { keyword_weight: Math.round((1 - vector) * 100) / 100 },
		};
	}
	const rerank = model.reranking_model as IDataObject;
	if (model.reranking_enable && model.reranking_mode === 'reranking_model' && !rerank.reranking_model_name) {
		throw new NodeOperationError(this.getNode(), 'Reranking is on but no rerank model is set', {
			itemIndex: i,
			description: 'Set Rerank Provider and Rerank Model (Model → Get Many with type Rerank lists them), choose Reranking Mode "Weighted Score", or turn Reranking off.',
		});
	}
	return model;
}
