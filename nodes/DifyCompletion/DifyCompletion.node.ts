import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { buildProperties } from '../shared/description';
import { listSearch, resourceMapping } from '../shared/methods';
import { DIFY_COMPLETION } from '../shared/operationTable';
import { route } from '../shared/router';

export class DifyCompletion implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dify Completion',
		// The editor's Docs link: this node's section of the README (n8n would link the npm page).
		documentationUrl: 'https://github.com/n8n-nodes-dify-suite/n8n-nodes-dify-suite#dify-completion-difycompletion',
		name: 'difyCompletion',
		icon: { light: 'file:../../icons/dify.svg', dark: 'file:../../icons/dify.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["resource"] === "message" && $parameter["operation"] === "send" ? "generate: text" : $parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Generate text with a Dify text generator (completion) app: send inputs, stop, feedback, files, speech and annotations',
		defaults: { name: 'Dify Completion' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: 'difyApi', required: true }],
		properties: buildProperties(DIFY_COMPLETION),
	};

	methods = { listSearch, resourceMapping };

	async execute(this: IExecuteFunctions) {
		return await route.call(this, DIFY_COMPLETION);
	}
}
