import type { DifyNodeSpec, DifyOperation, ResourceSpec } from './types';
import { appAdvice } from './appErrors';
import { modesServedBy } from './appTypes';
import * as annotation from './actions/annotation';
import * as app from './actions/app';
import * as audio from './actions/audio';
import * as conversation from './actions/conversation';
import * as endUser from './actions/endUser';
import * as feedback from './actions/feedback';
import * as file from './actions/file';
import * as humanInput from './actions/humanInput';
import * as message from './actions/message';
import * as workflow from './actions/workflow';

/** Display names of the resources. */
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
	endUser: 'End User',
};

/** A node's resources in form order, named by `names` (the resource values are Dify's API names). */
export function resources(table: Record<string, DifyOperation[]>, names: Record<string, string> = RESOURCE_NAMES): ResourceSpec[] {
	return Object.entries(table).map(([value, operations]) => ({ value, name: names[value] ?? value, operations }));
}

/** An app node's identity: its credential, the app modes it serves and its reading of Dify's errors. */
function appNode(name: string, displayName: string): Pick<DifyNodeSpec, 'name' | 'displayName' | 'credential' | 'modes' | 'advise'> {
	const modes = modesServedBy(displayName);
	return { name, displayName, credential: 'difyApi', modes, advise: appAdvice({ nodeDisplayName: displayName, modes }) };
}

const annotations = [annotation.getAll, annotation.create, annotation.update, annotation.deleteAnnotation, annotation.configureReply, annotation.getReplyStatus];

/** What every chat-family app offers (the Chatbot/Agent and Chatflow rows of docs/contract.md). */
const chatFamily: Record<string, DifyOperation[]> = {
	message: [message.sendChat, message.stop, message.getAll, message.getSuggestions],
	conversation: [conversation.getAll, conversation.deleteConversation, conversation.rename, conversation.getVariables, conversation.updateVariable],
	feedback: [feedback.create, feedback.getAll],
	file: [file.upload, file.download],
	audio: [audio.speechToText, audio.textToSpeech],
	// Dify serves annotations for every chat app, not only Chatflow (docs/dify-behaviour.md, 'Annotations').
	annotation: annotations,
	app: [app.getInfo, app.getParameters, app.getMeta, app.getSite],
	endUser: [endUser.get],
};

/**
 * The operation table (its public form is docs/contract.md): which
 * resource/operation each node offers. Nodes are built from these rows; an operation used by several nodes is written once.
 */
export const DIFY_CHATBOT: DifyNodeSpec = {
	...appNode('difyChatbot', 'Dify Chatbot'),
	family: 'chat',
	resources: resources(chatFamily),
};

export const DIFY_CHATFLOW: DifyNodeSpec = {
	...appNode('difyChatflow', 'Dify Chatflow'),
	family: 'chatflow',
	resources: resources({ ...chatFamily, workflow: [workflow.getRun], humanInput: [humanInput.get, humanInput.submit] }),
};

export const DIFY_COMPLETION: DifyNodeSpec = {
	...appNode('difyCompletion', 'Dify Completion'),
	family: 'completion',
	resources: resources({
		message: [message.sendCompletion, message.stop],
		feedback: [feedback.create, feedback.getAll],
		file: [file.upload, file.download],
		audio: [audio.textToSpeech],
		annotation: annotations,
		app: [app.getInfo, app.getParameters, app.getSite],
		endUser: [endUser.get],
	}),
};

export const DIFY_WORKFLOW: DifyNodeSpec = {
	...appNode('difyWorkflow', 'Dify Workflow'),
	family: 'workflow',
	resources: resources({
		workflow: [workflow.run, workflow.stop, workflow.getRun, workflow.getLogs],
		humanInput: [humanInput.get, humanInput.submit],
		// Download is in the contract for every app node; for workflow runs' own output files use Run's "Download Output Files".
		file: [file.upload, file.download],
		app: [app.getInfo, app.getParameters, app.getSite],
		endUser: [endUser.get],
	}),
};

export const ALL_NODES: DifyNodeSpec[] = [DIFY_CHATBOT, DIFY_CHATFLOW, DIFY_COMPLETION, DIFY_WORKFLOW];
