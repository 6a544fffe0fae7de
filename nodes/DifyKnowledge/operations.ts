import { resources } from '../shared/operationTable';
import type { DifyNodeSpec } from '../shared/types';
import * as childChunk from './actions/childChunk';
import * as dataset from './actions/dataset';
import * as document from './actions/document';
import * as metadata from './actions/metadata';
import * as model from './actions/model';
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
};

/** The Knowledge API (dataset key) as one node; resource values follow Dify's API names. */
export const DIFY_KNOWLEDGE: DifyNodeSpec = {
	name: 'difyKnowledge',
	displayName: 'Dify Knowledge',
	credential: 'difyKnowledgeApi',
	modes: [],
	advise: knowledgeAdvice,
	resources: resources({
		dataset: [dataset.retrieve, dataset.create, dataset.get, dataset.getAll, dataset.update, dataset.deleteDataset, dataset.getTags],
		document: [
			document.createFromText,
			document.createFromFile,
			document.createFromUrl,
			document.updateFromText,
			document.updateFromFile,
			document.get,
			document.getAll,
			document.deleteDocument,
			document.getIndexingStatus,
			document.updateStatus,
			document.download,
			document.downloadZip,
		],
		segment: [segment.create, segment.get, segment.getAll, segment.update, segment.deleteSegment],
		childChunk: [childChunk.create, childChunk.getAll, childChunk.update, childChunk.deleteChildChunk],
		metadata: [metadata.getAll, metadata.create, metadata.rename, metadata.deleteField, metadata.setBuiltInFields, metadata.setDocumentValues],
		tag: [tag.getAll, tag.create, tag.rename, tag.deleteTag, tag.bind, tag.unbind],
		model: [model.getAll],
	}, RESOURCE_NAMES),
};
