import type { INodeProperties } from 'n8n-workflow';

export const annotationIdField: INodeProperties = {
	displayName: 'Annotation ID',
	name: 'annotationId',
	type: 'string',
	default: '',
	required: true,
	description: 'ID of the annotation (see Get Many)',
};

export const questionAnswerFields: INodeProperties[] = [
	{ displayName: 'Question', name: 'question', type: 'string', typeOptions: { rows: 2 }, default: '', required: true, description: 'The question the annotation answers' },
	{ displayName: 'Answer', name: 'answer', type: 'string', typeOptions: { rows: 4 }, default: '', required: true, description: 'The answer Dify gives when a query matches the question' },
];

export const replyActionField: INodeProperties = {
	displayName: 'Action',
	name: 'action',
	type: 'options',
	options: [
		{ name: 'Enable', value: 'enable' },
		{ name: 'Disable', value: 'disable' },
	],
	default: 'enable',
	description: 'Whether to turn annotation replies on or off',
};
