import type { IDataObject } from 'n8n-workflow';

import { difyRequest, type DifyContext, type DifyTarget } from '../transport/request';

/** The filters of Dify's workflow log list, in Dify's terms (times as ISO strings). */
export interface WorkflowLogFilters {
	keyword?: string;
	status?: string;
	createdAfter?: string;
	createdBefore?: string;
	endUserSessionId?: string;
	account?: string;
}

/** The query of `GET /workflows/logs` for these filters; empty ones are left out, as Dify expects. */
export function workflowLogsQuery(filters: WorkflowLogFilters): IDataObject {
	const qs: IDataObject = {};
	const set = (key: string, value: string | undefined) => {
		if (value?.trim()) qs[key] = value.trim();
	};
	set('keyword', filters.keyword);
	set('status', filters.status);
	set('created_at__after', filters.createdAfter);
	set('created_at__before', filters.createdBefore);
	set('created_by_end_user_session_id', filters.endUserSessionId);
	set('created_by_account', filters.account);
	return qs;
}

/** Dify sends a run's `inputs` (and on some versions `outputs`) as JSON text; objects come back as they are (docs/dify-behaviour.md, 'Workflow runs'). */
function jsonField(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	try {
		const parsed: unknown = JSON.parse(value);
		return parsed && typeof parsed === 'object' ? parsed : { value: parsed };
	} catch {
		// Keep Dify's text when it is not JSON (never seen, but not worth failing the item).
		return value;
	}
}

/**
 * One run as `GET /workflows/run/{id}` describes it, with `inputs` and `outputs` as objects: the one
 * reading of a run that Workflow → Get Run and the trigger's run detail share. A run without inputs
 * has `{}`; outputs stay as Dify reports them (`{}` for a run that produced none), `null` when absent.
 */
export function parseRunDetail(body: IDataObject): IDataObject {
	return { ...body, inputs: (jsonField(body.inputs) ?? {}) as IDataObject, outputs: (jsonField(body.outputs) ?? null) as IDataObject };
}

/** Reads one run of a workflow app by its ID (the ID was validated by the caller). */
export async function getRunDetail(this: DifyContext, target: DifyTarget, runId: string, itemIndex?: number): Promise<IDataObject> {
	return parseRunDetail(await difyRequest.call(this, target, { method: 'GET', path: `/workflows/run/${encodeURIComponent(runId)}`, itemIndex }));
}
