import type { Ctx, Router } from './http';
import { HttpError, readJsonObject } from './http';
import type { HumanInputForm } from './state';
import { requireUserArg } from './users';

const ACTIONS = [
	{ id: 'approve', title: 'Approve', button_style: 'primary' },
	{ id: 'reject', title: 'Request changes', button_style: 'default' },
];

const FORM_INPUTS = [
	{
		type: 'paragraph',
		output_variable_name: 'feedback',
		default: { type: 'constant', selector: [], value: '' },
	},
];

/** What the paused node asks for: one required paragraph and two actions. */
export function humanInputDefinition(form: HumanInputForm) {
	return {
		form_id: form.formId,
		node_id: form.nodeId,
		node_title: form.nodeTitle,
		form_content: form.formContent,
		inputs: FORM_INPUTS,
		actions: ACTIONS,
		form_token: form.token,
		resolved_default_values: { feedback: '' },
		expiration_time: form.expirationTime,
	};
}

function findForm(ctx: Ctx): HumanInputForm {
	const form = ctx.state.forms.get(ctx.params.form_token);
	if (!form || form.appId !== ctx.app!.id) throw new HttpError(404, 'not_found', 'Form not found');
	return form;
}

function assertOpen(form: HumanInputForm): void {
	if (form.submitted) throw new HttpError(412, 'human_input_form_submitted', 'This form has already been submitted.');
	if (form.expirationTime < Math.floor(Date.now() / 1000)) {
		throw new HttpError(412, 'human_input_form_expired', 'This form has expired.');
	}
}

export function registerHumanInputRoutes(router: Router): void {
	router.add('GET', '/form/human_input/{form_token}', 'app', (ctx) => {
		const form = findForm(ctx);
		assertOpen(form);
		return ctx.out.json(200, {
			form_content: form.formContent,
			inputs: FORM_INPUTS,
			resolved_default_values: { feedback: '' },
			user_actions: ACTIONS,
			expiration_time: form.expirationTime,
		});
	});

	router.add('POST', '/form/human_input/{form_token}', 'app', async (ctx) => {
		const body = readJsonObject(ctx);
		requireUserArg(body.user);
		const form = findForm(ctx);
		assertOpen(form);
		const inputs = body.inputs && typeof body.inputs === 'object' && !Array.isArray(body.inputs) ? (body.inputs as Record<string, unknown>) : {};
		const action = ACTIONS.find((a) => a.id === body.action);
		if (!action) throw new HttpError(400, 'invalid_form_data', `Invalid action: ${String(body.action)}`);
		if (typeof inputs.feedback !== 'string') throw new HttpError(400, 'invalid_form_data', 'Missing required inputs: feedback');
		form.submitted = true;
		ctx.state.runs.get(form.runId)?.resume?.({ action: action.id, actionTitle: action.title, inputs });
		await ctx.out.json(200, {});
	});
}
