import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { buildProperties } from '../shared/description';
import { route } from '../shared/router';
import { searchDatasets, searchDatasourceNodes, searchDocuments } from './methods/listSearch';
import { DIFY_KNOWLEDGE } from './operations';

export class DifyKnowledge implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dify Knowledge',
		// The editor's Docs link: this node's section of the README (n8n would link the npm page).
		documentationUrl: 'https://github.com/n8n-nodes-dify-suite/n8n-nodes-dify-suite#dify-knowledge-difyknowledge',
		name: 'difyKnowledge',
		icon: { light: 'file:../../icons/dify.svg', dark: 'file:../../icons/dify.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Search and feed Dify knowledge bases: retrieve chunks, add documents from text, files or URLs, manage chunks, metadata and tags',
		defaults: { name: 'Dify Knowledge' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: 'difyKnowledgeApi', required: true }],
		properties: buildProperties(DIFY_KNOWLEDGE),
	};

	methods = { listSearch: { searchDatasets, searchDatasourceNodes, searchDocuments } };

	async execute(this: IExecuteFunctions) {
		return await route.call(this, DIFY_KNOWLEDGE);
	}
}
