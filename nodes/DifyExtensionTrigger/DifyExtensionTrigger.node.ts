import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { checkBearer } from '../shared/inbound/bearerKey';
import { testInboundKey } from '../shared/inbound/keyTest';
import { consoleRegisteredEndpoint, replyNow } from '../shared/inbound/reply';
import { respondField } from '../shared/inbound/respondField';
import { extensionError, parseExtensionBody, unhandledAnswer } from './extensionRequest';

export class DifyExtensionTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dify Extension Trigger',
		name: 'difyExtensionTrigger',
		icon: { light: 'file:../../icons/dify.svg', dark: 'file:../../icons/dify.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["points"].join(", ")}}',
		description: "Serves a Dify API-based Extension: an app's external data tool or content moderation",
		defaults: { name: 'Dify Extension Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'difyApiExtensionEndpointApi', required: true, testedBy: 'inboundKey' }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: '={{$parameter["responseMode"]}}',
				responseData: 'firstEntryJson',
				path: 'extension',
			},
		],
		properties: [
			{
				displayName:
					'In Dify: Settings > API Extension > Add. API Endpoint = this node\'s URL, API-key = the key of this node\'s credential. Dify\'s "ping" on saving is answered by this node. Answer with a Respond to Dify node (Respond below), or end the workflow with one item: {"result"} for an external data tool, {"flagged", "action", …} for moderation (see README).',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Points',
				name: 'points',
				type: 'multiOptions',
				options: [
					{ name: 'External Data Tool Query', value: 'app.external_data_tool.query' },
					{ name: 'Moderation of Input', value: 'app.moderation.input' },
					{ name: 'Moderation of Output', value: 'app.moderation.output' },
				],
				default: ['app.external_data_tool.query', 'app.moderation.input', 'app.moderation.output'],
				description: 'The points this workflow handles. Others are answered by the node: an empty result, or "not flagged".',
			},
			respondField,
		],
	};

	methods = { credentialTest: { inboundKey: testInboundKey } };

	webhookMethods = consoleRegisteredEndpoint;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const { apiKey } = await this.getCredentials<{ apiKey: string }>('difyApiExtensionEndpointApi');
		const auth = checkBearer(this.getHeaderData().authorization, String(apiKey ?? ''));
		if (auth !== 'ok') {
			const message = auth === 'malformed' ? 'Expected the header Authorization: Bearer <api-key>' : 'The API key does not match';
			return replyNow(this, 401, extensionError(401, 'unauthorized', message));
		}
		const parsed = parseExtensionBody(this.getBodyData());
		if (!parsed.ok) return replyNow(this, 400, extensionError(400, 'invalid_param', parsed.message));
		if (parsed.ping) return replyNow(this, 200, { result: 'pong' });
		const handled = this.getNodeParameter('points', []) as string[];
		if (!handled.includes(parsed.point)) return replyNow(this, 200, unhandledAnswer(parsed.point));
		return { workflowData: [[{ json: parsed.item }]] };
	}
}
