import { NodeOperationError } from 'n8n-workflow';
import { difyAudioType } from '../../helpers/audioType';
import { getUser, inputBinaryField, jsonItems, targetOf, userField } from '../../helpers/common';
import { buildMultipart } from '../../transport/multipart';
import { difyRequest } from '../../transport/request';
import type { DifyOperation } from '../../types';

export const speechToText: DifyOperation = {
	value: 'speechToText',
	name: 'Speech to Text',
	action: 'Transcribe audio to text',
	description: 'Transcribe an audio file (mp3, m4a, wav, amr, mpga; up to 30 MB) with the app\'s speech-to-text model',
	properties: [
		inputBinaryField('The name of the input binary field containing the audio'),
		userField,
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const property = this.getNodeParameter('binaryPropertyName', i) as string;
		const binary = this.helpers.assertBinaryData(i, property);
		const contentType = difyAudioType(binary.mimeType, binary.fileName);
		if (!contentType) {
			throw new NodeOperationError(this.getNode(), `Dify cannot transcribe "${binary.mimeType}" audio`, {
				itemIndex: i,
				description: 'Dify accepts mp3, m4a, wav, amr and mpga audio. Convert the file first (e.g. webm or ogg recordings).',
			});
		}
		const data = await this.helpers.getBinaryDataBuffer(i, property);
		const user = getUser.call(this, i);
		const ext = contentType.split('/')[1];
		const fileName = binary.fileName && binary.fileName.includes('.') ? binary.fileName : `audio.${ext}`;
		const multipart = buildMultipart({ user }, { fieldName: 'file', fileName, contentType, data });
		const result = await difyRequest.call(this, targetOf(ctx.node), {
			method: 'POST',
			path: '/audio-to-text',
			body: multipart.body,
			headers: { 'Content-Type': multipart.contentType },
			user,
			itemIndex: i,
		});
		return jsonItems(result);
	},
};
