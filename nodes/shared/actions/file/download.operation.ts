import { NodeOperationError } from 'n8n-workflow';
import { getUser, outputBinaryField, requireId, targetOf, userField } from '../../helpers/common';
import { fileNameFromDisposition } from '../../helpers/contentDisposition';
import { mimeTypeFor } from '../../transport/fileName';
import { errorFromResponse, getConnection, headerValue, sendRaw } from '../../transport/request';
import type { DifyOperation } from '../../types';

export const download: DifyOperation = {
	value: 'download',
	name: 'Download',
	action: 'Download a file from Dify',
	description: 'Download a file that belongs to a message of this app, as binary data',
	properties: [
		{
			displayName: 'File ID',
			name: 'fileId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 72fa9618-8f89-4a37-9b33-7e1178a24a67',
			description: 'ID of an uploaded file. Dify only serves files that are attached to a message of this app.',
		},
		userField,
		outputBinaryField('The name of the output binary field to put the file in'),
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const target = targetOf(ctx.node);
		const fileId = requireId.call(this, (this.getNodeParameter('fileId', i) as string).trim(), 'File ID', i);
		const user = getUser.call(this, i);
		const property = this.getNodeParameter('binaryPropertyName', i) as string;
		const conn = await getConnection.call(this, target);
		const req = {
			method: 'GET' as const,
			path: `/files/${encodeURIComponent(fileId)}/preview`,
			qs: { as_attachment: 'true', user },
			user,
			itemIndex: i,
		};
		const response = await sendRaw.call(this, target, conn, req, 'stream');
		if (response.statusCode >= 400) throw await errorFromResponse.call(this, target, conn, req, response);
		const disposition = headerValue(response.headers, 'content-disposition');
		const contentType = headerValue(response.headers, 'content-type').split(';')[0].trim();
		const fileName = fileNameFromDisposition(disposition) ?? fileId;
		if (!response.body) {
			throw new NodeOperationError(this.getNode(), `Dify sent no content for file ${fileId}`, { itemIndex: i });
		}
		// As an attachment Dify labels every file application/octet-stream: let n8n infer the type from the name.
		const mimeType = mimeTypeFor(fileName, undefined, contentType);
		const binary = await this.helpers.prepareBinaryData(response.body as Buffer, fileName, mimeType);
		return [{ json: { file_id: fileId, file_name: binary.fileName ?? fileName, mime_type: binary.mimeType, size: binary.bytes ?? null }, binary: { [property]: binary } }];
	},
};
