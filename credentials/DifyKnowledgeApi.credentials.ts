import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

import { BASE_URL_EXPRESSION, bearerAuth, redirectRules } from './difyCredentialFields';

export class DifyKnowledgeApi implements ICredentialType {
	name = 'difyKnowledgeApi';

	displayName = 'Dify Knowledge API';

	icon: Icon = { light: 'file:../icons/dify.svg', dark: 'file:../icons/dify.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-dify-suite/n8n-nodes-dify-suite#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.dify.ai/v1',
			placeholder: 'https://api.dify.ai/v1',
			required: true,
			description: 'Dify Cloud: https://api.dify.ai/v1. Self-hosted: http(s)://your-host/v1 (the /v1 and a trailing slash are optional).',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The Knowledge API key (starts with "dataset-"), from Knowledge → Service API in Dify. It is not an app key.',
		},
	];

	authenticate: IAuthenticateGeneric = bearerAuth;

	test: ICredentialTestRequest = {
		request: { baseURL: BASE_URL_EXPRESSION, url: '/datasets', method: 'GET', qs: { page: 1, limit: 1 }, disableFollowRedirect: true },
		rules: [
			...redirectRules,
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Dify rejected this Knowledge API key (HTTP 401). This credential needs the Knowledge key, which starts with "dataset-": in Dify, open Knowledge, then "Service API" > "API Key". An app key ("app-…") belongs in a "Dify API" credential instead.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'No Dify API at this Base URL (HTTP 404). Use https://api.dify.ai/v1 for Dify Cloud, http(s)://<your-dify-host>/v1 when self-hosted.',
				},
			},
		],
	};
}
