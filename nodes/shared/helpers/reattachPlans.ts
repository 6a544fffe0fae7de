import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { difyRequest, type DifyTarget } from '../transport/request';
import type { ChatAnswer } from './chatAnswer';
import type { ReattachPlan } from './reattach';
import { getRunDetail } from './workflowRuns';
import type { WorkflowResult } from './workflowResult';

const POLL_FIRST_MS = 1_000;
const POLL_MAX_MS = 10_000;
/** Run states that are not an outcome yet (`scheduled` exists in Dify's enum, unused so far). */
const UNFINISHED = new Set(['running', 'scheduled']);

/**
 * Workflow apps: when Dify cannot reattach (no events route before 1.14, or 404), the run's result
 * is read with `GET /workflows/run/{id}` until it is no longer running, within the same Timeout.
 */
export function workflowReattach(target: DifyTarget, result: WorkflowResult, itemIndex: number): ReattachPlan {
	return {
		async refused(this: IExecuteFunctions, runId: string, deadline: number, cause: Error) {
			const signal = this.getExecutionCancelSignal?.();
			let wait = POLL_FIRST_MS;
			for (;;) {
				const detail = await getRunDetail.call(this, target, runId, itemIndex);
				if (!UNFINISHED.has(String(detail.status))) {
					result.addBlocking({ workflow_run_id: runId, data: detail });
					return;
				}
				if (Date.now() + wait > deadline || signal?.aborted) {
					throw new NodeOperationError(this.getNode(), `Dify workflow run ${runId} was still running when the Timeout ran out`, {
						itemIndex,
						description: `The stream was cut (${cause.message}) and Dify refused to reattach, so the node read the run's state until the "Timeout" option ran out. The run was not stopped: read its outcome later with "Get Run".`,
					});
				}
				await sleep(wait, signal);
				wait = Math.min(wait * 2, POLL_MAX_MS);
			}
		},
	};
}

/**
 * Chatflow apps: Dify offers no run reading that carries the answer, so a refused reattach fails
 * (the documented error). After a reattach that started from "now" the answer text may miss what
 * was sent while disconnected: it is read back from the conversation's messages.
 */
export function chatflowReattach(target: DifyTarget, answer: ChatAnswer, user: string, itemIndex: number): ReattachPlan {
	return {
		async refused(this: IExecuteFunctions, runId: string, _deadline: number, cause: Error) {
			throw new NodeOperationError(this.getNode(), `Dify's chatflow stream was cut and Dify refused to reattach to run ${runId}`, {
				itemIndex,
				description: `${cause.message}. Reattaching needs Dify 1.14 or newer and the same User that started the run. The run may still finish in Dify: its answer then appears in the conversation (Message → Get Many with the conversation_id). The message was not sent again.`,
			});
		},
		async afterGap(this: IExecuteFunctions, state) {
			const conversationId = state.conversationId;
			const messageId = state.messageId;
			if (!conversationId || !messageId) return;
			const page = await difyRequest.call(this, target, {
				method: 'GET',
				path: '/messages',
				qs: { conversation_id: conversationId, user, limit: 20 },
				user,
				itemIndex,
			});
			const found = ((page.data as IDataObject[] | undefined) ?? []).find((m) => m.id === messageId);
			if (found) answer.restoreFrom(found);
		},
	};
}
