import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { checkBearer } from '../shared/inbound/bearerKey';
import { testInboundKey } from '../shared/inbound/keyTest';
import { consoleRegisteredEndpoint, replyNow } from '../shared/inbound/reply';
import { respondField } from '../shared/inbound/respondField';
import { EXTERNAL_KNOWLEDGE_ERRORS, errorBody, malformedBody } from './externalKnowledgeErrors';
import { knowledgeIdAllowed, parseRetrievalBody } from './retrievalRequest';

export class DifyExternalKnowledgeTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dify External Knowledge Trigger',
		name: 'difyExternalKnowledgeTrigger',
		icon: { light: 'file:../../icons/dify.svg', dark: 'file:../../icons/dify.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["knowledgeIds"] || "every knowledge ID"}}',
		description: 'Serves a Dify external knowledge base: Dify sends a query, the workflow answers with records',
		defaults: { name: 'Dify External Knowledge Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'difyExternalKnowledgeEndpointApi', required: true, testedBy: 'inboundKey' }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: '={{$parameter["responseMode"]}}',
				responseData: 'firstEntryJson',
				path: 'retrieval',
			},
		],
		properties: [
			{
				displayName:
					'In Dify: Knowledge > External Knowledge API > Add. API Endpoint = this node\'s URL <b>without</b> the final "/retrieval" (Dify adds it), API Key = the key of this node\'s credential. Answer with a Respond to Dify node (Respond below), or end the workflow with one item shaped {"records": [{"content", "score", "title", "metadata": {}}]} (see README).',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Knowledge IDs',
				name: 'knowledgeIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. handbook, faq',
				description: 'The External Knowledge IDs this workflow serves, separated by commas. Dify gets error 2001 for any other. Empty: every ID.',
			},
			respondField,
		],
	};

	methods = { credentialTest: { inboundKey: testInboundKey } };

	webhookMethods = consoleRegisteredEndpoint;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const { apiKey } = await this.getCredentials<{ apiKey: string }>('difyExternalKnowledgeEndpointApi');
		const auth = checkBearer(this.getHeaderData().authorization, String(apiKey ?? ''));
		if (auth !== 'ok') {
			const error = auth === 'malformed' ? EXTERNAL_KNOWLEDGE_ERRORS.malformedAuthorization : EXTERNAL_KNOWLEDGE_ERRORS.authorizationFailed;
			return replyNow(this, error.status, errorBody(error));
		}
		const parsed = parseRetrievalBody(this.getBodyData());
		if (!parsed.ok) {
			const { status, body } = malformedBody(parsed.message);
			return replyNow(this, status, body);
		}
		if (!knowledgeIdAllowed(this.getNodeParameter('knowledgeIds', '') as string, parsed.item.knowledge_id)) {
			const error = EXTERNAL_KNOWLEDGE_ERRORS.knowledgeNotFound;
			return replyNow(this, error.status, errorBody(error));
		}
		return { workflowData: [[{ json: parsed.item }]] };
	}
}
