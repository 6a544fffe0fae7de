import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

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

/**
 * The item loop every Dify node shares: one result list per input item, in input order, each output
 * item paired with its input; with "Continue On Fail" a failed item becomes one error item.
 */
export async function route(this: IExecuteFunctions, spec: DifyNodeSpec): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const output: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const resource = this.getNodeParameter('resource', i) as string;
			const operationName = this.getNodeParameter('operation', i) as string;
			const operation = findOperation(spec, resource, operationName);
			if (!operation) {
				throw new NodeOperationError(this.getNode(), `The operation "${operationName}" of "${resource}" is not supported by ${spec.displayName}`, {
					itemIndex: i,
				});
			}
			const results = await operation.execute.call(this, { node: spec, itemIndex: i });
			for (const result of results) output.push({ ...result, pairedItem: { item: i } });
		} catch (error) {
			if (this.continueOnFail()) {
				output.push({ json: errorJson(error as Error), pairedItem: { item: i } });
				continue;
			}
			if (error instanceof NodeApiError || error instanceof NodeOperationError) {
				if (error.context) error.context.itemIndex ??= i;
				throw error;
			}
			throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
		}
	}
	return [output];
}
