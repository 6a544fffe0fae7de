import type { IDataObject } from 'n8n-workflow';

/** A field of an item that cannot go into Dify's answer: which item, which field, and why. */
export class FieldProblem extends Error {
	constructor(
		readonly itemIndex: number,
		readonly field: string,
		message: string,
	) {
		super(message);
	}
}

export const isObject = (v: unknown): v is IDataObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads `a.b.c` from an item's JSON; a name present as is wins (a field name may contain dots). */
export function readPath(json: IDataObject, path: string): unknown {
	if (path in json) return json[path];
	let value: unknown = json;
	for (const key of path.split('.')) {
		if (!isObject(value)) return undefined;
		value = value[key];
	}
	return value;
}

/** A value as the error message names it: its type and the start of it. */
export function shown(v: unknown): string {
	if (v === undefined) return 'nothing';
	if (v === null) return 'null';
	if (Array.isArray(v)) return 'a list';
	if (typeof v === 'object') return 'an object';
	return `${typeof v} ${JSON.stringify(v).slice(0, 40)}`;
}
