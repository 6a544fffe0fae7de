import { credentialTestVerdict, runCredentialTest } from '../harness/n8n';
import { callNode, failure, useDifyServer } from './support';

const server = useDifyServer();

describe('credential tests (as n8n runs them)', () => {
	it('accepts a valid app key on GET /info', async () => {
		const result = await runCredentialTest('difyApi', { baseUrl: server().apiBase, apiKey: server().keys.chat });
		expect(result.statusCode).toBe(200);
		expect(result.body.mode).toBe('chat');
		expect(server().requests.at(-1)).toMatchObject({ method: 'GET', path: '/info' });
	});

	it('rejects a wrong app key and a knowledge key with 401', async () => {
		expect((await runCredentialTest('difyApi', { baseUrl: server().apiBase, apiKey: 'app-wrong' })).statusCode).toBe(401);
		expect((await runCredentialTest('difyApi', { baseUrl: server().apiBase, apiKey: server().keys.knowledge })).statusCode).toBe(401);
	});

	it('accepts a knowledge key on GET /datasets?limit=1 and rejects an app key there', async () => {
		const ok = await runCredentialTest('difyKnowledgeApi', { baseUrl: server().apiBase, apiKey: server().keys.knowledge });
		expect(ok.statusCode).toBe(200);
		expect(server().requests.at(-1)).toMatchObject({ method: 'GET', path: '/datasets', query: expect.objectContaining({ limit: '1' }) });
		expect((await runCredentialTest('difyKnowledgeApi', { baseUrl: server().apiBase, apiKey: server().keys.chat })).statusCode).toBe(401);
	});

	it.each(['', '/', '/v1', '/v1/'])('normalises the base URL variant "host%s" in the credential test', async (suffix) => {
		const result = await runCredentialTest('difyApi', { baseUrl: `${server().url}${suffix}`, apiKey: server().keys.chat });
		expect(result.statusCode).toBe(200);
	});
});

describe('base URL variants in the nodes', () => {
	it.each(['', '/', '/v1', '/v1/', '/v1//'])('reaches /v1/info from "http://127.0.0.1:PORT%s"', async (suffix) => {
		const result = await callNode(server(), {
			key: server().keys.chat,
			baseUrl: `${server().url}${suffix}`,
			parameters: { resource: 'app', operation: 'getInfo' },
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.name).toBeTruthy();
	});

	it('names the base URL when nothing listens there, and never the key', async () => {
		const secret = server().keys.chat;
		const result = await callNode(server(), {
			key: secret,
			baseUrl: 'http://127.0.0.1:9/v1',
			parameters: { resource: 'app', operation: 'getInfo' },
		});
		const error = failure(result);
		expect(error.message).toContain('Cannot reach Dify at http://127.0.0.1:9/v1');
		expect(error.message).toMatch(/refused/);
		expect(JSON.stringify(result.run.data)).not.toContain(secret);
	});

	it('says the host name could not be resolved for a DNS failure', async () => {
		const result = await callNode(server(), {
			key: server().keys.chat,
			baseUrl: 'http://dify.invalid',
			parameters: { resource: 'app', operation: 'getInfo' },
		});
		expect(failure(result).message).toMatch(/Cannot reach Dify at http:\/\/dify\.invalid\/v1: the host name could not be resolved/);
	});

	it('explains a 401 and never shows the key', async () => {
		const result = await callNode(server(), { key: 'app-not-a-real-key-123', parameters: { resource: 'app', operation: 'getInfo' } });
		const error = failure(result);
		expect(error.message).toBe('Dify error unauthorized: Access token is invalid');
		expect(error.description).toMatch(/app nodes need the API key of that app/);
		expect(JSON.stringify(result.run.data)).not.toContain('app-not-a-real-key-123');
	});
});

describe('credential test messages (n8n shows the rule that matches)', () => {
	it('explains a rejected app key and where to find the right one', async () => {
		const verdict = await credentialTestVerdict('difyApi', { baseUrl: server().apiBase, apiKey: server().keys.knowledge });
		expect(verdict.status).toBe('Error');
		expect(verdict.message).toMatch(/Dify rejected this API key \(HTTP 401\)/);
		expect(verdict.message).toContain('"API Access" > "API Key"');
		expect(verdict.message).toContain('"Dify Knowledge API" credential');
	});

	it('explains a rejected Knowledge key and where to find the right one', async () => {
		const verdict = await credentialTestVerdict('difyKnowledgeApi', { baseUrl: server().apiBase, apiKey: server().keys.chat });
		expect(verdict.status).toBe('Error');
		expect(verdict.message).toContain('Knowledge, then "Service API" > "API Key"');
		expect(verdict.message).toContain('"Dify API" credential');
	});

	it('says the Base URL is not a Dify API on 404', async () => {
		const verdict = await credentialTestVerdict('difyApi', { baseUrl: `${server().url}/not-dify`, apiKey: server().keys.chat });
		expect(verdict).toEqual({ status: 'Error', message: expect.stringMatching(/^No Dify API at this Base URL \(HTTP 404\)/) });
	});

	it('passes a key of any app type: the credential is not tied to a node', async () => {
		for (const key of ['chat', 'workflow', 'completion'] as const) {
			expect(await credentialTestVerdict('difyApi', { baseUrl: server().apiBase, apiKey: server().keys[key] })).toEqual({ status: 'OK', message: 'Connection successful!' });
		}
	});
});
