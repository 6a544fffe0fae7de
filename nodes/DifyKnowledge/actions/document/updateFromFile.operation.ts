import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { inputBinaryField, optionsCollection } from '../../../shared/helpers/common';
import { asNodeError } from '../../../shared/transport/errors';
import type { DifyOperation } from '../../../shared/types';
import { documentFileBody, documentResult, sendDocumentFile } from '../../helpers/documentContent';
import { documentArgs, documentOptions, type DocumentOptionsInput } from '../../helpers/documentOptions';
import { datasetLocator, documentLocator } from '../../helpers/locators';
import { datasetPath, documentPath } from '../../helpers/request';

export const updateFromFile: DifyOperation = {
	value: 'updateFromFile',
	name: 'Update From File',
	action: 'Update a document from a file',
	description: 'Replace the file of a document with one from a binary field; Dify indexes it again',
	properties: [
		datasetLocator(),
		documentLocator('The document to change (it must have finished indexing)'),
		inputBinaryField('The name of the input binary field containing the new file'),
		optionsCollection(documentOptions('update', [{ displayName: 'File Name', name: 'fileName', type: 'string', default: '', placeholder: 'e.g. handbook-v2.pdf' }])),
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const options = this.getNodeParameter('options', i, {}) as DocumentOptionsInput;
		const property = this.getNodeParameter('binaryPropertyName', i) as string;
		const binary = this.helpers.assertBinaryData(i, property);
		const path = documentPath.call(this, i);
		const args = documentArgs.call(this, options, i, 'update');
		const body = async () => await documentFileBody.call(this, binary, args, options.fileName, async () => await this.helpers.getBinaryDataBuffer(i, property));
		let answer: IDataObject;
		try {
			// PATCH on the document is the route since Dify 1.14.0.
			answer = await sendDocumentFile.call(this, ctx, 'PATCH', path, await body());
		} catch (error) {
			// Older servers only have POST …/update-by-file: they answer the PATCH with 405.
			if (!(error instanceof NodeApiError) || error.httpCode !== '405') throw asNodeError(this.getNode(), error, i);
			answer = await sendDocumentFile.call(this, ctx, 'POST', `${path}/update-by-file`, await body());
		}
		return await documentResult.call(this, ctx, datasetPath.call(this, i), answer, options);
	},
};
