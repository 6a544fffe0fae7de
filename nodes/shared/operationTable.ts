import type { DifyNodeSpec, DifyOperation, ResourceSpec } from './types';
import * as app from './actions/app';
import * as message from './actions/message';

/** Display names of the resources, in the order the Resource dropdown shows them. */
const RESOURCE_NAMES: Record<string, string> = {
	message: 'Message',
	workflow: 'Workflow',
	conversation: 'Conversation',
	feedback: 'Feedback',
	file: 'File',
	audio: 'Audio',
	annotation: 'Annotation',
	humanInput: 'Human Input',
	app: 'App',
};

function resources(table: Record<string, DifyOperation[]>): ResourceSpec[] {
	return Object.entries(table).map(([value, operations]) => ({ value, name: RESOURCE_NAMES[value] ?? value, operations }));
}

/**
 * The seed matrix (shared/seeds/000_…, shared/operations.md) as data: which resource/operation each
 * node offers. Nodes are built from these rows; an operation module used by several nodes is
 * written once.
 */
export const DIFY_CHATBOT: DifyNodeSpec = {
	name: 'difyChatbot',
	displayName: 'Dify Chatbot',
	description: 'Chat with a Dify Chatbot or Agent app: send messages, manage conversations, files, feedback and more',
	credential: 'difyApi',
	modes: ['chat', 'agent-chat', 'agent'],
	family: 'chat',
	resources: resources({
		message: [message.sendChat],
		app: [app.getInfo, app.getParameters],
	}),
};

export const ALL_NODES: DifyNodeSpec[] = [DIFY_CHATBOT];
