import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type { INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';

import { searchDatasets } from '../DifyKnowledge/methods/listSearch';
import { buildEventProperties, findEvent } from './events';
import { pollEvent } from './poll';

export class DifyTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dify Trigger',
		// The editor's Docs link: this node's section of the README (n8n would link the npm page).
		documentationUrl: 'https://github.com/n8n-nodes-dify-suite/n8n-nodes-dify-suite#dify-trigger-difytrigger',
		name: 'difyTrigger',
		icon: { light: 'file:../../icons/dify.svg', dark: 'file:../../icons/dify.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"]}}',
		description: 'Starts the workflow when something happens in Dify: a finished or failed workflow run, new feedback, a new conversation or message, a document indexed',
		defaults: { name: 'Dify Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		// Each credential is hidden for the other credential's events rather than shown for its own:
		// when the `show` lists of a node's credentials together name every value of one options
		// parameter, n8n's editor takes that parameter for an authentication selector, hides it and
		// overwrites it from the credential it preselects (Event would always become documentIndexed).
		credentials: [
			{
				name: 'difyApi',
				required: true,
				displayOptions: { hide: { event: ['documentIndexed'] } },
			},
			{
				name: 'difyKnowledgeApi',
				required: true,
				displayOptions: { hide: { event: ['workflowRunFinished', 'newFeedback', 'newConversation', 'newMessage'] } },
			},
		],
		properties: buildEventProperties(),
	};

	methods = { listSearch: { searchDatasets } };

	async poll(this: IPollFunctions) {
		const value = this.getNodeParameter('event') as string;
		const event = findEvent(value);
		if (!event) throw new NodeOperationError(this.getNode(), `The event "${value}" is not supported by Dify Trigger`);
		return await pollEvent.call(this, event);
	}
}
