import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { BASE_URL_EXPRESSION, apiKeyField, baseUrlField, bearerAuth } from './difyCredentialFields';

export class DifyKnowledgeApi implements ICredentialType {
	name = 'difyKnowledgeApi';

	displayName = 'Dify Knowledge API';

	icon = 'file:dify.svg' as const;

	documentationUrl = 'https://docs.dify.ai/en/guides/knowledge-base/knowledge-and-documents-maintenance/maintain-dataset-via-api';

	properties: INodeProperties[] = [
		baseUrlField('Dify Cloud: https://api.dify.ai/v1. Self-hosted: http(s)://your-host/v1 (the /v1 and a trailing slash are optional).'),
		apiKeyField('The Knowledge API key (starts with "dataset-"), from Knowledge → Service API in Dify. It is not an app key.'),
	];

	authenticate: IAuthenticateGeneric = bearerAuth;

	test: ICredentialTestRequest = {
		request: { baseURL: BASE_URL_EXPRESSION, url: '/datasets', method: 'GET', qs: { page: 1, limit: 1 } },
	};
}
