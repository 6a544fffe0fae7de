import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/**
 * The credential test and the nodes accept every way users write the base URL: with or without
 * `/v1`, with or without a trailing slash (the nodes use `normaliseBaseUrl` with the same rules).
 */
export const BASE_URL_EXPRESSION =
	'={{ String($credentials.baseUrl).trim().replace(/\\/+$/, "").replace(/\\/v1$/i, "") + "/v1" }}';

export class DifyApi implements ICredentialType {
	name = 'difyApi';

	displayName = 'Dify API';

	icon = 'file:dify.svg' as const;

	documentationUrl = 'https://docs.dify.ai/en/guides/application-publishing/developing-with-apis';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.dify.ai/v1',
			placeholder: 'https://api.dify.ai/v1',
			required: true,
			description:
				'The API address shown on the app\'s "API Access" page. Dify Cloud: https://api.dify.ai/v1. Self-hosted: http(s)://your-host/v1 (the /v1 and a trailing slash are optional).',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The app\'s API key (starts with "app-"), from "API Access" in the Dify app. Each key belongs to exactly one app.',
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
			url: '/info',
			method: 'GET',
		},
	};
}
