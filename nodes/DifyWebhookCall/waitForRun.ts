import { randomBytes } from 'crypto';
import type { IDataObject, IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { getRunDetail, workflowLogsQuery } from '../shared/helpers/workflowRuns';
import { difyRequest, type DifyTarget } from '../shared/transport/request';

/**
 * The header that marks one webhook call. Dify keeps every request header in the run's inputs, and
 * the log list's keyword search reads the inputs (docs/dify-behaviour.md, 'Webhook triggers'), so the
 * run of this call can be found by its tag; the webhook's answer does not name the run.
 */
export const RUN_TAG_HEADER = 'X-N8n-Run-Tag';

/** 27 characters: within the 30 Dify's keyword search reads, and no "%" or "_" (LIKE wildcards). */
export function newRunTag(): string {
	return `n8n${randomBytes(12).toString('hex')}`;
}

/** A run in these states will not change without someone acting (paused waits for a human). */
const SETTLED = new Set(['succeeded', 'failed', 'stopped', 'partial-succeeded', 'paused']);
const RUN_ID = /^[\w-]{1,64}$/;

export interface WaitSettings {
	maxWaitMs: number;
	intervalMs: number;
}

/**
 * Finds the run a tagged webhook call started, through the app's logs, and follows it until it
 * settles. Bounded by `maxWaitMs`; the intervals grow up to 10 s. Dify runs the workflow in a
 * worker, so the log row may appear only after a while (on older Dify only when the run ends).
 */
export async function waitForTaggedRun(this: IExecuteFunctions, target: DifyTarget, tag: string, settings: WaitSettings, i: number): Promise<IDataObject> {
	const started = Date.now();
	const cancel = this.getExecutionCancelSignal?.();
	let intervalMs = Math.max(10, settings.intervalMs);
	let runId: string | undefined;
	let last: IDataObject | undefined;
	for (;;) {
		if (!runId) {
			const page = await difyRequest.call(this, target, { method: 'GET', path: '/workflows/logs', qs: { ...workflowLogsQuery({ keyword: tag }), limit: 1 }, itemIndex: i });
			const row = Array.isArray(page.data) ? (page.data[0] as IDataObject | undefined) : undefined;
			const id = (row?.workflow_run as IDataObject | undefined)?.id;
			if (typeof id === 'string' && RUN_ID.test(id)) runId = id;
		}
		if (runId) {
			last = await getRunDetail.call(this, target, runId, i);
			if (SETTLED.has(String(last.status))) return settled.call(this, last, i);
		}
		const waited = Date.now() - started;
		if (waited + intervalMs > settings.maxWaitMs || cancel?.aborted) {
			const seconds = Math.round(settings.maxWaitMs / 1000);
			throw new NodeOperationError(
				this.getNode(),
				runId ? `The Dify run ${runId} did not finish within ${seconds} s (status "${String(last?.status)}")` : `No run of this webhook call appeared in the Dify app's logs within ${seconds} s`,
				{
					itemIndex: i,
					description: runId
						? `The webhook call succeeded and Dify keeps running the workflow. Follow it with Dify Workflow → Get Run and ID ${runId}, or raise Max Wait.`
						: 'The webhook call succeeded, so the run is queued or running in Dify. Check that the Dify API credential holds the API key of the same workflow app as the webhook, that Dify\'s workers are running, or raise Max Wait. Calling the webhook again would start a second run.',
				},
			);
		}
		await sleep(intervalMs, cancel).catch(() => undefined);
		intervalMs = Math.min(intervalMs * 1.5, Math.max(10_000, settings.intervalMs));
	}
}

/**
 * A failed or stopped run is no result: downstream nodes would read its missing outputs as if it
 * worked (docs/dify-behaviour.md, 'Workflow runs'), so it fails the item like Dify Workflow → Run does.
 */
function settled(this: IExecuteFunctions, run: IDataObject, i: number): IDataObject {
	const status = String(run.status);
	if (status !== 'failed' && status !== 'stopped') return run;
	const reason = typeof run.error === 'string' && run.error ? run.error : status === 'stopped' ? 'the run was stopped' : 'Dify sent no error message';
	const message = status === 'failed' ? `Dify workflow run failed: ${reason}` : `Dify workflow run was stopped before it finished: ${reason}`;
	const response: JsonObject = { message: reason, status, workflow_run_id: String(run.id) };
	throw new NodeApiError(this.getNode(), response, {
		message,
		description: `The webhook call started run ${String(run.id)}, which ended with status "${status}". Open the run in Dify's Logs for details, or read it with Dify Workflow → Get Run. Turn on "Continue On Fail" (node Settings) to output this as an error item instead of stopping.`,
		itemIndex: i,
	});
}
