import type { DifyOperation } from '../../types';
import { fetchRemoteFile } from '../../transport/remoteFile';
import { inputBinaryField, optionsCollection } from '../common';
import { documentArgs, documentOptions, type DocumentOptionsInput } from '../knowledge/documentOptions';
import { datasetLocator } from '../knowledge/locators';
import { datasetPath, knowledgeRequest } from '../knowledge/request';
import { documentFileBody, documentResult, sendDocumentFile } from './content';

const fileNameOption = {
	displayName: 'File Name',
	name: 'fileName',
	type: 'string' as const,
	default: '',
	placeholder: 'e.g. handbook.pdf',
	description: 'Name of the document in Dify; its extension tells Dify how to read the file',
};

export const createFromText: DifyOperation = {
	value: 'createFromText',
	name: 'Create From Text',
	action: 'Create a document from text',
	description: 'Add a document with the given text to a knowledge base; Dify indexes it in the background',
	properties: [
		datasetLocator('The knowledge base to add the document to'),
		{ displayName: 'Name', name: 'name', type: 'string', default: '', required: true, placeholder: 'e.g. Refund policy' },
		{ displayName: 'Text', name: 'text', type: 'string', typeOptions: { rows: 6 }, default: '', required: true },
		optionsCollection(documentOptions('create')),
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const options = this.getNodeParameter('options', i, {}) as DocumentOptionsInput;
		const path = datasetPath.call(this, i);
		const body = { name: this.getNodeParameter('name', i) as string, text: this.getNodeParameter('text', i) as string, ...documentArgs.call(this, options, i) };
		const answer = await knowledgeRequest.call(this, ctx, 'POST', `${path}/document/create-by-text`, { body });
		return await documentResult.call(this, ctx, path, answer, options);
	},
};

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

export const createFromUrl: DifyOperation = {
	value: 'createFromUrl',
	name: 'Create From File URL',
	action: 'Create a document from a file URL',
	description: 'Download a file from a URL through n8n and upload it as a new document (Dify has no endpoint for this)',
	properties: [
		datasetLocator('The knowledge base to add the document to'),
		{ displayName: 'File URL', name: 'url', type: 'string', default: '', required: true, placeholder: 'e.g. https://example.com/handbook.pdf', description: 'Fetched by n8n (not by Dify), without the Dify key' },
		optionsCollection(documentOptions('create', [fileNameOption])),
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const options = this.getNodeParameter('options', i, {}) as DocumentOptionsInput;
		const url = String(this.getNodeParameter('url', i, '') ?? '').trim();
		const path = datasetPath.call(this, i);
		const binary = await fetchRemoteFile.call(this, url, i, options.fileName);
		const multipart = await documentFileBody.call(this, binary, documentArgs.call(this, options, i), options.fileName, async () => Buffer.from(binary.data, 'base64'));
		const answer = await sendDocumentFile.call(this, ctx, 'POST', `${path}/document/create-by-file`, multipart);
		return await documentResult.call(this, ctx, path, answer, options);
	},
};
