import type { IDataObject } from 'n8n-workflow';

import { getUser, jsonItems, locatorValue, requireId, targetOf, userField } from '../../helpers/common';
import { getTake, returnAllFields } from '../../helpers/listFields';
import { parseVariableValue } from '../../helpers/variableValue';
import { asPage, collectAfterCursor } from '../../transport/pagination';
import { difyRequest } from '../../transport/request';
import type { DifyOperation } from '../../types';
import { conversationLocator } from './fields';

export const getVariables: DifyOperation = {
	value: 'getVariables',
	name: 'Get Variables',
	action: 'Get the variables of a conversation',
	description: 'Get the conversation variables of a Chatflow conversation, with typed values',
	properties: [
		conversationLocator({ required: true, description: 'The conversation whose variables to get' }),
		{ ...userField, description: 'The User that owns the conversation' },
		...returnAllFields(),
		{
			displayName: 'Variable Name Filter',
			name: 'variableName',
			type: 'string',
			default: '',
			description: 'Only variables whose name contains this text (letters, digits and _ . - only).',
		},
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const user = getUser.call(this, i);
		const id = requireId.call(this, locatorValue.call(this, 'conversationId', i), 'Conversation', i);
		const variableName = (this.getNodeParameter('variableName', i, '') as string).trim();
		const variables = await collectAfterCursor(
			async (lastId, limit) =>
				asPage(
					await difyRequest.call(this, targetOf(ctx.node), {
						method: 'GET',
						path: `/conversations/${encodeURIComponent(id)}/variables`,
						qs: { user, limit, ...(lastId ? { last_id: lastId } : {}), ...(variableName ? { variable_name: variableName } : {}) },
						user,
						itemIndex: i,
					}),
				),
			getTake.call(this, i),
		);
		return jsonItems(
			variables.map((v: IDataObject) => ({ ...v, value: parseVariableValue(String(v.value_type ?? ''), v.value) as IDataObject[string], value_raw: v.value })),
		);
	},
};
