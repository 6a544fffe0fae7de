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
	data: { baseUrl: string; apiKey: string };
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
export const EXAMPLES: string;
export function sandboxCredentials(sandbox: { apiBase: string; keys: Record<string, string> }): ImportableCredential[];
export function readExamples(): Example[];
