import { inputBinaryField, jsonItems, optionsCollection, targetOf } from '../../../shared/helpers/common';
import { binaryMultipart } from '../../../shared/helpers/binaryMultipart';
import { difyRequest } from '../../../shared/transport/request';
import type { DifyOperation } from '../../../shared/types';

export const uploadFile: DifyOperation = {
	value: 'uploadFile',
	name: 'Upload File',
	action: 'Upload a file for a knowledge pipeline',
	description:
		'Upload a file from a binary field for a knowledge pipeline run (Dify 1.9+); its ID goes into the run\'s datasource_info_list as the file reference',
	properties: [
		inputBinaryField('The name of the input binary field containing the file to upload'),
		optionsCollection([
			{ displayName: 'File Name', name: 'fileName', type: 'string', default: '', description: 'Name to give the file in Dify instead of the binary\'s own name' },
			{ displayName: 'MIME Type', name: 'mimeType', type: 'string', default: '', placeholder: 'e.g. application/pdf', description: 'Content type to send instead of the binary\'s own' },
		]),
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const options = this.getNodeParameter('options', i, {}) as { fileName?: string; mimeType?: string };
		const property = this.getNodeParameter('binaryPropertyName', i) as string;
		const binary = this.helpers.assertBinaryData(i, property);
		const fileName = options.fileName || binary.fileName || `file.${binary.fileExtension ?? 'bin'}`;
		// Dify refuses a file part without a content type (415 unsupported_file_type).
		const contentType = options.mimeType || binary.mimeType || 'application/octet-stream';
		// The file belongs to the Knowledge key's account: this route takes no `user`.
		const { body, headers } = await binaryMultipart.call(this, binary, {}, { fieldName: 'file', fileName, contentType }, async () => await this.helpers.getBinaryDataBuffer(i, property));
		return jsonItems(await difyRequest.call(this, targetOf(ctx.node), { method: 'POST', path: '/datasets/pipeline/file-upload', body, headers, itemIndex: i }));
	},
};
