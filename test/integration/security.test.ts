/**
 * Safe to leave running: a hostile or broken server (or a proxy in front of Dify, or a file host)
 * never gets the key, never makes a node hang or loop, and never blinds it. Each case uses one
 * misbehaviour mode of the Dify test server, or a small local server standing in for another host.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject } from 'n8n-workflow';

import { credentialTestVerdict } from '../harness/n8n';
import { knowledge, newDataset } from './knowledge.support';
import { callNode, failure, rl, sendParams, useDifyServer } from './support';

const server = useDifyServer();

interface Stranger {
	url: string;
	host: string;
	requests: Array<{ method: string; url: string; authorization?: string; bodyLength: number }>;
	close(): Promise<void>;
}

type Answer = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** Another host on 127.0.0.1: records what reaches it and answers as told. */
async function stranger(answer: Answer = (_req, res) => res.end(JSON.stringify({ name: 'not Dify', mode: 'chat' }))): Promise<Stranger> {
	const requests: Stranger['requests'] = [];
	const srv = http.createServer((req, res) => {
		let bodyLength = 0;
		req.on('data', (chunk: Buffer) => (bodyLength += chunk.length));
		req.on('end', () => {
			requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, bodyLength });
			answer(req, res);
		});
	});
	await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
	const port = (srv.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}`,
		host: `127.0.0.1:${port}`,
		requests,
		close: () =>
			new Promise<void>((resolve) => {
				srv.closeAllConnections();
				srv.close(() => resolve());
			}),
	};
}

let strangers: Stranger[] = [];
async function other(answer?: Answer): Promise<Stranger> {
	const s = await stranger(answer);
	strangers.push(s);
	return s;
}
afterEach(async () => {
	await Promise.all(strangers.map((s) => s.close()));
	strangers = [];
});

const chat = (parameters: IDataObject) => callNode(server(), { key: server().keys.chat, parameters });

describe('no Dify call follows a redirect', () => {
	it('refuses a 302 on GET /info, naming the target host but not its query, and the other host gets nothing', async () => {
		const target = await other();
		server().misbehave({ path: '/info', redirect: { status: 302, location: `${target.url}/v1/info?sig=SECRET-SIGNATURE` } });
		const error = failure(await chat({ resource: 'app', operation: 'getInfo' }));
		expect(error.message).toBe(`Dify at ${server().apiBase} answered HTTP 302, a redirect to ${target.host}; the node does not follow redirects`);
		expect(error.description).toContain("Put the final address of the Dify API in the credential's Base URL");
		expect(JSON.stringify(error)).not.toContain('SECRET-SIGNATURE');
		expect(target.requests).toEqual([]);
	});

	it('refuses a 307 on POST /chat-messages: neither the key nor the body reaches the other host', async () => {
		const target = await other();
		server().misbehave({ path: '/chat-messages', redirect: { status: 307, location: `${target.url}/v1/chat-messages` } });
		const error = failure(await chat(sendParams('Tell a stranger', { responseMode: 'blocking' })));
		expect(error.message).toContain(`answered HTTP 307, a redirect to ${target.host}`);
		expect(target.requests).toEqual([]);
	});

	it('the credential test says to put the final address in the credential, and sends nothing to the other host', async () => {
		const target = await other();
		server().misbehave({ path: '/info', redirect: { status: 301, location: `${target.url}/v1/info` } });
		const verdict = await credentialTestVerdict('difyApi', { baseUrl: server().apiBase, apiKey: server().keys.chat });
		expect(verdict.status).toBe('Error');
		expect(verdict.message).toMatch(/^Dify answered with a redirect \(HTTP 301\)/);
		expect(target.requests).toEqual([]);
	});
});

describe('linear text handling', () => {
	// The regexes themselves are checked by test/unit/linearRegex.test.ts (a timing-free check).
	it('reads a 400 whose message is 200,000 spaces and answers with Dify\'s words', async () => {
		server().misbehave({ path: '/chat-messages', jsonError: { status: 400, code: 'invalid_param', message: `${' '.repeat(200_000)}x` } });
		const error = failure(await chat(sendParams('hi', { responseMode: 'blocking' })));
		expect(error.message).toMatch(/^Dify error invalid_param: x$/);
	}, 30_000);

	it('still names the missing input when Dify says so', async () => {
		server().misbehave({ path: '/chat-messages', jsonError: { status: 400, code: 'invalid_param', message: 'topic is required in input form' } });
		const error = failure(await chat(sendParams('hi', { responseMode: 'blocking' })));
		expect(error.message).toMatch(/^The Dify app requires the input "topic"/);
	});
});

describe('every request has a deadline from the moment it is sent', () => {
	const streaming = (extra: IDataObject = {}) => sendParams('hello', { options: { silenceTimeout: 1, timeout: 5, ...extra } });

	it('a server that accepts the connection and never answers: the stream fails at the Silence Timeout', async () => {
		server().misbehave({ path: '/chat-messages', neverAnswer: true });
		const error = failure(await chat(streaming()));
		expect(error.message).toBe(`Dify at ${server().apiBase} did not answer in time: no answer within 1 s`);
		expect(error.description).toContain('Raise "Silence Timeout"');
	}, 20_000);

	it('an endless 200 body that is not an event stream ends at the Silence Timeout, the socket closed', async () => {
		server().misbehave({ path: '/chat-messages', endlessBody: { status: 200, contentType: 'text/plain' } });
		const error = failure(await chat(streaming()));
		expect(error.message).toMatch(/^Dify at .* answered HTTP 200 with "text\/plain" instead of Dify's JSON/);
	}, 20_000);

	it('an endless 500 body is sampled, not read to its end', async () => {
		server().misbehave({ method: 'GET', path: '/conversations', endlessBody: { status: 500, contentType: 'text/html' } });
		const error = failure(await chat({ resource: 'conversation', operation: 'getAll', user: 'tester', returnAll: true }));
		expect(error.message).toBe(`Dify at ${server().apiBase} answered HTTP 500 with an HTML page instead of Dify's JSON`);
	}, 20_000);

	it('a blocking answer whose body never ends fails at the Timeout option', async () => {
		server().misbehave({ path: '/chat-messages', endlessBody: { status: 200, contentType: 'application/json' } });
		const error = failure(await chat(sendParams('hello', { responseMode: 'blocking', options: { timeout: 2 } })));
		expect(error.message).toBe(`Dify at ${server().apiBase} did not answer in time: the answer did not finish within 2 s`);
		expect(error.description).toContain('Raise "Timeout"');
	}, 20_000);
});

describe('bounded paging', () => {
	it('stops when a page brings only rows already read (has_more stays true)', async () => {
		const row = { id: '7c0a3f8e-0000-4000-8000-000000000001', name: 'again', inputs: {}, status: 'normal', introduction: '', created_at: 1, updated_at: 1 };
		server().misbehave({ method: 'GET', path: '/conversations', fixedJson: { status: 200, body: { data: [row], has_more: true, limit: 100 } }, times: 400 });
		const error = failure(await chat({ resource: 'conversation', operation: 'getAll', user: 'tester', returnAll: true }));
		expect(error.message).toMatch(/^Dify sent page 2 of the list again: all its 1 rows were already read/);
		expect(server().requests.filter((r) => r.path === '/conversations')).toHaveLength(2);
	});

	it('stops after 1,000 pages of an endless list, saying how many pages and rows it read', async () => {
		server().misbehave({ method: 'GET', path: '/apps/annotations', endlessList: { size: 3 }, times: 1100 });
		const error = failure(await chat({ resource: 'annotation', operation: 'getAll', returnAll: true }));
		expect(error.message).toMatch(/^Stopped after reading 1000 pages \(3000 rows\)/);
		expect(server().requests.filter((r) => r.path === '/apps/annotations')).toHaveLength(1000);
	}, 60_000);
});

describe('the key never reaches the error object', () => {
	it('when Dify echoes the Authorization header, no field of the serialised error holds the key', async () => {
		server().misbehave({ method: 'GET', path: '/info', echoAuthorization: { status: 400, code: 'bad_request' } });
		const error = failure(await chat({ resource: 'app', operation: 'getInfo' }));
		const key = server().keys.chat;
		expect(error.message).toContain('Bearer ***');
		for (const part of [error.message, error.description, error.messages, error.cause, error.context, JSON.stringify(error), JSON.stringify(Object.getOwnPropertyNames(error).map((k) => (error as Record<string, unknown>)[k]))]) {
			expect(JSON.stringify(part ?? '')).not.toContain(key);
		}
	});
});

describe('the SSE reader has bounds', () => {
	it('refuses a line longer than 64 MB instead of growing memory', async () => {
		server().misbehave({ path: '/chat-messages', endlessSseLine: true });
		const error = failure(await chat(sendParams('hello', { options: { silenceTimeout: 120, timeout: 120 } })));
		expect(error.message).toBe("Dify's stream was refused: a line or frame of the stream is longer than 64 MB");
	}, 60_000);

	it('a run of unparseable data frames fails with their first bytes, long before the Silence Timeout', async () => {
		server().misbehave({ path: '/chat-messages', rawSse: { pieces: ['data: {"event": "message", "answer": "Hel\n\n', 'data: <html>proxy error</html>\n\n'], then: 'repeat' } });
		const error = failure(await chat(sendParams('hello', { options: { silenceTimeout: 600, timeout: 600 } })));
		expect(error.message).toBe("Dify's stream sent 50 data frames in a row that are not Dify events");
		expect(error.description).toContain('The first one began with: "{\\"event\\": \\"message\\", \\"answer\\": \\"Hel"');
	}, 20_000);

	it('garbage does not count as progress: a slow stream of it ends at the Silence Timeout', async () => {
		// One unparseable frame every 100 ms: never 50 in a row before the 1 s Silence Timeout.
		server().misbehave({ path: '/chat-messages', rawSse: { pieces: ['data: not json\n\n'], then: 'repeat', everyMs: 100 } });
		const error = failure(await chat(sendParams('hello', { options: { silenceTimeout: 1, timeout: 600 } })));
		expect(error.message).toMatch(/^Dify stream timed out: no data for 1 s/);
	}, 20_000);

	it("passes a workflow's 8 MB workflow_finished frame", async () => {
		const result = await callNode(server(), {
			type: 'dify.difyWorkflow',
			key: server().keys.workflow,
			parameters: { resource: 'workflow', operation: 'run', inputs: JSON.stringify({ text: 'big', output_kb: 8192 }), user: 'tester', responseMode: 'streaming' },
		});
		expect(result.error).toBeUndefined();
		expect(String((result.items[0].json.outputs as { large: string }).large).length).toBeGreaterThan(1_000_000);
	}, 60_000);
});

describe('IDs are validated before any URL is built', () => {
	it.each([
		['..', 'Document ".." is not a Dify ID'],
		['.', 'Document "." is not a Dify ID'],
		['a/b', 'Document "a/b" is not a Dify ID'],
	])('Delete Document with an expression giving the document ID %j is refused, naming the field, and nothing is deleted', async (documentId, message) => {
		const id = await newDataset(server(), `Keep me ${documentId}`);
		const error = failure(await knowledge(server(), { resource: 'document', operation: 'delete', datasetId: rl(id), documentId: rl(`={{ ${JSON.stringify(documentId)} }}`) }));
		expect(error.message).toBe(message);
		expect(server().requests.filter((r) => r.method === 'DELETE')).toEqual([]);
	});

	it('an expression that yields ".." in a plain ID field (Delete Chunk) is refused too', async () => {
		const id = await newDataset(server(), 'Chunks kept');
		const error = failure(
			await knowledge(server(), { resource: 'segment', operation: 'delete', datasetId: rl(id), documentId: rl('00000000-0000-4000-8000-000000000001'), segmentId: "={{ '..' }}" }),
		);
		expect(error.message).toBe('Chunk ID ".." is not a Dify ID');
		expect(server().requests.filter((r) => r.method === 'DELETE')).toEqual([]);
	});
});

/** A blocking workflow answer whose outputs hold one file at `url`. */
function runWithFile(url: string, extra: IDataObject = {}) {
	return {
		task_id: '11111111-0000-4000-8000-000000000001',
		workflow_run_id: '22222222-0000-4000-8000-000000000002',
		data: {
			id: '22222222-0000-4000-8000-000000000002',
			workflow_id: '33333333-0000-4000-8000-000000000003',
			status: 'succeeded',
			outputs: { report: { dify_model_identity: '__dify__file__', type: 'document', transfer_method: 'remote_url', url, ...extra } },
			error: null,
			elapsed_time: 0.1,
			total_tokens: 0,
			total_steps: 1,
			created_at: 1_700_000_000,
			finished_at: 1_700_000_001,
		},
	};
}

const runParams = (options: IDataObject) => ({
	resource: 'workflow',
	operation: 'run',
	inputs: JSON.stringify({ text: 'files' }),
	user: 'tester',
	responseMode: 'blocking',
	options: { downloadFiles: true, ...options },
});

const workflow = (options: IDataObject) => callNode(server(), { type: 'dify.difyWorkflow', key: server().keys.workflow, parameters: runParams(options) });

describe('downloads have limits', () => {
	it('refuses an output file on a loopback host other than Dify, unless Allow Internal Addresses is on', async () => {
		const host = await other((_req, res) => res.end('secret of the metadata service'));
		server().misbehave({ path: '/workflows/run', fixedJson: { status: 200, body: runWithFile(`${host.url}/latest/meta-data`) } });
		const error = failure(await workflow({}));
		expect(error.message).toBe(`Refused to fetch the Dify file from ${host.host}: an internal address (loopback, link-local or cloud metadata)`);
		expect(host.requests).toEqual([]);

		server().misbehave({ path: '/workflows/run', fixedJson: { status: 200, body: runWithFile(`${host.url}/latest/meta-data`, { filename: 'meta.txt' }) } });
		const allowed = await workflow({ allowInternalAddresses: true });
		expect(allowed.error).toBeUndefined();
		expect(host.requests).toHaveLength(1);
		expect(host.requests[0].authorization).toBeUndefined();
	});

	it('refuses a file whose Content-Length is over the limit before reading it', async () => {
		const host = await other((_req, res) => {
			res.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Length': 3 * 1024 * 1024 });
			res.end(Buffer.alloc(3 * 1024 * 1024));
		});
		server().misbehave({ path: '/workflows/run', fixedJson: { status: 200, body: runWithFile(`${host.url}/big.pdf`) } });
		const error = failure(await workflow({ allowInternalAddresses: true, maxFileSize: 1 }));
		expect(error.message).toBe(`The Dify file at ${host.url}/big.pdf is larger than the 1 MB allowed (it announces 3 MB)`);
	});

	it('counts the bytes of a file without Content-Length and stops an endless one at the limit', async () => {
		const host = await other((_req, res) => {
			res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
			const chunk = Buffer.alloc(64 * 1024);
			const pump = () => {
				if (res.destroyed) return;
				res.write(chunk, () => setImmediate(pump));
			};
			pump();
		});
		server().misbehave({ path: '/workflows/run', fixedJson: { status: 200, body: runWithFile(`${host.url}/endless.bin`) } });
		const error = failure(await workflow({ allowInternalAddresses: true, maxFileSize: 2 }));
		expect(error.message).toBe(`The Dify file at ${host.url}/endless.bin is larger than the 2 MB allowed (more bytes arrived)`);
	}, 20_000);

	it("a redirect from Dify's own file link to an internal host is refused at that hop, without the key", async () => {
		const host = await other((_req, res) => res.end('internal'));
		const id = await newDataset(server(), 'Redirected download');
		const documentId = '44444444-0000-4000-8000-000000000004';
		server().misbehave({ method: 'GET', path: `/datasets/${id}/documents/${documentId}/download`, fixedJson: { status: 200, body: { url: `${server().apiBase}/hostile-file?sign=abc` } } });
		server().misbehave({ method: 'GET', path: '/hostile-file', redirect: { status: 302, location: `${host.url}/internal` } });
		const error = failure(await knowledge(server(), { resource: 'document', operation: 'download', datasetId: rl(id), documentId: rl(documentId), binaryPropertyName: 'data' }));
		expect(error.message).toBe(`Refused to fetch the Dify file from ${host.host} (redirected from ${server().apiBase}/hostile-file): an internal address (loopback, link-local or cloud metadata)`);
		expect(host.requests).toEqual([]);
	});

	it('a file host that accepts the connection and never answers fails at Download Timeout, the connection closed', async () => {
		let closed = 0;
		const host = await other((req, res) => {
			res.on('close', () => (closed += 1));
			void req;
		});
		const id = await newDataset(server(), 'Stalled host');
		const error = failure(
			await knowledge(server(), {
				resource: 'document',
				operation: 'createFromUrl',
				datasetId: rl(id),
				url: `${host.url}/slow.txt`,
				options: { allowInternalAddresses: true, downloadTimeout: 1 },
			}),
		);
		expect(error.message).toBe(`Downloading the file at ${host.url}/slow.txt took longer than 1 s`);
		expect(error.description).toContain('Download Timeout (Seconds)');
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(closed).toBe(1);
	});

	it('Create From File URL refuses a non-http(s) URL', async () => {
		const id = await newDataset(server(), 'No file URLs');
		const error = failure(await knowledge(server(), { resource: 'document', operation: 'createFromUrl', datasetId: rl(id), url: 'file:///etc/passwd', options: {} }));
		expect(error.message).toBe('Refused to fetch the file from a file URL');
	});
});

describe('file names and types from servers', () => {
	it('strips path separators and control characters from the name, and a .txt never becomes text/html', async () => {
		const host = await other((_req, res) => {
			res.writeHead(200, {
				'Content-Type': 'text/html',
				'Content-Disposition': "attachment; filename*=UTF-8''..%2F..%2F.ssh%2Fauthorized_keys%0D%0AX-Evil%3A%201%00.txt",
			});
			res.end('ssh-rsa AAAA');
		});
		server().misbehave({ path: '/workflows/run', fixedJson: { status: 200, body: runWithFile(`${host.url}/download`) } });
		const result = await workflow({ allowInternalAddresses: true });
		expect(result.error).toBeUndefined();
		const binary = result.items[0].binary!.report;
		expect(binary.fileName).toBe('authorized_keysX-Evil: 1.txt');
		expect(binary.mimeType).toBe('text/plain');
	});
});
