import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { difyRequest, type DifyTarget } from '../transport/request';
import { binaryMultipart } from './binaryMultipart';

const CATEGORY: Record<string, string> = {};
for (const ext of ['jpg', 'jpeg', 'png', 'webp', 'gif', 'svg']) CATEGORY[ext] = 'image';
for (const ext of ['mp4', 'mov', 'mpeg', 'webm']) CATEGORY[ext] = 'video';
for (const ext of ['mp3', 'm4a', 'wav', 'amr', 'mpga']) CATEGORY[ext] = 'audio';
for (const ext of ['txt', 'markdown', 'md', 'mdx', 'pdf', 'html', 'htm', 'xlsx', 'xls', 'docx', 'csv', 'vtt', 'properties', 'doc', 'eml', 'msg', 'pptx', 'ppt', 'xml', 'epub']) {
	CATEGORY[ext] = 'document';
}

/** Dify's file `type` for a name or URL (docs/dify-behaviour.md, 'Files'); `custom` lets the app's allowed extensions decide. */
export function difyFileType(nameOrUrl: string, mimeType?: string): string {
	const path = nameOrUrl.split(/[?#]/)[0];
	const ext = path.includes('.') ? path.slice(path.lastIndexOf('.') + 1).toLowerCase() : '';
	if (CATEGORY[ext]) return CATEGORY[ext];
	const major = (mimeType ?? '').split('/')[0];
	if (major === 'image' || major === 'audio' || major === 'video') return major;
	return 'custom';
}

export interface UploadedFile extends IDataObject {
	id: string;
	name: string;
	mime_type: string;
	extension: string;
}

/** Uploads one n8n binary property to `/files/upload` as `user` (files are private to the uploader). */
export async function uploadBinary(
	this: IExecuteFunctions,
	target: DifyTarget,
	i: number,
	propertyName: string,
	user: string,
	overrides: { fileName?: string; mimeType?: string } = {},
): Promise<UploadedFile> {
	const binary = this.helpers.assertBinaryData(i, propertyName);
	const fileName = overrides.fileName || binary.fileName || `file.${binary.fileExtension ?? 'bin'}`;
	// Dify rejects a file part without a content type (415 unsupported_file_type).
	const contentType = overrides.mimeType || binary.mimeType || 'application/octet-stream';
	const part = { fieldName: 'file', fileName, contentType };
	const { body, headers } = await binaryMultipart.call(this, binary, { user }, part, async () => await this.helpers.getBinaryDataBuffer(i, propertyName));
	return (await difyRequest.call(this, target, {
		method: 'POST',
		path: '/files/upload',
		body,
		headers,
		user,
		itemIndex: i,
	})) as UploadedFile;
}

export function splitList(value: unknown): string[] {
	if (Array.isArray(value)) return value.map(String).map((s) => s.trim()).filter(Boolean);
	return String(value ?? '')
		.split(/[\n,]/)
		.map((s) => s.trim())
		.filter(Boolean);
}

/** Uploads the named binary properties and references the URLs: Dify file mappings for `files` or `inputs`. */
export async function fileMappings(
	this: IExecuteFunctions,
	target: DifyTarget,
	i: number,
	user: string,
	binaryProperties: string[],
	urls: string[],
): Promise<IDataObject[]> {
	const mappings: IDataObject[] = [];
	for (const property of binaryProperties) {
		const uploaded = await uploadBinary.call(this, target, i, property, user);
		mappings.push({ type: difyFileType(uploaded.name, uploaded.mime_type), transfer_method: 'local_file', upload_file_id: uploaded.id });
	}
	for (const url of urls) {
		if (!/^https?:\/\//i.test(url)) {
			throw new NodeOperationError(this.getNode(), `"${url}" is not a file URL`, {
				itemIndex: i,
				description: 'File URLs must start with http:// or https:// and be reachable by the Dify server.',
			});
		}
		mappings.push({ type: difyFileType(url), transfer_method: 'remote_url', url });
	}
	return mappings;
}
