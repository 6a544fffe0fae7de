import type { IExecuteFunctions, INodeType } from 'n8n-workflow';

import { buildDescription } from '../shared/description';
import { listSearch, resourceMapping } from '../shared/methods';
import { DIFY_CHATFLOW } from '../shared/operationTable';
import { route } from '../shared/router';

export class DifyChatflow implements INodeType {
	description = buildDescription(DIFY_CHATFLOW);

	methods = { listSearch, resourceMapping };

	async execute(this: IExecuteFunctions) {
		return await route.call(this, DIFY_CHATFLOW);
	}
}
