
import { filtersCollection, jsonItems, targetOf } from '../../helpers/common';
import { getTake, returnAllFields } from '../../helpers/listFields';
import { workflowLogsQuery } from '../../helpers/workflowRuns';
import { asPage, collectPages } from '../../transport/pagination';
import { difyRequest } from '../../transport/request';
import type { DifyOperation } from '../../types';


interface LogFilters {
	keyword?: string;
	status?: string;
	createdAfter?: string;
	createdBefore?: string;
	endUserSessionId?: string;
	account?: string;
}

/** n8n date fields give "2026-06-01T10:00:00" (or with a zone); Dify parses ISO-8601. */
function isoDate(value: string | undefined): string | undefined {
	const text = String(value ?? '').trim();
	if (!text) return undefined;
	const parsed = new Date(text);
	return Number.isNaN(parsed.getTime()) ? text : parsed.toISOString();
}

export const getLogs: DifyOperation = {
	value: 'getLogs',
	name: 'Get Logs',
	action: 'Get many workflow run logs',
	description: 'List the runs of the workflow, newest first, with filters',
	properties: [
		...returnAllFields(),
		filtersCollection([
			{
				displayName: 'Created After',
				name: 'createdAfter',
				type: 'dateTime',
				default: '',
				description: 'Only runs created at or after this time',
			},
			{
				displayName: 'Created Before',
				name: 'createdBefore',
				type: 'dateTime',
				default: '',
				description: 'Only runs created at or before this time',
			},
			{
				displayName: 'Created by Account (Email)',
				name: 'account',
				type: 'string',
				placeholder: 'e.g. name@email.com',
				default: '',
				description: 'Only runs started in Dify by this workspace account (its email); Dify fails when no account has it',
			},
			{
				displayName: 'End User Session ID',
				name: 'endUserSessionId',
				type: 'string',
				default: '',
				description: 'Only runs started through the API by this end user: the User value of the runs',
			},
			{
				displayName: 'Keyword',
				name: 'keyword',
				type: 'string',
				default: '',
				description: 'Matches the run\'s inputs and outputs, the end user, or an exact run ID. Dify uses the first 30 characters.',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: 'Any', value: '' },
					{ name: 'Failed', value: 'failed' },
					{ name: 'Stopped', value: 'stopped' },
					{ name: 'Succeeded', value: 'succeeded' },
				],
				default: '',
			},
		]),
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const target = targetOf(ctx.node);
		const filters = this.getNodeParameter('filters', i, {}) as LogFilters;
		const qs = workflowLogsQuery({ ...filters, createdAfter: isoDate(filters.createdAfter), createdBefore: isoDate(filters.createdBefore) });
		const logs = await collectPages(
			async (page, limit) =>
				asPage(await difyRequest.call(this, target, { method: 'GET', path: '/workflows/logs', qs: { ...qs, page, limit }, itemIndex: i })),
			getTake.call(this, i),
		);
		return jsonItems(logs);
	},
};
