import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DIFY_MAX_PAGE_SIZE } from '../../shared/transport/pagination';
import { difyRequest } from '../../shared/transport/request';
import { knowledgeAdvice } from '../errors';

const TARGET = { credential: 'difyKnowledgeApi' as const, advise: knowledgeAdvice };
const PAGE = DIFY_MAX_PAGE_SIZE;

/** One page of a page/limit list; the next page number is the token while `total` says more exist. */
async function pageOf(this: ILoadOptionsFunctions, path: string, filter: string | undefined, token: string | undefined) {
	const page = Number(token) || 1;
	const body = await difyRequest.call(this, TARGET, { method: 'GET', path, qs: { page, limit: PAGE, ...(filter?.trim() ? { keyword: filter.trim() } : {}) } });
	const data = (body.data as IDataObject[]) ?? [];
	const total = typeof body.total === 'number' ? body.total : undefined;
	const more = total !== undefined ? page * PAGE < total : data.length === PAGE;
	return { data, paginationToken: more ? String(page + 1) : undefined };
}

/** Knowledge bases for the Knowledge Base picker; the filter is Dify's name keyword. */
export async function searchDatasets(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const { data, paginationToken: next } = await pageOf.call(this, '/datasets', filter, paginationToken);
	return {
		results: data.map((d) => ({ name: `${String(d.name)}${d.document_count !== undefined ? ` (${documentCount(Number(d.document_count))})` : ''}`, value: String(d.id) })),
		paginationToken: next,
	};
}

/** Documents of the knowledge base chosen above, for the Document picker. */
export async function searchDocuments(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const datasetId = chosenDataset.call(this, 'The document list shows the documents of the Knowledge Base field; pick one there (an expression cannot be resolved here).');
	const { data, paginationToken: next } = await pageOf.call(this, `/datasets/${encodeURIComponent(datasetId)}/documents`, filter, paginationToken);
	return {
		results: data.map((d) => ({ name: `${String(d.name)}${d.display_status && d.display_status !== 'available' ? ` (${String(d.display_status)})` : ''}`, value: String(d.id) })),
		paginationToken: next,
	};
}

/** Datasource nodes of the chosen pipeline knowledge base (the draft's when Draft Pipeline is on), for the node pickers. */
export async function searchDatasourceNodes(this: ILoadOptionsFunctions): Promise<INodeListSearchResult> {
	const datasetId = chosenDataset.call(this, 'The node list shows the datasource nodes of the Knowledge Base field\'s pipeline; pick the knowledge base there (an expression cannot be resolved here).');
	const options = (this.getCurrentNodeParameter('options') ?? {}) as IDataObject;
	const body = (await difyRequest.call(this, TARGET, {
		method: 'GET',
		path: `/datasets/${encodeURIComponent(datasetId)}/pipeline/datasource-plugins`,
		qs: { is_published: options.draft === true ? 'false' : 'true' },
	})) as unknown;
	const nodes = Array.isArray(body) ? (body as IDataObject[]) : [];
	return { results: nodes.map((n) => ({ name: `${String(n.title ?? n.node_id)} (${String(n.datasource_type)})`, value: String(n.node_id) })) };
}

function chosenDataset(this: ILoadOptionsFunctions, why: string): string {
	const raw = this.getCurrentNodeParameter('datasetId', { extractValue: true }) as unknown;
	const datasetId = String((raw && typeof raw === 'object' ? (raw as IDataObject).value : raw) ?? '').trim();
	if (!datasetId || datasetId.startsWith('=')) throw new NodeOperationError(this.getNode(), 'Choose the knowledge base first', { description: why });
	return datasetId;
}

/** "1 document", "3 documents", "0 documents". */
export function documentCount(n: number): string {
	return `${n} ${n === 1 ? 'document' : 'documents'}`;
}
