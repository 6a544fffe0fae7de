/**
 * What a new user meets in n8n's editor, in a real browser: headless Chromium (Debian's package,
 * /usr/bin/chromium; `.ci/run` installs it) driven by playwright-core against `n8n start` with the
 * packed package and the Dify sandbox. Nothing here reaches the internet.
 *
 * Every step waits for UI state (generous timeouts: a loaded 2-core machine renders slowly), never
 * for a fixed time. Screenshots of each step are kept in test-artifacts/browser/ (git-ignored).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

import { startDifyServer, type DifyServer } from '../dify-server';
import { SANDBOX_DATASET_ID } from '../dify-server/generation';
import type { N8nInstance } from '../../scripts/lib/n8n-instance';
import { REPO, credentialsFor, freshInstance } from './support';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(REPO, 'test-artifacts', 'browser');
/** How long UI state may take to appear: n8n's editor is a large app and the machine is shared. */
const UI_MS = 60_000;
/** What a key of another app type gets everywhere: the app, its type and the node to use. */
const SAID =
	'The credential\'s API key belongs to the Dify Workflow app "Sandbox Workflow" (mode "workflow"): use it with the Dify Workflow node, or select a credential with the API key of a Chatbot or Agent app in this Dify Chatbot node.';
/** nodes/shared/methods/resourceMapping.ts (RELOAD_HINT): how to load the fields of another credential. */
const RELOAD_HINT = "Selecting another credential loads its app's fields; if they do not appear, set Inputs to JSON and back to Fields From the App.";
const OWNER = { email: 'owner@example.com', firstName: 'Sandbox', lastName: 'Owner', password: 'Sandbox-Owner-1' };

if (!existsSync(CHROMIUM)) {
	throw new Error(`${CHROMIUM} is missing: the browser test needs Debian's chromium (apt-get install -y chromium; .ci/run does it).`);
}
// The editor test targets n8n 2.x's editor; n8n 1.x's is a different UI.
const run = describe;

let server: DifyServer;
let instance: N8nInstance;
let cleanup: () => Promise<void>;
let browser: BrowserContext;
let profile: string;
let page: Page;
let seededConversation = '';
let shot = 0;

async function screenshot(name: string): Promise<void> {
	shot += 1;
	await page.screenshot({ path: join(ARTIFACTS, `${String(shot).padStart(2, '0')}-${name}.png`) });
}

/**
 * With README_SCREENSHOTS=<folder> (scripts/readme-screenshots.js), the open node's form as the README
 * shows it: the parameters column only, at 1 CSS pixel per pixel, as a PNG of a few tens of KB.
 */
async function formShot(name: string): Promise<void> {
	const folder = process.env.README_SCREENSHOTS;
	if (!folder) return;
	mkdirSync(folder, { recursive: true });
	await byTestId('node-parameters', ndv()).screenshot({ path: join(folder, `${name}.png`), scale: 'css', animations: 'disabled' });
}

const ndv = () => page.locator('[data-test-id="ndv"]');
const byTestId = (id: string, within: Page | Locator = page) => within.locator(`[data-test-id="${id}"]`);

async function selectCredential(id: string): Promise<void> {
	const item = byTestId(`node-credentials-select-item-${id}`);
	// A click while another dropdown is still closing can leave the list shut: open it until it shows.
	await until(
		'the credential list open',
		async () => {
			if (!(await item.isVisible())) await byTestId('node-credentials-select', ndv()).locator('input').click();
			await item.waitFor({ state: 'visible', timeout: 5_000 });
			return true;
		},
		(open) => open,
	);
	await item.click();
	await hasValue(byTestId('node-credentials-select', ndv()).locator('input'), /^Dify sandbox/);
}

async function chooseInputs(mode: 'JSON' | 'Fields From the App'): Promise<void> {
	await byTestId('parameter-input-inputMode', ndv()).click();
	// An option's accessible name is its label followed by its description.
	await page.getByRole('option', { name: new RegExp(`^${mode}`) }).click();
	await hasValue(byTestId('parameter-input-inputMode', ndv()).locator('input'), new RegExp(`^${mode}$`));
}

/** The Credential's App field: which app the selected credential's key belongs to. */
const credentialApp = () => byTestId('resource-locator-credentialApp', ndv());

/** Opens the Credential's App list and returns its one entry's text. */
async function credentialAppEntry(): Promise<string> {
	await byTestId('rlc-input', credentialApp()).click();
	const entry = page.locator('[data-test-id="rlc-item"]');
	await hasCount(entry, 1);
	const text = await entry.innerText();
	await closeList();
	return text.trim();
}

/** Closes the open node (its close button, or Escape) and waits until the canvas shows again. */
async function closeNode(): Promise<void> {
	const close = byTestId('ndv-close-button');
	if (await close.isVisible()) await close.click();
	else await page.keyboard.press('Escape');
	await hasCount(page.locator('[data-test-id="ndv"]:visible'), 0);
}

/** Opens the Conversation picker's list (From list mode). */
async function openConversationList(): Promise<void> {
	await byTestId('rlc-input', byTestId('resource-locator-conversationId', ndv())).click();
}

async function closeList(): Promise<void> {
	// A click outside the dropdown closes it (Escape does not, in n8n 2.41's resource locator).
	await byTestId('node-title-container', ndv()).click();
	await hasCount(page.locator('[data-test-id="rlc-item"], [data-test-id="rlc-error-container"]'), 0);
}

/** Saves the open workflow (Ctrl+S) and returns its id once n8n has given it one. */
async function saveWorkflow(): Promise<string> {
	await page.keyboard.press('Control+s');
	await page.waitForURL(/\/workflow\/(?!new)[^/?#]+/);
	return /\/workflow\/([^/?#]+)/.exec(page.url())![1];
}

/** Polls until `ok` holds for what `probe` reads from the page (UI state, never a fixed wait). */
async function until<T>(what: string, probe: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
	const deadline = Date.now() + UI_MS;
	let last: T | undefined;
	for (;;) {
		try {
			last = await probe();
			if (ok(last)) return last;
		} catch {
			/* not rendered yet */
		}
		if (Date.now() > deadline) {
			await page.screenshot({ path: join(ARTIFACTS, `failed-${String(shot + 1).padStart(2, '0')}.png`) }).catch(() => undefined);
			throw new Error(`${what}: not reached within ${UI_MS / 1000} s (last seen: ${JSON.stringify(last)})`);
		}
		await new Promise((r) => setTimeout(r, 250));
	}
}

const hasText = (locator: Locator, text: string) => until(`text "${text}" in ${locator}`, () => locator.innerText(), (t) => t.includes(text));
const hasValue = (locator: Locator, pattern: RegExp) => until(`value ${pattern} of ${locator}`, () => locator.inputValue(), (v) => pattern.test(v));
const hasCount = (locator: Locator, count: number) => until(`${count} of ${locator}`, () => locator.count(), (n) => n === count);

/** The Dify Trigger's five actions in the nodes panel, and what each must give the new node. */
const TRIGGER_ACTIONS = [
	{ action: 'On workflow run finished', event: 'workflowRunFinished', name: 'Workflow Run Finished', field: 'Include Run Detail', credentialType: 'difyApi' },
	{ action: 'On new feedback', event: 'newFeedback', name: 'New Feedback', field: 'Include Message', credentialType: 'difyApi' },
	{ action: 'On new conversation', event: 'newConversation', name: 'New Conversation', field: 'User', credentialType: 'difyApi' },
	{ action: 'On new message', event: 'newMessage', name: 'New Message', field: 'User', credentialType: 'difyApi' },
	{ action: 'On document indexing finished', event: 'documentIndexed', name: 'Document Indexing Finished', field: 'Outcome', credentialType: 'difyKnowledgeApi' },
] as const;
type TriggerAction = (typeof TRIGGER_ACTIONS)[number];
/** Which sandbox credential names belong to which credential type (see scripts/lib/sandbox.js). */
const CREDENTIAL_NAME = { difyApi: /^Dify sandbox \(.+ app\)$/, difyKnowledgeApi: /^Dify sandbox \(Knowledge\)$/ };

interface SavedNode {
	type: string;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
}

let restCookie = '';

/**
 * Saves the open workflow and waits until n8n has stored the trigger as `a` needs it: its event and
 * a credential of its type (failing with what was stored). The REST call uses a session of its own:
 * the editor's session is bound to the browser (n8n's browser-id check) and would be signed out by a
 * request without it.
 */
async function savedAs(a: TriggerAction): Promise<void> {
	await page.keyboard.press('Control+s');
	await page.waitForURL(/\/workflow\/(?!new)[^/?#]+/);
	const id = /\/workflow\/([^/?#]+)/.exec(page.url())![1];
	restCookie ||= await instance.login(OWNER);
	await until(
		`the saved Dify Trigger with event ${a.event} and a ${a.credentialType} credential`,
		async () => {
			const r = await instance.request(`/rest/workflows/${id}`, { headers: { cookie: restCookie } });
			const node = (r.json as { data: { nodes: SavedNode[] } }).data.nodes.find((n) => n.type.endsWith('.difyTrigger'));
			// n8n leaves a parameter at its default out of the saved workflow.
			return { event: node?.parameters.event ?? 'workflowRunFinished', credentials: node?.credentials ?? {} };
		},
		(saved) => saved.event === a.event && CREDENTIAL_NAME[a.credentialType].test(saved.credentials[a.credentialType]?.name ?? ''),
	);
}

/** The Event field shows `a`'s event, with its own field, and the credential of its type is selected. */
async function showsTrigger(a: TriggerAction): Promise<void> {
	await hasValue(byTestId('parameter-input-event', ndv()).locator('input'), new RegExp(`^${a.name}$`));
	await hasText(ndv(), a.field);
	await hasValue(byTestId('node-credentials-select', ndv()).locator('input'), CREDENTIAL_NAME[a.credentialType]);
}

run('n8n editor in a browser (n8n 2.x, headless Chromium)', () => {
	beforeAll(async () => {
		rmSync(ARTIFACTS, { recursive: true, force: true });
		mkdirSync(ARTIFACTS, { recursive: true });
		server = await startDifyServer();
		({ instance, cleanup } = await freshInstance('browser'));
		await instance.importCredentials(credentialsFor(server));
		// One conversation of the default User, for the Conversation picker to list.
		const r = await fetch(`${server.apiBase}/chat-messages`, {
			method: 'POST',
			headers: { authorization: `Bearer ${server.keys.chat}`, 'content-type': 'application/json' },
			body: JSON.stringify({ query: 'Earlier question here', inputs: {}, user: 'n8n', response_mode: 'blocking' }),
		});
		seededConversation = ((await r.json()) as { conversation_id: string }).conversation_id;
		await instance.start({ timeoutMs: 180_000 });
		profile = mkdtempSync(join(tmpdir(), 'dify-e2e-chromium-'));
		browser = await chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM,
			headless: true,
			viewport: { width: 1440, height: 900 },
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
			],
		});
		page = browser.pages()[0] ?? (await browser.newPage());
		page.setDefaultTimeout(UI_MS);
		page.setDefaultNavigationTimeout(UI_MS);
	}, 300_000);

	afterAll(async () => {
		await browser?.close().catch(() => undefined);
		if (profile) rmSync(profile, { recursive: true, force: true });
		await cleanup?.();
		await server?.close();
	});

	test('a fresh n8n asks for the owner account, and the setup page creates it', async () => {
		await page.goto(`${instance.url}/`);
		await page.waitForURL(/\/setup/);
		await screenshot('owner-setup');
		await page.getByLabel('Email').fill(OWNER.email);
		await page.getByLabel('First Name').fill(OWNER.firstName);
		await page.getByLabel('Last Name').fill(OWNER.lastName);
		await page.getByLabel('Password').fill(OWNER.password);
		await page.getByRole('button', { name: 'Next' }).click();
		await page.waitForURL((url) => !url.pathname.startsWith('/setup'));
	}, 180_000);

	test('a new workflow gets Dify Chatbot from the nodes panel, named after its app type, with the Chatbot credential', async () => {
		await page.goto(`${instance.url}/workflow/new`);
		await byTestId('canvas-add-button').click();
		await byTestId('node-creator-search-bar').locator('input').or(byTestId('node-creator-search-bar')).first().fill('Dify Chatbot');
		await page.locator('[data-test-id="node-creator-item-name"]', { hasText: 'Dify Chatbot' }).first().click();
		await screenshot('nodes-panel-actions');
		await page.getByText('Send a message to a Dify Chatbot or Agent app', { exact: true }).click();
		await hasText(byTestId('node-title-container', ndv()), 'Send a message to a Dify Chatbot or Agent app');
		// n8n preselects the newest credential of the type; the sandbox's Chatbot credential is saved last.
		await hasValue(byTestId('node-credentials-select', ndv()).locator('input'), /^Dify sandbox \(Chatbot app\)$/);
		await screenshot('chatbot-node');
		await formShot('form-dify-chatbot');
	}, 180_000);

	test('with a Workflow app\'s credential, the Conversation list says which app the key is for and which node to use', async () => {
		await selectCredential('difySandboxWork01');
		// Credential's App names the key's app as soon as another credential is selected.
		await hasValue(
			byTestId('rlc-input', credentialApp()),
			/^"Sandbox Workflow": Dify Workflow app \(mode "workflow"\), not for the Dify Chatbot node: use it with the Dify Workflow node$/,
		);
		await openConversationList();
		const error = byTestId('rlc-error-container');
		await hasText(error, SAID);
		await screenshot('wrong-app-type-in-list');
		await closeList();
		// Fields From the App says the same, as the form's notice (n8n shows no load error's text).
		await chooseInputs('Fields From the App');
		await hasText(byTestId('empty-fields-notice', ndv()), SAID);
		// n8n does not reload the fields when a node had no credential before: the notice says what to do.
		await hasText(byTestId('empty-fields-notice', ndv()), RELOAD_HINT);
		await screenshot('wrong-app-type-in-fields');
		await chooseInputs('JSON');
	}, 180_000);

	test('with the Chatbot app\'s credential, the Conversation list lists the User\'s conversation', async () => {
		await selectCredential('difySandboxChat01');
		// Credential's App follows first: a list opened while another field changes waits for a reopen
		// in n8n (its list cache is keyed by the other parameters).
		await hasValue(byTestId('rlc-input', credentialApp()), /^"Sandbox Chatbot": Dify Chatbot app \(mode "chat"\)$/);
		await openConversationList();
		const item = page.locator('[data-test-id="rlc-item"]', { hasText: 'Chat about Earlier question here' });
		await hasCount(item, 1);
		await screenshot('conversation-list');
		expect(seededConversation).toBeTruthy();
		await closeList();
	}, 180_000);

	test('"Fields From the App" shows the app\'s input fields', async () => {
		await chooseInputs('Fields From the App');
		const mapper = byTestId('resource-mapper-container', ndv());
		await hasText(mapper, 'Inputs to Send');
		await hasText(mapper, 'Your name (name)');
		await hasText(mapper, 'Language (language)');
		expect(await mapper.innerText()).not.toMatch(/column/i);
		await screenshot('fields-from-the-app');
	}, 180_000);

	test('Send runs in the editor and shows Dify\'s answer', async () => {
		await byTestId('parameter-input-query', ndv()).locator('textarea').fill('Hello from the browser');
		await byTestId('node-execute-button', ndv()).click();
		await hasText(byTestId('output-panel', ndv()), 'Echo: Hello from the browser');
		await screenshot('send-answer');
		const sent = server.requests.filter((r) => r.path === '/chat-messages').at(-1);
		expect(sent?.json).toMatchObject({ query: 'Hello from the browser', user: 'n8n', response_mode: 'streaming' });
	}, 180_000);

	test('"Custom API Call" points to the HTTP Request node and names the node after it', async () => {
		await byTestId('parameter-input-operation', ndv()).click();
		await page.getByRole('option', { name: 'Custom API Call' }).click();
		await hasText(ndv(), 'Use the HTTP Request node to make a custom API call');
		await hasText(byTestId('node-title-container', ndv()), 'Custom Dify API call (HTTP Request node) for Dify Chatbot');
		expect(await byTestId('node-title-container', ndv()).innerText()).not.toContain('__CUSTOM_API_CALL__');
		await screenshot('custom-api-call');
	}, 180_000);

	test('Dify Workflow with the Chatbot credential n8n preselects: Credential\'s App and Fields From the App say so, and selecting the Workflow credential loads the workflow app\'s fields', async () => {
		await page.goto(`${instance.url}/workflow/new`);
		await byTestId('canvas-add-button').click();
		await byTestId('node-creator-search-bar').locator('input').or(byTestId('node-creator-search-bar')).first().fill('Dify Workflow');
		await page.locator('[data-test-id="node-creator-item-name"]', { hasText: 'Dify Workflow' }).first().click();
		await page.getByText('Run a Dify workflow', { exact: true }).click();
		// All app credentials share one type: n8n preselects the newest, the Chatbot app's.
		await hasValue(byTestId('node-credentials-select', ndv()).locator('input'), /^Dify sandbox \(Chatbot app\)$/);
		expect(await credentialAppEntry()).toBe('"Sandbox Chatbot": Dify Chatbot app (mode "chat"), not for the Dify Workflow node: use it with the Dify Chatbot node');
		await chooseInputs('Fields From the App');
		const notice = byTestId('empty-fields-notice', ndv());
		await hasText(
			notice,
			'The credential\'s API key belongs to the Dify Chatbot app "Sandbox Chatbot" (mode "chat"): use it with the Dify Chatbot node, or select a credential with the API key of a Workflow app in this Dify Workflow node.',
		);
		await screenshot('workflow-node-with-chatbot-credential');
		// Only the credential changes: the fields follow it.
		await selectCredential('difySandboxWork01');
		const mapper = byTestId('resource-mapper-container', ndv());
		await hasText(mapper, 'Inputs to Send');
		await hasText(mapper, 'Text (text)');
		await hasText(mapper, 'Tone (tone)');
		await hasCount(notice, 0);
		await hasValue(byTestId('rlc-input', credentialApp()), /^"Sandbox Workflow": Dify Workflow app \(mode "workflow"\)$/);
		await screenshot('workflow-node-fields-follow-credential');
		// And back: the wrong app's notice again, without touching Inputs.
		await selectCredential('difySandboxChat01');
		await hasText(notice, 'belongs to the Dify Chatbot app "Sandbox Chatbot"');
		await hasValue(byTestId('rlc-input', credentialApp()), /not for the Dify Workflow node/);
	}, 180_000);

	test.each([
		['Dify Chatflow', 'Send a message to a Dify Chatflow app', /^Dify sandbox \(.+ app\)$/, 'form-dify-chatflow'],
		['Dify Completion', 'Generate text with a Dify text generator app', /^Dify sandbox \(.+ app\)$/, 'form-dify-completion'],
		['Dify Workflow', 'Run a Dify workflow', /^Dify sandbox \(.+ app\)$/, 'form-dify-workflow'],
		['Dify Knowledge', 'Search a Dify knowledge base', /^Dify sandbox \(Knowledge\)$/, 'form-dify-knowledge'],
	] as const)('%s opens from the nodes panel on its first action, with a credential of its type', async (node, action, credential, form) => {
		await page.goto(`${instance.url}/workflow/new`);
		await byTestId('canvas-add-button').click();
		await byTestId('node-creator-search-bar').locator('input').or(byTestId('node-creator-search-bar')).first().fill(node);
		await page.locator('[data-test-id="node-creator-item-name"]', { hasText: node }).first().click();
		await page.getByText(action, { exact: true }).click();
		await hasText(byTestId('node-title-container', ndv()), action);
		await hasValue(byTestId('node-credentials-select', ndv()).locator('input'), credential);
		await formShot(form);
	}, 180_000);

	test.each(TRIGGER_ACTIONS.map((a) => [a.action, a]))(
		'Dify Trigger\'s "%s" action gives a node with that event, its fields and a credential of its type',
		async (_label, a) => {
			await page.goto(`${instance.url}/workflow/new`);
			await byTestId('canvas-add-button').click();
			await byTestId('node-creator-search-bar').locator('input').or(byTestId('node-creator-search-bar')).first().fill('Dify Trigger');
			// The nodes panel lists the trigger as "Dify" (n8n drops " Trigger" from trigger names).
			await page.locator('[data-test-id="node-creator-item-name"]', { hasText: /^\s*Dify\s*$/ }).first().click();
			await page.getByText(a.action, { exact: true }).click();
			await showsTrigger(a);
			await screenshot(`trigger-${a.event}`);
			if (a.event === 'workflowRunFinished') await formShot('form-dify-trigger');
			await savedAs(a);
		},
		180_000,
	);

	test('the Dify Trigger\'s Event can be changed in the panel, between app and Knowledge events, and the credential follows', async () => {
		// The node of the last action (Document Indexing Finished, Knowledge credential) is still open.
		const byEvent = Object.fromEntries(TRIGGER_ACTIONS.map((a) => [a.event, a]));
		const credentialInput = byTestId('node-credentials-select', ndv()).locator('input');
		const pick: Record<string, string> = {
			newMessage: 'difySandboxChat01',
			documentIndexed: 'difySandboxKnow01',
			workflowRunFinished: 'difySandboxWork01',
			newConversation: 'difySandboxChat01',
		};
		let kind: string = byEvent.documentIndexed.credentialType;
		const sequence = ['newMessage', 'documentIndexed', 'workflowRunFinished', 'newFeedback', 'documentIndexed', 'newConversation'] as const;
		for (const [step, event] of sequence.entries()) {
			const a = byEvent[event];
			await byTestId('parameter-input-event', ndv()).click();
			await page.getByRole('option', { name: new RegExp(`^${a.name}`) }).click();
			await hasValue(byTestId('parameter-input-event', ndv()).locator('input'), new RegExp(`^${a.name}$`));
			if (a.credentialType !== kind) {
				// n8n 2.41 fills a credential in by itself only on a node without any, and drops the other
				// type's when one is picked: across app and Knowledge events the field asks for one.
				await hasValue(credentialInput, /^$/);
				expect(await credentialInput.getAttribute('placeholder')).toBe('Select Credential');
				if (step === 0) await screenshot('trigger-switch-asks-for-credential');
				await selectCredential(pick[event]);
				kind = a.credentialType;
			}
			// Within app events the credential stays.
			await showsTrigger(a);
			await savedAs(a);
		}
		await screenshot('trigger-event-changed');
	}, 300_000);
	test('a new workflow gets an AI Agent from the nodes panel, its OpenAI Chat Model on the sandbox, and Dify Knowledge as a tool from the Tool slot, with $fromAI', async () => {
		await page.goto(`${instance.url}/workflow/new`);
		await byTestId('node-creator-plus-button').click();
		await byTestId('node-creator-search-bar').locator('input').or(byTestId('node-creator-search-bar')).first().fill('AI Agent');
		await page.locator('[data-test-id="node-creator-item-name"]').getByText('AI Agent', { exact: true }).first().click();
		await hasText(byTestId('node-title-container', ndv()), 'AI Agent');
		await closeNode();
		const slot = (type: string) =>
			page.locator(`[data-test-id="canvas-node-input-handle"][data-connection-type="${type}"][data-node-name="AI Agent"] [data-test-id="canvas-handle-plus"]`).first();
		// The chat model: n8n's OpenAI Chat Model with the sandbox's OpenAI-compatible credential.
		await slot('ai_languageModel').click();
		await page.locator('[data-test-id="node-creator-item-name"]').getByText('OpenAI Chat Model', { exact: true }).first().click();
		await hasValue(byTestId('node-credentials-select', ndv()).locator('input'), /^Sandbox scripted model/);
		// The sandbox's model speaks Chat Completions, not the Responses API n8n's node uses by default.
		const responsesApi = byTestId('parameter-input-responsesApiEnabled', ndv());
		await responsesApi.locator('.el-switch').first().click();
		await until('"Use Responses API" off', () => responsesApi.locator('[role="switch"]').first().getAttribute('aria-checked'), (v) => v === 'false');
		await closeNode();
		// The tool: Dify Knowledge from the Tool slot, searching in the panel.
		await slot('ai_tool').click();
		await byTestId('node-creator-search-bar').locator('input').or(byTestId('node-creator-search-bar')).first().fill('Dify Knowledge');
		await page.locator('[data-test-id="node-creator-item-name"]', { hasText: /^\s*Dify Knowledge( Tool)?\s*$/ }).first().click();
		const action = page.getByText('Search a Dify knowledge base', { exact: true }).first();
		// n8n may list the tool's actions first (the action then picks the operation) or open the node.
		const shown = await until(
			'the Dify Knowledge tool\'s actions or its form',
			async () => ((await action.isVisible()) ? 'actions' : (await ndv().isVisible()) ? 'form' : ''),
			(v) => v !== '',
		);
		if (shown === 'actions') await action.click();
		await hasValue(byTestId('node-credentials-select', ndv()).locator('input'), /^Dify sandbox \(Knowledge\)$/);
		await screenshot('agent-tool-added');
		// Resource and operation are the retrieval's; the knowledge base comes from the list.
		await byTestId('rlc-input', byTestId('resource-locator-datasetId', ndv())).click();
		await page.locator('[data-test-id="rlc-item"]', { hasText: 'Sandbox Knowledge' }).first().click();
		await hasCount(page.locator('[data-test-id="rlc-item"]'), 0);
		// Query: "Let the model define this parameter" ($fromAI).
		// The button sits in the field's label row: the nearest enclosing element that has one is Query's.
		const query = byTestId('parameter-input-query', ndv());
		await query.hover();
		await query.locator('xpath=ancestor::*[.//*[@data-test-id="from-ai-override-button"]][1]').locator('[data-test-id="from-ai-override-button"]').first().click();
		await hasCount(query, 0);
		await screenshot('agent-tool-from-ai');
		await closeNode();
		await screenshot('agent-canvas');
		const id = await saveWorkflow();
		restCookie ||= await instance.login(OWNER);
		const saved = await until(
			'the saved AI Agent with a chat model and a Dify Knowledge tool',
			async () => {
				const r = await instance.request(`/rest/workflows/${id}`, { headers: { cookie: restCookie } });
				return (r.json as { data: { nodes: Array<SavedNode & { name: string }>; connections: Record<string, Record<string, Array<Array<{ node: string; type: string }>>>> } }).data;
			},
			// n8n may have stored an earlier state of the new workflow before Ctrl+S: wait for the last one.
			(d) => {
				const t = d.nodes.find((n) => n.type === 'n8n-nodes-dify-suite.difyKnowledgeTool');
				return !!(t?.parameters.datasetId as { value?: string } | undefined)?.value && String(t?.parameters.query).includes('$fromAI');
			},
		);
		const agent = saved.nodes.find((n) => n.type === '@n8n/n8n-nodes-langchain.agent')!;
		const model = saved.nodes.find((n) => n.type === '@n8n/n8n-nodes-langchain.lmChatOpenAi')!;
		const tool = saved.nodes.find((n) => n.type === 'n8n-nodes-dify-suite.difyKnowledgeTool')!;
		expect(model.parameters.responsesApiEnabled).toBe(false);
		expect(saved.connections[model.name]?.ai_languageModel?.[0]).toEqual([expect.objectContaining({ node: agent.name, type: 'ai_languageModel' })]);
		expect(saved.connections[tool.name]?.ai_tool?.[0]).toEqual([expect.objectContaining({ node: agent.name, type: 'ai_tool' })]);
		// n8n leaves parameters at their defaults (Knowledge Base › Search) out of the saved workflow.
		expect([tool.parameters.resource ?? 'dataset', tool.parameters.operation ?? 'retrieve']).toEqual(['dataset', 'retrieve']);
		expect(tool.parameters.datasetId).toMatchObject({ mode: 'list', value: SANDBOX_DATASET_ID });
		// n8n marks the expression it wrote (a comment before the call).
		expect(String(tool.parameters.query)).toMatch(/^=\{\{ (\/\*[\w-]+\*\/ )?\$fromAI\('Query', ``, 'string'\) \}\}$/);
		expect(tool.credentials?.difyKnowledgeApi?.name).toBe('Dify sandbox (Knowledge)');
	}, 300_000);
	test('that AI Agent answers in n8n\'s chat: the model calls the Dify Knowledge tool and answers with its passage', async () => {
		// The workflow of the previous test is still open; the sandbox's scripted model calls the tool
		// whose name shares words with the question, with the quoted part as its Query.
		const before = server.requests.filter((r) => r.path.endsWith('/retrieve')).length;
		await byTestId('workflow-chat-button').click();
		const chat = byTestId('canvas-chat');
		const input = chat.locator('textarea').first();
		await input.fill('Search the knowledge base: "When are refunds processed?"');
		await input.press('Enter');
		await hasText(chat, 'Refunds are processed within 14 days of the request.');
		await screenshot('agent-chat-answer');
		const retrieve = server.requests.filter((r) => r.path.endsWith('/retrieve')).slice(before);
		expect(retrieve.map((r) => r.json)).toEqual([{ query: 'When are refunds processed?' }]);
	}, 300_000);
});
