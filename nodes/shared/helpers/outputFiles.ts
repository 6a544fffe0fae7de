import type { IBinaryKeyData, IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { fileNameFromDisposition, mimeTypeFor, safeFileName } from '../transport/fileName';
import { fetchFileUrl, type FileUrlLimits } from '../transport/fileUrl';
import type { DifyTarget } from '../transport/request';

export interface OutputFile {
	/** Where the file sits in the outputs, e.g. `report` or `images[1]`. */
	path: string;
	file: IDataObject;
}

const MAX_DEPTH = 6;

/** Dify's output file objects (docs/dify-behaviour.md, 'Files'): `dify_model_identity`, or the url + filename + transfer_method of older servers. */
export function isDifyFile(value: unknown): value is IDataObject {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
	const v = value as IDataObject;
	if (v.dify_model_identity === '__dify__file__') return true;
	return typeof v.url === 'string' && typeof v.filename === 'string' && typeof v.transfer_method === 'string';
}

/** Every file object among a run's outputs, in output order, with its path. */
export function findOutputFiles(outputs: IDataObject | undefined): OutputFile[] {
	const found: OutputFile[] = [];
	const walk = (value: unknown, path: string, depth: number) => {
		if (isDifyFile(value)) {
			found.push({ path, file: value });
			return;
		}
		if (depth >= MAX_DEPTH || !value || typeof value !== 'object') return;
		if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`, depth + 1));
		else for (const [key, v] of Object.entries(value)) walk(v, path ? `${path}.${key}` : key, depth + 1);
	};
	walk(outputs, '', 0);
	return found;
}

/** Without leading and trailing "_" (a loop: `/_+$/` is quadratic on long runs of "_"). */
function trimUnderscores(text: string): string {
	let start = 0;
	let end = text.length;
	while (start < end && text[start] === '_') start++;
	while (end > start && text[end - 1] === '_') end--;
	return text.slice(start, end);
}

/** `images[1]` → `images_1`: a binary property name n8n expressions can use without quoting. */
export function binaryPropertyFor(path: string, taken: Set<string>): string {
	const base = trimUnderscores(path.replace(/\[(\d+)\]/g, '_$1').replace(/[^A-Za-z0-9_]+/g, '_')) || 'file';
	let name = base;
	for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
	taken.add(name);
	return name;
}

/**
 * Downloads the files among the outputs into binary properties named after their output variable.
 * Their URLs are signed for a few minutes, so this runs right after the run finished.
 */
export async function downloadOutputFiles(
	this: IExecuteFunctions,
	target: DifyTarget,
	outputs: IDataObject | undefined,
	i: number,
	limits: FileUrlLimits = {},
): Promise<{ binary: IBinaryKeyData; files: IDataObject[] }> {
	const binary: IBinaryKeyData = {};
	const files: IDataObject[] = [];
	const taken = new Set<string>();
	for (const { path, file } of findOutputFiles(outputs)) {
		const url = file.url ?? file.remote_url;
		if (typeof url !== 'string' || !url) {
			throw new NodeOperationError(this.getNode(), `The output file "${path}" has no URL to download`, {
				itemIndex: i,
				description: 'Dify sent the file without a URL. Turn off "Download Output Files" and use the file object in the JSON output.',
			});
		}
		const fetched = await fetchFileUrl.call(this, target, url, i, limits);
		const fileName =
			safeFileName(typeof file.filename === 'string' ? file.filename : undefined) ?? fileNameFromDisposition(fetched.contentDisposition) ?? safeFileName(path) ?? 'file';
		const declared = typeof file.mime_type === 'string' && file.mime_type ? file.mime_type : undefined;
		const property = binaryPropertyFor(path, taken);
		binary[property] = await this.helpers.prepareBinaryData(fetched.body, fileName, mimeTypeFor(fileName, declared, fetched.contentType));
		files.push({ output: path, binary_property: property, filename: fileName, mime_type: binary[property].mimeType, size: file.size ?? null });
	}
	return { binary, files };
}
