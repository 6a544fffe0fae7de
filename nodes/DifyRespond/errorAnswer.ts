import type { IDataObject } from 'n8n-workflow';

import { extensionError } from '../DifyExtensionTrigger/extensionRequest';
import { errorBody } from '../DifyExternalKnowledgeTrigger/externalKnowledgeErrors';
import type { TriggerKind } from './triggerCall';

/**
 * The status of an error answer when the user sets none, chosen by what Dify does with it (see
 * docs/dify-behaviour.md, 'Error answers from a workflow'): External Knowledge reads only 200 and
 * drops every other status silently except 429/5xx, which it retries three times and then reports
 * ("Reached maximum retries (3)"), so 500 is the one the user sees. An extension shows any non-200
 * with the first 100 characters of the body, and retries 429/5xx without showing the body, so 400.
 */
export const DEFAULT_ERROR_STATUS: Record<TriggerKind, number> = { retrieval: 500, extension: 400 };

/** The error body in the shape the trigger's own refusals use on that endpoint. */
export function errorAnswer(kind: TriggerKind, status: number, message: string, code: string): IDataObject {
	if (kind === 'retrieval') {
		// Dify's documented codes are numbers (1001, 2001): a code that is not one becomes the status.
		const numeric = code.trim() !== '' && Number.isInteger(Number(code)) ? Number(code) : status;
		return errorBody({ error_code: numeric, error_msg: message });
	}
	return extensionError(status, code.trim() || 'workflow_error', message);
}

/** What an error item carries, as text: n8n's error outputs put the message (or an object) in `error`. */
export function errorText(value: unknown): string {
	if (typeof value === 'string' && value.trim() !== '') return value;
	if (typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string') {
		return (value as { message: string }).message;
	}
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return 'The n8n workflow failed';
}
