import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { BASE_URL_EXPRESSION } from './DifyApi.credentials';

export class DifyKnowledgeApi implements ICredentialType {
	name = 'difyKnowledgeApi';

	displayName = 'Dify Knowledge API';

	icon = 'file:dify.svg' as const;

	documentationUrl = 'https://docs.dify.ai/en/guides/knowledge-base/knowledge-and-documents-maintenance/maintain-dataset-via-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.dify.ai/v1',
			placeholder: 'https://api.dify.ai/v1',
			required: true,
			description:
				'Dify Cloud: https://api.dify.ai/v1. Self-hosted: http(s)://your-host/v1 (the /v1 and a trailing slash are optional).',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The Knowledge API key (starts with "dataset-"), from Knowledge → Service API in Dify. It is not an app key.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: BASE_URL_EXPRESSION,
			url: '/datasets',
			method: 'GET',
			qs: { page: 1, limit: 1 },
		},
	};
}
