import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { DifyTarget } from '../transport/request';
import { fileMappings, splitList } from './fileInputs';

/** Files to send with a message: n8n binary fields (uploaded first, as the same User) and URLs. */
export const filesField: INodeProperties = {
	displayName: 'Files',
	name: 'files',
	type: 'collection',
	placeholder: 'Add Files',
	default: {},
	description: 'Files for the app to read (the app\'s file upload or vision feature must be on)',
	options: [
		{
			displayName: 'Binary Fields',
			name: 'binaryProperties',
			type: 'string',
			default: 'data',
			placeholder: 'e.g. data, invoice',
			description: 'Names of input binary fields to upload and attach, separated by commas',
		},
		{
			displayName: 'File URLs',
			name: 'urls',
			type: 'string',
			typeOptions: { rows: 2 },
			default: '',
			placeholder: 'e.g. https://example.com/report.pdf',
			description: 'URLs Dify should fetch, one per line or separated by commas',
		},
	],
};

export async function filesFromField(this: IExecuteFunctions, target: DifyTarget, i: number, user: string): Promise<IDataObject[]> {
	const files = this.getNodeParameter('files', i, {}) as { binaryProperties?: string; urls?: string };
	return await fileMappings.call(this, target, i, user, splitList(files.binaryProperties), splitList(files.urls));
}
