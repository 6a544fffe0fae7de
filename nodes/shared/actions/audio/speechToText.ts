import { NodeOperationError } from 'n8n-workflow';

import type { DifyOperation } from '../../types';
import { buildMultipart } from '../../transport/multipart';
import { difyRequest } from '../../transport/request';
import { getUser, jsonItems, targetOf, userField, inputBinaryField } from '../common';

/**
 * Dify accepts exactly audio/mp3, audio/m4a, audio/wav, audio/amr and audio/mpga on this endpoint and
 * rejects the usual aliases (audio/mpeg, audio/x-m4a…) with 415 (§2.16), so we send its spelling.
 */
const DIFY_AUDIO_TYPE: Record<string, string> = {
	mp3: 'audio/mp3',
	mpeg: 'audio/mp3',
	mpga: 'audio/mpga',
	m4a: 'audio/m4a',
	'x-m4a': 'audio/m4a',
	mp4: 'audio/m4a',
	aac: 'audio/m4a',
	wav: 'audio/wav',
	wave: 'audio/wav',
	'x-wav': 'audio/wav',
	'vnd.wave': 'audio/wav',
	amr: 'audio/amr',
};

export function difyAudioType(mimeType: string | undefined, fileName: string | undefined): string | undefined {
	const subtype = (mimeType ?? '').toLowerCase().split(';')[0].split('/')[1];
	const ext = (fileName ?? '').toLowerCase().split('.').pop() ?? '';
	return (subtype && DIFY_AUDIO_TYPE[subtype]) || DIFY_AUDIO_TYPE[ext];
}

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
