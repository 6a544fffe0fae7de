import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { DifyTarget } from '../transport/request';
import { fileMappings, splitList } from './fileInputs';

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


interface FileInput {
	variable?: string;
	variableType?: 'file' | 'file-list';
	source?: 'binary' | 'url';
	binaryPropertyName?: string;
	url?: string;
}

/** File variables go inside `inputs` for workflow apps (docs/dify-behaviour.md, 'Files', 'Input form'): one mapping, or an array for file-list. */
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
