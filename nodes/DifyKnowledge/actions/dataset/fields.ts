import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { retrievalOptions, type RetrievalInput } from '../../helpers/retrieval';

const PERMISSIONS = [
	{ name: 'Only Me', value: 'only_me' },
	{ name: 'All Team Members', value: 'all_team_members' },
	{ name: 'Partial Members', value: 'partial_members' },
];

/** Settings shared by Create and Update of a knowledge base. */
export function datasetSettings(): INodeProperties[] {
	return [
		{ displayName: 'Description', name: 'description', type: 'string', typeOptions: { rows: 2 }, default: '', description: 'At most 400 characters' },
		{
			displayName: 'Indexing Technique',
			name: 'indexingTechnique',
			type: 'options',
			options: [
				{ name: 'High Quality (Embeddings)', value: 'high_quality' },
				{ name: 'Economy (Keywords)', value: 'economy' },
			],
			default: 'high_quality',
			description: 'Without it, the first document decides',
		},
		{ displayName: 'Permission', name: 'permission', type: 'options', options: PERMISSIONS, default: 'only_me', description: 'Who in the workspace can see the knowledge base' },
		{ displayName: 'Embedding Model', name: 'embeddingModel', type: 'string', default: '', placeholder: 'e.g. text-embedding-3-small', description: 'As Model → Get Many (Text Embedding) lists it' },
		{ displayName: 'Embedding Provider', name: 'embeddingModelProvider', type: 'string', default: '', placeholder: 'e.g. langgenius/openai/openai' },
		...retrievalOptions(),
	];
}

export interface DatasetSettingsInput extends RetrievalInput {
	name?: string;
	description?: string;
	indexingTechnique?: string;
	permission?: string;
	embeddingModel?: string;
	embeddingModelProvider?: string;
	partialMembers?: string;
	summaryIndex?: boolean;
	summaryModel?: string;
	summaryModelProvider?: string;
	summaryPrompt?: string;
}

/** The plain fields of Dify's dataset create/update body. */
export function datasetBody(input: DatasetSettingsInput): IDataObject {
	const body: IDataObject = {};
	if (input.name !== undefined) body.name = input.name;
	if (input.description !== undefined) body.description = input.description;
	if (input.indexingTechnique) body.indexing_technique = input.indexingTechnique;
	if (input.permission) body.permission = input.permission;
	if (input.embeddingModel) body.embedding_model = input.embeddingModel;
	if (input.embeddingModelProvider) body.embedding_model_provider = input.embeddingModelProvider;
	return body;
}

export const summaryOptions = [
	{ displayName: 'Summary Index', name: 'summaryIndex', type: 'boolean' as const, default: false, description: 'Whether Dify also indexes an LLM summary of each chunk (needs Summary Model)' },
	{ displayName: 'Summary Model', name: 'summaryModel', type: 'string' as const, default: '', placeholder: 'e.g. gpt-4o-mini' },
	{ displayName: 'Summary Model Provider', name: 'summaryModelProvider', type: 'string' as const, default: '', placeholder: 'e.g. langgenius/openai/openai' },
	{ displayName: 'Summary Prompt', name: 'summaryPrompt', type: 'string' as const, typeOptions: { rows: 3 }, default: '' },
];

export const updateOptions: INodeProperties[] = ([
	{ displayName: 'Name', name: 'name', type: 'string', default: '' },
	{ displayName: 'Partial Member IDs', name: 'partialMembers', type: 'string', default: '', description: 'Comma-separated account IDs that may use it, with Permission "Partial Members"' },
	...datasetSettings(),
] as INodeProperties[]).sort((a, b) => a.displayName.localeCompare(b.displayName));

