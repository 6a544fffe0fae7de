import { appAdvice } from '../shared/appErrors';
import { resources } from '../shared/operationTable';
import type { DifyNodeSpec } from '../shared/types';
import * as webhook from './actions/webhook';

const DISPLAY_NAME = 'Dify Webhook Call';

/**
 * The Webhook Call node's row of the operation table (docs/contract.md). Its advice reads the errors
 * of the Dify API calls that Wait for Result makes with the app's key.
 */
export const DIFY_WEBHOOK_CALL: DifyNodeSpec = {
	name: 'difyWebhookCall',
	displayName: DISPLAY_NAME,
	credential: 'difyWebhookTriggerApi',
	modes: ['workflow'],
	advise: appAdvice({ nodeDisplayName: DISPLAY_NAME, modes: ['workflow'] }),
	resources: resources({ webhook: [webhook.start] }, { webhook: 'Webhook' }),
};
