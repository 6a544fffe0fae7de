import { getUser, inputBinaryField, jsonItems, targetOf, userField } from '../../helpers/common';
import { uploadBinary } from '../../helpers/fileInputs';
import type { DifyOperation } from '../../types';

export const upload: DifyOperation = {
	value: 'upload',
	name: 'Upload',
	action: 'Upload a file to Dify',
	description: 'Upload a file from a binary property, to use it in messages or runs of the same user',
	properties: [
		inputBinaryField('The name of the input binary field containing the file to upload'),
		{
			...userField,
			description: `${userField.description} Upload with the same User as the message or run that will use the file: Dify refuses files of other users.`,
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{ displayName: 'File Name', name: 'fileName', type: 'string', default: '', description: 'Name to give the file in Dify instead of the binary\'s own name' },
				{ displayName: 'MIME Type', name: 'mimeType', type: 'string', default: '', placeholder: 'e.g. application/pdf', description: 'Content type to send instead of the binary\'s own' },
			],
		},
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const options = this.getNodeParameter('options', i, {}) as { fileName?: string; mimeType?: string };
		const property = this.getNodeParameter('binaryPropertyName', i) as string;
		return jsonItems(await uploadBinary.call(this, targetOf(ctx.node), i, property, getUser.call(this, i), options));
	},
};
