import type { ICredentialTestFunctions, ICredentialsDecrypted, INodeCredentialTestResult } from 'n8n-workflow';

import { parseWebhookUrl } from '../shared/transport/webhookTrigger';

/**
 * Checks the Webhook URL's shape only. Dify has no harmless request on this route: every accepted
 * call queues a run of the workflow (docs/dify-behaviour.md, 'Webhook triggers').
 */
export async function testWebhookUrl(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const url = parseWebhookUrl(credential.data?.secretWebhookUrl);
	if ('problem' in url) return { status: 'Error', message: `Not usable: ${url.problem}.` };
	return {
		status: 'OK',
		message: url.debug
			? 'The URL has the shape of a debug Webhook URL (the draft in Dify\'s editor). It was not called: any call runs the workflow.'
			: 'The URL has the shape of a Dify Webhook Trigger URL. It was not called: any call starts the workflow.',
	};
}
