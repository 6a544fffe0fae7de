import type { IDataObject } from 'n8n-workflow';

import { FieldProblem, isObject, readPath, shown } from './itemFields';

/** Where each part of the answer is read from in the item (defaults: Dify's own names). */
export interface AnswerFields {
	result: string;
	flagged: string;
	action: string;
	presetResponse: string;
	inputs: string;
	query: string;
	text: string;
}

export const DIFY_ANSWER_FIELDS: AnswerFields = {
	result: 'result',
	flagged: 'flagged',
	action: 'action',
	presetResponse: 'preset_response',
	inputs: 'inputs',
	query: 'query',
	text: 'text',
};

const ACTIONS = ['direct_output', 'overridden'];

/** What the trigger's item says about the call: the point and what Dify sent with it. */
export interface ExtensionRequest extends IDataObject {
	point: string;
}

/**
 * The answer Dify reads for the point the trigger received (see docs/dify-behaviour.md, 'API-based
 * Extension (Dify calls n8n)'), built from the first item and checked the way Dify checks it, so a
 * wrong field fails here, naming the field, instead of failing the Dify app's message.
 */
export function buildExtensionAnswer(json: IDataObject, fields: AnswerFields, request: ExtensionRequest): IDataObject {
	const problem = (field: string, message: string, value: unknown) => new FieldProblem(0, field, `${message}, but the item has ${shown(value)}`);
	const text = (field: string, what: string): string | undefined => {
		const value = readPath(json, field);
		if (value === undefined || value === null) return undefined;
		if (typeof value === 'string') return value;
		if (typeof value === 'number' || typeof value === 'boolean') return String(value);
		throw problem(field, `must be text (Dify's "${what}")`, value);
	};

	if (request.point === 'app.external_data_tool.query') {
		const result = text(fields.result, 'result');
		if (result === undefined) throw problem(fields.result, 'is required: it is the text Dify puts into the prompt (Dify\'s "result")', readPath(json, fields.result));
		return { result };
	}
	if (request.point !== 'app.moderation.input' && request.point !== 'app.moderation.output') {
		throw new FieldProblem(0, 'point', `is ${shown(request.point)}, which this node does not answer`);
	}

	const flagged = readPath(json, fields.flagged);
	if (typeof flagged !== 'boolean') throw problem(fields.flagged, 'must be true or false (Dify\'s "flagged")', flagged);
	const action = readPath(json, fields.action) ?? (flagged ? undefined : 'direct_output');
	if (typeof action !== 'string' || !ACTIONS.includes(action)) {
		throw problem(fields.action, 'must be "direct_output" or "overridden" (Dify\'s "action")', action);
	}
	if (!flagged) return { flagged: false, action };

	if (action === 'direct_output') {
		const preset = text(fields.presetResponse, 'preset_response');
		if (preset === undefined) throw problem(fields.presetResponse, 'is required with action "direct_output": it is what Dify shows instead (Dify\'s "preset_response")', undefined);
		return { flagged: true, action, preset_response: preset };
	}
	if (request.point === 'app.moderation.output') {
		const replaced = text(fields.text, 'text');
		if (replaced === undefined) throw problem(fields.text, 'is required with action "overridden": it is the answer Dify shows instead (Dify\'s "text")', undefined);
		return { flagged: true, action, text: replaced };
	}
	// Input moderation: Dify goes on with exactly the inputs and query it gets back, so whichever of
	// the two the item leaves out is the one Dify sent (never an empty one that would erase it).
	const inputs = readPath(json, fields.inputs);
	if (inputs !== undefined && inputs !== null && !isObject(inputs)) throw problem(fields.inputs, 'must be an object (Dify\'s "inputs")', inputs);
	const query = text(fields.query, 'query');
	if ((inputs === undefined || inputs === null) && query === undefined) {
		throw problem(`${fields.inputs}" or "${fields.query}`, 'is required with action "overridden": the replaced inputs or question', undefined);
	}
	return {
		flagged: true,
		action,
		inputs: (inputs as IDataObject | null | undefined) ?? (isObject(request.inputs) ? request.inputs : {}),
		query: query ?? (typeof request.query === 'string' ? request.query : ''),
	};
}
