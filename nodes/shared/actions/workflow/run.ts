import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { DifyOperation, OperationContext } from '../../types';
import type { DifyTarget } from '../../transport/request';
import { getUser, targetOf, userField, optionsCollection } from '../common';
import { getInputs, inputsProperties } from '../inputs';
import { fileMappings, splitList } from '../file/fileInputs';
import { generate, stopRequestFor } from '../generate';
import { responseModeField, streamOptionFields } from '../streamOptions';
import {
	newWorkflowResult,
	workflowItem,
	workflowOutputOptions,
	type WorkflowOutputOptions,
} from './execution';

const options: INodeProperties[] = [
	...workflowOutputOptions,
	...streamOptionFields.map((field) =>
		field.name === 'streamToChat'
			? {
					...field,
					description:
						'Whether to forward the text the workflow streams (End/Answer text chunks) when the workflow was started by a Chat Trigger or a Webhook in "Streaming" response mode',
				}
			: field,
	),
	{
		displayName: 'Workflow Version ID',
		name: 'workflowId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 5d4a2b52-1a4e-4c8b-9d2e-7f1c3b2a9e10',
		description:
			'Run this published version of the workflow instead of the latest one (POST /workflows/{workflow_id}/run). Find version IDs in the app\'s version history in Dify.',
	},
];

/** File variables, as binary fields of the item or URLs (shared with Human Input / Submit). */
export function fileInputsProperty(description: string): INodeProperties {
	return {
		displayName: 'File Inputs',
		name: 'fileInputs',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add File Input',
		description,
		options: [
			{
				displayName: 'File Input',
				name: 'files',
				values: [
					{
						displayName: 'File Source',
						name: 'source',
						type: 'options',
						options: [
							{ name: 'Binary Field', value: 'binary', description: 'Upload a file of the input item' },
							{ name: 'URL', value: 'url', description: 'Let Dify fetch the file from a public URL' },
						],
						default: 'binary',
					},
					{
						displayName: 'File URL(s)',
						name: 'url',
						type: 'string',
						default: '',
						placeholder: 'e.g. https://example.com/report.pdf',
						displayOptions: { show: { source: ['url'] } },
						description: 'URL the Dify server can download. Separate several with commas or new lines for a File List.',
					},
					{
						displayName: 'Input Binary Field(s)',
						name: 'binaryPropertyName',
						type: 'string',
						default: 'data',
						displayOptions: { show: { source: ['binary'] } },
						hint: 'Name of the input binary field. Separate several with commas for a File List.',
					},
					{
						displayName: 'Variable',
						name: 'variable',
						type: 'string',
						default: '',
						required: true,
						placeholder: 'e.g. document',
						description:
							'Name of the file variable. For a run, a Start node variable (Get Parameters lists them); for Human Input, a form input.',
					},
					{
						displayName: 'Variable Type',
						name: 'variableType',
						type: 'options',
						options: [
							{ name: 'Single File', value: 'file', description: 'A "Single File" variable takes exactly one file' },
							{ name: 'File List', value: 'file-list', description: 'A "File List" variable takes an array of files' },
						],
						default: 'file',
					},
				],
			},
		],
	};
}

const properties: INodeProperties[] = [
	...inputsProperties(
		'Values for the variables of the workflow\'s Start node, keyed by variable name, e.g. {"text": "Hello"}. Use "File Inputs" for file variables.',
	),
	fileInputsProperty(
		'Files for the file and file-list variables of the Start node. Binary files are uploaded to Dify first, as the same User as the run (Dify refuses files of other users).',
	),
	userField,
	responseModeField,
	optionsCollection(options),
];

interface FileInput {
	variable?: string;
	variableType?: 'file' | 'file-list';
	source?: 'binary' | 'url';
	binaryPropertyName?: string;
	url?: string;
}

/** File variables go inside `inputs` for workflow apps (§2.4, §7.2): one mapping, or an array for file-list. */
export async function addFileInputs(this: IExecuteFunctions, target: DifyTarget, i: number, user: string, inputs: IDataObject): Promise<void> {
	const entries = ((this.getNodeParameter('fileInputs', i, {}) as { files?: FileInput[] }).files ?? []) as FileInput[];
	for (const entry of entries) {
		const variable = String(entry.variable ?? '').trim();
		if (!variable) {
			throw new NodeOperationError(this.getNode(), 'A File Input has no Variable', {
				itemIndex: i,
				description: 'Enter the name of the file variable of the workflow\'s Start node (Get Parameters lists them).',
			});
		}
		const isUrl = entry.source === 'url';
		const mappings = await fileMappings.call(
			this,
			target,
			i,
			user,
			isUrl ? [] : splitList(entry.binaryPropertyName ?? 'data'),
			isUrl ? splitList(entry.url) : [],
		);
		if (entry.variableType === 'file-list') {
			const previous = Array.isArray(inputs[variable]) ? (inputs[variable] as IDataObject[]) : [];
			inputs[variable] = [...previous, ...mappings];
			continue;
		}
		if (mappings.length !== 1) {
			throw new NodeOperationError(this.getNode(), `The File Input "${variable}" has ${mappings.length} files, but a Single File variable takes exactly one`, {
				itemIndex: i,
				description: 'Give one binary field or URL, or set its Variable Type to "File List" if the Start node variable is a file list.',
			});
		}
		inputs[variable] = mappings[0];
	}
}

interface RunOptions extends WorkflowOutputOptions {
	workflowId?: string;
}

async function execute(this: IExecuteFunctions, ctx: OperationContext) {
	const i = ctx.itemIndex;
	const target = targetOf(ctx.node);
	const user = getUser.call(this, i);
	const options = this.getNodeParameter('options', i, {}) as RunOptions;
	const responseMode = this.getNodeParameter('responseMode', i, 'streaming') as 'streaming' | 'blocking';
	const inputs = getInputs.call(this, i);
	await addFileInputs.call(this, target, i, user, inputs);
	const workflowId = options.workflowId?.trim();
	const path = workflowId ? `/workflows/${encodeURIComponent(workflowId)}/run` : '/workflows/run';
	const req = { method: 'POST' as const, path, body: { inputs, user, response_mode: responseMode }, user, itemIndex: i };
	const result = newWorkflowResult(options);
	await generate.call(this, target, req, responseMode, 'workflow', result, stopRequestFor('/workflows/tasks', user), options);
	return await workflowItem.call(this, target, result, options, i);
}

export const run: DifyOperation = {
	value: 'run',
	name: 'Run',
	action: 'Run a Dify workflow',
	description: 'Run the workflow with inputs and files and get its outputs (streamed from Dify, so long runs work)',
	properties,
	execute,
};
