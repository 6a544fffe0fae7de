import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { EventFold } from '../../shared/helpers/generate';
import { WorkflowResult } from '../../shared/helpers/workflowResult';
import type { OperationContext } from '../../shared/types';
import { waitForIndexing, type WaitInput } from './indexing';

/**
 * What a pipeline run answered (docs/dify-behaviour.md, 'Knowledge Pipeline runs'): a published run
 * only queues its documents and answers `{batch, dataset, documents}` as JSON in either response
 * mode; a draft run executes at once and reports like a workflow run (blocking JSON or events).
 */
export class PipelineRunFold implements EventFold {
	readonly run = new WorkflowResult({ includeNodeTrace: false, includeNodeData: false });
	/** The published run's answer, when Dify queued documents. */
	queued: IDataObject | undefined;

	add(event: IDataObject): undefined {
		this.run.add(event);
		return undefined;
	}

	addBlocking(body: IDataObject): void {
		if (typeof body.batch === 'string' || Array.isArray(body.documents)) this.queued = body;
		else this.run.addBlocking(body);
	}
}

export interface PipelineWaitInput extends WaitInput {
	waitForIndexing?: boolean;
}

/** The run's one item: the queued documents (indexed first, when asked), or the draft run's result. */
export async function pipelineRunItem(
	this: IExecuteFunctions,
	ctx: OperationContext,
	datasetPath: string,
	fold: PipelineRunFold,
	options: PipelineWaitInput,
): Promise<INodeExecutionData[]> {
	const i = ctx.itemIndex;
	if (!fold.queued) {
		const status = fold.run.status;
		if (status === 'failed' || status === 'stopped') throw runFailed.call(this, fold.run, i);
		return [{ json: fold.run.result() }];
	}
	const answer = fold.queued;
	const json: IDataObject = { ...answer };
	const documents = Array.isArray(answer.documents) ? (answer.documents as IDataObject[]) : [];
	if (options.waitForIndexing !== false && typeof answer.batch === 'string' && documents.length) {
		// The run's documents share one batch, which the document indexing-status route reads.
		const statuses = await waitForIndexing.call(this, ctx, datasetPath, answer.batch, options);
		json.indexing = statuses;
		json.documents = documents.map((d) => ({ ...d, indexing_status: statuses.find((s) => s.id === d.id)?.indexing_status ?? d.indexing_status }));
	}
	return [{ json }];
}

function runFailed(this: IExecuteFunctions, run: WorkflowResult, i: number): NodeApiError {
	const where = run.failedNode ? ` in node "${run.failedNode}"` : '';
	const reason = run.errorMessage ?? 'Dify sent no error message';
	const runId = run.workflowRunId ?? 'unknown';
	const response: JsonObject = { message: reason, status: run.status ?? null, workflow_run_id: runId };
	return new NodeApiError(this.getNode(), response, {
		message: `Dify pipeline run ${run.status === 'stopped' ? 'was stopped' : 'failed'}${where}: ${reason}`,
		description: `Draft run ${runId} ended with status "${String(run.status)}" (HTTP 200: the call worked, a step of the pipeline did not). Open the pipeline in Dify to see the failing node, fix its inputs or settings, and run again.`,
		itemIndex: i,
	});
}

/**
 * Folds a datasource node's events (`datasource_processing`, `datasource_completed`) into one result.
 * Online documents and drives may send several `datasource_completed` events, one per page of
 * results: their `data` lists are joined in order; a single result is kept as Dify sent it.
 */
export class DatasourceResult implements EventFold {
	private readonly results: unknown[] = [];
	private last: IDataObject = {};

	add(event: IDataObject): undefined {
		if (event.event === 'datasource_completed') {
			this.results.push(event.data);
			this.last = event;
		}
		return undefined;
	}

	addBlocking(body: IDataObject): void {
		this.add({ event: 'datasource_completed', ...body });
	}

	result(): IDataObject {
		const { results, last } = this;
		const data = results.length === 1 ? results[0] : results.every(Array.isArray) ? (results as unknown[][]).flat() : results;
		return {
			data: data as IDataObject,
			total: (last.total as number | undefined) ?? null,
			completed: (last.completed as number | undefined) ?? null,
			time_consuming: (last.time_consuming as number | undefined) ?? null,
			results: results.length,
		};
	}
}
