import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { DifyTarget } from '../transport/request';
import type { DifyNodeSpec, OperationContext } from '../types';

export const DEFAULT_USER = 'n8n';

export const userField: INodeProperties = {
	displayName: 'User',
	name: 'user',
	type: 'string',
	default: DEFAULT_USER,
	required: true,
	description:
		'End-user ID sent to Dify. Dify keeps conversations, messages, uploaded files and feedback apart per user: use the same value to continue, list or rate them later. The default "n8n" keeps every run of your workflows in one shared history; map your own end user or chat session ID here to keep them apart.',
};

export function targetOf(node: DifyNodeSpec): DifyTarget {
	return { credential: node.credential, advise: node.advise };
}

export function getUser(this: IExecuteFunctions, i: number): string {
	const user = String(this.getNodeParameter('user', i, DEFAULT_USER) ?? '').trim();
	if (!user) {
		throw new NodeOperationError(this.getNode(), 'The User field is empty', {
			itemIndex: i,
			description: 'Dify needs an end-user ID for this operation. Enter any stable text, e.g. "n8n" or {{ $json.sessionId }}.',
		});
	}
	return user;
}

/** Reads a JSON object parameter that may arrive as text (typed in) or as an object (expression). */
export function getJsonObject(this: IExecuteFunctions, name: string, i: number, label: string): IDataObject {
	const raw = this.getNodeParameter(name, i, {}) as unknown;
	if (raw === '' || raw === undefined || raw === null) return {};
	let value = raw;
	if (typeof raw === 'string') {
		try {
			value = JSON.parse(raw);
		} catch (error) {
			throw new NodeOperationError(this.getNode(), `${label} is not valid JSON`, {
				itemIndex: i,
				description: `Write a JSON object such as {"topic": "pricing"}. Parser said: ${(error as Error).message}`,
			});
		}
	}
	if (!value || typeof value !== 'object' || Array.isArray(value)) {
		throw new NodeOperationError(this.getNode(), `${label} must be a JSON object`, {
			itemIndex: i,
			description: 'Write a JSON object such as {"topic": "pricing"}, keyed by the variable names of the app.',
		});
	}
	return value as IDataObject;
}

export function jsonItems(data: IDataObject | IDataObject[]): INodeExecutionData[] {
	return (Array.isArray(data) ? data : [data]).map((json) => ({ json }));
}

/** A resource locator value, or a plain string from older workflows and expressions. */
export function locatorValue(this: IExecuteFunctions, name: string, i: number): string {
	const raw = this.getNodeParameter(name, i, '', { extractValue: true }) as unknown;
	if (raw && typeof raw === 'object') return String((raw as IDataObject).value ?? '').trim();
	return String(raw ?? '').trim();
}

/**
 * An ID that goes into a URL path. Dify's IDs are UUIDs, or URL-safe tokens (form tokens, task IDs),
 * so anything else, and "." or ".." above all (the URL parser removes them, turning Delete Document
 * into a delete of the knowledge base), is refused before a URL is built, naming the field.
 */
export function requireId(this: IExecuteFunctions, value: string, label: string, i: number): string {
	const id = requireText.call(this, value, label, i);
	if (id === '.' || id === '..' || !/^[\w-]+$/.test(id)) {
		const shown = JSON.stringify(id.length > 60 ? `${id.slice(0, 60)}…` : id);
		throw new NodeOperationError(this.getNode(), `${label} ${shown} is not a Dify ID`, {
			itemIndex: i,
			description: `Dify's IDs are made of letters, digits, "-" and "_" (most are UUIDs like 3f2b…-…). Check the ${label} field, or the expression that fills it.`,
		});
	}
	return id;
}

/** A required value that is sent in a body, not in a URL. */
export function requireText(this: IExecuteFunctions, value: string, label: string, i: number): string {
	if (!value) {
		throw new NodeOperationError(this.getNode(), `${label} is empty`, { itemIndex: i, description: `Enter the ${label}.` });
	}
	return value;
}

export type { OperationContext };

/** The "Options" collection of an operation, its options sorted as n8n's guidelines ask. */
export function optionsCollection(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...options].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

/** The "Filters" collection of a list operation, its filters sorted the same way. */
export function filtersCollection(filters: INodeProperties[]): INodeProperties {
	return { ...optionsCollection(filters), displayName: 'Filters', name: 'filters', placeholder: 'Add Filter' };
}

/** The n8n binary field an operation reads a file from. */
export function inputBinaryField(hint: string): INodeProperties {
	return { displayName: 'Input Binary Field', name: 'binaryPropertyName', type: 'string', default: 'data', required: true, hint };
}

/** The n8n binary field an operation writes a downloaded file to. */
export function outputBinaryField(hint: string): INodeProperties {
	return { displayName: 'Put Output File in Field', name: 'binaryPropertyName', type: 'string', default: 'data', required: true, hint };
}
