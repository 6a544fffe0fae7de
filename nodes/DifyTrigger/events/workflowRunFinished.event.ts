import type { IDataObject } from 'n8n-workflow';

import { getRunDetail, workflowLogsQuery } from '../../shared/helpers/workflowRuns';
import { asPage, collectPages } from '../../shared/transport/pagination';
import { difyRequest } from '../../shared/transport/request';
import { takeSince, toSeconds } from '../eventPages';
import { appTarget } from '../targets';
import type { DifyTriggerEvent } from '../types';

const MODES = ['workflow'];
const TARGET = appTarget(MODES);
/** Dify's own status filter takes one of these; partial-succeeded is filtered here. */
const SERVER_STATUSES = ['succeeded', 'failed', 'stopped'];

interface Filters {
	statuses?: string[];
	keyword?: string;
}

function filtersOf(this: { getNodeParameter(name: string, fallback?: unknown): unknown }): Filters {
	return this.getNodeParameter('runFilters', {}) as Filters;
}

export const workflowRunFinished: DifyTriggerEvent = {
	value: 'workflowRunFinished',
	name: 'Workflow Run Finished',
	description: 'A run of a Dify workflow app ended (succeeded, failed, stopped or partially succeeded)',
	credential: 'difyApi',
	appModes: MODES,
	// Dify stamps a log row when the run ends; a minute covers rows committed just after a poll.
	overlapSeconds: 60,
	properties: [
		{
			displayName: 'Filters',
			name: 'runFilters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			options: [
				{
					displayName: 'Keyword',
					name: 'keyword',
					type: 'string',
					default: '',
					description: "Only runs whose inputs, outputs or end user contain this text (Dify uses its first 30 characters), or with this exact run ID",
				},
				{
					displayName: 'Status',
					name: 'statuses',
					type: 'multiOptions',
					options: [
						{ name: 'Failed', value: 'failed' },
						{ name: 'Partially Succeeded', value: 'partial-succeeded' },
						{ name: 'Stopped', value: 'stopped' },
						{ name: 'Succeeded', value: 'succeeded' },
					],
					default: [],
					description: 'Only runs that ended this way; none selected: every run',
				},
			],
		},
		{
			displayName: 'Include Run Detail',
			name: 'includeRunDetail',
			type: 'boolean',
			default: false,
			description: "Whether to add the run's inputs and outputs (one more request to Dify per run)",
		},
	],
	scope() {
		const filters = filtersOf.call(this);
		return JSON.stringify({ s: [...(filters.statuses ?? [])].sort(), k: filters.keyword?.trim() ?? '' });
	},
	async fetch(request) {
		const filters = filtersOf.call(this);
		const statuses = filters.statuses ?? [];
		const qs = workflowLogsQuery({
			status: statuses.length === 1 && SERVER_STATUSES.includes(statuses[0]) ? statuses[0] : undefined,
			keyword: filters.keyword,
			createdAfter: request.since !== undefined ? new Date(Math.max(0, request.since) * 1000).toISOString() : undefined,
		});
		const rows = await collectPages(
			async (page, limit) => asPage(await difyRequest.call(this, TARGET, { method: 'GET', path: '/workflows/logs', qs: { ...qs, page, limit } })),
			takeSince(request, (row) => toSeconds(row.created_at)),
		);
		return rows
			.filter((row) => statuses.length === 0 || statuses.includes(String((row.workflow_run as IDataObject | undefined)?.status)))
			.map((row) => {
				const run = (row.workflow_run ?? {}) as IDataObject;
				const endUser = row.created_by_end_user as IDataObject | null;
				const account = row.created_by_account as IDataObject | null;
				return {
					id: String(row.id),
					at: toSeconds(row.created_at),
					final: true,
					json: {
						workflow_run_id: run.id,
						status: run.status,
						error: run.error ?? null,
						elapsed_time: run.elapsed_time,
						total_tokens: run.total_tokens,
						total_steps: run.total_steps,
						created_at: run.created_at,
						finished_at: run.finished_at,
						version: run.version,
						triggered_from: run.triggered_from,
						created_from: row.created_from,
						user: endUser?.session_id ?? null,
						end_user_id: endUser?.id ?? null,
						account: account ? { name: account.name, email: account.email } : null,
						log_id: row.id,
					},
				};
			});
	},
	async enrich(events) {
		if (!this.getNodeParameter('includeRunDetail', false)) return;
		for (const event of events) {
			const run = await getRunDetail.call(this, TARGET, String(event.json.workflow_run_id));
			event.json.inputs = run.inputs;
			event.json.outputs = run.outputs;
		}
	},
};
