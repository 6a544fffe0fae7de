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

	// The unfinished line is kept as pieces and joined once, and each chunk is searched with indexOf
	// from where the last line ended: a 1 MiB frame arriving in small chunks stays linear.
	let carry: string[] = [];
	const feed = function* (text: string): Generator<SseFrame> {
		let from = skipLeadingLf && text.charCodeAt(0) === 10 ? 1 : 0;
		skipLeadingLf = false;
		let nextLf = text.indexOf('\n', from);
		let nextCr = text.indexOf('\r', from);
		while (nextLf !== -1 || nextCr !== -1) {
			const end = nextCr === -1 ? nextLf : nextLf === -1 ? nextCr : Math.min(nextLf, nextCr);
			const piece = text.slice(from, end);
			const line = carry.length ? carry.join('') + piece : piece;
			carry = [];
			from = end + 1;
			if (end === nextCr) {
				// CRLF counts once; a CR at the very end of a chunk may be the first half of one.
				if (end + 1 < text.length) {
					if (text.charCodeAt(end + 1) === 10) from = end + 2;
				} else {
					skipLeadingLf = true;
				}
			}
			if (nextLf !== -1 && nextLf < from) nextLf = text.indexOf('\n', from);
			if (nextCr !== -1 && nextCr < from) nextCr = text.indexOf('\r', from);
			const done = takeLine(line);
			if (done) yield done;
		}
		if (from < text.length) carry.push(text.slice(from));
	};

	for await (const chunk of chunks) {
		const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
		if (text) yield* feed(text);
	}
	const rest = decoder.decode();
	if (rest) yield* feed(rest);
	// A final frame without its blank line is incomplete: the connection ended mid-frame.
}
