import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { binaryMultipart, type MultipartRequestBody } from '../../shared/helpers/binaryMultipart';
import { targetOf } from '../../shared/helpers/common';
import { difyRequest } from '../../shared/transport/request';
import type { OperationContext } from '../../shared/types';
import type { DocumentOptionsInput } from './documentOptions';
import { waitForIndexing } from './indexing';

/** The multipart body of a document file: the file streamed from n8n, the settings as Dify's `data` JSON string. */
export async function documentFileBody(this: IExecuteFunctions, binary: IBinaryData, args: IDataObject, fileName: string | undefined, readBuffer: () => Promise<Buffer>): Promise<MultipartRequestBody> {
	const name = fileName || binary.fileName || `document.${binary.fileExtension ?? 'txt'}`;
	const part = { fieldName: 'file', fileName: name, contentType: binary.mimeType || 'application/octet-stream' };
	return await binaryMultipart.call(this, binary, { data: Object.keys(args).length ? JSON.stringify(args) : undefined }, part, readBuffer);
}

/** Sends a multipart document body (create or update by file). */
export async function sendDocumentFile(this: IExecuteFunctions, ctx: OperationContext, method: 'POST' | 'PATCH', path: string, multipart: MultipartRequestBody): Promise<IDataObject> {
	return await difyRequest.call(this, targetOf(ctx.node), { method, path, body: multipart.body, headers: multipart.headers, itemIndex: ctx.itemIndex });
}

/** `{document, batch}` as Dify answered, plus the final indexing status when the operation waited for it. */
export async function documentResult(this: IExecuteFunctions, ctx: OperationContext, datasetPath: string, answer: IDataObject, options: DocumentOptionsInput): Promise<INodeExecutionData[]> {
	const json: IDataObject = { ...answer };
	if (options.waitForIndexing && typeof answer.batch === 'string') {
		const statuses = await waitForIndexing.call(this, ctx, datasetPath, answer.batch, options);
		const document = answer.document as IDataObject | undefined;
		const own = statuses.find((s) => s.id === document?.id) ?? statuses[0];
		// `indexing`: the progress record of the batch (segments done, timestamps), beside the updated document.
		json.indexing = own;
		if (document) json.document = { ...document, indexing_status: own?.indexing_status };
	}
	return [{ json }];
}
