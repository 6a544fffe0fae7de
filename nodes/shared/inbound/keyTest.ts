import type { ICredentialTestFunctions, ICredentialsDecrypted, INodeCredentialTestResult } from 'n8n-workflow';

/**
 * The credential test of an endpoint Dify calls: nothing remote to ask, so it checks what Dify itself
 * checks when the key is entered there (Dify refuses API keys shorter than 5 characters).
 */
export async function testInboundKey(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const key = String(credential.data?.apiKey ?? '');
	if (key.trim().length < 5) {
		return { status: 'Error', message: 'Use a key of at least 5 characters: Dify refuses shorter API keys.' };
	}
	if (key !== key.trim()) return { status: 'Error', message: 'The key starts or ends with a space, which Dify would not send.' };
	return { status: 'OK', message: 'Key saved. Enter the same key in Dify; Dify sends it on every request.' };
}
