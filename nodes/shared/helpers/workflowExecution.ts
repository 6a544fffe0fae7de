import type { IExecuteFunctions, INodeExecutionData, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { DifyTarget } from '../transport/request';
import { downloadLimits, outputFileDownloadOptions, type DownloadOptionsInput } from './downloadOptions';
import { downloadOutputFiles } from './outputFiles';
import { WorkflowResult } from './workflowResult';

/** Output options shared by `workflow` / `run` and `humanInput` / `submit` (when it waits for the run). */
export const workflowOutputOptions: INodeProperties[] = [
	{
		displayName: 'Download Output Files',
		name: 'downloadFiles',
		type: 'boolean',
		default: false,
		description:
			'Whether to download the files among the outputs into binary fields named after their output variable (e.g. "report", "images_0"). Dify\'s file links expire after a few minutes, so this is done right away.',
	},
	...outputFileDownloadOptions,
	{
		displayName: 'Include Node Trace',
		name: 'includeNodeTrace',
		type: 'boolean',
		default: false,
		description: 'Whether to output node_trace: one entry per node that ran, with its title, type, status, elapsed time and error',
	},
	{
		displayName: 'Include Node Inputs and Outputs',
		name: 'includeNodeData',
		type: 'boolean',
		default: false,
		displayOptions: { show: { includeNodeTrace: [true] } },
		description:
			'Whether each node_trace entry also carries the node\'s inputs and outputs. Off by default: they can be large and are kept in memory until the run ends.',
	},
];

export interface WorkflowOutputOptions extends DownloadOptionsInput {
	downloadFiles?: boolean;
	includeNodeTrace?: boolean;
	includeNodeData?: boolean;
}

export function newWorkflowResult(options: WorkflowOutputOptions): WorkflowResult {
	return new WorkflowResult({
		includeNodeTrace: options.includeNodeTrace === true,
		includeNodeData: options.includeNodeTrace === true && options.includeNodeData === true,
	});
}

/**
 * A failed or stopped run is HTTP 200 for Dify (docs/dify-behaviour.md, 'Workflow runs') but not a result: downstream nodes would read
 * missing outputs as if the run worked. It becomes an error naming the run and its error, so
 * "Continue On Fail" / the error output can route it.
 */
export function runOutcomeError(this: IExecuteFunctions, result: WorkflowResult, i: number): NodeApiError | undefined {
	const status = result.status;
	if (status !== 'failed' && status !== 'stopped') return undefined;
	const runId = result.workflowRunId ?? 'unknown';
	const failedNode = result.failedNode;
	const where = failedNode ? ` in node "${failedNode}"` : '';
	const reason = result.errorMessage ?? (status === 'stopped' ? 'the run was stopped' : 'Dify sent no error message');
	const message =
		status === 'failed' ? `Dify workflow run failed${where}: ${reason}` : `Dify workflow run was stopped before it finished: ${reason}`;
	const description =
		status === 'failed'
			? `Run ${runId} ended with status "failed" (HTTP 200: the API call worked, a node of the workflow failed). Open the run in Dify's Logs for details, or fix the inputs or the workflow and run again. Turn on "Continue On Fail" (node Settings) to output this as an error item instead of stopping.`
			: `Run ${runId} ended with status "stopped": a Stop request (the Stop operation, the Dify UI, or this node's timeout) ended it, so its outputs are incomplete. Use "Get Run" with this ID to read what it produced.`;
	// Dify reports the outcome as a run status, with no error code: none is made up here.
	const response: JsonObject = { message: reason, status, workflow_run_id: runId };
	if (failedNode) response.node = failedNode;
	return new NodeApiError(this.getNode(), response, { message, description, itemIndex: i });
}

/** The one output item of a run, with its output files as binary data when asked. */
export async function workflowItem(
	this: IExecuteFunctions,
	target: DifyTarget,
	result: WorkflowResult,
	options: WorkflowOutputOptions,
	i: number,
): Promise<INodeExecutionData[]> {
	const failure = runOutcomeError.call(this, result, i);
	if (failure) throw failure;
	const json = result.result();
	if (options.downloadFiles !== true || result.status === 'paused') return [{ json }];
	const { binary, files } = await downloadOutputFiles.call(this, target, result.outputs, i, downloadLimits(options));
	json.output_files = files;
	return files.length ? [{ json, binary }] : [{ json }];
}
