
/**
 * Dify accepts exactly audio/mp3, audio/m4a, audio/wav, audio/amr and audio/mpga on this endpoint and
 * rejects the usual aliases (audio/mpeg, audio/x-m4a…) with 415 (docs/dify-behaviour.md, 'Audio'), so we send its spelling.
 */
export const DIFY_AUDIO_TYPE: Record<string, string> = {
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

