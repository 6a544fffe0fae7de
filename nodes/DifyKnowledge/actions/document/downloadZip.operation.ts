import { NodeOperationError } from 'n8n-workflow';
import { outputBinaryField, targetOf } from '../../../shared/helpers/common';
import { errorFromResponse, getConnection, headerValue, sendRaw } from '../../../shared/transport/request';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator } from '../../helpers/locators';
import { datasetPath, listParam } from '../../helpers/request';
import { fileNameFromDisposition } from '../../../shared/helpers/contentDisposition';
import { documentIdsField } from './fields';

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
