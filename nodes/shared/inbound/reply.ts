import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

/**
 * Answers Dify from the trigger itself (before any workflow runs): a refused key, a malformed body,
 * a ping. n8n then neither starts the workflow nor records an execution.
 */
export function replyNow(context: IWebhookFunctions, status: number, body: IDataObject): IWebhookResponseData {
	context.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}

/** Dify registers these endpoints in its own console: n8n has nothing to create or delete remotely. */
export const consoleRegisteredEndpoint = {
	default: {
		async checkExists(): Promise<boolean> {
			return true;
		},
		async create(): Promise<boolean> {
			return true;
		},
		async delete(): Promise<boolean> {
			return true;
		},
	},
};
