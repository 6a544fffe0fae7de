import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { BASE_URL_EXPRESSION, apiKeyField, baseUrlField, bearerAuth } from './difyCredentialFields';

export class DifyApi implements ICredentialType {
	name = 'difyApi';

	displayName = 'Dify API';

	icon = 'file:dify.svg' as const;

	documentationUrl = 'https://docs.dify.ai/en/guides/application-publishing/developing-with-apis';

	properties: INodeProperties[] = [
		baseUrlField(
			'The API address shown on the app\'s "API Access" page. Dify Cloud: https://api.dify.ai/v1. Self-hosted: http(s)://your-host/v1 (the /v1 and a trailing slash are optional).',
		),
		apiKeyField('The app\'s API key (starts with "app-"), from "API Access" in the Dify app. Each key belongs to exactly one app.'),
	];

	authenticate: IAuthenticateGeneric = bearerAuth;

	test: ICredentialTestRequest = {
		request: { baseURL: BASE_URL_EXPRESSION, url: '/info', method: 'GET' },
	};
}
