import { callNode, failure, useDifyServer } from './support';

const server = useDifyServer();

const NODES = [
	['dify.difyChatbot', 'chat'],
	['dify.difyChatflow', 'advancedChat'],
	['dify.difyCompletion', 'completion'],
	['dify.difyWorkflow', 'workflow'],
] as const;

/** Uploads a file as `user` and returns the end user Dify created for it (the file's created_by). */
async function endUserOf(key: string, user: string): Promise<string> {
	const form = new FormData();
	form.append('file', new Blob(['hello'], { type: 'text/plain' }), 'note.txt');
	form.append('user', user);
	const response = await fetch(`${server().apiBase}/files/upload`, { method: 'POST', headers: { Authorization: `Bearer ${key}` }, body: form });
	expect(response.status).toBe(201);
	return ((await response.json()) as { created_by: string }).created_by;
}

const getEndUser = (type: string, key: string, endUserId: string) =>
	callNode(server(), { key, type, parameters: { resource: 'endUser', operation: 'get', endUserId } });

describe('End User → Get', () => {
	it.each(NODES)('%s resolves a created_by to the end user and its User string', async (type, app) => {
		const key = server().keys[app];
		const id = await endUserOf(key, 'alice@example.com');
		const result = await getEndUser(type, key, ` ${id} `);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({ id, session_id: 'alice@example.com', type: 'service-api', is_anonymous: false });
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		expect(server().requests.at(-1)).toMatchObject({ method: 'GET', path: `/end-users/${id}` });
	});

	it('fails with Dify\'s end_user_not_found for an end user of another app', async () => {
		const id = await endUserOf(server().keys.chat, 'bob');
		const error = failure(await getEndUser('dify.difyWorkflow', server().keys.workflow, id));
		expect(error.message).toMatch(/end_user_not_found/);
		expect(error.httpCode).toBe('404');
	});

	it('refuses a User string (not a UUID) before calling Dify', async () => {
		const error = failure(await getEndUser('dify.difyChatbot', server().keys.chat, 'alice@example.com'));
		expect(error.message).toBe('End User ID "alice@example.com" is not a UUID');
		expect(server().requests.filter((r) => r.path.startsWith('/end-users'))).toEqual([]);
	});

	it('gives one error item per failed input with Continue On Fail', async () => {
		const key = server().keys.chat;
		const id = await endUserOf(key, 'carol');
		const result = await callNode(server(), {
			key,
			continueOnFail: true,
			items: [{ json: { id } }, { json: { id: '00000000-0000-4000-8000-000000000000' } }],
			parameters: { resource: 'endUser', operation: 'get', endUserId: '={{ $json.id }}' },
		});
		expect(result.items).toHaveLength(2);
		expect(result.items[0].json.session_id).toBe('carol');
		expect(String(result.items[1].json.error)).toMatch(/end_user_not_found|End user not found/);
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
	});
});
