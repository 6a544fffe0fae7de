import { inputBinaryField, optionsCollection } from '../../../shared/helpers/common';
import type { DifyOperation } from '../../../shared/types';
import { documentFileBody, documentResult, sendDocumentFile } from '../../helpers/documentContent';
import { documentArgs, documentOptions, type DocumentOptionsInput } from '../../helpers/documentOptions';
import { datasetLocator } from '../../helpers/locators';
import { datasetPath } from '../../helpers/request';
import { fileNameOption } from './fields';

export const createFromFile: DifyOperation = {
	value: 'createFromFile',
	name: 'Create From File',
	action: 'Create a document from a file',
	description: 'Upload a file (PDF, Word, Markdown, text, HTML, CSV, Excel…) from a binary field as a new document; large files are streamed',
	properties: [
		datasetLocator('The knowledge base to add the document to'),
		inputBinaryField('The name of the input binary field containing the file'),
		optionsCollection(documentOptions('create', [fileNameOption])),
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const options = this.getNodeParameter('options', i, {}) as DocumentOptionsInput;
		const property = this.getNodeParameter('binaryPropertyName', i) as string;
		const binary = this.helpers.assertBinaryData(i, property);
		const path = datasetPath.call(this, i);
		const multipart = await documentFileBody.call(this, binary, documentArgs.call(this, options, i), options.fileName, async () => await this.helpers.getBinaryDataBuffer(i, property));
		const answer = await sendDocumentFile.call(this, ctx, 'POST', `${path}/document/create-by-file`, multipart);
		return await documentResult.call(this, ctx, path, answer, options);
	},
};
