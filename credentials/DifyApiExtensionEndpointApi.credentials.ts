import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

/** The key Dify sends to n8n; nothing here calls Dify, so there is no test request. */
export class DifyApiExtensionEndpointApi implements ICredentialType {
	name = 'difyApiExtensionEndpointApi';

	displayName = 'Dify API Extension Endpoint API';

	icon: Icon = { light: 'file:../icons/dify.svg', dark: 'file:../icons/dify.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-dify-suite/n8n-nodes-dify-suite#dify-calls-n8n';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A secret of your choice (Dify requires at least 5 characters). Enter the same value as "API-key" when adding the API-based Extension in Dify; requests with another key are refused before the workflow runs.',
		},
	];
}
