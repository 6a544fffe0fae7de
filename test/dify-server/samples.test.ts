import { startDifyServer, type DifyServer } from './index';
import { SAMPLES } from './samples';

let server: DifyServer;
beforeAll(async () => {
	server = await startDifyServer();
});
afterAll(async () => server.close());

it('serves the sample document of the file example outside the API, with no key', async () => {
	const r = await fetch(`${server.url}/samples/tea-brewing-guide.txt`);
	expect(r.status).toBe(200);
	expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
	expect(await r.text()).toBe(SAMPLES['tea-brewing-guide.txt'].text);
	expect((await fetch(`${server.url}/samples/nope.txt`)).status).toBe(404);
});
