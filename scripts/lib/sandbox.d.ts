/** Types for scripts/lib/sandbox.js. */
export interface SandboxCredentialSpec {
	id: string;
	name: string;
	type: 'difyApi' | 'difyKnowledgeApi';
	key: string;
}
export interface ImportableCredential {
	id: string;
	name: string;
	type: string;
	/** Dify credentials: baseUrl and apiKey; the scripted model's OpenAI credential: url and apiKey. */
	data: { baseUrl?: string; url?: string; apiKey: string };
}
export interface Example {
	file: string;
	text: string;
	workflow: { id: string; name: string; nodes: Array<{ name: string; type: string; webhookId?: string; parameters: Record<string, any> }>; [k: string]: any };
	publish: boolean;
	chatPath?: string;
	nodeTypes: string[];
}
export const SANDBOX_CREDENTIALS: SandboxCredentialSpec[];
/** The key of the sandbox credentials for endpoints Dify calls (External Knowledge API, API Extension). */
export const SANDBOX_ENDPOINT_KEY: string;
/** CLI arguments of the sandbox for its chat app with knowledge from the example workflow on this n8n. */
export function n8nKnowledgeArgs(n8nUrl: string): string[];
export const SANDBOX_MODEL_CREDENTIAL: { id: string; name: string; type: 'openAiApi' };
export const EXAMPLES: string;
/** The sandbox workflow's JSON Webhook Trigger URL as a Dify Webhook Trigger credential (with `webhookUrls.json`). */
export const SANDBOX_WEBHOOK_CREDENTIAL: { id: string; name: string; type: 'difyWebhookTriggerApi' };
export function sandboxCredentials(sandbox: { apiBase: string; keys: Record<string, string>; webhookUrls?: Record<string, string> }): ImportableCredential[];
export const SANDBOX_DEFAULT_URL: string;
/** With `sandboxUrl`, the sandbox's default address in the examples is rewritten to it. */
export function readExamples(sandboxUrl?: string): Example[];
