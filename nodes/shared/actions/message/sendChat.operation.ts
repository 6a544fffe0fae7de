import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { ChatAnswer } from '../../helpers/chatAnswer';
import { getUser, jsonItems, locatorValue, optionsCollection, targetOf, userField } from '../../helpers/common';
import { filesField, filesFromField } from '../../helpers/filesField';
import { generate, stopRequestFor } from '../../helpers/generate';
import { getInputs, inputsProperties } from '../../helpers/inputs';
import { chatflowReattach } from '../../helpers/reattachPlans';
import { reattachOptionField, responseModeField, streamOptionFields } from '../../helpers/streamOptions';
import type { DifyNodeSpec, DifyOperation, OperationContext } from '../../types';
import { conversationLocator } from '../conversation/fields';

function properties(node: DifyNodeSpec): INodeProperties[] {
	const isChatflow = node.family === 'chatflow';
	const options: INodeProperties[] = [
		{
			displayName: 'Auto-Generate Conversation Name',
			name: 'autoGenerateName',
			type: 'boolean',
			default: true,
			description:
				'Whether Dify should name a new conversation with its model after the first answer. Off: the name is the start of the query.',
		},
		{
			displayName: 'Include Message Files',
			name: 'includeMessageFiles',
			type: 'boolean',
			default: false,
			description: 'Whether to output the files the app produced while answering (e.g. images made by tools)',
		},
		...streamOptionFields,
	];
	// Agent thoughts come from Agent apps (Chatbot node); a Chatflow's steps are its Node Trace.
	if (!isChatflow) {
		options.push({
			displayName: 'Include Agent Thoughts',
			name: 'includeThoughts',
			type: 'boolean',
			default: true,
			description: 'Whether to output the steps of Agent apps (thoughts, tool calls and their results) as agent_thoughts',
		});
	}
	if (isChatflow) {
		options.push(
			reattachOptionField,
			{
				displayName: 'Include Node Trace',
				name: 'includeNodeTrace',
				type: 'boolean',
				default: false,
				description: 'Whether to output one entry per workflow node that ran (title, type, status, elapsed time, error)',
			},
			{
				displayName: 'Workflow Version ID',
				name: 'workflowId',
				type: 'string',
				default: '',
				placeholder: 'e.g. 5d4a2b52-1a4e-4c8b-9d2e-7f1c3b2a9e10',
				description: 'Run this published version of the chatflow instead of the latest one',
			},
		);
	}
	return [
		{
			displayName: 'Query',
			name: 'query',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			required: true,
			placeholder: 'e.g. What can you do?',
			description: 'The user message to send',
		},
		userField,
		conversationLocator({
			description:
				'Conversation to continue. Leave empty to start a new one; the output has its conversation_id for the next turn. Only conversations of the same User can be continued.',
		}),
		...inputsProperties(
			'Values for the app\'s input variables, keyed by variable name, e.g. {"language": "French"}. Dify checks them on every turn, so send required ones each time.',
		),
		filesField,
		responseModeField,
		optionsCollection(options),
	];
}

interface SendOptions extends IDataObject {
	autoGenerateName?: boolean;
	includeThoughts?: boolean;
	includeMessageFiles?: boolean;
	includeNodeTrace?: boolean;
	workflowId?: string;
}

async function execute(this: IExecuteFunctions, ctx: OperationContext) {
	const i = ctx.itemIndex;
	const target = targetOf(ctx.node);
	const user = getUser.call(this, i);
	const query = this.getNodeParameter('query', i) as string;
	const options = this.getNodeParameter('options', i, {}) as SendOptions;
	const responseMode = this.getNodeParameter('responseMode', i, 'streaming') as 'streaming' | 'blocking';
	const body: IDataObject = {
		query,
		inputs: getInputs.call(this, i),
		user,
		response_mode: responseMode,
		conversation_id: locatorValue.call(this, 'conversationId', i),
		auto_generate_name: options.autoGenerateName !== false,
	};
	if (ctx.node.family === 'chatflow' && options.workflowId?.trim()) body.workflow_id = options.workflowId.trim();
	const files = await filesFromField.call(this, target, i, user);
	if (files.length) body.files = files;

	const answer = new ChatAnswer();
	const req = { method: 'POST' as const, path: '/chat-messages', body, user, itemIndex: i };
	const family = ctx.node.family === 'chatflow' ? 'chatflow' : 'chat';
	const reattach = family === 'chatflow' ? chatflowReattach(target, answer, user, i) : undefined;
	await generate.call(this, target, req, responseMode, family, answer, stopRequestFor('/chat-messages', user), options, reattach);
	const failure = answer.failure;
	if (failure) {
		// Dify reports it as a finished run with status "failed", not as an error with a code.
		throw new NodeApiError(this.getNode(), { status: 'failed', message: failure }, {
			message: `Dify chatflow run failed: ${failure}`,
			description: 'The chatflow ran and one of its nodes failed. Open the run in Dify\'s logs for details.',
			itemIndex: i,
		});
	}
	return jsonItems(
		answer.result({
			includeThoughts: options.includeThoughts !== false,
			includeMessageFiles: options.includeMessageFiles === true,
			includeNodeTrace: options.includeNodeTrace === true,
		}),
	);
}

export const sendChat: DifyOperation = {
	value: 'send',
	name: 'Send',
	action: (node) => (node.family === 'chatflow' ? 'Send a message to a Dify Chatflow app' : 'Send a message to a Dify Chatbot or Agent app'),
	description: 'Send a chat message and get the complete answer (streamed from Dify)',
	properties,
	execute,
};
