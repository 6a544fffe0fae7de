import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { buildProperties } from '../shared/description';
import { listSearch, resourceMapping } from '../shared/methods';
import { DIFY_WORKFLOW } from '../shared/operationTable';
import { route } from '../shared/router';

export class DifyWorkflow implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dify Workflow',
		// The editor's Docs link: this node's section of the README (n8n would link the npm page).
		documentationUrl: 'https://github.com/n8n-nodes-dify-suite/n8n-nodes-dify-suite#dify-workflow-difyworkflow',
		name: 'difyWorkflow',
		icon: { light: 'file:../../icons/dify.svg', dark: 'file:../../icons/dify.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Run a Dify workflow app: run with inputs and files, stop, follow runs and logs, answer human input forms',
		defaults: { name: 'Dify Workflow' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: 'difyApi', required: true }],
		properties: buildProperties(DIFY_WORKFLOW),
	};

	methods = { listSearch, resourceMapping };

	async execute(this: IExecuteFunctions) {
		return await route.call(this, DIFY_WORKFLOW);
	}
}
