import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { datasetLocator } from '../../DifyKnowledge/helpers/locators';
import { asPage, collectPages } from '../../shared/transport/pagination';
import { difyRequest } from '../../shared/transport/request';
import { takeSince } from '../eventPages';
import { KNOWLEDGE_TARGET } from '../targets';
import type { DifyTriggerEvent } from '../types';

const TARGET = KNOWLEDGE_TARGET;
const FINAL = ['completed', 'error'];

function datasetIdOf(this: IPollFunctions): string {
	const raw = this.getNodeParameter('datasetId', '', { extractValue: true }) as unknown;
	const id = String((raw && typeof raw === 'object' ? (raw as IDataObject).value : raw) ?? '').trim();
	if (!id) {
		throw new NodeOperationError(this.getNode(), 'No knowledge base is selected', {
			description: 'Choose the knowledge base to watch in the Knowledge Base field (from the list, by the URL of its page in Dify, or by ID).',
		});
	}
	return id;
}

export const documentIndexed: DifyTriggerEvent = {
	value: 'documentIndexed',
	name: 'Document Indexing Finished',
	description: 'A document of a Dify knowledge base finished indexing, or failed to',
	credential: 'difyKnowledgeApi',
	// A document is followed from its creation until it is final; the window re-reads a minute back.
	overlapSeconds: 60,
	properties: [
		datasetLocator('The knowledge base whose documents to watch'),
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
		const rows = await collectPages(
			async (page, limit) => asPage(await difyRequest.call(this, TARGET, { method: 'GET', path, qs: { page, limit } })),
			takeSince(request, (row) => Number(row.created_at)),
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
