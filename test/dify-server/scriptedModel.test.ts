/** The sandbox's scripted OpenAI-compatible chat model, over real HTTP. */
import { startDifyServer, type DifyServer } from './index';
import { SCRIPTED_MODEL } from './scriptedModel';

let server: DifyServer;
let base: string;

const TOOLS = [
	{ type: 'function', function: { name: 'Search_handbook', description: 'Searches the company handbook for passages', parameters: { type: 'object', properties: { query: { type: 'string' } } } } },
	{ type: 'function', function: { name: 'Process_text', description: 'Runs the Dify workflow that processes a text', parameters: { type: 'object', properties: { text: { type: 'string' } } } } },
];

async function complete(body: Record<string, unknown>, key = 'sk-any'): Promise<{ status: number; type: string; text: string }> {
	const r = await fetch(`${base}/chat/completions`, {
		method: 'POST',
		headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	return { status: r.status, type: r.headers.get('content-type') ?? '', text: await r.text() };
}

beforeAll(async () => {
	server = await startDifyServer();
	base = `${server.url}/openai/v1`;
});
afterAll(() => server.close());

test('lists its one model', async () => {
	const r = await fetch(`${base}/models`, { headers: { authorization: 'Bearer sk-any' } });
	expect(await r.json()).toMatchObject({ object: 'list', data: [{ id: SCRIPTED_MODEL }] });
});

test('wants a bearer key, any key', async () => {
	const r = await fetch(`${base}/models`);
	expect(r.status).toBe(401);
});

test('calls the tool whose description shares the most words with the question, with the quoted part as argument', async () => {
	const r = await complete({ model: SCRIPTED_MODEL, messages: [{ role: 'user', content: 'Search the handbook: "When are refunds processed?"' }], tools: TOOLS });
	const body = JSON.parse(r.text);
	expect(body.choices[0].finish_reason).toBe('tool_calls');
	expect(body.choices[0].message.tool_calls[0].function).toEqual({ name: 'Search_handbook', arguments: JSON.stringify({ query: 'When are refunds processed?' }) });
	const other = JSON.parse((await complete({ messages: [{ role: 'user', content: 'Process this text with the workflow: "Hi"' }], tools: TOOLS })).text);
	expect(other.choices[0].message.tool_calls[0].function).toEqual({ name: 'Process_text', arguments: JSON.stringify({ text: 'Hi' }) });
});

test('answers from the tool result once it has one, and echoes without tools', async () => {
	const messages = [
		{ role: 'user', content: 'Search the handbook for refunds' },
		{ role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'Search_handbook', arguments: '{}' } }] },
		{ role: 'tool', tool_call_id: 'call_1', content: 'Refunds take 14 days.' },
	];
	const answer = JSON.parse((await complete({ messages, tools: TOOLS })).text);
	expect(answer.choices[0]).toMatchObject({ finish_reason: 'stop', message: { role: 'assistant', content: 'From Search_handbook: Refunds take 14 days.' } });
	const echo = JSON.parse((await complete({ messages: [{ role: 'user', content: 'Hello' }] })).text);
	expect(echo.choices[0].message.content).toBe('Echo: Hello');
});

test('streams the same reply as chunks when asked to', async () => {
	const r = await complete({ stream: true, messages: [{ role: 'user', content: 'Search the handbook: "refunds"' }], tools: TOOLS });
	expect(r.type).toContain('text/event-stream');
	const frames = r.text.split('\n\n').filter(Boolean).map((f) => f.replace(/^data: /, ''));
	expect(frames.at(-1)).toBe('[DONE]');
	const first = JSON.parse(frames[0]);
	expect(first.choices[0].delta.tool_calls[0]).toMatchObject({ index: 0, function: { name: 'Search_handbook', arguments: JSON.stringify({ query: 'refunds' }) } });
	expect(JSON.parse(frames[1]).choices[0].finish_reason).toBe('tool_calls');
});
