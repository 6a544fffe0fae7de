import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** A raw node:http client for the tests: keeps chunk boundaries and timing visible. */
export interface RawResponse {
	status: number;
	headers: IncomingHttpHeaders;
	chunks: Buffer[];
	body: Buffer;
	text: string;
	json: unknown;
	/** 'end' | 'aborted' (socket destroyed by the server) | 'timeout' (we gave up waiting) */
	ending: 'end' | 'aborted' | 'timeout';
}

export interface RequestOptions {
	method?: string;
	key?: string | null;
	headers?: Record<string, string>;
	json?: unknown;
	body?: Buffer | string;
	query?: Record<string, string | number | boolean>;
	/** Stop reading after this long (for streams that never end). */
	timeoutMs?: number;
	/** Stop reading once this predicate holds for the text received so far. */
	until?: (text: string) => boolean;
	/** Sees the text received so far after every chunk (e.g. to grab a task id mid-stream). */
	onText?: (text: string) => void;
}

export function call(base: string, path: string, opts: RequestOptions = {}): Promise<RawResponse> {
	const url = new URL(base + path);
	for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, String(v));
	const headers: Record<string, string> = { ...opts.headers };
	if (opts.key) headers.Authorization = `Bearer ${opts.key}`;
	let payload: Buffer | undefined;
	if (opts.json !== undefined) {
		payload = Buffer.from(JSON.stringify(opts.json));
		headers['Content-Type'] ??= 'application/json';
	} else if (opts.body !== undefined) {
		payload = Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body);
	}
	if (payload) headers['Content-Length'] = String(payload.length);
	return new Promise((resolve, reject) => {
		const req = httpRequest(url, { method: opts.method ?? (payload ? 'POST' : 'GET'), headers, agent: false }, (res) => {
			const chunks: Buffer[] = [];
			let settled = false;
			let timer: NodeJS.Timeout | undefined;
			const finish = (ending: RawResponse['ending']) => {
				if (settled) return;
				settled = true;
				if (timer) clearTimeout(timer);
				const body = Buffer.concat(chunks);
				const text = body.toString('utf8');
				let json: unknown;
				if (/json/.test(String(res.headers['content-type'])) && text) {
					try {
						json = JSON.parse(text);
					} catch {
						json = undefined;
					}
				}
				resolve({ status: res.statusCode ?? 0, headers: res.headers, chunks, body, text, json, ending });
				if (ending !== 'end') res.destroy();
			};
			if (opts.timeoutMs) timer = setTimeout(() => finish('timeout'), opts.timeoutMs);
			res.on('data', (c: Buffer) => {
				chunks.push(c);
				const text = Buffer.concat(chunks).toString('utf8');
				opts.onText?.(text);
				if (opts.until?.(text)) finish('timeout');
			});
			res.on('end', () => finish('end'));
			res.on('aborted', () => finish('aborted'));
			res.on('error', () => finish('aborted'));
			res.on('close', () => finish(res.complete ? 'end' : 'aborted'));
		});
		req.on('error', reject);
		if (payload) req.write(payload);
		req.end();
	});
}

export type SseFrame = { kind: 'data'; data: Record<string, unknown> } | { kind: 'ping' };

/** Dify's stream format (docs/dify-behaviour.md, 'Stream format'), strictly: blank-line separated frames, `data:` JSON or `event: ping`. */
export function parseSse(text: string): SseFrame[] {
	const frames: SseFrame[] = [];
	for (const block of text.split('\n\n')) {
		if (!block) continue;
		if (block === 'event: ping') frames.push({ kind: 'ping' });
		else if (block.startsWith('data: ')) frames.push({ kind: 'data', data: JSON.parse(block.slice(6)) as Record<string, unknown> });
		else throw new Error(`unexpected SSE block: ${JSON.stringify(block)}`);
	}
	return frames;
}

export const dataFrames = (text: string) =>
	parseSse(text)
		.filter((f): f is { kind: 'data'; data: Record<string, unknown> } => f.kind === 'data')
		.map((f) => f.data);

export function multipartBody(
	parts: { name: string; value?: string; filename?: string; contentType?: string | null; content?: Buffer | string }[],
	boundary = `----dify-double-${Date.now()}`,
): { body: Buffer; contentType: string } {
	const chunks: Buffer[] = [];
	for (const p of parts) {
		let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
		if (p.filename !== undefined) head += `; filename="${p.filename}"`;
		head += '\r\n';
		if (p.contentType) head += `Content-Type: ${p.contentType}\r\n`;
		chunks.push(Buffer.from(`${head}\r\n`));
		chunks.push(Buffer.isBuffer(p.content) ? p.content : Buffer.from(p.content ?? p.value ?? ''));
		chunks.push(Buffer.from('\r\n'));
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Resolves with the first `task_id` seen in a stream, for stop tests. */
export function taskIdCatcher(): { onText: (text: string) => void; taskId: Promise<string> } {
	let resolve!: (id: string) => void;
	const taskId = new Promise<string>((r) => (resolve = r));
	return {
		taskId,
		onText: (text) => {
			const m = /"task_id":"([^"]+)"/.exec(text);
			if (m) resolve(m[1]);
		},
	};
}
