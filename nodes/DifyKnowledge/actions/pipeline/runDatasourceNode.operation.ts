import type { IDataObject } from 'n8n-workflow';

import { getJsonObject, locatorValue, optionsCollection, requireId, targetOf } from '../../../shared/helpers/common';
import { readStream } from '../../../shared/helpers/generate';
import { getStreamSettings } from '../../../shared/helpers/streamOptions';
import type { DifyOperation } from '../../../shared/types';
import { datasetLocator } from '../../helpers/locators';
import { DatasourceResult } from '../../helpers/pipelineRun';
import { datasetPath, enc } from '../../helpers/request';
import { datasourceNodeLocator, datasourceTypeField, draftOption, pipelineInputsField, streamTimeoutOptions } from './fields';

interface NodeRunOptions {
	draft?: boolean;
	credentialId?: string;
	timeout?: number;
	silenceTimeout?: number;
}

export const runDatasourceNode: DifyOperation = {
	value: 'runDatasourceNode',
	name: 'Run Datasource Node',
	action: 'Run a datasource node of a knowledge pipeline',
	description:
		'Run one datasource node of a pipeline knowledge base (Dify 1.9+): crawl a website, list the pages of an online document workspace or the files of a drive. Outputs what the node found, to choose the items for Run Pipeline.',
	properties: [
		datasetLocator('A knowledge base created from a knowledge pipeline'),
		datasourceNodeLocator('Datasource Node', 'nodeId', 'The datasource node to run (its node_id)'),
		datasourceTypeField,
		pipelineInputsField('Values of the node\'s input variables as a JSON object, e.g. {"url": "https://example.com"} for a crawler (user_input_variables in Get Datasource Plugins)'),
		optionsCollection([
			draftOption,
			{
				displayName: 'Credential ID',
				name: 'credentialId',
				type: 'string',
				default: '',
				description: 'The datasource credential to use (an ID from the node\'s credentials in Get Datasource Plugins); by default the provider\'s default credential',
			},
			...streamTimeoutOptions,
		]),
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const options = this.getNodeParameter('options', i, {}) as NodeRunOptions;
		const path = datasetPath.call(this, i);
		const nodeId = requireId.call(this, locatorValue.call(this, 'nodeId', i), 'Datasource Node', i);
		const body: IDataObject = {
			inputs: getJsonObject.call(this, 'inputs', i, 'Inputs'),
			datasource_type: this.getNodeParameter('datasourceType', i) as string,
			is_published: options.draft !== true,
		};
		if (options.credentialId?.trim()) body.credential_id = options.credentialId.trim();
		const settings = { ...getStreamSettings.call(this, i, options), streamToChat: false };
		const fold = new DatasourceResult();
		// Always a stream; Dify ends it after the node's last result (no closing event) and has no stop route.
		await readStream.call(this, targetOf(ctx.node), { method: 'POST', path: `${path}/pipeline/datasource/nodes/${enc(nodeId)}/run`, body, itemIndex: i }, 'datasource', settings, fold, undefined);
		return [{ json: fold.result() }];
	},
};
