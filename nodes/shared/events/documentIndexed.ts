import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { difyRequest } from '../transport/request';
import { PAGE_SIZE, readNewestFirst } from './pages';
import type { DifyTriggerEvent } from './types';

const TARGET = { credential: 'difyKnowledgeApi' as const, nodeDisplayName: 'Dify Trigger' };
const FINAL = ['completed', 'error'];

function datasetIdOf(this: IPollFunctions): string {
	const id = String(this.getNodeParameter('datasetId', '')).trim();
	// Accept the knowledge base's page URL too: …/datasets/<id>/documents
	const fromUrl = /datasets\/([0-9a-f-]{36})/i.exec(id)?.[1];
	const datasetId = fromUrl ?? id;
	if (!datasetId) {
		throw new NodeOperationError(this.getNode(), 'The Knowledge Base ID is empty', {
			description: "Enter the ID of the knowledge base to watch: the UUID in its address in Dify (…/datasets/ID/documents), or use the Dify Knowledge node's Get Many to list them.",
		});
	}
	return datasetId;
}

export const documentIndexed: DifyTriggerEvent = {
	value: 'documentIndexed',
	name: 'Document Indexing Finished',
	description: 'A document of a Dify knowledge base finished indexing, or failed to',
	credential: 'difyKnowledgeApi',
	// A document is followed from its creation until it is final; the window re-reads a minute back.
	overlapSeconds: 60,
	properties: [
		{
			displayName: 'Knowledge Base ID',
			name: 'datasetId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 3c90c3cc-0d44-4b50-8888-8dd25736052a',
			description: "The knowledge base to watch: the UUID in its address in Dify (…/datasets/ID/documents). Its page URL works too.",
		},
		{
			displayName: 'Outcome',
			name: 'indexingOutcome',
			type: 'options',
			options: [
				{ name: 'Completed or Failed', value: '' },
				{ name: 'Completed', value: 'completed' },
				{ name: 'Failed', value: 'error' },
			],
			default: '',
			description: 'Which outcome of indexing starts the workflow',
		},
	],
	scope() {
		return `${datasetIdOf.call(this)}|${String(this.getNodeParameter('indexingOutcome', ''))}`;
	},
	async fetch(request) {
		const datasetId = datasetIdOf.call(this);
		const outcome = String(this.getNodeParameter('indexingOutcome', ''));
		const path = `/datasets/${encodeURIComponent(datasetId)}/documents`;
		const rows = await readNewestFirst.call(
			this,
			request,
			async (page) => ((await difyRequest.call(this, TARGET, { method: 'GET', path, qs: { page, limit: PAGE_SIZE } })).data as IDataObject[]) ?? [],
			(row) => Number(row.created_at),
		);
		return rows
			.filter((doc) => !outcome || !FINAL.includes(String(doc.indexing_status)) || doc.indexing_status === outcome)
			.map((doc) => ({
				id: String(doc.id),
				at: Number(doc.created_at),
				final: FINAL.includes(String(doc.indexing_status)),
				json: {
					dataset_id: datasetId,
					document_id: doc.id,
					name: doc.name,
					indexing_status: doc.indexing_status,
					display_status: doc.display_status,
					error: doc.error ?? null,
					word_count: doc.word_count,
					tokens: doc.tokens,
					data_source_type: doc.data_source_type,
					created_from: doc.created_from,
					created_at: doc.created_at,
				},
			}));
	},
};
