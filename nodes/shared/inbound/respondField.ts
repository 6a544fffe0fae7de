import type { INodeProperties } from 'n8n-workflow';

/** The option of both Dify-calls-n8n triggers; Respond to Dify names it in its error when it is not set. */
export const RESPOND_WITH_NODE_LABEL = "Using 'Respond to Dify' Node";

/** How a trigger Dify calls answers: n8n's last-node answer (saved workflows keep it), or Respond to Dify. */
export const respondField: INodeProperties = {
	displayName: 'Respond',
	name: 'responseMode',
	type: 'options',
	options: [
		{ name: 'When Last Node Finishes', value: 'lastNode', description: "Answers with the first item of the last node that ran, which must be in Dify's shape" },
		{ name: RESPOND_WITH_NODE_LABEL, value: 'responseNode', description: 'Answers with what a Respond to Dify node sends: records, an answer or an error' },
	],
	default: 'lastNode',
};
