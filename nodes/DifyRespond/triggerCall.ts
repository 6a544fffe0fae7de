import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { isObject } from './itemFields';

export type TriggerKind = 'retrieval' | 'extension';

/** The Dify trigger that started this execution, and the item it made of Dify's request. */
export interface TriggerCall {
	kind: TriggerKind;
	name: string;
	responseMode: unknown;
	request: IDataObject;
}

export const TRIGGER_NAMES: Record<TriggerKind, string> = {
	retrieval: 'Dify External Knowledge Trigger',
	extension: 'Dify Extension Trigger',
};

/** By type name without the package prefix: n8n adds the package's name, which a fork may change. */
function kindOf(type: string): TriggerKind | undefined {
	if (type.endsWith('.difyExternalKnowledgeTrigger')) return 'retrieval';
	if (type.endsWith('.difyExtensionTrigger')) return 'extension';
	return undefined;
}

/**
 * Finds the Dify trigger upstream of this node that ran in this execution and reads its one item
 * (`$('<trigger>').first()`), however many nodes lie between: the top_k Dify asked for, or the point.
 * Reading the trigger's own output, not this node's input, keeps it right whatever the nodes in
 * between did to the items.
 */
export function findTriggerCall(context: IExecuteFunctions): TriggerCall | undefined {
	const proxy = context.getWorkflowDataProxy(0);
	for (const parent of context.getParentNodes(context.getNode().name, { includeNodeParameters: true })) {
		const kind = kindOf(parent.type);
		if (!kind || parent.disabled) continue;
		const node = proxy.$(parent.name) as { isExecuted: boolean; first(): { json?: unknown } | undefined };
		if (!node.isExecuted) continue;
		const request = node.first()?.json;
		if (!isObject(request)) continue;
		return { kind, name: parent.name, responseMode: parent.parameters?.responseMode, request };
	}
	return undefined;
}
