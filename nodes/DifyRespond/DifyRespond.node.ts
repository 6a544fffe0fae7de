import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { RESPOND_WITH_NODE_LABEL } from '../shared/inbound/respondField';
import { DEFAULT_ERROR_STATUS, errorAnswer, errorText } from './errorAnswer';
import { DIFY_ANSWER_FIELDS, buildExtensionAnswer, type AnswerFields } from './extensionAnswer';
import { FieldProblem } from './itemFields';
import { buildRecords, type RecordFields } from './records';
import { TRIGGER_NAMES, findTriggerCall, type TriggerCall } from './triggerCall';

type Mode = 'records' | 'extensionAnswer' | 'error';

export class DifyRespond implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Respond to Dify',
		// The editor's Docs link: the README's section on the workflows Dify calls.
		documentationUrl: 'https://github.com/n8n-nodes-dify-suite/n8n-nodes-dify-suite#respond-to-dify-difyrespond',
		name: 'difyRespond',
		icon: { light: 'file:../../icons/dify.svg', dark: 'file:../../icons/dify.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["mode"]}}',
		description: 'Answers the Dify call that started the workflow: retrieval records, an extension answer, or an error',
		defaults: { name: 'Respond to Dify' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// n8n's community lint requires the property and its type admits no `false`. As an AI Agent's
		// tool the node is not on the main path after a Dify trigger, so it stops with "No Dify trigger
		// started this execution" (README, "Respond to Dify").
		usableAsTool: true,
		properties: [
			{
				displayName:
					'Set the Dify trigger\'s "Respond" to "Using \'Respond to Dify\' Node". This node sends the answer Dify reads; its output is that answer.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Respond With',
				name: 'mode',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Retrieval Records',
						value: 'records',
						description: 'For the Dify External Knowledge Trigger: every item becomes a record, best first, at most top_k, none under the score threshold',
					},
					{
						name: 'Extension Answer',
						value: 'extensionAnswer',
						description: 'For the Dify Extension Trigger: the first item becomes the answer of the point Dify called (result, or a moderation verdict)',
					},
					{
						name: 'Error',
						value: 'error',
						description: 'An error answer in Dify\'s shape, e.g. on the error output of a node that failed',
					},
				],
				default: 'records',
			},
			{
				displayName: 'Content Field',
				name: 'contentField',
				type: 'string',
				default: 'content',
				required: true,
				description: "The item field holding the record's text (Dify's content). Dots reach into objects, e.g. payload.text.",
				displayOptions: { show: { mode: ['records'] } },
			},
			{
				displayName: 'Score Field',
				name: 'scoreField',
				type: 'string',
				default: 'score',
				required: true,
				description: 'The item field holding the relevance score, a number; records are sorted by it and compared with Dify\'s score threshold',
				displayOptions: { show: { mode: ['records'] } },
			},
			{
				displayName: 'Title Field',
				name: 'titleField',
				type: 'string',
				default: 'title',
				description: "The item field holding the record's title (empty when the item has none)",
				displayOptions: { show: { mode: ['records'] } },
			},
			{
				displayName: 'Metadata Field',
				name: 'metadataField',
				type: 'string',
				default: 'metadata',
				description: 'The item field holding the record\'s metadata, an object; a missing or null one is sent as {} (Dify fails on null)',
				displayOptions: { show: { mode: ['records'] } },
			},
			{
				displayName: 'Field Names',
				name: 'answerFields',
				type: 'collection',
				placeholder: 'Add Field Name',
				default: {},
				description: 'Where the answer is read from in the first item, when its fields are not named as Dify names them',
				displayOptions: { show: { mode: ['extensionAnswer'] } },
				options: [
					{ displayName: 'Action', name: 'action', type: 'string', default: 'action', description: 'Moderation: direct_output or overridden (when not flagged, direct_output if missing)' },
					{ displayName: 'Flagged', name: 'flagged', type: 'string', default: 'flagged', description: 'Moderation: true or false' },
					{ displayName: 'Inputs', name: 'inputs', type: 'string', default: 'inputs', description: "Input moderation, overridden: the app's new inputs (Dify's are kept when missing)" },
					{ displayName: 'Preset Response', name: 'presetResponse', type: 'string', default: 'preset_response', description: 'Moderation, direct_output: what Dify shows instead' },
					{ displayName: 'Query', name: 'query', type: 'string', default: 'query', description: "Input moderation, overridden: the new question (Dify's is kept when missing)" },
					{ displayName: 'Result', name: 'result', type: 'string', default: 'result', description: 'External data tool: the text Dify puts into the prompt' },
					{ displayName: 'Text', name: 'text', type: 'string', default: 'text', description: 'Output moderation, overridden: the answer Dify shows instead' },
				],
			},
			{
				displayName: 'Error Message',
				name: 'errorMessage',
				type: 'string',
				default: '={{ $json.error }}',
				description: "The message of the error answer. The default reads the error a failed node's error output carries.",
				displayOptions: { show: { mode: ['error'] } },
			},
			{
				displayName: 'Options',
				name: 'errorOptions',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				displayOptions: { show: { mode: ['error'] } },
				options: [
					{
						displayName: 'Error Code',
						name: 'errorCode',
						type: 'string',
						default: '',
						description: 'The error_code (External Knowledge, a number; unset: the status) or code (extensions; unset: workflow_error) of the body',
					},
					{
						displayName: 'Response Code',
						name: 'responseCode',
						type: 'number',
						typeOptions: { minValue: 400, maxValue: 599 },
						default: 500,
						description:
							'The HTTP status. Unset: 500 for External Knowledge (Dify retries 3 times, then shows "Reached maximum retries"; other codes make Dify retrieve nothing, silently) and 400 for extensions (Dify fails the message and shows the start of the body).',
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const pairedItem = items.map((_, item) => ({ item }));
		let failure: Error;
		try {
			const body = await respond.call(this, items);
			return [[{ json: body, pairedItem }]];
		} catch (error) {
			failure = error as Error;
		}
		if (this.continueOnFail()) return [[{ json: { error: failure.message }, pairedItem }]];
		throw failure;
	}
}

/** Sends Dify's answer for the trigger call of this execution; returns the body sent. */
async function respond(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<IDataObject> {
	const call = findTriggerCall(this);
	if (!call) {
		throw new NodeOperationError(this.getNode(), 'No Dify trigger started this execution', {
			description: `Respond to Dify answers the call of a ${TRIGGER_NAMES.retrieval} or ${TRIGGER_NAMES.extension} placed before it in the workflow.`,
		});
	}
	if (call.responseMode !== 'responseNode') {
		throw new NodeOperationError(this.getNode(), `"${call.name}" does not wait for this node`, {
			description: `Set its "Respond" to "${RESPOND_WITH_NODE_LABEL}"; otherwise n8n answers Dify with the last node's first item and ignores this one.`,
		});
	}
	const mode = this.getNodeParameter('mode', 0) as Mode;
	const { status, body } = answer.call(this, mode, call, items);
	await this.sendResponse({ body, headers: {}, statusCode: status });
	return body;
}

function answer(this: IExecuteFunctions, mode: Mode, call: TriggerCall, items: INodeExecutionData[]): { status: number; body: IDataObject } {
	if (mode === 'error') {
		const options = this.getNodeParameter('errorOptions', 0, {}) as { responseCode?: number; errorCode?: string };
		const status = options.responseCode ?? DEFAULT_ERROR_STATUS[call.kind];
		const message = errorText(this.getNodeParameter('errorMessage', 0, ''));
		return { status, body: errorAnswer(call.kind, status, message, String(options.errorCode ?? '')) };
	}
	const wanted: TriggerCall['kind'] = mode === 'records' ? 'retrieval' : 'extension';
	if (call.kind !== wanted) {
		throw new NodeOperationError(this.getNode(), `"Respond With" does not match "${call.name}"`, {
			description: `A ${TRIGGER_NAMES[call.kind]} needs "${call.kind === 'retrieval' ? 'Retrieval Records' : 'Extension Answer'}" (or "Error").`,
		});
	}
	let problem: unknown;
	try {
		if (mode === 'records') {
			const fields: RecordFields = {
				content: this.getNodeParameter('contentField', 0) as string,
				score: this.getNodeParameter('scoreField', 0) as string,
				title: this.getNodeParameter('titleField', 0, 'title') as string,
				metadata: this.getNodeParameter('metadataField', 0, 'metadata') as string,
			};
			const limits = { top_k: Number(call.request.top_k), score_threshold: Number(call.request.score_threshold ?? 0) };
			return { status: 200, body: { records: buildRecords(items, fields, limits) } };
		}
		const fields: AnswerFields = { ...DIFY_ANSWER_FIELDS, ...(this.getNodeParameter('answerFields', 0, {}) as Partial<AnswerFields>) };
		return { status: 200, body: buildExtensionAnswer(items[0]?.json ?? {}, fields, { ...call.request, point: String(call.request.point) }) };
	} catch (error) {
		problem = error;
	}
	if (!(problem instanceof FieldProblem)) throw problem;
	throw new NodeOperationError(this.getNode(), `The field "${problem.field}" ${problem.message}`, {
		itemIndex: problem.itemIndex,
		description: 'Dify would reject this answer. Fix the node that builds the items, or point the node at the right field.',
	});
}
