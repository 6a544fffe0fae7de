import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getUser, outputBinaryField, targetOf, userField } from '../../helpers/common';
import { errorFromResponse, getConnection, headerValue, parseMaybeJson, readText, sendRaw } from '../../transport/request';
import type { DifyOperation } from '../../types';

export const textToSpeech: DifyOperation = {
	value: 'textToSpeech',
	name: 'Text to Speech',
	action: 'Convert text to speech',
	description: 'Turn text, or the answer of a message, into audio with the app\'s text-to-speech voice',
	properties: [
		{
			displayName: 'Source',
			name: 'source',
			type: 'options',
			options: [
				{ name: 'Text', value: 'text' },
				{ name: 'Message', value: 'message', description: 'Speak the answer of a message' },
			],
			default: 'text',
		},
		{ displayName: 'Text', name: 'text', type: 'string', typeOptions: { rows: 3 }, default: '', required: true, displayOptions: { show: { source: ['text'] } } },
		{ displayName: 'Message ID', name: 'messageId', type: 'string', default: '', required: true, displayOptions: { show: { source: ['message'] } } },
		userField,
		{
			displayName: 'Voice',
			name: 'voice',
			type: 'string',
			default: '',
			description: 'Voice of the TTS model; empty uses the app\'s configured voice',
		},
		outputBinaryField('The name of the output binary field to put the audio in'),
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const target = targetOf(ctx.node);
		const user = getUser.call(this, i);
		const source = this.getNodeParameter('source', i) as string;
		const voice = (this.getNodeParameter('voice', i, '') as string).trim();
		const body: IDataObject = { user, ...(voice ? { voice } : {}) };
		if (source === 'message') body.message_id = (this.getNodeParameter('messageId', i) as string).trim();
		else body.text = this.getNodeParameter('text', i) as string;
		const conn = await getConnection.call(this, target);
		const req = { method: 'POST' as const, path: '/text-to-audio', body, user, itemIndex: i };
		const response = await sendRaw.call(this, target, conn, req, 'stream');
		if (response.statusCode >= 400) throw await errorFromResponse.call(this, target, conn, req, response);
		const contentType = headerValue(response.headers, 'content-type').split(';')[0].trim();
		if (/json/i.test(contentType)) {
			// Dify answers HTTP 200 with JSON `null` for an unknown message or an empty answer (docs/dify-behaviour.md, 'Audio').
			const parsed = parseMaybeJson(await readText(response.body));
			if (parsed && typeof parsed === 'object' && ('code' in parsed || 'message' in parsed)) {
				throw await errorFromResponse.call(this, target, conn, req, { ...response, statusCode: 400, body: parsed });
			}
			throw new NodeOperationError(this.getNode(), 'Dify returned no audio', {
				itemIndex: i,
				description:
					source === 'message'
						? 'The message does not exist for this User, or its answer is empty. Check the Message ID and the User.'
						: 'Dify produced no audio for this text.',
			});
		}
		const mimeType = contentType || 'audio/mpeg';
		const ext = mimeType.includes('wav') ? 'wav' : 'mp3';
		const binary = await this.helpers.prepareBinaryData(response.body as Buffer, `speech.${ext}`, mimeType);
		const property = this.getNodeParameter('binaryPropertyName', i) as string;
		return [{ json: { mime_type: mimeType, size: binary.bytes ?? null, ...(body.message_id ? { message_id: body.message_id } : {}) }, binary: { [property]: binary } }];
	},
};
