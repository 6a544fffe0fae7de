import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * How Dify cuts a document into chunks (ProcessRule, docs/dify-behaviour.md, 'Process rules'), as
 * options of the create/update operations. Each setting is offered only under the Segmentation it
 * belongs to (n8n evaluates a collection option's displayOptions against the other options of the
 * same collection).
 */
export function processRuleOptions(): INodeProperties[] {
	return [
		{
			displayName: 'Segmentation',
			name: 'segmentation',
			type: 'options',
			options: [
				{ name: 'Automatic', value: 'automatic', description: "Dify's defaults (about 500 tokens per chunk)" },
				{ name: 'Custom', value: 'custom', description: 'Your separator and chunk length' },
				{ name: 'Parent-Child (Hierarchical)', value: 'hierarchical', description: 'Parent chunks for context, child chunks for matching' },
			],
			default: 'automatic',
			description: 'How to cut the document into chunks. Without it Dify reuses the knowledge base\'s last rule.',
		},
		{ displayName: 'Separator', name: 'separator', type: 'string', default: '\\n\\n', description: 'Custom / Parent-Child: text that ends a (parent) chunk; \\n is a line break', displayOptions: { show: { segmentation: ['custom', 'hierarchical'] } } },
		{ displayName: 'Max Chunk Length (Tokens)', name: 'maxTokens', type: 'number', typeOptions: { minValue: 1 }, default: 500, description: 'Custom / Parent-Child: longest (parent) chunk, at most 4000 on a default Dify', displayOptions: { show: { segmentation: ['custom', 'hierarchical'] } } },
		{ displayName: 'Chunk Overlap (Tokens)', name: 'chunkOverlap', type: 'number', typeOptions: { minValue: 0 }, default: 50, description: 'Custom: tokens shared by neighbouring chunks', displayOptions: { show: { segmentation: ['custom'] } } },
		{
			displayName: 'Parent Mode',
			name: 'parentMode',
			type: 'options',
			options: [
				{ name: 'Paragraph', value: 'paragraph', description: 'Each separated paragraph is a parent chunk' },
				{ name: 'Full Document', value: 'full-doc', description: 'The whole document is one parent chunk' },
			],
			default: 'paragraph',
			displayOptions: { show: { segmentation: ['hierarchical'] } },
		},
		{ displayName: 'Child Separator', name: 'childSeparator', type: 'string', default: '\\n', description: 'Parent-Child: text that ends a child chunk', displayOptions: { show: { segmentation: ['hierarchical'] } } },
		{ displayName: 'Child Max Length (Tokens)', name: 'childMaxTokens', type: 'number', typeOptions: { minValue: 1 }, default: 200, description: 'Parent-Child: longest child chunk', displayOptions: { show: { segmentation: ['hierarchical'] } } },
		{ displayName: 'Remove Extra Spaces', name: 'removeExtraSpaces', type: 'boolean', default: true, description: 'Whether to collapse runs of spaces, line breaks and tabs (Custom / Parent-Child)', displayOptions: { show: { segmentation: ['custom', 'hierarchical'] } } },
		{ displayName: 'Remove URLs and Emails', name: 'removeUrlsEmails', type: 'boolean', default: false, description: 'Whether to delete URLs and email addresses (Custom / Parent-Child)', displayOptions: { show: { segmentation: ['custom', 'hierarchical'] } } },
	];
}

export interface ProcessRuleInput {
	segmentation?: string;
	separator?: string;
	maxTokens?: number;
	chunkOverlap?: number;
	parentMode?: string;
	childSeparator?: string;
	childMaxTokens?: number;
	removeExtraSpaces?: boolean;
	removeUrlsEmails?: boolean;
}

/** The `process_rule` to send, or undefined to let Dify reuse the knowledge base's last one. */
export function processRule(this: IExecuteFunctions, input: ProcessRuleInput, i: number): IDataObject | undefined {
	const mode = input.segmentation;
	if (!mode) return undefined;
	if (mode === 'automatic') return { mode: 'automatic' };
	// n8n fields hold "\n" as two characters; Dify wants the line break itself.
	const unescape = (s: string | undefined, fallback: string) => (s || fallback).replace(/\\n/g, '\n').replace(/\\t/g, '\t');
	const separator = unescape(input.separator, '\n\n');
	const maxTokens = input.maxTokens ?? 500;
	if (!Number.isInteger(maxTokens) || maxTokens < 1) {
		throw new NodeOperationError(this.getNode(), 'Max Chunk Length must be a whole number of tokens', { itemIndex: i, description: 'Use e.g. 500; Dify accepts up to 4000 by default.' });
	}
	const rules: IDataObject = {
		pre_processing_rules: [
			{ id: 'remove_extra_spaces', enabled: input.removeExtraSpaces ?? true },
			{ id: 'remove_urls_emails', enabled: input.removeUrlsEmails ?? false },
		],
		segmentation: { separator, max_tokens: maxTokens, chunk_overlap: input.chunkOverlap ?? (mode === 'custom' ? 50 : 0) },
	};
	if (mode === 'hierarchical') {
		rules.parent_mode = input.parentMode ?? 'paragraph';
		rules.subchunk_segmentation = { separator: unescape(input.childSeparator, '\n'), max_tokens: input.childMaxTokens ?? 200, chunk_overlap: 0 };
	}
	return { mode, rules };
}
