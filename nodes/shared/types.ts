import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { Advise } from './transport/errors';

/** How an app's generation endpoint streams and ends (docs/dify-behaviour.md, 'Stream order per app type', 'Error frames'). */
/** How a stream ends: the app families, and `datasource` (a knowledge pipeline's datasource node run). */
export type StreamFamily = 'chat' | 'chatflow' | 'completion' | 'workflow' | 'datasource';

export type DifyCredentialType = 'difyApi' | 'difyKnowledgeApi' | 'difyWebhookTriggerApi';

/** One node of the package, as the operation table describes it. */
export interface DifyNodeSpec {
	/** n8n type name, part of the public contract (docs/contract.md). */
	name: string;
	/** The node's display name, for errors that name the node; the node file declares the same. */
	displayName: string;
	credential: DifyCredentialType;
	/** Dify app modes this node serves, used to explain wrong-key errors. */
	modes: string[];
	/** The node's reading of Dify's errors, in its own fields' terms. */
	advise: Advise;
	/** Absent for the Knowledge node. */
	family?: StreamFamily;
	resources: ResourceSpec[];
}

export interface ResourceSpec {
	value: string;
	name: string;
	operations: DifyOperation[];
}

export interface OperationContext {
	node: DifyNodeSpec;
	itemIndex: number;
}

/** An operation keeps its form fields and its code together (like n8n's vendor nodes). */
export interface DifyOperation {
	value: string;
	name: string;
	/** What the operation does, in n8n's node list and canvas names; per node when it names the app type. */
	action: string | ((node: DifyNodeSpec) => string);
	description: string;
	/** Fields of this operation; a function when they differ per node (e.g. Chatflow's workflow ID). */
	properties: INodeProperties[] | ((node: DifyNodeSpec) => INodeProperties[]);
	execute(this: IExecuteFunctions, ctx: OperationContext): Promise<INodeExecutionData[]>;
}
