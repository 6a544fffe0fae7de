import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

import { BASE_URL_EXPRESSION, bearerAuth, redirectRules } from './difyCredentialFields';

export class DifyApi implements ICredentialType {
	name = 'difyApi';

	displayName = 'Dify API';

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
			description: 'The API address shown on the app\'s "API Access" page. Dify Cloud: https://api.dify.ai/v1. Self-hosted: http(s)://your-host/v1 (the /v1 and a trailing slash are optional).',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The app\'s API key (starts with "app-"), from "API Access" in the Dify app. Each key belongs to exactly one app.',
		},
	];

	authenticate: IAuthenticateGeneric = bearerAuth;

	test: ICredentialTestRequest = {
		request: { baseURL: BASE_URL_EXPRESSION, url: '/info', method: 'GET', disableFollowRedirect: true },
		rules: [
			...redirectRules,
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Dify rejected this API key (HTTP 401). This credential needs the key of one Dify app, which starts with "app-": in Dify, open the app, then "API Access" > "API Key", and copy a key from there. A Knowledge key ("dataset-…") belongs in a "Dify Knowledge API" credential instead.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'No Dify API at this Base URL (HTTP 404). Use the API address shown on the app\'s "API Access" page: https://api.dify.ai/v1 for Dify Cloud, http(s)://<your-dify-host>/v1 when self-hosted.',
				},
			},
		],
	};
}
