import { readFileSync } from 'node:fs';
import type { Ctx, Router } from './http';
import { HttpError, invalidParam, isUuid, readJsonObject } from './http';
import { discardUpload, receiveSingleFile } from './files';
import { tick } from './generation';

const AUDIO_TYPES = ['audio/mp3', 'audio/m4a', 'audio/wav', 'audio/amr', 'audio/mpga'];
/** The fake MP3 carries its text after this marker so speech → text gives the original back. */
const MARKER = 'DIFY-DOUBLE-TTS:';

function fakeMp3(text: string): Buffer {
	const header = Buffer.from([0x49, 0x44, 0x33, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
	const payload = Buffer.from(`${MARKER}${Buffer.from(text, 'utf8').toString('base64')};`);
	const frames = Buffer.alloc(4096, 0xff);
	return Buffer.concat([header, payload, frames]);
}

async function audioToText(ctx: Ctx): Promise<void> {
	const state = ctx.state;
	const received = await receiveSingleFile(ctx, () => state.uploadLimits.audioToTextBytes);
	const file = received.file;
	try {
		if (!file) {
			throw new HttpError(400, 'bad_request_key_error', 'The browser (or proxy) sent a request that this server could not understand.');
		}
		if (!ctx.app!.features.stt) throw invalidParam('Speech to text is not enabled');
		if (!AUDIO_TYPES.includes((file.info.contentType ?? '').toLowerCase())) {
			throw new HttpError(415, 'unsupported_audio_type', 'Audio type not allowed.');
		}
		if (file.sink.exceeded) throw new HttpError(413, 'audio_too_large', 'Audio size larger than 30 mb');
		const bytes = readFileSync(file.sink.path);
		const text = bytes.toString('latin1');
		const at = text.indexOf(MARKER);
		const decoded = at >= 0 ? Buffer.from(text.slice(at + MARKER.length, text.indexOf(';', at)), 'base64').toString('utf8') : null;
		await ctx.out.json(200, { text: decoded ?? `transcribed ${bytes.length} bytes` });
	} finally {
		discardUpload(file);
	}
}

async function textToAudio(ctx: Ctx): Promise<void> {
	const body = readJsonObject(ctx);
	if (!ctx.app!.features.tts) throw invalidParam('TTS is not enabled');
	let text = typeof body.text === 'string' ? body.text : '';
	if (body.message_id !== undefined && body.message_id !== null && body.message_id !== '') {
		// Quirk (docs/dify-behaviour.md, 'Audio'): a bad or unknown message id, or an empty answer, is HTTP 200 with JSON null.
		const message = isUuid(body.message_id) ? ctx.state.messages.get(body.message_id) : undefined;
		if (!message || message.appId !== ctx.app!.id || !message.answer) return ctx.out.json(200, null);
		text = message.answer;
	}
	if (!text.trim()) throw invalidParam('Text is required');
	const audio = fakeMp3(text);
	ctx.out.head(200, { 'Content-Type': 'audio/mpeg', 'Transfer-Encoding': 'chunked' });
	for (let i = 0; i < audio.length && ctx.out.alive; i += 1024) {
		await ctx.out.write(audio.subarray(i, i + 1024));
		await tick(ctx.state);
	}
	await ctx.out.end();
}

export function registerAudioRoutes(router: Router): void {
	router.add('POST', '/audio-to-text', 'app', audioToText);
	router.add('POST', '/text-to-audio', 'app', textToAudio);
}
