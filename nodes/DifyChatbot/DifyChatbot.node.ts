import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { buildProperties } from '../shared/description';
import { listSearch, resourceMapping } from '../shared/methods';
import { DIFY_CHATBOT } from '../shared/operationTable';
import { route } from '../shared/router';

export class DifyChatbot implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dify Chatbot',
		// The editor's Docs link: this node's section of the README (n8n would link the npm page).
		documentationUrl: 'https://github.com/n8n-nodes-dify-suite/n8n-nodes-dify-suite#dify-chatbot-difychatbot-and-dify-chatflow-difychatflow',
		name: 'difyChatbot',
		icon: { light: 'file:../../icons/dify.svg', dark: 'file:../../icons/dify.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Chat with a Dify Chatbot or Agent app: send messages, manage conversations, files, feedback and more',
		defaults: { name: 'Dify Chatbot' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: 'difyApi', required: true }],
		properties: buildProperties(DIFY_CHATBOT),
	};

	methods = { listSearch, resourceMapping };

	async execute(this: IExecuteFunctions) {
		return await route.call(this, DIFY_CHATBOT);
	}
}
