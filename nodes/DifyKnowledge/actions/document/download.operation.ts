import { NodeOperationError } from 'n8n-workflow';
import { outputBinaryField, targetOf } from '../../../shared/helpers/common';
import { fetchFileUrl } from '../../../shared/transport/fileUrl';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator, documentLocator } from '../../helpers/locators';
import { documentPath, knowledgeRequest } from '../../helpers/request';
import { fileNameFromDisposition } from '../../../shared/helpers/contentDisposition';
import { mimeTypeFor } from '../../../shared/transport/fileName';

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
		const mimeType = mimeTypeFor(fileName, undefined, file.contentType);
		const binary = await this.helpers.prepareBinaryData(file.body, fileName, mimeType);
		return [{ json: { file_name: binary.fileName ?? fileName, mime_type: binary.mimeType, size: binary.bytes ?? null }, binary: { [property]: binary } }];
	},
};
