import type { IDataObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { multipartWithFiles, type MultipartFile } from '../shared/transport/multipart';

/** Dify's content types of a Webhook Trigger, the node's option values (docs/dify-behaviour.md, 'Webhook triggers'). */
export const CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain', 'application/octet-stream'] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

export const METHODS: IHttpRequestMethods[] = ['POST', 'GET', 'PUT', 'PATCH', 'DELETE', 'HEAD'];

/** Headers the node writes itself: a user's value would contradict the body actually sent. */
const RESERVED_HEADERS = new Set(['content-type', 'content-length', 'transfer-encoding', 'host', 'connection']);
/** RFC 9110 token characters. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~\w-]+$/;

export interface BuiltRequest {
	method: IHttpRequestMethods;
	qs: Record<string, string>;
	headers: Record<string, string>;
	body?: Buffer | unknown;
}

interface NameValue {
	name?: unknown;
	value?: unknown;
}

function pairs(this: IExecuteFunctions, parameter: string, group: string, i: number): Array<{ name: string; value: string }> {
	const raw = this.getNodeParameter(parameter, i, {}) as IDataObject;
	const rows = Array.isArray(raw?.[group]) ? (raw[group] as NameValue[]) : [];
	return rows
		.map((row) => ({ name: String(row.name ?? '').trim(), value: valueText(row.value) }))
		.filter((row) => row.name !== '');
}

/** Expressions may yield numbers, booleans or objects; they are sent as text, objects as JSON. */
function valueText(value: unknown): string {
	if (value === undefined || value === null) return '';
	return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function fail(this: IExecuteFunctions, i: number, message: string, description: string): never {
	throw new NodeOperationError(this.getNode(), message, { itemIndex: i, description });
}

function jsonBody(this: IExecuteFunctions, i: number): Buffer {
	const raw = this.getNodeParameter('jsonBody', i, '{}') as unknown;
	let value = raw;
	if (typeof raw === 'string') {
		if (raw.trim() === '') return Buffer.from('{}');
		try {
			value = JSON.parse(raw);
		} catch (error) {
			fail.call(this, i, 'JSON Body is not valid JSON', `Write a JSON object such as {"text": "hello"}. Parser said: ${(error as Error).message}`);
		}
	}
	// Dify reads the body's named parameters from an object; anything else makes it fail with HTTP 500.
	if (!value || typeof value !== 'object' || Array.isArray(value)) {
		fail.call(this, i, 'JSON Body must be a JSON object', 'Dify\'s Webhook Trigger reads its body parameters by name from a JSON object, e.g. {"text": "hello", "count": 2}.');
	}
	return Buffer.from(JSON.stringify(value), 'utf8');
}

async function fileParts(this: IExecuteFunctions, i: number): Promise<MultipartFile[]> {
	const raw = this.getNodeParameter('files', i, {}) as IDataObject;
	const rows = Array.isArray(raw?.file) ? (raw.file as IDataObject[]) : [];
	const files: MultipartFile[] = [];
	const seen = new Set<string>();
	for (const row of rows) {
		const fieldName = String(row.name ?? '').trim();
		const property = String(row.binaryPropertyName ?? 'data').trim() || 'data';
		if (!fieldName) fail.call(this, i, 'A file has no Parameter Name', 'Enter the name of the file parameter of the Webhook Trigger in Dify (its Request Body Parameters, type File).');
		// Dify keeps one file per name (werkzeug's first), so a repeated name would lose a file silently.
		if (seen.has(fieldName)) fail.call(this, i, `The file parameter "${fieldName}" is listed twice`, 'Dify reads one file per parameter name. Give each file its own parameter in Dify and in the node.');
		seen.add(fieldName);
		const binary = this.helpers.assertBinaryData(i, property);
		const fileName = binary.fileName || `file.${binary.fileExtension ?? 'bin'}`;
		const contentType = binary.mimeType || 'application/octet-stream';
		if (binary.id) {
			const { fileSize } = await this.helpers.getBinaryMetadata(binary.id);
			const content = (await this.helpers.getBinaryStream(binary.id, 256 * 1024)) as AsyncIterable<Buffer>;
			files.push({ fieldName, fileName, contentType, content, size: fileSize });
		} else {
			const content = await this.helpers.getBinaryDataBuffer(i, property);
			files.push({ fieldName, fileName, contentType, content, size: content.length });
		}
	}
	return files;
}

async function binaryBody(this: IExecuteFunctions, i: number): Promise<{ body: Buffer | unknown; length: number }> {
	const property = String(this.getNodeParameter('binaryPropertyName', i, 'data') ?? 'data').trim() || 'data';
	const binary = this.helpers.assertBinaryData(i, property);
	if (binary.id) {
		const { fileSize } = await this.helpers.getBinaryMetadata(binary.id);
		return { body: await this.helpers.getBinaryStream(binary.id, 256 * 1024), length: fileSize };
	}
	const bytes = await this.helpers.getBinaryDataBuffer(i, property);
	return { body: bytes, length: bytes.length };
}

/**
 * The request of one item: method, query, headers and a body of the Webhook Trigger's content type.
 * The Content-Type header is always sent, also without a body: Dify compares it with the trigger's
 * setting (and takes a missing one for JSON).
 */
export async function buildWebhookRequest(this: IExecuteFunctions, i: number): Promise<BuiltRequest> {
	const method = String(this.getNodeParameter('method', i, 'POST')).toUpperCase() as IHttpRequestMethods;
	if (!METHODS.includes(method)) fail.call(this, i, `Method "${method}" is not one a Dify Webhook Trigger accepts`, `Use one of ${METHODS.join(', ')}, the Method set on the trigger in Dify.`);
	const contentType = String(this.getNodeParameter('contentType', i, 'application/json')) as ContentType;
	if (!CONTENT_TYPES.includes(contentType)) fail.call(this, i, `Body Content Type "${contentType}" is not one a Dify Webhook Trigger accepts`, `Use one of ${CONTENT_TYPES.join(', ')}.`);

	const qs: Record<string, string> = {};
	for (const { name, value } of pairs.call(this, 'queryParameters', 'parameter', i)) qs[name] = value;
	const headers: Record<string, string> = {};
	for (const { name, value } of pairs.call(this, 'headerParameters', 'header', i)) {
		if (!HEADER_NAME.test(name)) fail.call(this, i, `Header name "${name.slice(0, 60)}" is not a valid HTTP header name`, 'Header names are letters, digits and - _ . without spaces.');
		if (RESERVED_HEADERS.has(name.toLowerCase())) fail.call(this, i, `The header "${name}" is set by the node`, 'Content-Type follows Body Content Type, and the length follows the body. Remove it from Headers.');
		if (/[\r\n]/.test(value)) fail.call(this, i, `The value of header "${name}" contains a line break`, 'Header values must be one line.');
		headers[name] = value;
	}
	const request: BuiltRequest = { method, qs, headers: { ...headers, 'Content-Type': contentType } };
	if (method === 'HEAD') return request;

	switch (contentType) {
		case 'application/json':
			request.body = jsonBody.call(this, i);
			break;
		case 'application/x-www-form-urlencoded': {
			const form = new URLSearchParams();
			for (const { name, value } of pairs.call(this, 'formFields', 'field', i)) form.append(name, value);
			// As URLSearchParams: n8n's request helper re-reads a form body through URLSearchParams itself.
			request.body = form;
			break;
		}
		case 'multipart/form-data': {
			const fields: Record<string, string> = {};
			for (const { name, value } of pairs.call(this, 'formFields', 'field', i)) fields[name] = value;
			const multipart = await multipartWithFiles(fields, await fileParts.call(this, i));
			request.body = multipart.body;
			request.headers['Content-Type'] = multipart.contentType;
			request.headers['Content-Length'] = String(multipart.contentLength);
			break;
		}
		case 'text/plain':
			request.headers['Content-Type'] = 'text/plain; charset=utf-8';
			request.body = Buffer.from(String(this.getNodeParameter('textBody', i, '') ?? ''), 'utf8');
			break;
		case 'application/octet-stream': {
			const { body, length } = await binaryBody.call(this, i);
			request.body = body;
			request.headers['Content-Length'] = String(length);
			break;
		}
	}
	return request;
}
