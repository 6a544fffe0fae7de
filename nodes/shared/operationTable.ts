import type { DifyNodeSpec, DifyOperation, ResourceSpec } from './types';
import * as annotation from './actions/annotation';
import * as app from './actions/app';
import * as audio from './actions/audio';
import * as childChunk from './actions/childChunk';
import * as conversation from './actions/conversation';
import * as dataset from './actions/dataset';
import * as document from './actions/document';
import * as feedback from './actions/feedback';
import * as file from './actions/file';
import * as humanInput from './actions/humanInput';
import * as message from './actions/message';
import * as metadata from './actions/metadata';
import * as model from './actions/model';
import * as segment from './actions/segment';
import * as tag from './actions/tag';
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
	dataset: 'Knowledge Base',
	document: 'Document',
	segment: 'Chunk',
	childChunk: 'Child Chunk',
	metadata: 'Metadata',
	tag: 'Tag',
	model: 'Model',
};

function resources(table: Record<string, DifyOperation[]>): ResourceSpec[] {
	return Object.entries(table).map(([value, operations]) => ({ value, name: RESOURCE_NAMES[value] ?? value, operations }));
}

const annotations = [annotation.getAll, annotation.create, annotation.update, annotation.deleteAnnotation, annotation.configureReply, annotation.getReplyStatus];

/** What every chat-family app offers (seed matrix rows for Chatbot/Agent and Chatflow). */
const chatFamily: Record<string, DifyOperation[]> = {
	message: [message.sendChat, message.stop, message.getAll, message.getSuggestions],
	conversation: [conversation.getAll, conversation.deleteConversation, conversation.rename, conversation.getVariables, conversation.updateVariable],
	feedback: [feedback.create, feedback.getAll],
	file: [file.upload, file.download],
	audio: [audio.speechToText, audio.textToSpeech],
	// Not in the seed matrix for Chatbot, but Dify serves annotations for every chat app (operations.md).
	annotation: annotations,
	app: [app.getInfo, app.getParameters, app.getMeta, app.getSite],
};

/**
 * The seed matrix of the project's brief as data (its public form is docs/contract.md): which
 * resource/operation each node offers. Nodes are built from these rows; an operation used by several nodes is written once.
 */
export const DIFY_CHATBOT: DifyNodeSpec = {
	name: 'difyChatbot',
	displayName: 'Dify Chatbot',
	credential: 'difyApi',
	modes: ['chat', 'agent-chat', 'agent'],
	family: 'chat',
	resources: resources(chatFamily),
};

export const DIFY_CHATFLOW: DifyNodeSpec = {
	name: 'difyChatflow',
	displayName: 'Dify Chatflow',
	credential: 'difyApi',
	modes: ['advanced-chat'],
	family: 'chatflow',
	resources: resources({ ...chatFamily, workflow: [workflow.getRun], humanInput: [humanInput.get, humanInput.submit] }),
};

export const DIFY_COMPLETION: DifyNodeSpec = {
	name: 'difyCompletion',
	displayName: 'Dify Completion',
	credential: 'difyApi',
	modes: ['completion'],
	family: 'completion',
	resources: resources({
		message: [message.sendCompletion, message.stop],
		feedback: [feedback.create, feedback.getAll],
		file: [file.upload, file.download],
		audio: [audio.textToSpeech],
		annotation: annotations,
		app: [app.getInfo, app.getParameters, app.getSite],
	}),
};

export const DIFY_WORKFLOW: DifyNodeSpec = {
	name: 'difyWorkflow',
	displayName: 'Dify Workflow',
	credential: 'difyApi',
	modes: ['workflow'],
	family: 'workflow',
	resources: resources({
		workflow: [workflow.run, workflow.stop, workflow.getRun, workflow.getLogs],
		humanInput: [humanInput.get, humanInput.submit],
		// Download is in the contract for every app node; for workflow runs' own output files use Run's "Download Output Files".
		file: [file.upload, file.download],
		app: [app.getInfo, app.getParameters, app.getSite],
	}),
};

export const ALL_NODES: DifyNodeSpec[] = [DIFY_CHATBOT, DIFY_CHATFLOW, DIFY_COMPLETION, DIFY_WORKFLOW];

/** The Knowledge API (dataset key) as one node; resource values follow Dify's API names. */
export const DIFY_KNOWLEDGE: DifyNodeSpec = {
	name: 'difyKnowledge',
	displayName: 'Dify Knowledge',
	credential: 'difyKnowledgeApi',
	modes: [],
	resources: resources({
		dataset: [dataset.retrieve, dataset.create, dataset.get, dataset.getAll, dataset.update, dataset.deleteDataset, dataset.getTags],
		document: [
			document.createFromText,
			document.createFromFile,
			document.createFromUrl,
			document.updateFromText,
			document.updateFromFile,
			document.get,
			document.getAll,
			document.deleteDocument,
			document.getIndexingStatus,
			document.updateStatus,
			document.download,
			document.downloadZip,
		],
		segment: [segment.create, segment.get, segment.getAll, segment.update, segment.deleteSegment],
		childChunk: [childChunk.create, childChunk.getAll, childChunk.update, childChunk.deleteChildChunk],
		metadata: [metadata.getAll, metadata.create, metadata.rename, metadata.deleteField, metadata.setBuiltInFields, metadata.setDocumentValues],
		tag: [tag.getAll, tag.create, tag.rename, tag.deleteTag, tag.bind, tag.unbind],
		model: [model.getAll],
	}),
};
