import { resources } from '../shared/operationTable';
import type { DifyNodeSpec } from '../shared/types';
import * as childChunk from './actions/childChunk';
import * as dataset from './actions/dataset';
import * as document from './actions/document';
import * as metadata from './actions/metadata';
import * as model from './actions/model';
import * as pipeline from './actions/pipeline';
import * as segment from './actions/segment';
import * as tag from './actions/tag';
import { knowledgeAdvice } from './errors';

const RESOURCE_NAMES: Record<string, string> = {
	dataset: 'Knowledge Base',
	document: 'Document',
	segment: 'Chunk',
	childChunk: 'Child Chunk',
	metadata: 'Metadata',
	tag: 'Tag',
	model: 'Model',
	pipeline: 'Knowledge Pipeline',
};

/** The Knowledge API (dataset key) as one node; resource values follow Dify's API names. */
export const DIFY_KNOWLEDGE: DifyNodeSpec = {
	name: 'difyKnowledge',
	displayName: 'Dify Knowledge',
	credential: 'difyKnowledgeApi',
	modes: [],
	advise: knowledgeAdvice,
	resources: resources({
		dataset: dataset.operations,
		document: document.operations,
		segment: segment.operations,
		childChunk: childChunk.operations,
		metadata: metadata.operations,
		tag: tag.operations,
		model: model.operations,
		pipeline: pipeline.operations,
	}, RESOURCE_NAMES),
};
