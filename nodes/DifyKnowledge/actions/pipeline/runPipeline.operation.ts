import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getJsonObject, locatorValue, optionsCollection, requireId, targetOf } from '../../../shared/helpers/common';
import { readStream } from '../../../shared/helpers/generate';
import { getStreamSettings } from '../../../shared/helpers/streamOptions';
import { difyRequest, type DifyRequest } from '../../../shared/transport/request';
import type { DifyOperation } from '../../../shared/types';
import { waitOptions } from '../../helpers/indexing';
import { datasetLocator } from '../../helpers/locators';
import { pipelineRunItem, PipelineRunFold, type PipelineWaitInput } from '../../helpers/pipelineRun';
import { datasetPath } from '../../helpers/request';
import { datasourceNodeLocator, datasourceTypeField, draftOption, pipelineInputsField, streamTimeoutOptions } from './fields';

/** The longest Datasource Items list read from the form: each item becomes one document. */
const MAX_DATASOURCE_ITEMS = 1000;

interface RunOptions extends PipelineWaitInput {
	draft?: boolean;
	timeout?: number;
	silenceTimeout?: number;
}

const ITEM_SHAPES =
	'One object per document, with the fields of the Datasource Type: local_file {"reference": the `id` from Upload File, "name"?}; online_document {"workspace_id", "page": {"page_id", "type", "page_name"?}, "credential_id"?}; online_drive {"id", "type": "file" or "folder", "bucket"?, "name"?}; website_crawl {"url", "title"?}. Run Datasource Node outputs what a node offers.';

/** `datasource_info_list`: a JSON list (or one object) of Dify's items for the datasource type. */
function datasourceItems(this: IExecuteFunctions, type: string, i: number): IDataObject[] {
	const raw = this.getNodeParameter('datasourceInfoList', i, '[]') as unknown;
	let value: unknown = raw;
	if (typeof raw === 'string') {
		try {
			value = JSON.parse(raw.trim() || '[]');
		} catch (error) {
			throw new NodeOperationError(this.getNode(), 'Datasource Items is not valid JSON', { itemIndex: i, description: `${ITEM_SHAPES} Parser said: ${(error as Error).message}` });
		}
	}
	const list = Array.isArray(value) ? value : value && typeof value === 'object' ? [value] : [];
	if (!list.length || list.length > MAX_DATASOURCE_ITEMS || !list.every((x) => x && typeof x === 'object' && !Array.isArray(x))) {
		throw new NodeOperationError(this.getNode(), `Datasource Items must be a JSON list of 1 to ${MAX_DATASOURCE_ITEMS} objects`, { itemIndex: i, description: ITEM_SHAPES });
	}
	const items = list as IDataObject[];
	// Dify looks a local file up by `reference` (alias `related_id`); without it the run fails late, in Dify's worker.
	if (type === 'local_file') {
		for (const item of items) requireId.call(this, String(item.reference ?? item.related_id ?? ''), 'Datasource Items → reference (a file ID from Upload File)', i);
	}
	return items;
}

export const runPipeline: DifyOperation = {
	value: 'runPipeline',
	name: 'Run Pipeline',
	action: 'Run a knowledge pipeline',
	description:
		'Run the knowledge pipeline of a pipeline knowledge base over files or datasource items (Dify 1.9+). The published pipeline adds one document per item (waiting for indexing when asked); the draft pipeline runs as a test and outputs its result.',
	properties: [
		datasetLocator('A knowledge base created from a knowledge pipeline'),
		datasourceNodeLocator('Start Node', 'startNodeId', 'The datasource node the run starts from (start_node_id)'),
		datasourceTypeField,
		{
			displayName: 'Datasource Items',
			name: 'datasourceInfoList',
			type: 'json',
			default: '[]',
			required: true,
			description:
				'Dify\'s datasource_info_list: a JSON list with one object per document, in the shape of the Datasource Type, e.g. [{"reference": "3f2b9c1e-…", "name": "notes.md"}] for local files (reference: the ID that Upload File outputs). Run Datasource Node outputs what the other types offer.',
		},
		pipelineInputsField('Values of the pipeline\'s input variables as a JSON object, e.g. {"chunk_size": 500}; {} when it has none'),
		{
			displayName: 'Response Mode',
			name: 'responseMode',
			type: 'options',
			options: [
				{ name: 'Streaming', value: 'streaming', description: 'Read a draft run\'s events as they come; suits runs longer than a gateway\'s time limit' },
				{ name: 'Blocking', value: 'blocking', description: 'Wait for the whole answer in one response' },
			],
			default: 'streaming',
			description: 'How Dify answers a draft run. A published run only queues its documents and answers at once either way.',
		},
		optionsCollection([
			draftOption,
			{
				displayName: 'Wait for Indexing',
				name: 'waitForIndexing',
				type: 'boolean',
				default: true,
				description:
					'Whether to wait until Dify has indexed the documents a published run adds (each completed or error; checked every Poll Interval, for at most Max Wait), so the next node can search them. The output then has their final status in `indexing`.',
			},
			...waitOptions(),
			...streamTimeoutOptions,
		]),
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const options = this.getNodeParameter('options', i, {}) as RunOptions;
		const path = datasetPath.call(this, i);
		const startNodeId = requireId.call(this, locatorValue.call(this, 'startNodeId', i), 'Start Node', i);
		const datasourceType = this.getNodeParameter('datasourceType', i) as string;
		const responseMode = this.getNodeParameter('responseMode', i, 'streaming') as 'streaming' | 'blocking';
		const body: IDataObject = {
			inputs: getJsonObject.call(this, 'inputs', i, 'Inputs'),
			datasource_type: datasourceType,
			datasource_info_list: datasourceItems.call(this, datasourceType, i),
			start_node_id: startNodeId,
			is_published: options.draft !== true,
			response_mode: responseMode,
		};
		const target = targetOf(ctx.node);
		const req: DifyRequest = { method: 'POST', path: `${path}/pipeline/run`, body, itemIndex: i };
		const settings = { ...getStreamSettings.call(this, i, options), streamToChat: false };
		const fold = new PipelineRunFold();
		if (responseMode === 'blocking') {
			fold.addBlocking(await difyRequest.call(this, target, { ...req, timeoutMs: settings.totalTimeoutMs, timeoutOption: 'Timeout' }));
		} else {
			// Dify offers no stop route for pipeline runs: a run given up on keeps going in Dify.
			await readStream.call(this, target, req, 'workflow', settings, fold, undefined);
		}
		return await pipelineRunItem.call(this, ctx, path, fold, options);
	},
};
