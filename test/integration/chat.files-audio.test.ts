import type { INodeExecutionData } from 'n8n-workflow';

import { callNode, failure, sendParams, useDifyServer } from './support';

const server = useDifyServer();

function binaryItem(content: Buffer | string, fileName: string, mimeType: string): INodeExecutionData {
	const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
	return { json: {}, binary: { data: { data: data.toString('base64'), mimeType, fileName } } };
}

describe('files', () => {
	it('round-trips upload → send with the file → download as binary', async () => {
		const text = 'Quarterly notes — größer als 1 €\n'.repeat(50);
		const upload = await callNode(server(), {
			key: server().keys.chat,
			items: [binaryItem(text, 'notes.txt', 'text/plain')],
			parameters: { resource: 'file', operation: 'upload', binaryPropertyName: 'data', user: 'tester' },
		});
		expect(upload.error).toBeUndefined();
		const file = upload.items[0].json;
		expect(file).toMatchObject({ name: 'notes.txt', size: Buffer.byteLength(text), mime_type: 'text/plain' });
		const sent = server().requests.find((r) => r.path === '/files/upload');
		expect(sent?.multipart?.fields).toEqual({ user: 'tester' });
		expect(sent?.multipart?.files[0]).toMatchObject({ name: 'file', filename: 'notes.txt', contentType: 'text/plain' });

		// A freshly uploaded file is not attached to any message yet: Dify will not serve it.
		const early = await callNode(server(), { key: server().keys.chat, parameters: { resource: 'file', operation: 'download', fileId: file.id, user: 'tester', binaryPropertyName: 'data' } });
		expect(failure(early).message).toMatch(/^Dify error file_not_found/);

		const send = await callNode(server(), {
			key: server().keys.chat,
			items: [binaryItem(text, 'notes.txt', 'text/plain')],
			parameters: sendParams('Summarise the file', { files: { binaryProperties: 'data', urls: 'https://example.com/report.pdf' } }),
		});
		expect(send.error).toBeUndefined();
		const body = server().requests.find((r) => r.path === '/chat-messages')?.json as { files: Array<Record<string, string>> };
		expect(body.files).toEqual([
			{ type: 'document', transfer_method: 'local_file', upload_file_id: expect.any(String) },
			{ type: 'document', transfer_method: 'remote_url', url: 'https://example.com/report.pdf' },
		]);
		const attachedId = body.files[0].upload_file_id;

		const download = await callNode(server(), {
			key: server().keys.chat,
			parameters: { resource: 'file', operation: 'download', fileId: attachedId, user: 'tester', binaryPropertyName: 'doc' },
		});
		expect(download.error).toBeUndefined();
		const binary = download.items[0].binary!.doc;
		expect(binary.fileName).toBe('notes.txt');
		expect(binary.mimeType).toBe('text/plain');
		expect(Buffer.from(binary.data, 'base64').toString()).toBe(text);
	});

	it('uploads attached files as the sending user, so Dify lets that user use them', async () => {
		const result = await callNode(server(), {
			key: server().keys.chat,
			items: [binaryItem('x', 'photo.png', 'image/png')],
			parameters: sendParams('look', { user: 'bob', files: { binaryProperties: 'data' } }),
		});
		expect(result.error).toBeUndefined();
		expect(server().requests.find((r) => r.path === '/files/upload')?.multipart?.fields.user).toBe('bob');
		expect(server().requests.find((r) => r.path === '/chat-messages')?.json).toMatchObject({ user: 'bob', files: [{ type: 'image' }] });
	});

	it('names the missing binary field', async () => {
		const result = await callNode(server(), { key: server().keys.chat, parameters: { resource: 'file', operation: 'upload', binaryPropertyName: 'missing', user: 'tester' } });
		expect(failure(result).message).toMatch(/missing/);
	});

	it('refuses a file URL that is not http(s)', async () => {
		const result = await callNode(server(), { key: server().keys.chat, parameters: sendParams('x', { files: { urls: 'ftp://host/file.pdf' } }) });
		expect(failure(result).message).toBe('"ftp://host/file.pdf" is not a file URL');
	});
});

describe('audio', () => {
	it('round-trips text → speech → speech → text, sending a MIME type Dify accepts', async () => {
		const tts = await callNode(server(), {
			key: server().keys.chat,
			parameters: { resource: 'audio', operation: 'textToSpeech', source: 'text', text: 'Guten Tag, wie geht es?', user: 'tester', binaryPropertyName: 'audio' },
		});
		expect(tts.error).toBeUndefined();
		const audio = tts.items[0].binary!.audio;
		expect(audio.mimeType).toBe('audio/mpeg');
		const stt = await callNode(server(), {
			key: server().keys.chat,
			items: [{ json: {}, binary: { data: { ...audio } } }],
			parameters: { resource: 'audio', operation: 'speechToText', binaryPropertyName: 'data', user: 'tester' },
		});
		expect(stt.error).toBeUndefined();
		expect(stt.items[0].json.text).toBe('Guten Tag, wie geht es?');
		// audio/mpeg is what n8n labels MP3s, and what Dify rejects: we send audio/mp3.
		expect(server().requests.find((r) => r.path === '/audio-to-text')?.multipart?.files[0].contentType).toBe('audio/mp3');
	});

	it('speaks the answer of a message, and explains Dify\'s empty answer for an unknown one', async () => {
		const send = await callNode(server(), { key: server().keys.chat, parameters: sendParams('say this') });
		const spoken = await callNode(server(), {
			key: server().keys.chat,
			parameters: { resource: 'audio', operation: 'textToSpeech', source: 'message', messageId: send.items[0].json.message_id, user: 'tester', binaryPropertyName: 'data' },
		});
		expect(spoken.error).toBeUndefined();
		const unknown = await callNode(server(), {
			key: server().keys.chat,
			parameters: { resource: 'audio', operation: 'textToSpeech', source: 'message', messageId: '0b8e3f4c-9d7a-4c1e-8f2b-3a4d5e6f7a8b', user: 'tester', binaryPropertyName: 'data' },
		});
		expect(failure(unknown).message).toBe('Dify returned no audio');
	});

	it('refuses audio formats Dify cannot take, before uploading', async () => {
		const result = await callNode(server(), {
			key: server().keys.chat,
			items: [binaryItem(Buffer.alloc(10), 'voice.webm', 'audio/webm')],
			parameters: { resource: 'audio', operation: 'speechToText', binaryPropertyName: 'data', user: 'tester' },
		});
		expect(failure(result).message).toBe('Dify cannot transcribe "audio/webm" audio');
		expect(server().requests).toHaveLength(0);
	});

	it('reports disabled speech features', async () => {
		const tts = await callNode(server(), {
			key: server().keys.chatFeaturesOff,
			parameters: { resource: 'audio', operation: 'textToSpeech', source: 'text', text: 'x', user: 'tester', binaryPropertyName: 'data' },
		});
		expect(failure(tts).message).toBe('Dify error invalid_param: TTS is not enabled');
		const stt = await callNode(server(), {
			key: server().keys.chatFeaturesOff,
			items: [binaryItem(Buffer.alloc(10), 'a.mp3', 'audio/mpeg')],
			parameters: { resource: 'audio', operation: 'speechToText', binaryPropertyName: 'data', user: 'tester' },
		});
		expect(failure(stt).message).toBe('Dify error invalid_param: Speech to text is not enabled');
	});
});
