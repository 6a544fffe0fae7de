import { parseSse, type SseFrame } from '../../nodes/shared/transport/sse';

/** A chat stream as Dify writes it: data-only frames, a ping, raw non-ASCII (3- and 4-byte UTF-8). */
const RECORDED = [
	'event: ping\n\n',
	'data: {"event":"message","task_id":"t1","conversation_id":"c1","message_id":"m1","created_at":1,"answer":"你好，"}\n\n',
	'data: {"event":"message","task_id":"t1","conversation_id":"c1","message_id":"m1","created_at":1,"answer":"世界 🌍 é"}\n\n',
	'event: ping\n\n',
	'data: {"event":"message_end","task_id":"t1","conversation_id":"c1","message_id":"m1","created_at":1,"metadata":{"usage":{"total_price":"0.0000050"}}}\n\n',
].join('');

async function* chunks(buffers: Buffer[]): AsyncGenerator<Uint8Array> {
	for (const b of buffers) yield b;
}

async function collect(buffers: Buffer[]): Promise<SseFrame[]> {
	const frames: SseFrame[] = [];
	for await (const frame of parseSse(chunks(buffers))) frames.push(frame);
	return frames;
}

describe('parseSse', () => {
	const bytes = Buffer.from(RECORDED, 'utf8');

	it('parses a whole recorded stream into frames, pings as data-less frames', async () => {
		const frames = await collect([bytes]);
		expect(frames.map((f) => f.event ?? JSON.parse(f.data!).event)).toEqual(['ping', 'message', 'message', 'ping', 'message_end']);
		expect(JSON.parse(frames[2].data!).answer).toBe('世界 🌍 é');
	});

	it('yields identical frames for every possible two-way byte split', async () => {
		const expected = await collect([bytes]);
		// Every offset, including those inside multi-byte characters, CR/LF pairs and "data:" prefixes.
		for (let cut = 1; cut < bytes.length; cut++) {
			const frames = await collect([bytes.subarray(0, cut), bytes.subarray(cut)]);
			if (JSON.stringify(frames) !== JSON.stringify(expected)) {
				throw new Error(`split at byte ${cut} changed the frames: ${JSON.stringify(frames)}`);
			}
		}
	});

	it('yields identical frames when fed one byte at a time', async () => {
		const single = [...bytes].map((b) => Buffer.from([b]));
		expect(await collect(single)).toEqual(await collect([bytes]));
	});

	it('accepts CRLF and lone CR line ends, also split between CR and LF', async () => {
		const crlf = Buffer.from(RECORDED.replace(/\n/g, '\r\n'), 'utf8');
		const expected = await collect([bytes]);
		expect(await collect([crlf])).toEqual(expected);
		for (let cut = 1; cut < crlf.length; cut += 7) {
			expect(await collect([crlf.subarray(0, cut), crlf.subarray(cut)])).toEqual(expected);
		}
		const cr = Buffer.from(RECORDED.replace(/\n/g, '\r'), 'utf8');
		expect(await collect([cr])).toEqual(expected);
	});

	it('ignores comments and unknown fields, joins multi-line data, keeps a space-less "data:"', async () => {
		const frames = await collect([Buffer.from(': comment\nid: 7\nretry: 10\ndata:{"a":1}\n\ndata: x\ndata: y\n\n')]);
		expect(frames).toEqual([{ data: '{"a":1}' }, { data: 'x\ny' }]);
	});

	it('ignores a byte order mark at the start of the stream, however the first bytes are split', async () => {
		const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
		const expected = await collect([bytes]);
		for (let cut = 1; cut <= 4; cut++) expect(await collect([withBom.subarray(0, cut), withBom.subarray(cut)])).toEqual(expected);
		// Only at the start: later it is data.
		expect(await collect([Buffer.from('data: \ufeffx\n\n')])).toEqual([{ data: '\ufeffx' }]);
	});

	it('drops an unfinished last frame (the connection ended mid-frame)', async () => {
		const frames = await collect([Buffer.from('data: {"event":"message"}\n\ndata: {"event":"message_e')]);
		expect(frames).toHaveLength(1);
	});
});
