import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import type { OperationContext } from '../../shared/types';
import { enc, knowledgeRequest } from './request';

export function waitOptions(): INodeProperties[] {
	return [
		{
			displayName: 'Max Wait (Seconds)',
			name: 'maxWait',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 600,
			description: 'Longest time to wait for indexing in total; after it the node fails and Dify keeps indexing in the background',
		},
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollInterval',
			type: 'number',
			typeOptions: { minValue: 0.01, numberPrecision: 2 },
			default: 2,
			description: 'Time before the first status check; later checks wait a little longer each time, up to 30 s',
		},
	];
}

export interface WaitInput {
	maxWait?: number;
	pollInterval?: number;
}

const FINISHED = new Set(['completed', 'error', 'paused']);

/**
 * Polls a batch's indexing status until every document finished, politely (growing intervals, capped
 * at 30 s) and for a bounded total time. A document that ends in `error` fails the item with Dify's reason.
 */
export async function waitForIndexing(this: IExecuteFunctions, ctx: OperationContext, datasetPath: string, batch: string, input: WaitInput): Promise<IDataObject[]> {
	const i = ctx.itemIndex;
	const maxWaitMs = Math.max(1, input.maxWait ?? 600) * 1000;
	let intervalMs = Math.max(10, (input.pollInterval ?? 2) * 1000);
	const started = Date.now();
	const cancel = this.getExecutionCancelSignal?.();
	for (;;) {
		const body = await knowledgeRequest.call(this, ctx, 'GET', `${datasetPath}/documents/${enc(batch)}/indexing-status`);
		const statuses = Array.isArray(body.data) ? (body.data as IDataObject[]) : [];
		const failed = statuses.find((s) => s.indexing_status === 'error');
		if (failed) {
			throw new NodeOperationError(this.getNode(), `Dify could not index document ${String(failed.id)}: ${String(failed.error ?? 'no reason given')}`, {
				itemIndex: i,
				description: 'Fix the cause in the document or the knowledge base\'s embedding model, then update the document to index it again. The status of every document of the batch is in Get Indexing Status.',
			});
		}
		if (statuses.length && statuses.every((s) => FINISHED.has(String(s.indexing_status)))) return statuses;
		const waited = Date.now() - started;
		if (waited + intervalMs > maxWaitMs || cancel?.aborted) {
			const pending = statuses.filter((s) => !FINISHED.has(String(s.indexing_status)));
			throw new NodeOperationError(this.getNode(), `Indexing did not finish within ${Math.round(maxWaitMs / 1000)} s (${pending.length} of ${statuses.length} documents still ${pending.map((s) => s.indexing_status).join(', ') || 'pending'})`, {
				itemIndex: i,
				description: `Dify keeps indexing in the background. Check again later with Document → Get Indexing Status and batch "${batch}", or raise Max Wait.`,
			});
		}
		await sleep(intervalMs, cancel).catch(() => undefined);
		intervalMs = Math.min(intervalMs * 1.5, Math.max(30_000, intervalMs));
	}
}
