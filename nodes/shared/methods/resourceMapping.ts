import type { FieldType, IDataObject, ILoadOptionsFunctions, ResourceMapperField, ResourceMapperFields } from 'n8n-workflow';

import { difyRequest } from '../transport/request';
import { assertAppType, loadTarget } from './nodeSpec';

/** Dify input control → n8n field type (docs/dify-behaviour.md, 'Input form'). File inputs have their own fields. */
const TYPES: Record<string, FieldType> = {
	'text-input': 'string',
	paragraph: 'string',
	select: 'options',
	number: 'number',
	checkbox: 'boolean',
	json_object: 'object',
};

/** Turns one `user_input_form` item (`{"<type>": {...}}`) into a form field, or skips it. */
export function inputField(item: IDataObject): ResourceMapperField | undefined {
	const [kind, raw] = Object.entries(item)[0] ?? [];
	const def = (raw ?? {}) as IDataObject;
	const type = TYPES[String(def.type ?? kind)];
	const variable = String(def.variable ?? '');
	if (!type || !variable) return undefined;
	const label = typeof def.label === 'string' && def.label ? def.label : variable;
	const field: ResourceMapperField = {
		id: variable,
		displayName: label === variable ? variable : `${label} (${variable})`,
		required: def.required === true,
		defaultMatch: false,
		display: true,
		type,
		canBeUsedToMatch: false,
		// Hidden inputs are pre-filled in Dify's own UI; they can still be added here.
		removed: def.hide === true,
	};
	if (type === 'options') field.options = ((def.options as string[] | undefined) ?? []).map((o) => ({ name: o, value: o }));
	if (def.default !== undefined && def.default !== null && def.default !== '') field.defaultValue = def.default as string | number | boolean;
	return field;
}

/**
 * n8n 2.41 loads these fields again when a parameter they depend on changes: Inputs, or the name in
 * Credential's App, which n8n refreshes when another credential is selected. It does not refresh it
 * when the node had no credential before, so the notice of a failed load also says how to reload.
 */
export const RELOAD_HINT = "Selecting another credential loads its app's fields; if they do not appear, set Inputs to JSON and back to Fields From the App.";

export async function getAppInputs(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const target = loadTarget.call(this);
	let parameters: IDataObject;
	try {
		// Dify serves /parameters for every app type: check the type first, as a run would.
		await assertAppType.call(this, target);
		parameters = await difyRequest.call(this, target, { method: 'GET', path: '/parameters' });
	} catch (error) {
		// n8n 2.x's resource mapper drops a load error's message and shows only "Can't get inputs."
		// (and, without automatic mapping, nothing at all). The notice for "no fields" is shown as
		// is, so the form says what went wrong and what to do, as the run would.
		const { message, description } = error as { message?: string; description?: string | null };
		return { fields: [], emptyFieldsNotice: [message, description, RELOAD_HINT].filter(Boolean).join(' ') };
	}
	const form = Array.isArray(parameters.user_input_form) ? (parameters.user_input_form as IDataObject[]) : [];
	const fields = form.map(inputField).filter((f): f is ResourceMapperField => f !== undefined);
	return {
		fields,
		emptyFieldsNotice: 'This app has no input variables (file inputs are set under Files or File Inputs).',
	};
}
