import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

/** The key Dify sends to n8n; nothing here calls Dify, so there is no test request. */
export class DifyExternalKnowledgeEndpointApi implements ICredentialType {
	name = 'difyExternalKnowledgeEndpointApi';

	displayName = 'Dify External Knowledge Endpoint API';

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
				'A secret of your choice. Enter the same value as "API Key" when adding the External Knowledge API in Dify; requests with another key are refused before the workflow runs.',
		},
	];
}
