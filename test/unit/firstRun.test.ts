/**
 * What `npm start` tells a new user, checked against what is true: which page needs the internet, that
 * the examples need none, what the chat example remembers, and how many packages the installer counts.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, resolve } from 'path';

import { startBanner } from '../../scripts/lib/banner';
import { N8nInstance } from '../../scripts/lib/n8n-instance';
import { SANDBOX_DEFAULT_URL, readExamples } from '../../scripts/lib/sandbox';
import { expectedPackages } from '../../scripts/n8n-runtime';

const ROOT = resolve(__dirname, '../..');

describe('the npm start banner', () => {
	const banner = startBanner({
		url: 'http://127.0.0.1:5678',
		firstRun: true,
		nodes: ['difyChatbot'],
		sandboxUrl: SANDBOX_DEFAULT_URL,
		chatPath: 'abc/chat',
		userFolder: '.cache/start/n8n-user',
	});

	it('says how to call the "Dify calls n8n" examples as Dify does', () => {
		const withCalls = startBanner({
			url: 'http://127.0.0.1:5678',
			firstRun: false,
			nodes: ['difyExternalKnowledgeTrigger'],
			sandboxUrl: SANDBOX_DEFAULT_URL,
			userFolder: '.cache/start/n8n-user',
			difyCalls: { cli: '.cache/sandbox/test/dify-server/cli.js', key: 'k-12345', retrievalEndpoint: 'http://127.0.0.1:5678/webhook/abc', extensionUrl: 'http://127.0.0.1:5678/webhook/def/extension' },
		});
		expect(withCalls).toContain('node .cache/sandbox/test/dify-server/cli.js dify-calls retrieve --endpoint http://127.0.0.1:5678/webhook/abc --key k-12345 --knowledge-id tea-guide');
		expect(withCalls).toContain('dify-calls moderate-input --endpoint http://127.0.0.1:5678/webhook/def/extension --key k-12345');
		// The examples' IDs and key are the ones the banner is given by npm start.
		const retrieve = readExamples().find((e) => e.file === 'dify-retrieves-from-n8n.json')!;
		expect(retrieve.publish).toBe(true);
		expect(retrieve.workflow.nodes.find((n) => n.type === 'n8n-nodes-dify-suite.difyExternalKnowledgeTrigger')?.parameters.knowledgeIds).toBe('tea-guide');
	});

	it('points at the workflows page and lists the sandbox keys, to practise creating a credential by hand', () => {
		const withKeys = startBanner({
			url: 'http://127.0.0.1:5678',
			firstRun: true,
			nodes: ['difyChatbot'],
			sandboxUrl: SANDBOX_DEFAULT_URL,
			userFolder: '.cache/start/n8n-user',
			keys: [
				{ name: 'Dify sandbox (Chatbot app)', key: 'app-chat123' },
				{ name: 'Dify sandbox (Knowledge)', key: 'dataset-kb456' },
			],
		});
		expect(withKeys).toContain('n8n is running:  http://127.0.0.1:5678/home/workflows');
		expect(withKeys).toContain('then open http://127.0.0.1:5678/home/workflows');
		expect(withKeys).toMatch(/Dify sandbox \(Chatbot app\) +app-chat123/);
		expect(withKeys).toMatch(/Dify sandbox \(Knowledge\) +dataset-kb456/);
		expect(withKeys).toContain(`Base URL ${SANDBOX_DEFAULT_URL}/v1`);
	});

	it('names the one page that needs the internet, why, and what to use offline', () => {
		expect(banner).toContain('http://127.0.0.1:5678/webhook/abc/chat  (public chat page; remembers the conversation)');
		expect(banner).toMatch(/Offline: +the editor, the sandbox and every example work without internet, except the public chat page,/);
		expect(banner).toContain('cdn.jsdelivr.net');
		expect(banner).toContain('"Open chat" button');
		expect(banner).toContain('each message starts a new Dify conversation');
	});
	// That n8n really builds the chat page from that CDN and its editor from nothing outside is checked
	// in the installed runtime by the e2e suite (cli.e2e.ts).
});

describe('examples without internet', () => {
	const examples = readExamples();

	it('reach no address but the sandbox of npm start (sticky notes aside)', () => {
		for (const example of examples) {
			const nodes = example.workflow.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote');
			const urls = JSON.stringify(nodes.map((n) => n.parameters)).match(/https?:\/\/[^"\s\\]+/g) ?? [];
			expect({ file: example.file, urls: urls.filter((u) => !u.startsWith(SANDBOX_DEFAULT_URL)) }).toEqual({ file: example.file, urls: [] });
		}
	});

	it('the file example downloads the sample document the sandbox serves', () => {
		const file = examples.find((e) => e.file === 'ask-dify-about-a-downloaded-file.json')!;
		expect(file.text).toContain(`${SANDBOX_DEFAULT_URL}/samples/tea-brewing-guide.txt`);
		expect(readExamples('http://127.0.0.1:9999').find((e) => e.file === file.file)!.text).toContain('http://127.0.0.1:9999/samples/tea-brewing-guide.txt');
	});

	it('the chat example\'s note says where the app remembers earlier turns and where it does not', () => {
		const chat = examples.find((e) => e.chatPath)!;
		const note = chat.workflow.nodes.find((n) => n.type === 'n8n-nodes-base.stickyNote')!.parameters.content as string;
		expect(note).toMatch(/In the \*\*public chat\*\*[^.]*the app remembers earlier turns/);
		expect(note).toMatch(/editor's \*\*Open chat\*\* \(test runs\) every message starts a new Dify conversation/);
		expect(note).toContain('cdn.jsdelivr.net');
	});
});

describe('the runtime installer\'s progress', () => {
	it('announces what the lockfile installs on this platform, not a rounded guess', () => {
		const expected = expectedPackages(join(ROOT, 'scripts/runtime/n8n-2/package-lock.json'))!;
		expect(expected.topLevel).toBeLessThan(expected.all);
	});
	// That the installed runtime holds exactly these packages is checked by the e2e suite (cli.e2e.ts),
	// which installs the runtime before it runs.
});

describe('files holding credentials', () => {
	it('are readable by their user only: the import folder, the imported credentials and the encryption key', () => {
		const folder = mkdtempSync(join(tmpdir(), 'dify-unit-modes-'));
		try {
			const instance = new N8nInstance({ runtime: { n8nVersion: '2.41.1' } as never, userFolder: folder });
			const file = instance.writeTemp('credentials.json', [{ id: 'x', data: { apiKey: 'app-secret' } }]);
			// Written again (npm start re-imports on every start): still the user's only.
			chmodSync(file, 0o644);
			instance.writeTemp('credentials.json', []);
			const mode = (p: string) => statSync(p).mode & 0o777;
			expect(mode(file)).toBe(0o600);
			expect(mode(dirname(file))).toBe(0o700);
			expect(mode(join(folder, 'encryption-key'))).toBe(0o600);
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	});
});

describe('examples and the README agree', () => {
	it('every Dify node of an example uses the response mode the README names as the default (streaming)', () => {
		const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
		expect(readme).toMatch(/### Why streaming is the default for workflows/);
		const modes = readExamples().flatMap((e) =>
			e.workflow.nodes
				// The triggers Dify calls have a responseMode too: n8n's webhook Respond setting, not Dify's.
				.filter((n) => n.type.startsWith('n8n-nodes-dify-suite.') && !/Trigger$/.test(n.type) && 'responseMode' in n.parameters)
				.map((n) => ({ file: e.file, node: n.name, mode: n.parameters.responseMode })),
		);
		expect(modes.length).toBeGreaterThan(0);
		expect(modes.filter((m) => m.mode !== 'streaming')).toEqual([]);
	});
});
