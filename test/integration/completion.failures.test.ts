import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { callNode, failure, useDifyServer } from './support';

/** One failure per operation of the two nodes that the feature tests do not already fail. */
const server = useDifyServer();

const binary: INodeExecutionData = { json: {}, binary: { data: { data: Buffer.from('x').toString('base64'), mimeType: 'text/plain', fileName: 'x.txt' } } };
const UUID = '00000000-0000-4000-8000-000000000000';

const cases: Array<[string, string, IDataObject, string | RegExp]> = [
	['difyCompletion', 'file/upload', { resource: 'file', operation: 'upload', binaryPropertyName: 'data', user: 'u' }, /^Dify error file_too_large/],
	['difyWorkflow', 'file/upload', { resource: 'file', operation: 'upload', binaryPropertyName: 'data', user: 'u' }, /^Dify error file_too_large/],
	['difyCompletion', 'feedback/getAll', { resource: 'feedback', operation: 'getAll', returnAll: true }, /^Dify error internal_server_error/],
	['difyCompletion', 'annotation/getAll', { resource: 'annotation', operation: 'getAll', returnAll: true }, /^Dify error internal_server_error/],
	['difyCompletion', 'annotation/create', { resource: 'annotation', operation: 'create', question: 'q', answer: 'a' }, /^Dify error internal_server_error/],
	['difyCompletion', 'annotation/delete', { resource: 'annotation', operation: 'delete', annotationId: UUID }, /^Dify error not_found/],
	[
		'difyCompletion',
		'annotation/configureReply',
		{ resource: 'annotation', operation: 'configureReply', action: 'enable', embeddingProviderName: 'p', embeddingModelName: 'm', scoreThreshold: 0.5 },
		/^Dify error internal_server_error/,
	],
	['difyCompletion', 'app/getInfo', { resource: 'app', operation: 'getInfo' }, /^Dify error internal_server_error/],
	['difyCompletion', 'app/getParameters', { resource: 'app', operation: 'getParameters' }, /^Dify error internal_server_error/],
	['difyCompletion', 'app/getSite', { resource: 'app', operation: 'getSite' }, /^Dify error forbidden/],
	['difyWorkflow', 'app/getParameters', { resource: 'app', operation: 'getParameters' }, /^Dify error internal_server_error/],
	['difyWorkflow', 'app/getSite', { resource: 'app', operation: 'getSite' }, /^Dify error forbidden/],
];

const injected: Record<string, { path: string; status: number; code: string; message: string }> = {
	'file/upload': { path: '/files/upload', status: 413, code: 'file_too_large', message: 'File size exceeded. {message}' },
	'feedback/getAll': { path: '/app/feedbacks', status: 500, code: 'internal_server_error', message: 'Internal Server Error' },
	'annotation/getAll': { path: '/apps/annotations', status: 500, code: 'internal_server_error', message: 'Internal Server Error' },
	'annotation/create': { path: '/apps/annotations', status: 500, code: 'internal_server_error', message: 'Internal Server Error' },
	'annotation/configureReply': { path: '/apps/annotation-reply/enable', status: 500, code: 'internal_server_error', message: 'Internal Server Error' },
	'app/getInfo': { path: '/info', status: 500, code: 'internal_server_error', message: 'Internal Server Error' },
	'app/getParameters': { path: '/parameters', status: 500, code: 'internal_server_error', message: 'Internal Server Error' },
	'app/getSite': { path: '/site', status: 403, code: 'forbidden', message: 'Site not found.' },
};

describe.each(cases)('%s %s', (type, op, parameters, expected) => {
	it('fails with Dify\'s error', async () => {
		const rule = injected[op];
		if (rule) server().misbehave({ path: rule.path, jsonError: { status: rule.status, code: rule.code, message: rule.message } });
		const key = type === 'difyWorkflow' ? server().keys.workflow : server().keys.completion;
		const result = await callNode(server(), { key, type: `dify.${type}`, parameters, items: [binary] });
		expect(failure(result).message).toMatch(expected);
	});
});
