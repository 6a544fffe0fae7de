import { randomBytes, randomUUID } from 'node:crypto';
import type { Ctx, Router } from './http';
import { nowSeconds } from './http';
import type { AppRuntime, ServerState } from './state';
import type { AppFeatures, AppMode, AppSpecInput, UserInputFormItem } from './types';

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Dify's key format: a prefix and 24 random alphanumerics. */
export function generateKey(prefix: 'app-' | 'dataset-'): string {
	const bytes = randomBytes(24);
	let out = prefix;
	for (const b of bytes) out += KEY_ALPHABET[b % KEY_ALPHABET.length];
	return out;
}

const ALL_ON: AppFeatures = {
	suggestedQuestions: true,
	tts: true,
	ttsAutoPlay: false,
	stt: true,
	fileUpload: true,
	citations: true,
	annotationReply: false,
};

const easyInput = (type: string, variable: string, label: string, extra: Record<string, unknown> = {}) => ({
	[type]: { label, variable, required: false, max_length: 48, default: '', ...extra },
});

const startInput = (type: string, variable: string, label: string, extra: Record<string, unknown> = {}) => ({
	[type]: {
		type,
		variable,
		label,
		required: false,
		max_length: null,
		default: '',
		options: [],
		hint: '',
		placeholder: '',
		hide: false,
		...extra,
	},
});

function defaultForm(mode: AppMode): UserInputFormItem[] {
	switch (mode) {
		case 'chat':
		case 'agent-chat':
		case 'agent':
			return [
				easyInput('text-input', 'name', 'Your name') as UserInputFormItem,
				easyInput('select', 'language', 'Language', { options: ['English', 'Deutsch', '日本語'], max_length: undefined }) as UserInputFormItem,
			];
		case 'completion':
			return [
				easyInput('paragraph', 'query', 'Query', { max_length: 4000 }) as UserInputFormItem,
				easyInput('select', 'style', 'Style', { options: ['plain', 'formal'], max_length: undefined }) as UserInputFormItem,
			];
		case 'advanced-chat':
			return [startInput('text-input', 'topic', 'Topic', { max_length: 100 }) as UserInputFormItem];
		case 'workflow':
			return [
				startInput('text-input', 'text', 'Text', { required: true, max_length: 256 }),
				startInput('number', 'count', 'Count', { default: null }),
				startInput('file', 'file', 'File', {
					default: null,
					allowed_file_types: ['image', 'document'],
					allowed_file_extensions: [],
					allowed_file_upload_methods: ['local_file', 'remote_url'],
				}),
				startInput('select', 'tone', 'Tone', { options: ['formal', 'casual'], default: 'formal' }),
				// Hidden control inputs: deterministic scenario triggers, not part of the visible form.
				startInput('checkbox', 'fail', 'Fail', { hide: true, default: false }),
				startInput('number', 'nodes', 'Nodes', { hide: true, default: null }),
				startInput('number', 'output_kb', 'Output KiB', { hide: true, default: null }),
				startInput('number', 'node_kb', 'Node output KiB', { hide: true, default: null }),
				startInput('checkbox', 'pause', 'Pause', { hide: true, default: false }),
				startInput('number', 'sleep_ms', 'Sleep ms', { hide: true, default: null }),
			] as UserInputFormItem[];
	}
}

const DEFAULT_NAMES: Record<AppMode, string> = {
	chat: 'Sandbox Chatbot',
	'agent-chat': 'Sandbox Agent',
	agent: 'Sandbox New Agent',
	'advanced-chat': 'Sandbox Chatflow',
	completion: 'Sandbox Text Generator',
	workflow: 'Sandbox Workflow',
};

export function registerApp(state: ServerState, input: AppSpecInput): AppRuntime {
	const features: AppFeatures = { ...ALL_ON, ...input.features };
	const hasWorkflow = input.mode === 'workflow' || input.mode === 'advanced-chat';
	const app: AppRuntime = {
		id: input.id ?? randomUUID(),
		key: input.key ?? generateKey('app-'),
		mode: input.mode,
		name: input.name ?? DEFAULT_NAMES[input.mode],
		description: input.description === undefined ? `Deterministic ${input.mode} app of the Dify sandbox` : input.description,
		tags: input.tags ?? ['sandbox'],
		authorName: input.authorName === undefined ? 'Sandbox Owner' : input.authorName,
		features,
		userInputForm: input.userInputForm ?? defaultForm(input.mode),
		openingStatement:
			input.openingStatement === undefined
				? input.mode === 'workflow' || input.mode === 'completion'
					? null
					: 'Hello! I echo what you say.'
				: input.openingStatement,
		suggestedQuestions: input.suggestedQuestions ?? (input.mode === 'workflow' ? [] : ['What can you do?', 'Tell me a joke']),
		legacyOrder: input.legacyOrder ?? false,
		publishedWorkflowIds: input.publishedWorkflowIds ?? (hasWorkflow ? [randomUUID(), randomUUID()] : []),
		draftWorkflowId: input.draftWorkflowId ?? randomUUID(),
		conversationVariables:
			input.conversationVariables ??
			(input.mode === 'advanced-chat'
				? [
						{ name: 'topic', value_type: 'string', value: 'general', description: 'Current topic' },
						{ name: 'count', value_type: 'number', value: 0, description: 'Turn counter' },
						{ name: 'prefs', value_type: 'object', value: { lang: 'en', verbose: false }, description: 'Preferences' },
					]
				: []),
		fileUploadNumberLimit: input.fileUploadNumberLimit ?? 3,
		maxActiveRequests: input.maxActiveRequests ?? 0,
		externalKnowledge: input.externalKnowledge,
		createdAt: nowSeconds(),
		initialAnnotationReply: features.annotationReply,
	};
	state.apps.set(app.id, app);
	state.appsByKey.set(app.key, app);
	return app;
}

const MB = 1024 * 1024;

function parameters(state: ServerState, app: AppRuntime) {
	const f = app.features;
	const isWorkflow = app.mode === 'workflow';
	const transferMethods = ['remote_url', 'local_file'];
	return {
		opening_statement: app.openingStatement,
		suggested_questions: app.suggestedQuestions,
		suggested_questions_after_answer: { enabled: f.suggestedQuestions && !isWorkflow },
		speech_to_text: { enabled: f.stt },
		text_to_speech: f.tts
			? { enabled: true, voice: 'alloy', language: 'en-US', autoPlay: f.ttsAutoPlay ? 'enabled' : 'disabled' }
			: { enabled: false },
		retriever_resource: { enabled: f.citations },
		annotation_reply: { enabled: f.annotationReply },
		more_like_this: { enabled: false },
		sensitive_word_avoidance: { enabled: false, type: '', configs: [] },
		user_input_form: app.userInputForm,
		file_upload: f.fileUpload
			? {
					enabled: true,
					allowed_file_types: ['image', 'document'],
					allowed_file_extensions: [],
					allowed_file_upload_methods: ['local_file', 'remote_url'],
					number_limits: app.fileUploadNumberLimit,
					image: { enabled: true, number_limits: app.fileUploadNumberLimit, detail: 'high', transfer_methods: transferMethods },
				}
			: { enabled: false, image: { enabled: false, number_limits: 3, detail: 'high', transfer_methods: transferMethods } },
		system_parameters: {
			image_file_size_limit: Math.ceil(state.uploadLimits.imageBytes / MB),
			video_file_size_limit: Math.ceil(state.uploadLimits.videoBytes / MB),
			audio_file_size_limit: Math.ceil(state.uploadLimits.audioBytes / MB),
			file_size_limit: Math.ceil(state.uploadLimits.fileBytes / MB),
			workflow_file_upload_limit: 10,
		},
	};
}

function toolIcons(app: AppRuntime): Record<string, unknown> {
	if (app.mode !== 'agent-chat' && app.mode !== 'agent') return {};
	return {
		calculator: 'https://cloud.dify.ai/console/api/workspaces/current/tool-provider/builtin/calculator/icon',
		weather_lookup: { background: '#FFEAD5', content: '🌤️' },
	};
}

function site(app: AppRuntime) {
	return {
		title: app.name,
		chat_color_theme: null,
		chat_color_theme_inverted: false,
		icon_type: 'emoji',
		icon: '🤖',
		icon_background: '#FFEAD5',
		icon_url: null,
		description: app.description,
		copyright: '',
		privacy_policy: '',
		custom_disclaimer: '',
		default_language: 'en-US',
		show_workflow_steps: true,
		use_icon_as_answer_icon: false,
		input_placeholder: null,
	};
}

export function registerAppRoutes(router: Router): void {
	router.add('GET', '/info', 'app', (ctx: Ctx) =>
		ctx.out.json(200, {
			name: ctx.app!.name,
			description: ctx.app!.description,
			tags: ctx.app!.tags,
			mode: ctx.app!.mode,
			author_name: ctx.app!.authorName,
		}),
	);
	router.add('GET', '/parameters', 'app', (ctx) => ctx.out.json(200, parameters(ctx.state, ctx.app!)));
	router.add('GET', '/meta', 'app', (ctx) => ctx.out.json(200, { tool_icons: toolIcons(ctx.app!) }));
	router.add('GET', '/site', 'app', (ctx) => ctx.out.json(200, site(ctx.app!)));
}
