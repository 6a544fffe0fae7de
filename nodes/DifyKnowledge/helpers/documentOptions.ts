import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { waitOptions, type WaitInput } from './indexing';
import { processRule, processRuleOptions, type ProcessRuleInput } from './processRule';

/** What a new document's Indexing Technique is when the option is not set (also Dify UI's default). */
export const DEFAULT_INDEXING_TECHNIQUE = 'high_quality';

/** Options of the operations that add or change a document's content. */
export function documentOptions(kind: 'create' | 'update', extra: INodeProperties[] = []): INodeProperties[] {
	const create: INodeProperties[] =
		kind === 'create'
			? [
					{
						displayName: 'Indexing Technique',
						name: 'indexingTechnique',
						type: 'options',
						options: [
							{ name: 'High Quality (Embeddings)', value: 'high_quality' },
							{ name: 'Economy (Keywords)', value: 'economy' },
						],
						default: 'high_quality',
						description:
							"Used for the first document of a knowledge base that has none yet (High Quality when not set here); Dify keeps a knowledge base's own technique otherwise",
					},
					{
						displayName: 'Chunk Format',
						name: 'docForm',
						type: 'options',
						options: [
							{ name: 'General (Text)', value: 'text_model' },
							{ name: 'Parent-Child', value: 'hierarchical_model' },
							{ name: 'Q&A', value: 'qa_model' },
						],
						default: 'text_model',
						description: "Dify's doc_form; by default the knowledge base's own (Parent-Child when Segmentation is Parent-Child)",
					},
					{ displayName: 'Embedding Model', name: 'embeddingModel', type: 'string', default: '', placeholder: 'e.g. text-embedding-3-small' },
					{ displayName: 'Embedding Provider', name: 'embeddingModelProvider', type: 'string', default: '', placeholder: 'e.g. langgenius/openai/openai' },
				]
			: [];
	return [
		...create,
		{ displayName: 'Document Language', name: 'docLanguage', type: 'string', default: 'English', description: 'Language of the document, used for Q&A chunks' },
		...processRuleOptions(),
		{
			displayName: 'Wait for Indexing',
			name: 'waitForIndexing',
			type: 'boolean',
			default: true,
			description:
				"Whether to wait until Dify has finished indexing the document (its status is completed or error; checked every Poll Interval, for at most Max Wait), so the next node can search it. The output then has the final status in `indexing`.",
		},
		...waitOptions(),
		...extra,
	];
}

export interface DocumentOptionsInput extends ProcessRuleInput, WaitInput {
	indexingTechnique?: string;
	docForm?: string;
	docLanguage?: string;
	embeddingModel?: string;
	embeddingModelProvider?: string;
	waitForIndexing?: boolean;
	fileName?: string;
}

/** The JSON fields Dify reads for a new or changed document (the `data` part of file uploads). */
export function documentArgs(this: IExecuteFunctions, options: DocumentOptionsInput, i: number, kind: 'create' | 'update' = 'create'): IDataObject {
	const args: IDataObject = {};
	// A knowledge base created without a technique fails its first document without one; Dify reads
	// the document's only then and ignores it for a base that has its own (docs/dify-behaviour.md,
	// 'A document's indexing technique').
	if (kind === 'create') args.indexing_technique = options.indexingTechnique || DEFAULT_INDEXING_TECHNIQUE;
	else if (options.indexingTechnique) args.indexing_technique = options.indexingTechnique;
	const rule = processRule.call(this, options, i);
	if (rule) args.process_rule = rule;
	// Parent-child segmentation only works with the parent-child chunk format.
	const docForm = options.docForm ?? (rule?.mode === 'hierarchical' ? 'hierarchical_model' : undefined);
	if (docForm) args.doc_form = docForm;
	if (options.docLanguage) args.doc_language = options.docLanguage;
	if (options.embeddingModel) args.embedding_model = options.embeddingModel;
	if (options.embeddingModelProvider) args.embedding_model_provider = options.embeddingModelProvider;
	return args;
}
