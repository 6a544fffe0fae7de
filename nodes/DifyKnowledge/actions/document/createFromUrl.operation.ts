import { optionsCollection } from '../../../shared/helpers/common';
import { documentDownloadOptions, downloadLimits, type DownloadOptionsInput } from '../../../shared/helpers/downloadOptions';
import { fetchRemoteFile } from '../../../shared/transport/remoteFile';
import type { DifyOperation } from '../../../shared/types';
import { documentFileBody, documentResult, sendDocumentFile } from '../../helpers/documentContent';
import { documentArgs, documentOptions, type DocumentOptionsInput } from '../../helpers/documentOptions';
import { datasetLocator } from '../../helpers/locators';
import { datasetPath } from '../../helpers/request';
import { fileNameOption } from './fields';

export const createFromUrl: DifyOperation = {
	value: 'createFromUrl',
	name: 'Create From File URL',
	action: 'Create a document from a file URL',
	description: 'Download a file from a URL through n8n and upload it as a new document (Dify has no endpoint for this)',
	properties: [
		datasetLocator('The knowledge base to add the document to'),
		{ displayName: 'File URL', name: 'url', type: 'string', default: '', required: true, placeholder: 'e.g. https://example.com/handbook.pdf', description: 'Fetched by n8n (not by Dify), without the Dify key' },
		optionsCollection(documentOptions('create', [fileNameOption, ...documentDownloadOptions])),
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const options = this.getNodeParameter('options', i, {}) as DocumentOptionsInput & DownloadOptionsInput;
		const url = String(this.getNodeParameter('url', i, '') ?? '').trim();
		const path = datasetPath.call(this, i);
		const file = await fetchRemoteFile.call(this, url, i, { fileName: options.fileName, ...downloadLimits(options) });
		// The downloaded bytes go into the upload as they are: no binary item, no base64 round trip.
		const described = { data: '', fileName: file.fileName, mimeType: file.mimeType ?? 'application/octet-stream' };
		const multipart = await documentFileBody.call(this, described, documentArgs.call(this, options, i), file.fileName, async () => file.data);
		const answer = await sendDocumentFile.call(this, ctx, 'POST', `${path}/document/create-by-file`, multipart);
		return await documentResult.call(this, ctx, path, answer, options);
	},
};
