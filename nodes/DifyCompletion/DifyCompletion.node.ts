import type { IExecuteFunctions, INodeType } from 'n8n-workflow';

import { buildDescription } from '../shared/description';
import { listSearch, resourceMapping } from '../shared/methods';
import { DIFY_COMPLETION } from '../shared/operationTable';
import { route } from '../shared/router';

export class DifyCompletion implements INodeType {
	description = buildDescription(DIFY_COMPLETION);

	methods = { listSearch, resourceMapping };

	async execute(this: IExecuteFunctions) {
		return await route.call(this, DIFY_COMPLETION);
	}
}
