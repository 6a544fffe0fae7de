import { appTypeNames, nodeForMode, wrongAppTypeMessage } from './appTypes';
import type { Advise, DifyFailure, ErrorAdvice, FailedRequest } from './transport/errors';
import { isWrongAppTypeCode } from './transport/errors';

/** The node asking, in the terms an error names it: its display name and the app modes it serves. */
export interface AskingNode {
	nodeDisplayName: string;
	modes: string[];
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** "text" when Dify says `text is required in input form` (any code, or none). */
export function missingInputOf(message: string | undefined): string | undefined {
	// A bounded prefix: Dify's messages are short, and the lazy group must not scan a huge one.
	return /^\s*(\S.{0,199}?) is required in input form\b/i.exec((message ?? '').slice(0, 400))?.[1]?.trim();
}

/** Why the busy back-off gave up, in the words of the app nodes' options. */
function busyWhy(req: FailedRequest, byProxy: boolean): string {
	const busy = req.busy!;
	if (busy.retryAfterMs !== undefined) {
		return `The server asked to wait ${seconds(busy.retryAfterMs)} (Retry-After), more than is left of "Max Wait When Dify Is Busy" (${seconds(busy.maxWaitMs)}), so the node stopped waiting.`;
	}
	if (busy.maxWaitMs <= 0) return '"Max Wait When Dify Is Busy" is 0, so the node did not wait.';
	return `${byProxy ? 'The proxy kept refusing' : 'The app stayed at its limit'} for the whole "Max Wait When Dify Is Busy" (${seconds(busy.maxWaitMs)}).`;
}

function busyHint(f: DifyFailure): string {
	if (f.notDify) return `${busyWhy(f.req, true)} Lower "Items at Once", raise the proxy's limit, or raise "Max Wait When Dify Is Busy".`;
	return `Dify refuses new runs of this app while its limit of concurrent requests is reached (max_active_requests; self-hosted default APP_MAX_ACTIVE_REQUESTS). ${busyWhy(f.req, false)} Lower "Items at Once", spread the workflows that use this app over time, raise the app's limit in Dify, or raise "Max Wait When Dify Is Busy".`;
}

function hintFor(f: DifyFailure, asking: AskingNode): string | undefined {
	const { code } = f.body;
	const message = f.body.message ?? '';
	const { req, httpStatus } = f;
	if ((httpStatus === 401 || code === 'unauthorized') && req.secret?.startsWith('dataset-')) {
		return 'The credential holds a Knowledge API key ("dataset-…"), which only works with the Dify Knowledge node. App nodes need the API key of the app itself ("app-…"): in Dify open the app, then API Access (top right) → API Key, and put it in a "Dify API" credential.';
	}
	if (httpStatus === 401 || code === 'unauthorized') {
		return 'Dify rejected the API key. Check the key in the credential: app nodes need the API key of that app (it starts with "app-"); a Knowledge key ("dataset-…") only works with the Dify Knowledge node, and an app key does not work there.';
	}
	if (/^(Conversation|Message|Last Conversation|First Message|Conversation Variable) Not Exists/i.test(message)) {
		const sent = req.user === undefined ? 'no user' : `user "${req.user}"`;
		return `Dify only shows conversations and messages to the end user that created them. This request was sent with ${sent}: set the User field to the same value as the run that created the conversation or message.`;
	}
	if (isWrongAppTypeCode(code)) {
		if (code === 'app_unavailable') {
			return 'The app is unavailable: its configuration is incomplete, it is not published, or the key belongs to an app of another type. Open the app in Dify and check it is published.';
		}
		return `This API key belongs to a Dify app of another type than this node serves. Use a key of a ${appTypeNames(asking.modes)} app here, or the node that matches the app type (Chatbot, Chatflow, Completion or Workflow).`;
	}
	if (code === 'rate_limit_error') {
		return 'Dify Cloud\'s quota of workflow executions for this workspace is used up. Waiting seconds does not help, so the node does not retry: upgrade the plan or wait until the quota renews.';
	}
	if (code === 'too_many_requests' || httpStatus === 429) {
		if (req.busy) return busyHint(f);
		return 'Dify is limiting concurrent requests to this app. Wait and retry, or process fewer items at once.';
	}
	const missing = missingInputOf(message);
	if (missing) {
		return `Dify checks the app's required inputs on every ${/workflows/.test(req.path) ? 'run' : 'request'}. Set "${missing}" in Inputs (JSON), e.g. {"${missing}": "…"}, or switch Inputs to "Fields From the App" and fill in ${missing}.`;
	}
	if (code === 'invalid_param' && /user must be provided/i.test(message)) return 'Fill in the User field.';
	if (code === 'invalid_param' && /Invalid upload file/i.test(message)) {
		return 'Dify only lets the end user that uploaded a file use it: upload the file with the same User value as the message or run.';
	}
	if (code === 'provider_not_initialize' || code === 'provider_quota_exceeded' || code === 'model_currently_not_support') {
		return 'The app\'s model provider is not usable: check the model credentials and quota in Dify.';
	}
	if (httpStatus === 404 && code === 'not_found' && /requested URL was not found/i.test(message)) {
		return 'Dify has no such route: an ID is probably not a valid UUID, or the Dify version is too old for this operation.';
	}
	return undefined;
}

/**
 * How the app nodes (and the trigger's app events) read Dify's errors: a key of another app type
 * names the node that serves it, a missing required input names the variable, and every other
 * known error says what to do in the node's fields.
 */
export function appAdvice(asking: AskingNode): Advise {
	return (f: DifyFailure): ErrorAdvice | undefined => {
		if (f.notDify) return f.req.busy ? { hint: busyHint(f) } : undefined;
		const app = f.req.app;
		if (isWrongAppTypeCode(f.body.code) && app && nodeForMode(app.mode) !== asking.nodeDisplayName) {
			return { headline: wrongAppTypeMessage(app, asking), hint: `Dify answered: ${f.said}.` };
		}
		const missing = missingInputOf(f.body.message);
		const hint = hintFor(f, asking);
		if (missing) return { headline: `The Dify app requires the input "${missing}", and it was not sent (${f.said})`, hint };
		return hint ? { hint } : undefined;
	};
}
