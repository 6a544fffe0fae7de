/** One Server-Sent Events frame: the `event:` field (ping frames have only this) and the joined `data:` lines. */
export interface SseFrame {
	event?: string;
	data?: string;
}

type Chunk = Uint8Array | string;

/**
 * The longest line or frame accepted. Dify sends each event as one `data:` line, and its largest
 * legitimate one is a workflow's `workflow_finished` (or a node's `node_finished`) carrying the whole
 * outputs, which Dify itself caps far below this; past it the server is broken or hostile.
 */
export const MAX_SSE_LINE_BYTES = 64 * 1024 * 1024;

/** Thrown when a line or frame of the stream is longer than the limit. */
export class SseLimitError extends Error {
	constructor(readonly limitBytes: number) {
		super(`a line or frame of the stream is longer than ${Math.round(limitBytes / (1024 * 1024))} MB`);
	}
}

/**
 * The unfinished line, copied into one growing buffer: each byte is copied once (amortised), however
 * small the pieces it arrives in, and the line's length is checked as it grows.
 */
class PartialLine {
	private buf: Buffer = Buffer.alloc(0);
	length = 0;

	constructor(private readonly max: number) {}

	append(piece: Buffer): void {
		if (!piece.length) return;
		const needed = this.length + piece.length;
		if (needed > this.max) throw new SseLimitError(this.max);
		if (needed > this.buf.length) {
			const grown = Buffer.allocUnsafe(Math.min(this.max, Math.max(needed, this.buf.length * 2, 256)));
			this.buf.copy(grown, 0, 0, this.length);
			this.buf = grown;
		}
		piece.copy(this.buf, this.length);
		this.length = needed;
	}

	/** The line so far; valid until the next append. Empties the buffer (keeping its memory when small). */
	take(): Buffer {
		const line = this.buf.subarray(0, this.length);
		this.length = 0;
		if (this.buf.length > 1024 * 1024) this.buf = Buffer.alloc(0);
		return line;
	}
}

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;

/** Whether bytes [start, end) begin with the field name `name` followed by ':' or the line end. */
function isField(buf: Uint8Array, start: number, end: number, name: readonly number[]): boolean {
	const after = start + name.length;
	if (after > end) return false;
	for (let k = 0; k < name.length; k++) if (buf[start + k] !== name[k]) return false;
	return after === end || buf[after] === COLON;
}

const DATA = [0x64, 0x61, 0x74, 0x61];
const EVENT = [0x65, 0x76, 0x65, 0x6e, 0x74];

function toBuffer(chunk: Chunk): Buffer {
	if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
	return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * Splits a byte stream into SSE frames as the bytes arrive, never holding more than one unfinished
 * line. Lines are found in the bytes (LF, CR and ':' never occur inside a multi-byte UTF-8 character),
 * and only a field's value is decoded, once, straight from the chunk: no copy of the whole stream as
 * text. Characters, lines and frames may be split anywhere across chunks; LF, CRLF and CR line ends are
 * accepted (WHATWG SSE parsing rules, without `id`/`retry`, which Dify never sends).
 */
export async function* parseSse(chunks: AsyncIterable<Chunk>, maxLineBytes = MAX_SSE_LINE_BYTES): AsyncGenerator<SseFrame> {
	let event: string | undefined;
	let data: string[] = [];
	let frameBytes = 0;
	// The unfinished line, copied once into a growing buffer.
	const carry = new PartialLine(maxLineBytes);
	let skipLeadingLf = false;
	let firstLine = true;

	/** Takes the line buf[start, end); returns a frame when the line ends one. */
	const takeLine = (buf: Buffer, start: number, end: number): SseFrame | undefined => {
		if (firstLine) {
			firstLine = false;
			// A byte order mark at the very start is not part of the first field (as TextDecoder did).
			if (end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3;
		}
		if (start === end) {
			if (data.length === 0 && event === undefined) return undefined;
			const done: SseFrame = {};
			if (event !== undefined) done.event = event;
			if (data.length) done.data = data.length === 1 ? data[0] : data.join('\n');
			event = undefined;
			data = [];
			frameBytes = 0;
			return done;
		}
		const isData = isField(buf, start, end, DATA);
		if (!isData && !isField(buf, start, end, EVENT)) return undefined; // comments, id, retry, unknown
		let from = start + (isData ? DATA.length : EVENT.length) + 1;
		if (from < end && buf[from] === SPACE) from++;
		const value = from < end ? buf.toString('utf8', from, end) : '';
		if (isData) {
			// Many data lines without a blank line make one frame: bounded like a line.
			frameBytes += end - from + 1;
			if (frameBytes > maxLineBytes) throw new SseLimitError(maxLineBytes);
			data.push(value);
		}
		else event = value;
		return undefined;
	};

	for await (const raw of chunks) {
		const chunk = toBuffer(raw);
		let from = 0;
		if (skipLeadingLf && chunk.length) {
			skipLeadingLf = false;
			if (chunk[from] === LF) from++;
		}
		let nextLf = chunk.indexOf(LF, from);
		let nextCr = chunk.indexOf(CR, from);
		while (nextLf !== -1 || nextCr !== -1) {
			const end = nextCr === -1 ? nextLf : nextLf === -1 ? nextCr : Math.min(nextLf, nextCr);
			let done: SseFrame | undefined;
			if (carry.length) {
				carry.append(chunk.subarray(from, end));
				const line = carry.take();
				done = takeLine(line, 0, line.length);
			} else {
				if (end - from > maxLineBytes) throw new SseLimitError(maxLineBytes);
				done = takeLine(chunk, from, end);
			}
			from = end + 1;
			if (end === nextCr) {
				// CRLF counts once; a CR at the very end of a chunk may be the first half of one.
				if (from < chunk.length) {
					if (chunk[from] === LF) from++;
				} else {
					skipLeadingLf = true;
				}
			}
			if (nextLf !== -1 && nextLf < from) nextLf = chunk.indexOf(LF, from);
			if (nextCr !== -1 && nextCr < from) nextCr = chunk.indexOf(CR, from);
			if (done) yield done;
		}
		if (from < chunk.length) carry.append(chunk.subarray(from));
	}
	// A final frame without its blank line is incomplete: the connection ended mid-frame.
}
