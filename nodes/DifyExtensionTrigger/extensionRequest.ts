import type { IDataObject } from 'n8n-workflow';

/** The points Dify's API-based Extension sends (besides `ping`, which the node answers itself). */
export const EXTENSION_POINTS = ['app.external_data_tool.query', 'app.moderation.input', 'app.moderation.output'] as const;
export type ExtensionPoint = (typeof EXTENSION_POINTS)[number];

export type ParsedExtension =
	| { ok: true; ping: true }
	| { ok: true; ping: false; point: ExtensionPoint; item: IDataObject }
	| { ok: false; message: string };

const isObject = (v: unknown): v is IDataObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks `{point, params}` against what Dify sends for each point (see docs/dify-behaviour.md,
 * 'API-based Extension (Dify calls n8n)'): the item carries `point` and the params under Dify's names.
 */
export function parseExtensionBody(body: unknown): ParsedExtension {
	if (!isObject(body)) return { ok: false, message: 'The body must be a JSON object {point, params}' };
	const { params } = body;
	if (body.point === 'ping') return { ok: true, ping: true };
	const point = EXTENSION_POINTS.find((p) => p === body.point);
	if (!point) return { ok: false, message: `Unknown point ${JSON.stringify(body.point ?? null).slice(0, 40)}` };
	if (!isObject(params)) return { ok: false, message: 'params must be an object' };
	const inputs = params.inputs ?? {};
	if (point !== 'app.moderation.output' && !isObject(inputs)) return { ok: false, message: 'params.inputs must be an object' };
	if (point === 'app.moderation.output') {
		if (typeof params.text !== 'string') return { ok: false, message: 'params.text must be a string' };
		return { ok: true, ping: false, point, item: { point, app_id: params.app_id ?? null, text: params.text } };
	}
	const query = params.query ?? '';
	if (typeof query !== 'string') return { ok: false, message: 'params.query must be a string' };
	if (point === 'app.moderation.input') return { ok: true, ping: false, point, item: { point, app_id: params.app_id ?? null, inputs, query } };
	if (typeof params.tool_variable !== 'string') return { ok: false, message: 'params.tool_variable must be a string' };
	return { ok: true, ping: false, point, item: { point, app_id: params.app_id ?? null, tool_variable: params.tool_variable, inputs, query } };
}

/**
 * The answer for a point this workflow does not handle: what Dify takes as "nothing to add" and
 * "not flagged" (an external data tool's text is inserted into the prompt, so an empty one adds nothing).
 */
export function unhandledAnswer(point: ExtensionPoint): IDataObject {
	if (point === 'app.external_data_tool.query') return { result: '' };
	return { flagged: false, action: 'direct_output', preset_response: '' };
}

/** Dify's error envelope (`{code, message, status}`); Dify shows the first 100 characters of the body. */
export function extensionError(status: number, code: string, message: string): IDataObject {
	return { code, message, status };
}
