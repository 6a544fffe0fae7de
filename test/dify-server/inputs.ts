import { invalidParam } from './http';
import type { AppRuntime, EndUser, ServerState } from './state';
import type { UserInputDefinition } from './types';
import { resolveFileMapping, type ResolvedFile } from './files';

export interface ValidatedInputs {
	values: Record<string, unknown>;
	files: Record<string, ResolvedFile | ResolvedFile[]>;
}

function definitions(app: AppRuntime): { type: string; def: UserInputDefinition }[] {
	return app.userInputForm.map((item) => {
		const [type] = Object.keys(item);
		return { type, def: item[type] };
	});
}

const stripNul = (s: string) => s.replace(/\u0000/g, '');

/**
 * Dify's input-form validation (BaseAppGenerator): unknown keys dropped, required checked, types
 * coerced. Workflow/chatflow fill defaults of omitted optional inputs; easy-UI apps do not.
 */
export function validateInputs(
	state: ServerState,
	app: AppRuntime,
	user: EndUser,
	raw: Record<string, unknown>,
): ValidatedInputs {
	const applyDefaults = app.mode === 'workflow' || app.mode === 'advanced-chat';
	const values: Record<string, unknown> = {};
	const files: ValidatedInputs['files'] = {};
	for (const { type, def } of definitions(app)) {
		const name = def.variable;
		let value = raw[name];
		if (type === 'external_data_tool') continue;
		if (value === undefined || value === null) {
			if (def.required) throw invalidParam(`${name} is required in input form`);
			if (applyDefaults && def.default !== undefined && def.default !== null && def.default !== '') values[name] = def.default;
			continue;
		}
		if (type !== 'file' && type !== 'file-list' && type !== 'json_object') {
			const isDict = typeof value === 'object' && !Array.isArray(value);
			const isDictList = Array.isArray(value) && value.some((v) => v && typeof v === 'object');
			if (isDict || isDictList) throw invalidParam(`Invalid input type for [${name}]`);
		}
		switch (type) {
			case 'text-input':
			case 'paragraph':
			case 'select': {
				if (typeof value !== 'string') throw invalidParam(`${name} in input form must be a string`);
				value = stripNul(value);
				const text = value as string;
				if (type === 'select' && def.options && !def.options.includes(text)) {
					if (text === '' && !def.required) continue;
					throw invalidParam(`${name} in input form must be one of the following: ${pyList(def.options)}`);
				}
				if (type !== 'select' && def.max_length && [...text].length > def.max_length) {
					throw invalidParam(`${name} in input form must be less than ${def.max_length} characters`);
				}
				break;
			}
			case 'number': {
				if (typeof value === 'string') {
					if (value.trim() === '') {
						if (def.required) throw invalidParam(`${name} is required in input form`);
						continue;
					}
					const n = Number(value);
					if (!Number.isFinite(n)) throw invalidParam(`${name} in input form must be a valid number`);
					value = n;
				} else if (typeof value !== 'number') {
					throw invalidParam(`${name} in input form must be a valid number`);
				}
				break;
			}
			case 'checkbox': {
				value = toBool(value, name);
				break;
			}
			case 'file': {
				if (value === '' && !def.required) continue;
				if (typeof value !== 'object' || Array.isArray(value)) throw invalidParam(`Invalid input type for [${name}]`);
				const f = resolveFileMapping(state, app, user, value, def.allowed_file_types ?? null);
				files[name] = f;
				break;
			}
			case 'file-list': {
				if (!Array.isArray(value)) throw invalidParam(`Invalid input type for [${name}]`);
				if (def.max_length && value.length > def.max_length) {
					throw invalidParam(`${name} in input form must be less than ${def.max_length} files`);
				}
				files[name] = value.map((v) => resolveFileMapping(state, app, user, v, def.allowed_file_types ?? null));
				break;
			}
			case 'json_object': {
				if (typeof value !== 'object' || Array.isArray(value)) throw invalidParam(`${name} in input form must be a JSON object`);
				break;
			}
		}
		values[name] = value;
	}
	return { values, files };
}

function toBool(value: unknown, name: string): boolean {
	if (typeof value === 'boolean') return value;
	if (value === 1 || value === 0) return value === 1;
	if (typeof value === 'string') {
		const v = value.toLowerCase();
		if (['true', '1', 'yes', 'on'].includes(v)) return true;
		if (['false', '0', 'no', 'off', ''].includes(v)) return false;
	}
	throw invalidParam(`${name} in input form must be a boolean`);
}

/** Python's repr of a list of strings, as it appears inside Dify's messages. */
export const pyList = (items: string[]) => `[${items.map((s) => `'${s}'`).join(', ')}]`;
