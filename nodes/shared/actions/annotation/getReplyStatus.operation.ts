import { jsonItems, requireId, targetOf } from '../../helpers/common';
import { difyRequest } from '../../transport/request';
import type { DifyOperation } from '../../types';
import { replyActionField } from './fields';

export const getReplyStatus: DifyOperation = {
	value: 'getReplyStatus',
	name: 'Get Reply Status',
	action: 'Get the status of an annotation reply job',
	description: 'Check whether enabling or disabling annotation replies has finished',
	properties: [
		{ ...replyActionField, description: 'The action of the job (the same as in Configure Reply)' },
		{ displayName: 'Job ID', name: 'jobId', type: 'string', default: '', required: true, description: 'The job_id returned by Configure Reply' },
	],
	async execute(ctx) {
		const i = ctx.itemIndex;
		const action = this.getNodeParameter('action', i) as string;
		const jobId = requireId.call(this, (this.getNodeParameter('jobId', i) as string).trim(), 'Job ID', i);
		return jsonItems(
			await difyRequest.call(this, targetOf(ctx.node), {
				method: 'GET',
				path: `/apps/annotation-reply/${action}/status/${encodeURIComponent(jobId)}`,
				itemIndex: i,
			}),
		);
	},
};
