/** One Server-Sent Events frame: the `event:` field (ping frames have only this) and the joined `data:` lines. */
export interface SseFrame {
	event?: string;
	data?: string;
}

type Chunk = Uint8Array | string;

/**
 * Splits a byte stream into SSE frames as the bytes arrive, never holding more than one unfinished
 * frame. UTF-8 characters, lines and frames may be split anywhere across chunks; LF, CRLF and CR
 * line ends are accepted (WHATWG SSE parsing rules, without `id`/`retry`, which Dify never sends).
 */
export async function* parseSse(chunks: AsyncIterable<Chunk>): AsyncGenerator<SseFrame> {
	const decoder = new TextDecoder('utf-8');
	let pending = '';
	let skipLeadingLf = false;
	let frame: SseFrame = {};
	let dataLines: string[] = [];

	const takeLine = (line: string): SseFrame | undefined => {
		if (line === '') {
			if (dataLines.length === 0 && frame.event === undefined) return undefined;
			const done: SseFrame = { ...frame };
			if (dataLines.length) done.data = dataLines.join('\n');
			frame = {};
			dataLines = [];
			return done;
		}
		if (line.startsWith(':')) return undefined;
		const colon = line.indexOf(':');
		const field = colon === -1 ? line : line.slice(0, colon);
		let value = colon === -1 ? '' : line.slice(colon + 1);
		if (value.startsWith(' ')) value = value.slice(1);
		if (field === 'data') dataLines.push(value);
		else if (field === 'event') frame.event = value;
		return undefined;
	};

	const feed = function* (text: string): Generator<SseFrame> {
		let start = 0;
		if (skipLeadingLf && text.startsWith('\n')) start = 1;
		skipLeadingLf = false;
		// Only the new text is scanned: a large frame arriving in many chunks stays linear.
		let i = pending.length;
		pending += start ? text.slice(start) : text;
		let from = 0;
		for (; i < pending.length; i++) {
			const ch = pending.charCodeAt(i);
			if (ch !== 10 && ch !== 13) continue;
			const line = pending.slice(from, i);
			if (ch === 13) {
				if (i + 1 < pending.length) {
					if (pending.charCodeAt(i + 1) === 10) i++;
				} else {
					// A CR at the end of a chunk may be the first half of CRLF.
					skipLeadingLf = true;
				}
			}
			from = i + 1;
			const done = takeLine(line);
			if (done) yield done;
		}
		pending = pending.slice(from);
	};

	for await (const chunk of chunks) {
		const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
		if (text) yield* feed(text);
	}
	const rest = decoder.decode();
	if (rest) yield* feed(rest);
	// A final frame without its blank line is incomplete: the connection ended mid-frame.
}
