/**
 * Serves a webhook trigger over real HTTP on 127.0.0.1 through n8n-core: each request reaches the
 * node's `webhook()` in n8n-core's WebhookContext (credentials, parameters, request and response
 * objects), and when the node hands over items the rest of the workflow runs in n8n-core's
 * WorkflowExecute. What n8n's server adds around that (routing by path, the JSON body parser, the
 * answer after the workflow in "When Last Node Finishes" mode, in "Using 'Respond to Dify' Node" mode
 * the answer a node sends through n8n's sendResponse hook, its 500 "Error in workflow") is
 * reproduced here after n8n 2.41's webhook-helpers; the e2e suite checks the real thing.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { ExecutionLifecycleHooks, ExternalSecretsProxy, WebhookContext, WorkflowExecute } from 'n8n-core';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IExecuteFunctions,
	type IExecuteResponsePromiseData,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type IWebhookData,
	type IWebhookDescription,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { TestCredentialsHelper, TestNodeTypes, registerNodeType } from './n8n';

/** What the workflow after the trigger does with the trigger's items: return the last node's items, or throw. */
export type Answer = (items: INodeExecutionData[]) => INodeExecutionData[] | Promise<INodeExecutionData[]>;

class AnswerNode implements INodeType {
	description = {
		displayName: 'Answer',
		name: 'answer',
		group: ['transform'],
		version: 1,
		description: 'The workflow after the trigger',
		defaults: { name: 'Answer' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'Answer ID', name: 'answerId', type: 'string', default: '' }],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const answer = ANSWERS.get(this.getNode().parameters.answerId as string);
		if (!answer) throw new Error('no answer registered');
		try {
			return [await answer(this.getInputData())];
		} catch (error) {
			// As n8n's Code node does: with "continue (using error output)" the error becomes an item
			// {error}, which n8n routes to the node's error output.
			if (this.continueOnFail()) return [[{ json: { error: (error as Error).message } }]];
			throw error;
		}
	}
}

const ANSWERS = new Map<string, Answer>();
registerNodeType('test.answer', new AnswerNode());

export interface ServedTrigger {
	/** The URL n8n would show for the node (production URL). */
	url: string;
	/** Items the trigger handed to the workflow, one entry per started execution. */
	executions: IDataObject[][];
	/** The error message of each execution that failed (n8n shows it in the execution list). */
	failures: string[];
	close(): Promise<void>;
}

export interface ServeOptions {
	type: 'dify.difyExternalKnowledgeTrigger' | 'dify.difyExtensionTrigger';
	parameters: IDataObject;
	credentialType: string;
	credentials: ICredentialDataDecryptedObject;
	answer: Answer;
	/** Parameters of a Respond to Dify node after the Answer node (the trigger's responseMode decides whether n8n waits for it). */
	respond?: IDataObject;
	/** Parameters of a Respond to Dify node on the Answer node's error output (its Settings: On Error = continue (using error output)). */
	respondOnError?: IDataObject;
}

let counter = 0;

/** n8n's JSON body parser: JSON bodies become objects, an empty body `{}`; anything else is refused with 400 by n8n before the node. */
function parseBody(raw: string, contentType: string | undefined): { ok: true; body: unknown } | { ok: false } {
	if (raw === '') return { ok: true, body: {} };
	if (!/json/i.test(contentType ?? '')) return { ok: true, body: {} };
	try {
		return { ok: true, body: JSON.parse(raw) };
	} catch {
		return { ok: false };
	}
}

/** The subset of express's Response the nodes use, over node:http. */
function expressLike(res: ServerResponse) {
	const r = res as ServerResponse & { status(code: number): typeof r; json(body: unknown): typeof r; send(body: unknown): typeof r };
	r.status = (code: number) => {
		res.statusCode = code;
		return r;
	};
	r.json = (body: unknown) => {
		res.setHeader('Content-Type', 'application/json; charset=utf-8');
		res.end(JSON.stringify(body));
		return r;
	};
	r.send = (body: unknown) => (typeof body === 'string' ? (res.end(body), r) : r.json(body));
	return r;
}

export async function serveTrigger(options: ServeOptions): Promise<ServedTrigger> {
	const id = `${++counter}`;
	const answerId = `answer-${id}`;
	ANSWERS.set(answerId, options.answer);
	const webhookId = `0e2e0b10-0c4d-4e5f-8a9b-${id.padStart(12, '0')}`;
	const trigger: INode = {
		id: 'trigger',
		name: 'Dify',
		type: options.type,
		typeVersion: 1,
		position: [0, 0],
		webhookId,
		parameters: options.parameters as INode['parameters'],
		credentials: { [options.credentialType]: { id: 'cred-1', name: 'Dify test' } },
	};
	const answerNode: INode = { id: 'answer', name: 'Answer', type: 'test.answer', typeVersion: 1, position: [200, 0], parameters: { answerId } };
	const nodes = [trigger, answerNode];
	const answerOutputs: Array<Array<{ node: string; type: 'main'; index: number }>> = [[]];
	if (options.respond) {
		nodes.push({ id: 'respond', name: 'Respond to Dify', type: 'dify.difyRespond', typeVersion: 1, position: [400, 0], parameters: options.respond as INode['parameters'] });
		answerOutputs[0].push({ node: 'Respond to Dify', type: 'main', index: 0 });
	}
	if (options.respondOnError) {
		answerNode.onError = 'continueErrorOutput';
		nodes.push({ id: 'respond-error', name: 'Respond with Error', type: 'dify.difyRespond', typeVersion: 1, position: [400, 200], parameters: options.respondOnError as INode['parameters'] });
		answerOutputs[1] = [{ node: 'Respond with Error', type: 'main', index: 0 }];
	}
	const nodeTypes = new TestNodeTypes();
	const workflow = new Workflow({
		id: `wh-${id}`,
		name: 'webhook',
		nodes,
		connections: { Dify: { main: [[{ node: 'Answer', type: 'main', index: 0 }]] }, Answer: { main: answerOutputs } },
		active: true,
		nodeTypes,
		settings: { executionOrder: 'v1' },
	});
	const nodeType = nodeTypes.getByNameAndVersion(options.type, 1);
	const description = nodeType.description.webhooks![0] as IWebhookDescription;
	const path = `/webhook/${webhookId}/${description.path}`;
	const executions: IDataObject[][] = [];
	const failures: string[] = [];

	const additional = (req?: IncomingMessage & { body?: unknown }, res?: ServerResponse) =>
		({
			credentialsHelper: new TestCredentialsHelper({ [options.credentialType]: options.credentials }),
			hooks: new ExecutionLifecycleHooks('webhook', `exec-${id}`, { id: workflow.id, name: workflow.name, nodes, connections: {}, settings: {} } as never),
			externalSecretsProxy: new ExternalSecretsProxy(),
			executionId: `exec-${id}`,
			variables: {},
			webhookBaseUrl: 'http://127.0.0.1/webhook',
			webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
			// n8n's resume URLs ($execution.resumeUrl), which n8n-core builds for every expression context.
			webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
			formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
			httpRequest: req,
			httpResponse: res,
		}) as unknown as IWorkflowExecuteAdditionalData;

	const handle = async (req: IncomingMessage, res: ServerResponse, raw: string) => {
		const reply = expressLike(res);
		if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== path) {
			reply.status(404).json({ code: 404, message: `The requested webhook "${req.method} ${req.url}" is not registered.` });
			return;
		}
		const parsed = parseBody(raw, req.headers['content-type']);
		if (!parsed.ok) {
			reply.status(400).json({ message: 'Invalid JSON in request body' });
			return;
		}
		const request = Object.assign(req, { body: parsed.body });
		const webhookData = { httpMethod: 'POST', node: 'Dify', path: description.path, webhookDescription: description, workflowId: workflow.id } as unknown as IWebhookData;
		const context = new WebhookContext(workflow, trigger, additional(request, reply), 'webhook', webhookData, [], null);
		const result = (await (nodeType.webhook as (this: WebhookContext) => Promise<IWebhookResponseData>).call(context)) ?? {};
		if (result.noWebhookResponse) return;
		if (!result.workflowData) {
			reply.status(200).json(result.webhookResponse ?? { message: 'Webhook call received' });
			return;
		}
		executions.push(result.workflowData[0].map((i) => i.json));
		const runAdditional = additional();
		// "Using 'Respond to Dify' Node": n8n answers with the first response a node sends, at once.
		const byNode = options.parameters.responseMode === 'responseNode';
		let responded = false;
		runAdditional.hooks!.addHandler('sendResponse', async (response: IExecuteResponsePromiseData) => {
			if (!byNode || responded) return;
			responded = true;
			reply.status(Number(response.statusCode ?? 200)).json(response.body);
		});
		const run = await new WorkflowExecute(runAdditional, 'webhook').run({
			workflow,
			startNode: trigger,
			triggerToStartFrom: { name: 'Dify', data: { startTime: Date.now(), executionTime: 0, executionIndex: 0, source: [], data: { main: result.workflowData } } },
		} as never);
		const last = run.data.resultData.lastNodeExecuted;
		const task = last ? run.data.resultData.runData[last]?.[0] : undefined;
		const failure = run.data.resultData.error ?? task?.error;
		if (failure) failures.push(failure.message);
		if (responded) return;
		if (run.data.resultData.error || task?.error) {
			if (process.env.HARNESS_DEBUG) console.log(run.data.resultData.error ?? task?.error);
			reply.status(500).json({ message: 'Error in workflow' });
			return;
		}
		if (byNode) {
			// The workflow ended without a Respond node answering: n8n sends 200 with an empty body.
			reply.status(200);
			res.end();
			return;
		}
		const first = task?.data?.main?.[0]?.[0];
		if (!first) {
			reply.status(500).json({ message: 'No item to return was found' });
			return;
		}
		reply.status(200).json(first.json);
	};

	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((e: Error) => {
				if (!res.headersSent) expressLike(res).status(500).json({ message: e.message });
			});
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const port = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}${path}`,
		executions,
		failures,
		close: async () => {
			ANSWERS.delete(answerId);
			server.closeAllConnections();
			await new Promise((r) => server.close(r));
		},
	};
}
