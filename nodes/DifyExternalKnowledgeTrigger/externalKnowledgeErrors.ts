import type { IDataObject } from 'n8n-workflow';

/**
 * The error bodies of Dify's External Knowledge API documentation (`{error_code, error_msg}`), with
 * the HTTP status each is sent with. 1001, 1002 and 2001 are Dify's documented codes; a malformed
 * body has no documented code, so it carries its HTTP status (400) as its code.
 */
export const EXTERNAL_KNOWLEDGE_ERRORS = {
	malformedAuthorization: { status: 403, error_code: 1001, error_msg: "Invalid Authorization header format. Expected 'Bearer <api-key>' format." },
	authorizationFailed: { status: 403, error_code: 1002, error_msg: 'Authorization failed' },
	knowledgeNotFound: { status: 404, error_code: 2001, error_msg: 'The knowledge does not exist' },
} as const;

export function errorBody(error: { error_code: number; error_msg: string }): IDataObject {
	return { error_code: error.error_code, error_msg: error.error_msg };
}

export function malformedBody(message: string): { status: number; body: IDataObject } {
	return { status: 400, body: { error_code: 400, error_msg: message } };
}
