import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

/**
 * The URL of a Dify workflow's Webhook Trigger. Dify checks nothing but the URL, so the URL itself is
 * the secret. The credential test only checks its shape: any request to the URL could start the
 * workflow (docs/dify-behaviour.md, 'Webhook triggers').
 */
export class DifyWebhookTriggerApi implements ICredentialType {
	name = 'difyWebhookTriggerApi';

	displayName = 'Dify Webhook Trigger API';

	icon: Icon = { light: 'file:../icons/dify.svg', dark: 'file:../icons/dify.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-dify-suite/n8n-nodes-dify-suite#dify-webhook-call-difywebhookcall';

	properties: INodeProperties[] = [
		{
			displayName: 'Webhook URL',
			name: 'secretWebhookUrl',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'https://dify.example.com/triggers/webhook/AbCdEf0123456789_-AbCdE',
			description:
				'The "Webhook URL" of the Webhook Trigger node in your Dify workflow (Dify 1.10 or later), ending in /triggers/webhook/<ID>. Anyone with this URL can start the workflow, so it is kept here like a key. The debug URL (/triggers/webhook-debug/<ID>) works too, for the draft in Dify\'s editor.',
		},
	];
}
