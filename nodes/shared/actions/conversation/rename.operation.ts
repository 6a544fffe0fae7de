import { NodeOperationError } from 'n8n-workflow';

import { getUser, jsonItems, locatorValue, requireId, targetOf, userField } from '../../helpers/common';
import { difyRequest } from '../../transport/request';
import type { DifyOperation } from '../../types';
import { conversationLocator } from './fields';

export const rename: DifyOperation = {
	value: 'rename',
	name: 'Rename',
	action: 'Rename a conversation',
	description: 'Give a conversation a name, or let Dify generate one from its messages',
	properties: [
		conversationLocator({ required: true, description: 'The conversation to rename' }),
		{ ...userField, description: 'The User that owns the conversation' },
		{
			displayName: 'Auto-Generate Name',
			name: 'autoGenerate',
			type: 'boolean',
			default: false,
			description: 'Whether Dify should generate the name from the conversation with its model',
		},
		{
			displayName: 'Name',
			name: 'name',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { autoGenerate: [false] } },
		},
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const user = getUser.call(this, i);
		const id = requireId.call(this, locatorValue.call(this, 'conversationId', i), 'Conversation', i);
		const autoGenerate = this.getNodeParameter('autoGenerate', i, false) as boolean;
		const name = autoGenerate ? '' : (this.getNodeParameter('name', i, '') as string).trim();
		if (!autoGenerate && !name) {
			throw new NodeOperationError(this.getNode(), 'Name is empty', { itemIndex: i, description: 'Enter a name, or turn on "Auto-Generate Name".' });
		}
		const result = await difyRequest.call(this, targetOf(ctx.node), {
			method: 'POST',
			path: `/conversations/${encodeURIComponent(id)}/name`,
			body: autoGenerate ? { auto_generate: true, user } : { name, auto_generate: false, user },
			user,
			itemIndex: i,
		});
		return jsonItems(result);
	},
};
