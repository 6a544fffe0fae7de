import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { jsonItems, optionsCollection } from '../../../shared/helpers/common';
import { callWebhook, parseWebhookUrl } from '../../../shared/transport/webhookTrigger';
import type { DifyOperation } from '../../../shared/types';
import { answerError, answerJson } from '../../answer';
import { buildWebhookRequest } from '../../request';
import { newRunTag, RUN_TAG_HEADER, waitForTaggedRun } from '../../waitForRun';

const DEFAULT_TIMEOUT_S = 60;
const DEFAULT_MAX_WAIT_S = 300;
const DEFAULT_POLL_INTERVAL_S = 2;

const nameValue = (label: string, placeholder: string): INodeProperties[] => [
	{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder },
	{ displayName: 'Value', name: 'value', type: 'string', default: '', description: `Value of the ${label}` },
];

const properties: INodeProperties[] = [
	{
		displayName: 'Method',
		name: 'method',
		type: 'options',
		options: [
			{ name: 'DELETE', value: 'DELETE' },
			{ name: 'GET', value: 'GET' },
			{ name: 'HEAD', value: 'HEAD' },
			{ name: 'PATCH', value: 'PATCH' },
			{ name: 'POST', value: 'POST' },
			{ name: 'PUT', value: 'PUT' },
		],
		default: 'POST',
		description: 'The Method set on the Webhook Trigger in Dify; Dify refuses any other',
	},
	{
		displayName: 'Body Content Type',
		name: 'contentType',
		type: 'options',
		options: [
			{ name: 'Binary File', value: 'application/octet-stream', description: 'One file as the whole body' },
			{ name: 'Form (URL-Encoded)', value: 'application/x-www-form-urlencoded', description: 'Text fields' },
			{ name: 'JSON', value: 'application/json', description: 'A JSON object' },
			{ name: 'Multipart Form Data', value: 'multipart/form-data', description: 'Text fields and files' },
			{ name: 'Text', value: 'text/plain', description: 'Plain text as the whole body' },
		],
		default: 'application/json',
		description: 'The Content Type set on the Webhook Trigger in Dify; Dify refuses any other',
	},
	{
		displayName: 'JSON Body',
		name: 'jsonBody',
		type: 'json',
		default: '{}',
		displayOptions: { show: { contentType: ['application/json'] } },
		description: 'A JSON object with the body parameters of the Webhook Trigger, e.g. {"text": "hello"}',
	},
	{
		displayName: 'Form Fields',
		name: 'formFields',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Field',
		displayOptions: { show: { contentType: ['application/x-www-form-urlencoded', 'multipart/form-data'] } },
		options: [{ displayName: 'Field', name: 'field', values: nameValue('field', 'e.g. text') }],
		description: 'Text body parameters. Dify converts them to the type the trigger declares (number, boolean).',
	},
	{
		displayName: 'Files',
		name: 'files',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add File',
		displayOptions: { show: { contentType: ['multipart/form-data'] } },
		options: [
			{
				displayName: 'File',
				name: 'file',
				values: [
					{ displayName: 'Parameter Name', name: 'name', type: 'string', default: '', placeholder: 'e.g. document', description: 'The file parameter of the Webhook Trigger in Dify' },
					{ displayName: 'Input Binary Field', name: 'binaryPropertyName', type: 'string', default: 'data', hint: 'Name of the binary field of the input item' },
				],
			},
		],
		description: 'Files sent with the form; Dify turns each into a file variable of the workflow',
	},
	{
		displayName: 'Text Body',
		name: 'textBody',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		displayOptions: { show: { contentType: ['text/plain'] } },
		description: 'Sent as the whole body; the workflow reads it as the body\'s "raw" value',
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		displayOptions: { show: { contentType: ['application/octet-stream'] } },
		hint: 'Name of the binary field whose file is sent as the whole body',
	},
	{
		displayName: 'Query Parameters',
		name: 'queryParameters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Query Parameter',
		options: [{ displayName: 'Parameter', name: 'parameter', values: nameValue('query parameter', 'e.g. source') }],
	},
	{
		displayName: 'Headers',
		name: 'headerParameters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Header',
		options: [{ displayName: 'Header', name: 'header', values: nameValue('header', 'e.g. X-Source') }],
	},
	{
		displayName: 'Wait for Result',
		name: 'waitForResult',
		type: 'boolean',
		default: false,
		description:
			'Whether to wait until the run the call started has finished and output it. Needs a Dify API credential with the API key of the same workflow app; not possible with a debug URL.',
	},
	optionsCollection([
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_TIMEOUT_S,
			description: 'Longest time for the webhook call itself, until Dify\'s answer is complete. Dify answers once the run is queued.',
		},
		{
			displayName: 'Max Wait (Seconds)',
			name: 'maxWait',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_MAX_WAIT_S,
			displayOptions: { show: { '/waitForResult': [true] } },
			description: 'With Wait for Result: longest time to wait for the run in total; after it the node fails and the run goes on in Dify',
		},
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollInterval',
			type: 'number',
			typeOptions: { minValue: 0.01, numberPrecision: 2 },
			default: DEFAULT_POLL_INTERVAL_S,
			displayOptions: { show: { '/waitForResult': [true] } },
			description: 'With Wait for Result: time between looks at the run; later ones wait a little longer, up to 10 s',
		},
	]),
];

export const start: DifyOperation = {
	value: 'start',
	name: 'Start',
	action: 'Start a workflow through its webhook trigger',
	description: 'Call the Webhook Trigger of a Dify workflow (JSON, form, files) and output Dify\'s answer, or wait for the run\'s result',
	properties,
	async execute(ctx) {
		const i = ctx.itemIndex;
		const credentials = await this.getCredentials('difyWebhookTriggerApi', i);
		const url = parseWebhookUrl(credentials.secretWebhookUrl);
		if ('problem' in url) {
			throw new NodeOperationError(this.getNode(), `The Dify Webhook Trigger credential cannot be used: ${url.problem}`, {
				itemIndex: i,
				description: 'Open the Webhook Trigger node of the workflow in Dify and copy its Webhook URL into the credential.',
			});
		}
		const wait = this.getNodeParameter('waitForResult', i, false) === true;
		if (wait && url.debug) {
			throw new NodeOperationError(this.getNode(), 'Wait for Result does not work with a debug Webhook URL', {
				itemIndex: i,
				description: 'Calls to /triggers/webhook-debug/… run the draft in Dify\'s editor and leave no run in the app\'s logs. Use the published Webhook URL (/triggers/webhook/…), or turn Wait for Result off.',
			});
		}
		const options = this.getNodeParameter('options', i, {}) as IDataObject;
		const request = await buildWebhookRequest.call(this, i);
		const tag = wait ? newRunTag() : undefined;
		if (tag) request.headers[RUN_TAG_HEADER] = tag;
		const answer = await callWebhook.call(this, url, {
			...request,
			timeoutMs: Math.max(1, Number(options.timeout ?? DEFAULT_TIMEOUT_S)) * 1000,
			timeoutOption: 'Timeout (Seconds)',
			itemIndex: i,
		});
		if (answer.statusCode < 200 || answer.statusCode >= 300) throw answerError.call(this, url, answer, i);
		const json = answerJson(answer);
		if (tag) {
			json.run = await waitForTaggedRun.call(
				this,
				{ credential: 'difyApi', advise: ctx.node.advise },
				tag,
				{
					maxWaitMs: Math.max(1, Number(options.maxWait ?? DEFAULT_MAX_WAIT_S)) * 1000,
					intervalMs: Math.max(0.01, Number(options.pollInterval ?? DEFAULT_POLL_INTERVAL_S)) * 1000,
				},
				i,
			);
		}
		return jsonItems(json);
	},
};
