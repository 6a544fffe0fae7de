import type { AppIdentity } from './transport/errors';

/**
 * Dify's app types and the node of this package that serves each, by the `mode` Dify reports in
 * GET /info (docs/dify-behaviour.md, 'App types'). The one map the operation table, the error messages and the trigger read.
 */
interface AppType {
	/** Dify's name for the app type, as its console shows it. */
	typeName: string;
	/** The n8n node that serves it. */
	nodeDisplayName: string;
}

const APP_TYPES: Record<string, AppType> = {
	chat: { typeName: 'Chatbot', nodeDisplayName: 'Dify Chatbot' },
	'agent-chat': { typeName: 'Agent', nodeDisplayName: 'Dify Chatbot' },
	agent: { typeName: 'Agent', nodeDisplayName: 'Dify Chatbot' },
	'advanced-chat': { typeName: 'Chatflow', nodeDisplayName: 'Dify Chatflow' },
	completion: { typeName: 'Text Generator', nodeDisplayName: 'Dify Completion' },
	workflow: { typeName: 'Workflow', nodeDisplayName: 'Dify Workflow' },
};


/** The modes a node serves, e.g. ['chat', 'agent-chat', 'agent'] for "Dify Chatbot". */
export function modesServedBy(nodeDisplayName: string): string[] {
	return Object.keys(APP_TYPES).filter((mode) => APP_TYPES[mode].nodeDisplayName === nodeDisplayName);
}

/** The Dify node that serves an app mode, e.g. "Dify Workflow" for "workflow". */
export function nodeForMode(mode: string): string | undefined {
	return APP_TYPES[mode]?.nodeDisplayName;
}

/** "Chatbot or Agent": Dify's names of the app types of these modes. */
export function appTypeNames(modes: string[]): string {
	const names = [...new Set(modes.map((mode) => APP_TYPES[mode]?.typeName ?? mode))];
	return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : (names[0] ?? '');
}

/**
 * The one sentence every place says when a key belongs to an app of another type (a run, the
 * Conversation list, Fields From the App, the trigger): the app's type and name as Dify reports them,
 * the node that serves it, and which key the asking node needs instead.
 */
export function wrongAppTypeMessage(app: AppIdentity, asking?: { nodeDisplayName: string; modes: string[] }): string {
	const type = APP_TYPES[app.mode]?.typeName ?? app.mode;
	const name = app.name ? ` "${app.name}"` : '';
	const right = nodeForMode(app.mode);
	const use = right ? `use it with the ${right} node` : 'use it with the node for that app type';
	const instead =
		asking && asking.nodeDisplayName !== right && asking.modes.length
			? `, or select a credential with the API key of a ${appTypeNames(asking.modes)} app in this ${asking.nodeDisplayName} node`
			: '';
	return `The credential's API key belongs to the Dify ${type} app${name} (mode "${app.mode}"): ${use}${instead}.`;
}

/**
 * One line naming the app a key belongs to, for the Credential's App field: its name, type and mode,
 * and, when the asking node does not serve it, the node that does.
 */
export function appSummary(app: AppIdentity, asking: { nodeDisplayName: string; modes: string[] }): string {
	const type = APP_TYPES[app.mode]?.typeName ?? app.mode;
	const label = `${app.name ? `"${app.name}"` : 'An unnamed app'}: Dify ${type} app (mode "${app.mode}")`;
	if (asking.modes.includes(app.mode)) return label;
	const right = nodeForMode(app.mode);
	return `${label}, not for the ${asking.nodeDisplayName} node: ${right ? `use it with the ${right} node` : 'use it with the node for that app type'}`;
}
