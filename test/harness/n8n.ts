/**
 * Runs our nodes through n8n-core's real execution engine (WorkflowExecute, ExecuteContext, the real
 * httpRequestWithAuthentication with credential injection, real binary helpers), so operation tests
 * exercise n8n's actual request path against the Dify test server.
 */
import { ExecutionLifecycleHooks, ExternalSecretsProxy, LoadOptionsContext, PollContext, WorkflowExecute } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IDataObject,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeExecutionData,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IWorkflowExecuteAdditionalData,
	type IVersionedNodeType,
	type StructuredChunk,
} from 'n8n-workflow';

import { DifyApi } from '../../credentials/DifyApi.credentials';
import { DifyKnowledgeApi } from '../../credentials/DifyKnowledgeApi.credentials';
import { DifyApiExtensionEndpointApi } from '../../credentials/DifyApiExtensionEndpointApi.credentials';
import { DifyExternalKnowledgeEndpointApi } from '../../credentials/DifyExternalKnowledgeEndpointApi.credentials';
import { DifyWebhookTriggerApi } from '../../credentials/DifyWebhookTriggerApi.credentials';
import { DifyChatbot } from '../../nodes/DifyChatbot/DifyChatbot.node';
import { DifyChatflow } from '../../nodes/DifyChatflow/DifyChatflow.node';
import { DifyCompletion } from '../../nodes/DifyCompletion/DifyCompletion.node';
import { DifyWorkflow } from '../../nodes/DifyWorkflow/DifyWorkflow.node';
import { DifyKnowledge } from '../../nodes/DifyKnowledge/DifyKnowledge.node';
import { DifyTrigger } from '../../nodes/DifyTrigger/DifyTrigger.node';
import { DifyExtensionTrigger } from '../../nodes/DifyExtensionTrigger/DifyExtensionTrigger.node';
import { DifyExternalKnowledgeTrigger } from '../../nodes/DifyExternalKnowledgeTrigger/DifyExternalKnowledgeTrigger.node';
import { DifyWebhookCall } from '../../nodes/DifyWebhookCall/DifyWebhookCall.node';
import { DifyRespond } from '../../nodes/DifyRespond/DifyRespond.node';

export const CREDENTIAL_TYPES: Record<string, ICredentialType> = {
	difyApi: new DifyApi(),
	difyKnowledgeApi: new DifyKnowledgeApi(),
	difyExternalKnowledgeEndpointApi: new DifyExternalKnowledgeEndpointApi(),
	difyApiExtensionEndpointApi: new DifyApiExtensionEndpointApi(),
	difyWebhookTriggerApi: new DifyWebhookTriggerApi(),
};

class StartNode implements INodeType {
	description = {
		displayName: 'Start',
		name: 'start',
		group: ['trigger'],
		version: 1,
		description: 'Emits the test items',
		defaults: { name: 'Start' },
		inputs: [],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeType['description'];

	async execute(this: import('n8n-workflow').IExecuteFunctions) {
		return [this.getInputData()];
	}
}

/** Sends a credential's `test.request` (already resolved) through n8n's authenticated request helper, as n8n's credential tester does. */
class CredentialProbeNode implements INodeType {
	description = {
		displayName: 'Credential Probe',
		name: 'credentialProbe',
		group: ['transform'],
		version: 1,
		description: 'Runs a credential test request',
		defaults: { name: 'Probe' },
		credentials: [
			{ name: 'difyApi', required: false },
			{ name: 'difyKnowledgeApi', required: false },
		],
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeType['description'];

	async execute(this: import('n8n-workflow').IExecuteFunctions) {
		const { credentialType, request } = this.getInputData()[0].json as unknown as { credentialType: string; request: IHttpRequestOptions };
		const response = (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
			...request,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		})) as { statusCode: number; body: IDataObject };
		return [[{ json: { statusCode: response.statusCode, body: response.body } }]];
	}
}

const NODE_TYPES: Record<string, INodeType> = {
	'test.start': new StartNode(),
	'test.credentialProbe': new CredentialProbeNode(),
	'dify.difyChatbot': new DifyChatbot(),
	'dify.difyChatflow': new DifyChatflow(),
	'dify.difyCompletion': new DifyCompletion(),
	'dify.difyWorkflow': new DifyWorkflow(),
	'dify.difyKnowledge': new DifyKnowledge(),
	'dify.difyTrigger': new DifyTrigger(),
	'dify.difyExternalKnowledgeTrigger': new DifyExternalKnowledgeTrigger(),
	'dify.difyExtensionTrigger': new DifyExtensionTrigger(),
	'dify.difyWebhookCall': new DifyWebhookCall(),
	'dify.difyRespond': new DifyRespond(),
};

/** Lets a test add a node type of its own (the webhook harness's stand-in for the workflow after a trigger). */
export function registerNodeType(type: string, node: INodeType): void {
	NODE_TYPES[type] = node;
}

export class TestNodeTypes implements INodeTypes {
	getByName(type: string): INodeType | IVersionedNodeType {
		const node = NODE_TYPES[type];
		if (!node) throw new Error(`Unknown node type ${type}`);
		return node;
	}

	getByNameAndVersion(type: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(type), version);
	}

	getKnownTypes() {
		return {};
	}
}

/** Applies our credentials exactly like n8n's server-side CredentialsHelper does for generic auth. */
export class TestCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly data: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	getParentTypes(): string[] {
		return [];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const type = CREDENTIAL_TYPES[typeName];
		const auth = type.authenticate;
		if (typeof auth === 'function') return await auth(credentials, requestOptions);
		if (!auth || auth.type !== 'generic') return requestOptions;
		for (const [outerKey, values] of Object.entries(auth.properties) as Array<[keyof IHttpRequestOptions, IDataObject]>) {
			const target = ((requestOptions[outerKey] as IDataObject | undefined) ?? {}) as IDataObject;
			for (const [key, value] of Object.entries(values)) {
				target[key] = resolveCredentialExpression(workflow, node, value as string, credentials) as IDataObject[string];
			}
			(requestOptions as unknown as IDataObject)[outerKey] = target;
		}
		return requestOptions;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<never> {
		throw new Error('not needed in tests');
	}

	async getDecrypted(_additionalData: IWorkflowExecuteAdditionalData, _nodeCredentials: INodeCredentialsDetails, type: string) {
		const data = this.data[type];
		if (!data) throw new Error(`No test credentials for ${type}`);
		return data;
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties(type: string) {
		return CREDENTIAL_TYPES[type].properties;
	}
}

export function resolveCredentialExpression(
	workflow: Workflow,
	node: INode,
	value: unknown,
	credentials: ICredentialDataDecryptedObject,
): unknown {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	return workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }, undefined, '');
}

export interface RunOptions {
	/** The node type registered in the harness, e.g. 'dify.difyChatbot'. */
	type?: string;
	parameters: IDataObject;
	items?: INodeExecutionData[];
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	continueOnFail?: boolean;
	credentialType?: string;
	/** Further credential types set on the node (a node with a second, optional credential). */
	moreCredentialTypes?: string[];
	/** Simulates a workflow started by a Chat Trigger in streaming mode: chunks are collected. */
	streaming?: boolean;
	/** Called for each chunk while the node runs (with `streaming`), e.g. to look at memory mid-stream. */
	onChunk?: (chunk: StructuredChunk) => void;
}

export interface RunResult {
	run: IRun;
	items: INodeExecutionData[];
	error?: IDataObject & { message: string; description?: string; name?: string; httpCode?: string };
	chunks: StructuredChunk[];
}

let counter = 0;

export async function runNode(options: RunOptions): Promise<RunResult> {
	const type = options.type ?? 'dify.difyChatbot';
	const credentialType = options.credentialType ?? (type === 'dify.difyKnowledge' ? 'difyKnowledgeApi' : 'difyApi');
	const node: INode = {
		id: 'node-under-test',
		name: 'Dify',
		type,
		typeVersion: 1,
		position: [200, 0],
		parameters: options.parameters as INode['parameters'],
		credentials: Object.fromEntries(
			[credentialType, ...(options.moreCredentialTypes ?? [])].map((name, k) => [name, { id: `cred-${k + 1}`, name: `Dify test ${k + 1}` }]),
		),
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
	const start: INode = { id: 'start', name: 'Start', type: 'test.start', typeVersion: 1, position: [0, 0], parameters: {} };
	const executionId = `test-exec-${++counter}`;
	const workflow = new Workflow({
		id: `wf-${counter}`,
		name: 'test',
		nodes: [start, node],
		connections: { Start: { main: [[{ node: 'Dify', type: 'main', index: 0 }]] } },
		active: false,
		nodeTypes: new TestNodeTypes(),
		settings: { executionOrder: 'v1' },
	});
	const now = new Date();
	const hooks = new ExecutionLifecycleHooks('manual', executionId, {
		id: workflow.id,
		name: workflow.name,
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: now,
		updatedAt: now,
		nodes: [start, node],
		connections: {},
		settings: {},
	} as never);
	const chunks: StructuredChunk[] = [];
	if (options.streaming) {
		hooks.addHandler('sendChunk', async (chunk: StructuredChunk) => {
			chunks.push(chunk);
			options.onChunk?.(chunk);
		});
	}
	const rejectNotSupported = async () => {
		throw new Error('not supported in tests');
	};
	const additionalData = {
		credentialsHelper: new TestCredentialsHelper(options.credentials ?? {}),
		hooks,
		externalSecretsProxy: new ExternalSecretsProxy(),
		executionId,
		currentNodeExecutionIndex: 0,
		variables: {},
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		formBaseUrl: 'http://127.0.0.1:5678/form',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		formTestBaseUrl: 'http://127.0.0.1:5678/form-test',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		mcpBaseUrl: 'http://127.0.0.1:5678/mcp',
		mcpTestBaseUrl: 'http://127.0.0.1:5678/mcp-test',
		executeWorkflow: rejectNotSupported,
		startRunnerTask: rejectNotSupported,
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		streamingEnabled: options.streaming === true,
	} as unknown as IWorkflowExecuteAdditionalData;
	const items = options.items ?? [{ json: {} }];
	const run = await new WorkflowExecute(additionalData, 'manual').run({
		workflow,
		startNode: start,
		triggerToStartFrom: {
			name: 'Start',
			data: { startTime: Date.now(), executionTime: 0, executionIndex: 0, source: [], data: { main: [items] } },
		},
	} as never);
	const task = run.data.resultData.runData.Dify?.[0];
	return {
		run,
		items: task?.data?.main?.[0] ?? [],
		error: (run.data.resultData.error ?? task?.error) as RunResult['error'],
		chunks,
	};
}

/**
 * n8n's credential test: the credential's `test.request` with `$credentials` expressions resolved,
 * sent with the credential's authentication. Returns the HTTP status Dify answered (2xx = success).
 */
export async function runCredentialTest(
	credentialType: string,
	data: ICredentialDataDecryptedObject,
): Promise<{ statusCode: number; body: IDataObject }> {
	const type = CREDENTIAL_TYPES[credentialType];
	const test = type.test as { request: IHttpRequestOptions & IDataObject };
	const probe: INode = { id: 'probe', name: 'Probe', type: 'test.credentialProbe', typeVersion: 1, position: [0, 0], parameters: {} };
	const workflow = new Workflow({ id: 'cred', name: 'cred', nodes: [probe], connections: {}, active: false, nodeTypes: new TestNodeTypes() });
	const request: IDataObject = {};
	for (const [key, value] of Object.entries(test.request)) request[key] = resolveCredentialExpression(workflow, probe, value, data) as IDataObject[string];
	const result = await runNode({
		type: 'test.credentialProbe',
		parameters: {},
		items: [{ json: { credentialType, request } }],
		credentials: { [credentialType]: data },
		credentialType,
	});
	if (result.error) throw new Error(result.error.message);
	return result.items[0].json as { statusCode: number; body: IDataObject };
}

/**
 * What n8n's credential tester (CredentialsTester.runRequestTest, n8n 2.41) tells the user: a
 * `responseCode` rule matching the failed status gives the rule's message; any other failure gives
 * the HTTP status text; a success is "Connection successful!".
 */
export async function credentialTestVerdict(
	credentialType: string,
	data: ICredentialDataDecryptedObject,
): Promise<{ status: 'OK' | 'Error'; message: string }> {
	const { statusCode } = await runCredentialTest(credentialType, data);
	if (statusCode >= 200 && statusCode < 300) return { status: 'OK', message: 'Connection successful!' };
	const rules = (CREDENTIAL_TYPES[credentialType].test?.rules ?? []) as Array<{ type: string; properties: { value?: unknown; message: string } }>;
	const rule = rules.find((r) => r.type === 'responseCode' && r.properties.value === statusCode);
	return { status: 'Error', message: rule ? rule.properties.message : `Received HTTP status code: ${statusCode}` };
}

/** Runs a node's list-search or resource-mapping method as the editor does. */
export async function runListSearch(options: {
	type: string;
	method: string;
	kind?: 'listSearch' | 'resourceMapping';
	parameters: IDataObject;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	filter?: string;
	paginationToken?: string;
}) {
	type LoadMethod = (this: unknown, ...args: unknown[]) => Promise<unknown>;
	const nodeType = NODE_TYPES[options.type] as unknown as { methods: Record<string, Record<string, LoadMethod>> };
	const node: INode = {
		id: 'node-under-test',
		name: 'Dify',
		type: options.type,
		typeVersion: 1,
		position: [0, 0],
		parameters: options.parameters as INode['parameters'],
		credentials: Object.fromEntries(Object.keys(options.credentials).map((type) => [type, { id: 'cred-1', name: 'Dify test' }])),
	};
	const workflow = new Workflow({ id: 'ls', name: 'ls', nodes: [node], connections: {}, active: false, nodeTypes: new TestNodeTypes() });
	const additionalData = {
		credentialsHelper: new TestCredentialsHelper(options.credentials),
		externalSecretsProxy: new ExternalSecretsProxy(),
		currentNodeParameters: options.parameters,
		variables: {},
	} as unknown as IWorkflowExecuteAdditionalData;
	const context = new LoadOptionsContext(workflow, node, additionalData, 'parameters.conversationId');
	return await nodeType.methods[options.kind ?? 'listSearch'][options.method].call(context, options.filter, options.paginationToken);
}

export interface PollOptions {
	parameters: IDataObject;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	credentialType?: string;
	/** The node's static data as n8n stored it after the previous poll. */
	staticData?: IDataObject;
	/** 'manual' is the editor's "Fetch Test Event"; 'trigger' an active workflow's poll. */
	mode?: 'manual' | 'trigger';
}

export interface PollResult {
	items: INodeExecutionData[] | null;
	error?: Error & { description?: string };
	/** The workflow's static data after the poll, failed or not (n8n keeps it for the next poll). */
	staticData: IDataObject;
}

/** Runs the Dify Trigger's poll through n8n-core's PollContext, as an active workflow's poll does. */
export async function runPoll(options: PollOptions): Promise<PollResult> {
	const credentialType = options.credentialType ?? 'difyApi';
	const node: INode = {
		id: 'trigger-under-test',
		name: 'Dify Trigger',
		type: 'dify.difyTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: options.parameters as INode['parameters'],
		credentials: { [credentialType]: { id: 'cred-1', name: 'Dify test' } },
	};
	const workflow = new Workflow({
		id: 'poll',
		name: 'poll',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes: new TestNodeTypes(),
		staticData: JSON.parse(JSON.stringify(options.staticData ?? {})),
	});
	const additionalData = {
		credentialsHelper: new TestCredentialsHelper(options.credentials),
		externalSecretsProxy: new ExternalSecretsProxy(),
		variables: {},
	} as unknown as IWorkflowExecuteAdditionalData;
	const context = new PollContext(workflow, node, additionalData, options.mode ?? 'trigger', 'activate');
	const trigger = NODE_TYPES['dify.difyTrigger'] as INodeType & { poll(this: unknown): Promise<INodeExecutionData[][] | null> };
	const staticData = () => JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject;
	try {
		const out = await trigger.poll.call(context);
		return { items: out ? out[0] : null, staticData: staticData() };
	} catch (error) {
		return { items: null, error: error as PollResult['error'], staticData: staticData() };
	}
}
