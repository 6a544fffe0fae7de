import { NodeOperationError } from 'n8n-workflow';

import type { DifyOperation } from '../../types';
import { fetchFileUrl } from '../../transport/fileUrl';
import { errorFromResponse, getConnection, headerValue, sendRaw } from '../../transport/request';
import { outputBinaryField, targetOf } from '../common';
import { fileNameFromDisposition } from '../file/download';
import { datasetLocator, documentLocator } from '../knowledge/locators';
import { datasetPath, documentPath, knowledgeRequest, listParam } from '../knowledge/request';
import { documentIdsField } from './status';

export const download: DifyOperation = {
	value: 'download',
	name: 'Download',
	action: 'Download the file of a document',
	description: 'Download the original file of a document created from a file, as binary data',
	properties: [datasetLocator(), documentLocator(), outputBinaryField('The name of the output binary field to put the file in')],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const property = this.getNodeParameter('binaryPropertyName', i) as string;
		// Dify answers with a signed, short-lived URL of the upload; it is fetched without the key.
		const { url } = await knowledgeRequest.call(this, ctx, 'GET', `${documentPath.call(this, i)}/download`);
		if (typeof url !== 'string' || !url) {
			throw new NodeOperationError(this.getNode(), 'Dify sent no download URL for the document', { itemIndex: i, description: 'Only documents created from a file can be downloaded.' });
		}
		const file = await fetchFileUrl.call(this, targetOf(ctx.node), url, i);
		const fileName = fileNameFromDisposition(file.contentDisposition) ?? 'document';
		const mimeType = file.contentType && file.contentType !== 'application/octet-stream' ? file.contentType : undefined;
		const binary = await this.helpers.prepareBinaryData(file.body, fileName, mimeType);
		return [{ json: { file_name: binary.fileName ?? fileName, mime_type: binary.mimeType, size: binary.bytes ?? null }, binary: { [property]: binary } }];
	},
};

export const downloadZip: DifyOperation = {
	value: 'downloadZip',
	name: 'Download ZIP',
	action: 'Download documents as a ZIP file',
	description: 'Download the original files of up to 100 documents as one ZIP archive',
	properties: [datasetLocator(), documentIdsField, outputBinaryField('The name of the output binary field to put the ZIP file in')],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const target = targetOf(ctx.node);
		const documentIds = listParam.call(this, 'documentIds', i);
		if (!documentIds.length || documentIds.length > 100) {
			throw new NodeOperationError(this.getNode(), `Download ZIP takes 1 to 100 document IDs, not ${documentIds.length}`, { itemIndex: i, description: 'Split the list over several items.' });
		}
		const property = this.getNodeParameter('binaryPropertyName', i) as string;
		const conn = await getConnection.call(this, target);
		const req = { method: 'POST' as const, path: `${datasetPath.call(this, i)}/documents/download-zip`, body: { document_ids: documentIds }, itemIndex: i };
		// The answer is the archive itself, streamed into n8n's binary storage.
		const response = await sendRaw.call(this, target, conn, req, 'stream');
		if (response.statusCode >= 400) throw await errorFromResponse.call(this, target, conn, req, response);
		const fileName = fileNameFromDisposition(headerValue(response.headers, 'content-disposition')) ?? 'documents.zip';
		const binary = await this.helpers.prepareBinaryData(response.body as Buffer, fileName, 'application/zip');
		return [{ json: { file_name: binary.fileName ?? fileName, document_ids: documentIds, size: binary.bytes ?? null }, binary: { [property]: binary } }];
	},
};
