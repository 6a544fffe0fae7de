import { NodeOperationError } from 'n8n-workflow';

import { getUser, jsonItems, locatorValue, requireId, targetOf, userField } from '../../helpers/common';
import { parseVariableValue } from '../../helpers/variableValue';
import { difyRequest } from '../../transport/request';
import type { DifyOperation } from '../../types';
import { conversationLocator } from './fields';

export const updateVariable: DifyOperation = {
	value: 'updateVariable',
	name: 'Update Variable',
	action: 'Update a conversation variable',
	description: 'Set the value of a conversation variable of a Chatflow conversation',
	properties: [
		conversationLocator({ required: true, description: 'The conversation that holds the variable' }),
		{ ...userField, description: 'The User that owns the conversation' },
		{ displayName: 'Variable ID', name: 'variableId', type: 'string', default: '', required: true, description: 'ID of the variable (see Get Variables)' },
		{
			displayName: 'Value',
			name: 'value',
			type: 'string',
			default: '',
			description:
				'New value. Text is sent as a string; for number, boolean, object or array variables write JSON (e.g. 42, true, {"a": 1}) — Dify rejects values of the wrong type.',
		},
		{
			displayName: 'Send Value As',
			name: 'valueType',
			type: 'options',
			options: [
				{ name: 'Text', value: 'string' },
				{ name: 'JSON', value: 'json' },
			],
			default: 'string',
			description: 'Whether the value is plain text, or JSON to send as a number, boolean, object or array',
		},
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const user = getUser.call(this, i);
		const id = requireId.call(this, locatorValue.call(this, 'conversationId', i), 'Conversation', i);
		const variableId = requireId.call(this, (this.getNodeParameter('variableId', i) as string).trim(), 'Variable ID', i);
		const raw = this.getNodeParameter('value', i, '') as unknown;
		const asJson = this.getNodeParameter('valueType', i, 'string') === 'json';
		let value: unknown = raw;
		if (asJson && typeof raw === 'string') {
			try {
				value = JSON.parse(raw);
			} catch (error) {
				throw new NodeOperationError(this.getNode(), 'Value is not valid JSON', { itemIndex: i, description: (error as Error).message });
			}
		}
		const result = await difyRequest.call(this, targetOf(ctx.node), {
			method: 'PUT',
			path: `/conversations/${encodeURIComponent(id)}/variables/${encodeURIComponent(variableId)}`,
			body: { value: value as never, user },
			user,
			itemIndex: i,
		});
		return jsonItems({ ...result, value: parseVariableValue(String(result.value_type ?? ''), result.value) as never, value_raw: result.value });
	},
};
