import type { IExecuteFunctions, INodeType } from 'n8n-workflow';

import { buildDescription } from '../shared/description';
import { listSearch, resourceMapping } from '../shared/methods';
import { DIFY_WORKFLOW } from '../shared/operationTable';
import { route } from '../shared/router';

export class DifyWorkflow implements INodeType {
	description = buildDescription(DIFY_WORKFLOW);

	methods = { listSearch, resourceMapping };

	async execute(this: IExecuteFunctions) {
		return await route.call(this, DIFY_WORKFLOW);
	}
}
