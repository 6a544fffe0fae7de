import { NodeOperationError } from 'n8n-workflow';

import { jsonItems, targetOf } from '../../helpers/common';
import { difyRequest } from '../../transport/request';
import type { DifyOperation } from '../../types';

/** Dify routes end users by UUID only (`<uuid:end_user_id>`): anything else would be a bare 404. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const get: DifyOperation = {
	value: 'get',
	name: 'Get',
	action: 'Get an end user of the app',
	description: 'Get the end user behind a created_by or from_end_user_id (Dify 1.13+): its User string (session_id), type and creation time',
	properties: [
		{
			displayName: 'End User ID',
			name: 'endUserId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 6b1c9a4e-2f3d-4e5a-8b7c-1d2e3f4a5b6c',
			description:
				'The end user\'s UUID as Dify reports it, e.g. the created_by of an uploaded file or the from_end_user_id of a message. Its session_id is the User string the node sent.',
		},
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const id = String(this.getNodeParameter('endUserId', i) ?? '').trim();
		if (!UUID.test(id)) {
			throw new NodeOperationError(this.getNode(), id ? `End User ID "${id.slice(0, 60)}" is not a UUID` : 'End User ID is empty', {
				itemIndex: i,
				description:
					'Enter the end user\'s ID as Dify reports it (a UUID such as the created_by of a file or the from_end_user_id of a message), not the User string.',
			});
		}
		return jsonItems(await difyRequest.call(this, targetOf(ctx.node), { method: 'GET', path: `/end-users/${encodeURIComponent(id)}`, itemIndex: i }));
	},
};
