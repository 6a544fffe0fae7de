import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { buildProperties } from '../shared/description';
import { route } from '../shared/router';
import { testWebhookUrl } from './credentialTest';
import { DIFY_WEBHOOK_CALL } from './operations';

export class DifyWebhookCall implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dify Webhook Call',
		// The editor's Docs link: this node's section of the README (n8n would link the npm page).
		documentationUrl: 'https://github.com/n8n-nodes-dify-suite/n8n-nodes-dify-suite#dify-webhook-call-difywebhookcall',
		name: 'difyWebhookCall',
		icon: { light: 'file:../../icons/dify.svg', dark: 'file:../../icons/dify.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["method"] + " " + $parameter["contentType"]}}',
		description: 'Start a Dify workflow through its Webhook Trigger: JSON, form fields or files; optionally wait for the run\'s result',
		defaults: { name: 'Dify Webhook Call' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [
			{ name: 'difyWebhookTriggerApi', required: true, testedBy: 'webhookUrl' },
			// Hidden unless waiting, never `show`n: n8n's editor would take the field for an auth selector and hide it.
			{ name: 'difyApi', required: true, displayOptions: { hide: { waitForResult: [false] } } },
		],
		properties: buildProperties(DIFY_WEBHOOK_CALL),
	};

	methods = { credentialTest: { webhookUrl: testWebhookUrl } };

	async execute(this: IExecuteFunctions) {
		return await route.call(this, DIFY_WEBHOOK_CALL);
	}
}
