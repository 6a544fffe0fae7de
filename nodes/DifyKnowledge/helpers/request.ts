import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { locatorValue, requireId, targetOf } from '../../shared/helpers/common';
import { difyRequest, type DifyRequest } from '../../shared/transport/request';
import type { OperationContext } from '../../shared/types';

/** One Knowledge API call of an operation, with the node's credential and item index. */
export async function knowledgeRequest(
	this: IExecuteFunctions,
	ctx: OperationContext,
	method: DifyRequest['method'],
	path: string,
	extra: { body?: IDataObject; qs?: IDataObject } = {},
): Promise<IDataObject> {
	return await difyRequest.call(this, targetOf(ctx.node), { method, path, ...extra, itemIndex: ctx.itemIndex });
}

const enc = encodeURIComponent;

/** `/datasets/{id}` of the Knowledge Base field. */
export function datasetPath(this: IExecuteFunctions, i: number): string {
	return `/datasets/${enc(requireId.call(this, locatorValue.call(this, 'datasetId', i), 'Knowledge Base', i))}`;
}

export function datasetIdOf(this: IExecuteFunctions, i: number): string {
	return requireId.call(this, locatorValue.call(this, 'datasetId', i), 'Knowledge Base', i);
}

/** `/datasets/{id}/documents/{doc}` of the Knowledge Base and Document fields. */
export function documentPath(this: IExecuteFunctions, i: number): string {
	const documentId = requireId.call(this, locatorValue.call(this, 'documentId', i), 'Document', i);
	return `${datasetPath.call(this, i)}/documents/${enc(documentId)}`;
}

/** A plain string ID parameter, trimmed and required. */
export function idParam(this: IExecuteFunctions, name: string, label: string, i: number): string {
	return requireId.call(this, String(this.getNodeParameter(name, i, '') ?? '').trim(), label, i);
}

/** A list typed as "a, b" or one per line, or mapped in as an array. */
export function listParam(this: IExecuteFunctions, name: string, i: number): string[] {
	const raw = this.getNodeParameter(name, i, '') as unknown;
	const values = Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(/[\n,]/);
	return values.map((s) => s.trim()).filter(Boolean);
}

export { enc };

/**
 * `?name=a&name=b`: Dify reads repeated parameters (tag_ids, status), while n8n would send
 * `name[0]=a`, which Dify ignores. The rest of the query still goes in `qs`.
 */
export function repeatedQuery(name: string, values: string[]): string {
	return values.length ? `?${values.map((v) => `${encodeURIComponent(name)}=${encodeURIComponent(v)}`).join('&')}` : '';
}
