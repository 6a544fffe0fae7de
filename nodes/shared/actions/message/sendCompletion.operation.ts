import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ChatAnswer } from '../../helpers/chatAnswer';
import { getUser, jsonItems, optionsCollection, targetOf, userField } from '../../helpers/common';
import { fileMappings, splitList } from '../../helpers/fileInputs';
import { generate, stopRequestFor } from '../../helpers/generate';
import { getInputs, inputsProperties } from '../../helpers/inputs';
import { responseModeField, streamOptionFields } from '../../helpers/streamOptions';
import type { DifyOperation, OperationContext } from '../../types';

const options: INodeProperties[] = [
	{
		displayName: 'Binary Files',
		name: 'binaryFiles',
		type: 'string',
		default: '',
		placeholder: 'e.g. data, image',
		description:
			'Input binary fields to upload and attach (comma-separated). The app\'s file upload (vision) feature must be on, else Dify ignores them.',
	},
	{
		displayName: 'File URLs',
		name: 'fileUrls',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://example.com/photo.png',
		description: 'Public file URLs to attach (comma- or newline-separated), fetched by the Dify server',
	},
	{
		displayName: 'Include Message Files',
		name: 'includeMessageFiles',
		type: 'boolean',
		default: false,
		description: 'Whether to output the files the model produced while answering (e.g. images) as message_files',
	},
	{
		displayName: 'Query (Legacy Apps)',
		name: 'query',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		description:
			'The separate "query" text of text generators made before Dify moved it into the input form. Current apps take their text through Inputs (JSON), e.g. {"query": "…"}.',
	},
	...streamOptionFields,
];

const properties: INodeProperties[] = [
	...inputsProperties(
		'Values for the app\'s input variables, keyed by variable name, e.g. {"query": "Write a haiku about the sea"}. Dify does not fill defaults for text generators: send every value the prompt uses.',
	),
	userField,
	responseModeField,
	optionsCollection(options),
];

interface CompletionOptions extends IDataObject {
	binaryFiles?: string;
	fileUrls?: string;
	includeMessageFiles?: boolean;
	query?: string;
}

async function execute(this: IExecuteFunctions, ctx: OperationContext) {
	const i = ctx.itemIndex;
	const target = targetOf(ctx.node);
	const user = getUser.call(this, i);
	const options = this.getNodeParameter('options', i, {}) as CompletionOptions;
	const responseMode = this.getNodeParameter('responseMode', i, 'streaming') as 'streaming' | 'blocking';
	const body: IDataObject = {
		inputs: getInputs.call(this, i),
		user,
		response_mode: responseMode,
	};
	if (options.query) body.query = options.query;
	const files = await fileMappings.call(this, target, i, user, splitList(options.binaryFiles), splitList(options.fileUrls));
	if (files.length) body.files = files;

	const answer = new ChatAnswer();
	const req = { method: 'POST' as const, path: '/completion-messages', body, user, itemIndex: i };
	await generate.call(this, target, req, responseMode, 'completion', answer, stopRequestFor('/completion-messages', user), options);
	const json = answer.result({ includeThoughts: false, includeMessageFiles: options.includeMessageFiles === true, includeNodeTrace: false });
	// Text generators have no conversations (docs/dify-behaviour.md, 'Completion messages').
	delete json.conversation_id;
	delete json.status;
	return jsonItems(json);
}

export const sendCompletion: DifyOperation = {
	value: 'send',
	name: 'Generate',
	action: 'Generate text with a Dify text generator app',
	description: 'Generate text from the app\'s inputs and get the complete text (streamed from Dify)',
	properties,
	execute,
};
