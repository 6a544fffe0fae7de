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

/**
 * The credential test never follows a redirect (the key would go to the redirect's host), so a
 * Base URL that redirects fails here with what to do, as the nodes do.
 */
export const redirectRules = [301, 302, 303, 307, 308].map((code) => ({
	type: 'responseCode' as const,
	properties: {
		value: code,
		message: `Dify answered with a redirect (HTTP ${code}). The nodes never follow redirects, since the API key would go along to the redirect's host: put the final address of the Dify API in the Base URL (e.g. https:// instead of http://, or the host the redirect points at, with /v1).`,
	},
}));
