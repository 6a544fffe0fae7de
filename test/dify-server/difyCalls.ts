/**
 * `cli.js dify-calls <what> --endpoint <url> --key <key> …`: sends one of the requests Dify makes to an
 * External Knowledge API or an API-based Extension (difyClient.ts) and prints what Dify would make of
 * the answer, as JSON. For trying the Dify Extension and External Knowledge triggers by hand.
 */
import {
	checkExternalKnowledgeEndpoint,
	moderateInput,
	moderateOutput,
	pingExtension,
	queryExternalDataTool,
	retrieveExternalKnowledge,
} from './difyClient';

export const DIFY_CALLS_USAGE = [
	'dify-calls retrieve        --endpoint <url without /retrieval> --key <key> --knowledge-id <id> --query <text> [--top-k 3] [--score-threshold 0.5]',
	'dify-calls check           --endpoint <url without /retrieval> --key <key>        (what Dify does when the API is saved)',
	'dify-calls ping            --endpoint <url> --key <key>',
	'dify-calls external-data   --endpoint <url> --key <key> --variable <name> --query <text> [--inputs <json>]',
	'dify-calls moderate-input  --endpoint <url> --key <key> --query <text> [--inputs <json>]',
	'dify-calls moderate-output --endpoint <url> --key <key> --text <text>',
].join('\n');

export async function difyCalls(what: string, arg: (name: string) => string | undefined): Promise<unknown> {
	const endpoint = arg('endpoint');
	const key = arg('key') ?? '';
	if (!endpoint) throw new Error(`--endpoint is required\n${DIFY_CALLS_USAGE}`);
	const appId = arg('app-id') ?? 'sandbox-app';
	const inputs = JSON.parse(arg('inputs') ?? '{}') as Record<string, unknown>;
	switch (what) {
		case 'retrieve': {
			const threshold = arg('score-threshold');
			const r = await retrieveExternalKnowledge(endpoint, key, {
				knowledgeId: arg('knowledge-id') ?? '',
				query: arg('query') ?? '',
				topK: Number(arg('top-k') ?? 3),
				scoreThresholdEnabled: threshold !== undefined,
				scoreThreshold: threshold === undefined ? undefined : Number(threshold),
			});
			return r.ok ? { documents: r.documents, answers: r.attempts.map((a) => a.status ?? a.error) } : { error: r.error, answers: r.attempts.map((a) => a.status ?? a.error) };
		}
		case 'check':
			return await checkExternalKnowledgeEndpoint(endpoint, key);
		case 'ping':
			return await pingExtension(endpoint, key);
		case 'external-data': {
			const r = await queryExternalDataTool(endpoint, key, { appId, variable: arg('variable') ?? 'data', inputs, query: arg('query') ?? null });
			return r.ok ? { text: r.text } : { error: r.error };
		}
		case 'moderate-input': {
			const r = await moderateInput(endpoint, key, { appId, inputs, query: arg('query') ?? '' });
			const { sent: _sent, ...shown } = r;
			return shown;
		}
		case 'moderate-output': {
			const r = await moderateOutput(endpoint, key, { appId, text: arg('text') ?? '' });
			const { sent: _sent, ...shown } = r;
			return shown;
		}
		default:
			throw new Error(`unknown dify-calls request "${what}"\n${DIFY_CALLS_USAGE}`);
	}
}
