import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { CUSTOM_API_CALL } from './description';
import { asNodeError } from './transport/errors';
import type { DifyNodeSpec, DifyOperation } from './types';

export function findOperation(spec: DifyNodeSpec, resource: string, operation: string): DifyOperation | undefined {
	return spec.resources.find((r) => r.value === resource)?.operations.find((o) => o.value === operation);
}

function errorJson(error: Error & { description?: string | null; httpCode?: string | null; context?: IDataObject }): IDataObject {
	const json: IDataObject = { error: error.message };
	if (error.description) json.description = error.description;
	if (error.httpCode) json.httpCode = error.httpCode;
	return json;
}

/** "Items at Once" from the operation's options; 1 (in order, one after the other) when absent. */
function concurrencyOf(this: IExecuteFunctions): number {
	try {
		const value = Number(this.getNodeParameter('options.concurrency', 0, 1));
		return Number.isFinite(value) && value >= 1 ? Math.min(Math.floor(value), 32) : 1;
	} catch {
		return 1;
	}
}

/**
 * The item loop every Dify node shares: one result list per input item, output in input order, each
 * output item paired with its input; with "Continue On Fail" a failed item becomes one error item.
 * Items may run several at once (independent workflow runs), never more than the option allows.
 */
export async function route(this: IExecuteFunctions, spec: DifyNodeSpec): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const results: INodeExecutionData[][] = new Array(items.length);
	const runItem = async (i: number): Promise<INodeExecutionData[]> => {
		const resource = this.getNodeParameter('resource', i) as string;
		const operationName = this.getNodeParameter('operation', i) as string;
		if (resource === CUSTOM_API_CALL || operationName === CUSTOM_API_CALL) {
			throw new NodeOperationError(this.getNode(), `"Custom API Call" is made with n8n's HTTP Request node, not with ${spec.displayName}`, {
				itemIndex: i,
				description:
					`Add an HTTP Request node, set Authentication to "Predefined Credential Type", Credential Type to "${spec.credential === 'difyKnowledgeApi' ? 'Dify Knowledge API' : 'Dify API'}", and select the same credential; n8n then sends its API key. URL: the Base URL of the credential with /v1 and the Dify route, e.g. https://api.dify.ai/v1/info. Or choose one of this node's operations.`,
			});
		}
		const operation = findOperation(spec, resource, operationName);
		if (!operation) {
			throw new NodeOperationError(this.getNode(), `The operation "${operationName}" of "${resource}" is not supported by ${spec.displayName}`, {
				itemIndex: i,
			});
		}
		const out = await operation.execute.call(this, { node: spec, itemIndex: i });
		return out.map((result) => ({ ...result, pairedItem: { item: i } }));
	};
	let next = 0;
	const failed: { index?: number; error?: unknown } = {};
	const worker = async () => {
		while (failed.index === undefined && next < items.length) {
			const i = next++;
			try {
				results[i] = await runItem(i);
			} catch (error) {
				if (this.continueOnFail()) {
					results[i] = [{ json: errorJson(error as Error), pairedItem: { item: i } }];
				} else if (failed.index === undefined || i < failed.index) {
					failed.index = i;
					failed.error = error;
				}
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrencyOf.call(this), Math.max(items.length, 1)) }, worker));
	if (failed.index !== undefined) {
		const { index, error } = failed;
		const nodeError = asNodeError(this.getNode(), error, index);
		if (nodeError.context) nodeError.context.itemIndex ??= index;
		throw nodeError;
	}
	return [results.flat()];
}
