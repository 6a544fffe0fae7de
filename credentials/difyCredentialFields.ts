import type { IAuthenticateGeneric } from 'n8n-workflow';

/**
 * The credential test and the nodes accept every way users write the base URL: with or without
 * `/v1`, with or without a trailing slash (the nodes use `normaliseBaseUrl` with the same rules).
 */
export const BASE_URL_EXPRESSION =
	'={{ String($credentials.baseUrl).trim().replace(/\\/+$/, "").replace(/\\/v1$/i, "") + "/v1" }}';

/** Both Dify key types are Bearer tokens (docs/dify-behaviour.md, 'Authentication and keys'). */
export const bearerAuth: IAuthenticateGeneric = {
	type: 'generic',
	properties: {
		headers: {
			Authorization: '=Bearer {{$credentials.apiKey}}',
		},
	},
};
