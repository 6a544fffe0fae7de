import type { IDataObject } from 'n8n-workflow';

import { jsonItems, optionsCollection, targetOf } from '../../../shared/helpers/common';
import { difyRequest } from '../../../shared/transport/request';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator } from '../../helpers/locators';
import { datasetPath } from '../../helpers/request';

export const getDatasourcePlugins: DifyOperation = {
	value: 'getDatasourcePlugins',
	name: 'Get Datasource Plugins',
	action: 'List the datasource nodes of a knowledge pipeline',
	description:
		'List the datasource nodes of a pipeline knowledge base (Dify 1.9+): one item per node with its node_id, plugin, datasource type, input variables and credentials',
	properties: [
		datasetLocator('A knowledge base created from a knowledge pipeline'),
		optionsCollection([
			{
				displayName: 'Draft Pipeline',
				name: 'draft',
				type: 'boolean',
				default: false,
				description: 'Whether to list the nodes of the draft pipeline instead of the published one',
			},
		]),
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const options = this.getNodeParameter('options', i, {}) as { draft?: boolean };
		const body = (await difyRequest.call(this, targetOf(ctx.node), {
			method: 'GET',
			path: `${datasetPath.call(this, i)}/pipeline/datasource-plugins`,
			qs: { is_published: options.draft === true ? 'false' : 'true' },
			itemIndex: i,
		})) as unknown;
		// Dify answers a bare JSON list here, not the usual {data: [...]} page.
		return jsonItems(Array.isArray(body) ? (body as IDataObject[]) : []);
	},
};
