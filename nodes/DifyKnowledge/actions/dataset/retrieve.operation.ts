import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { optionsCollection } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator } from '../../helpers/locators';
import { datasetPath, knowledgeRequest, listParam } from '../../helpers/request';
import { hasRetrievalInput, retrievalModel, retrievalOptions, type RetrievalInput } from '../../helpers/retrieval';

const OPERATORS = ['contains', 'not contains', 'start with', 'end with', 'is', 'is not', 'empty', 'not empty', 'in', 'not in', '=', '≠', '>', '<', '≥', '≤', 'before', 'after'];
const NUMERIC = new Set(['=', '≠', '>', '<', '≥', '≤']);

const metadataFilter: INodeProperties = {
	displayName: 'Metadata Filter',
	name: 'metadataFilter',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Condition',
	default: {},
	description: 'Only chunks of documents whose metadata match',
	options: [
		{
			displayName: 'Condition',
			name: 'conditions',
			values: [
				{ displayName: 'Field Name', name: 'name', type: 'string', default: '', placeholder: 'e.g. category' },
				{ displayName: 'Operator', name: 'operator', type: 'options', options: OPERATORS.map((o) => ({ name: o, value: o })), default: 'is' },
				{ displayName: 'Value', name: 'value', type: 'string', default: '', description: 'For "in" / "not in" a comma-separated list; for =, >, < … a number; for before / after a Unix time in seconds' },
			],
		},
	],
};

const properties: INodeProperties[] = [
	datasetLocator('The knowledge base to search'),
	{ displayName: 'Query', name: 'query', type: 'string', typeOptions: { rows: 2 }, default: '', required: true, description: 'What to search for, at most 250 characters' },
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description: 'Whether to return only content, score, document name and chunk ID of each record (compact, for AI agents) instead of Dify\'s full records',
	},
	metadataFilter,
	optionsCollection([
		...retrievalOptions(),
		{ displayName: 'Metadata Filter Logic', name: 'logicalOperator', type: 'options', options: [{ name: 'All Conditions (AND)', value: 'and' }, { name: 'Any Condition (OR)', value: 'or' }], default: 'and' },
		{ displayName: 'Attachment IDs', name: 'attachmentIds', type: 'string', default: '', description: 'Comma-separated IDs of uploaded images to search with (multimodal knowledge bases)' },
	]),
];

function conditionValue(operator: string, raw: string): unknown {
	if (operator === 'empty' || operator === 'not empty') return null;
	if (operator === 'in' || operator === 'not in') return raw.split(',').map((s) => s.trim()).filter(Boolean);
	if (NUMERIC.has(operator) || operator === 'before' || operator === 'after') {
		const n = Number(raw);
		return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
	}
	return raw;
}

/** The fields an AI agent needs to quote a source, without Dify's bookkeeping. */
function compact(record: IDataObject): IDataObject {
	const segment = (record.segment as IDataObject) ?? {};
	const document = (segment.document as IDataObject) ?? {};
	const out: IDataObject = { content: segment.content, score: record.score, document_name: document.name, chunk_id: segment.id, document_id: segment.document_id };
	if (segment.answer) out.answer = segment.answer;
	return out;
}

async function body(this: IExecuteFunctions, ctx: { itemIndex: number }, path: string, query: string, options: RetrievalInput & { logicalOperator?: string; attachmentIds?: string }, runRequest: (p: string) => Promise<IDataObject>): Promise<IDataObject> {
	const i = ctx.itemIndex;
	const conditions = ((this.getNodeParameter('metadataFilter', i, {}) as { conditions?: { name: string; operator: string; value: string }[] }).conditions ?? []).filter((c) => c.name);
	const out: IDataObject = { query };
	if (hasRetrievalInput(options) || conditions.length) {
		// Dify wants a complete retrieval model: start from the knowledge base's own settings.
		const current = await runRequest(path);
		const model = retrievalModel.call(this, options, (current.retrieval_model_dict as IDataObject) ?? {}, i);
		if (conditions.length) {
			model.metadata_filtering_conditions = {
				logical_operator: options.logicalOperator ?? 'and',
				conditions: conditions.map((c) => ({ name: c.name, comparison_operator: c.operator, value: conditionValue(c.operator, c.value) })),
			};
		}
		out.retrieval_model = model;
	}
	const attachments = listParam.call(this, 'options.attachmentIds', i);
	if (attachments.length) out.attachment_ids = attachments;
	return out;
}

export const retrieve: DifyOperation = {
	value: 'retrieve',
	name: 'Retrieve',
	action: 'Search a Dify knowledge base',
	description: 'Find the chunks of a knowledge base that best match a query (also usable as an AI Agent tool)',
	properties,
	async execute(ctx) {
		const i = ctx.itemIndex;
		const query = String(this.getNodeParameter('query', i, '') ?? '').trim();
		const options = this.getNodeParameter('options', i, {}) as RetrievalInput & { logicalOperator?: string; attachmentIds?: string };
		if (!query && !listParam.call(this, 'options.attachmentIds', i).length) {
			throw new NodeOperationError(this.getNode(), 'The Query is empty', { itemIndex: i, description: 'Enter what to search for (or, for image search, Attachment IDs in the options).' });
		}
		if (query.length > 250) {
			throw new NodeOperationError(this.getNode(), `The Query has ${query.length} characters; Dify accepts at most 250`, { itemIndex: i, description: 'Shorten the query, e.g. to its key question or keywords.' });
		}
		const path = datasetPath.call(this, i);
		const request = await body.call(this, ctx, path, query, options, async (p) => await knowledgeRequest.call(this, ctx, 'GET', p));
		const answer = await knowledgeRequest.call(this, ctx, 'POST', `${path}/retrieve`, { body: request });
		const records = Array.isArray(answer.records) ? (answer.records as IDataObject[]) : [];
		const simplify = this.getNodeParameter('simplify', i, true) as boolean;
		// One item per query, so a tool call gets one answer and an empty result is still an item.
		return [{ json: { query, records: simplify ? records.map(compact) : records } }];
	},
};
