import type { WebhookSpec } from './webhooks';
import type { HostileRule } from './hostile';
import type { IncomingHttpHeaders } from 'node:http';
import type { ConcurrencyStats } from './concurrency';

export type AppMode = 'chat' | 'agent-chat' | 'agent' | 'advanced-chat' | 'completion' | 'workflow';

/** Dify's app-level features; when one is off the matching endpoint fails the way Dify does. */
export interface AppFeatures {
	suggestedQuestions: boolean;
	tts: boolean;
	/** `tts_message` frames in streams only happen when TTS auto-play is configured. */
	ttsAutoPlay: boolean;
	stt: boolean;
	fileUpload: boolean;
	citations: boolean;
	annotationReply: boolean;
}

/** One `user_input_form` item: `{ "<type>": definition }`, as `/parameters` returns it. */
export type UserInputFormItem = Record<string, UserInputDefinition>;

export interface UserInputDefinition {
	type?: string;
	label: string;
	variable: string;
	required: boolean;
	max_length?: number | null;
	default?: unknown;
	options?: string[];
	hide?: boolean;
	hint?: string;
	placeholder?: string;
	allowed_file_types?: string[];
	allowed_file_extensions?: string[];
	allowed_file_upload_methods?: string[];
}

export interface ConversationVariableSpec {
	name: string;
	value_type: 'string' | 'number' | 'object' | 'boolean' | 'array[string]';
	value: unknown;
	description: string;
}

export interface AppSpec {
	id: string;
	key: string;
	mode: AppMode;
	name: string;
	description: string | null;
	tags: string[];
	authorName: string | null;
	features: AppFeatures;
	userInputForm: UserInputFormItem[];
	openingStatement: string | null;
	suggestedQuestions: string[];
	/** Chatflow frame order of servers before 1.13.1: workflow_finished before message_end. */
	legacyOrder: boolean;
	/** Published workflow version ids (workflow / advanced-chat); the first one is the latest. */
	publishedWorkflowIds: string[];
	draftWorkflowId: string;
	conversationVariables: ConversationVariableSpec[];
	/** File-upload feature settings advertised in /parameters and enforced on `files`. */
	fileUploadNumberLimit: number;
	/** Dify's per-app `max_active_requests`: concurrent generations allowed, 0 = unlimited (the default). */
	maxActiveRequests: number;
	/** A chat app with an external knowledge base: each query is first retrieved from this endpoint as Dify does. */
	externalKnowledge?: ExternalKnowledgeBinding;
}

/** Dify's External Knowledge API settings plus the knowledge base's External Knowledge ID and Top K. */
export interface ExternalKnowledgeBinding {
	endpoint: string;
	apiKey: string;
	knowledgeId: string;
	topK: number;
}

export interface UploadLimits {
	imageBytes: number;
	videoBytes: number;
	audioBytes: number;
	fileBytes: number;
	/** /audio-to-text ceiling (Dify: 30 MB). */
	audioToTextBytes: number;
}

export interface StartOptions {
	port?: number;
	host?: string;
	/** Keep-alive cadence of `event: ping` frames while a stream is idle. Dify: ~10 s. */
	pingIntervalMs?: number;
	uploadLimits?: Partial<UploadLimits>;
	/** Dify's WEBHOOK_REQUEST_BODY_MAX_SIZE for the webhook trigger routes (default 10 MiB). */
	webhookBodyMaxBytes?: number;
	/** Delay between streamed deltas of a normal run; 0 keeps tests fast (a macrotask still separates frames). */
	frameDelayMs?: number;
	/** Called just before each SSE data frame is written (the bench times first-token latency with it). */
	onFrame?: (path: string, frame: Record<string, unknown>) => void;
	/** Called with every complete answer the server wrote (the contract test validates them all). */
	onResponse?: (response: WrittenResponse) => void;
	/** Adds the chat app `keys.chatN8nKnowledge`, whose knowledge base is this External Knowledge API (an n8n workflow). */
	n8nKnowledge?: ExternalKnowledgeBinding;
}

/** One answer exactly as written to the socket. */
export interface WrittenResponse {
	method: string;
	/** Path relative to `/v1` for API requests, without the query string. */
	path: string;
	/** False for the signed file URLs and samples outside `/v1`. */
	api: boolean;
	/** The route pattern that answered, e.g. `GET /conversations/{conversation_id:uuid}`; undefined when none matched. */
	route?: string;
	/** The key the request was made with, for telling app types apart. */
	key?: string;
	/** Whether a misbehaviour rule shaped the answer. */
	misbehaved: boolean;
	status: number;
	headers: Record<string, string | string[] | number | undefined>;
	body: Buffer;
}

export interface RecordedMultipartFile {
	name: string;
	filename: string;
	contentType: string;
	size: number;
	sha256: string;
}

export interface RecordedRequest {
	method: string;
	/** Path without the `/v1` prefix and without the query string. */
	path: string;
	query: Record<string, string | string[]>;
	headers: IncomingHttpHeaders;
	json?: unknown;
	multipart?: { fields: Record<string, string>; files: RecordedMultipartFile[] };
	rawBodyLength: number;
	/** The route pattern that answered, e.g. `GET /conversations/{conversation_id:uuid}`. */
	route?: string;
}

export interface MisbehaveRule extends HostileRule {
	method?: string;
	path: string | RegExp;
	times?: number;
	splitAt?: number[];
	delayMs?: number;
	stallWithPingsAfterFrames?: number;
	pingEveryMs?: number;
	stallSilentAfterFrames?: number;
	dropAfterFrames?: number;
	/** Resets the connection instead of writing the `occurrence`-th (default 1st) frame of this event. */
	dropBeforeEvent?: { event: string; occurrence?: number };
	/**
	 * With a drop or end rule on a generation stream: the run holds its next frames until someone reattaches
	 * (a long step running while the client is away), so reattaching is deterministic.
	 */
	holdRunOnCut?: boolean;
	/**
	 * On `GET /workflow/{id}/events`: send only what happens from now on, as Dify does with its
	 * default Pub/Sub event bus (without this the run's frames are replayed first, as with Redis Streams).
	 */
	eventsFromNow?: boolean;
	endAfterFrames?: number;
	html502?: boolean;
	status429RetryAfter?: number;
	/** A proxy's own 429 (nginx `limit_req`): an HTML page, not Dify's envelope; `retryAfter` adds the header. */
	proxy429?: { retryAfter?: number };
	errorFrameAfterFrames?: { after: number; code?: string; message: string; status?: number };
	jsonError?: { status: number; code: string; message: string };
}

export interface DifyServerKeys {
	chat: string;
	agentChat: string;
	agent: string;
	advancedChat: string;
	completion: string;
	workflow: string;
	knowledge: string;
	chatFeaturesOff: string;
	/** Only with the `n8nKnowledge` start option. */
	chatN8nKnowledge?: string;
}

export type AppSpecInput = Partial<Omit<AppSpec, 'features'>> & {
	mode: AppMode;
	features?: Partial<AppFeatures>;
};

export interface DifyServer {
	url: string;
	apiBase: string;
	keys: DifyServerKeys;
	/** IDs of the sandbox's Webhook Triggers (all on the workflow app): see webhooks.ts and README. */
	webhooks: Record<'json' | 'form' | 'multipart' | 'text' | 'binary' | 'get' | 'header' | 'disabled', string>;
	/** The trigger's URL as Dify shows it: `<origin>/triggers/webhook/<id>` (or `webhook-debug`). */
	webhookUrl(id: string, debug?: boolean): string;
	/** A Webhook Trigger of its own, kept across reset(); returns its ID. */
	createWebhook(spec: WebhookSpec): string;
	/** What calls to debug URLs delivered (the editor's listener in Dify). */
	webhookDebugEvents(): Array<{ webhookId: string; inputs: Record<string, unknown> }>;
	requests: RecordedRequest[];
	misbehave(rule: MisbehaveRule): void;
	reset(): void;
	close(): Promise<void>;
	createApp(spec: AppSpecInput): string;
	/** Sets an app's concurrency limit (`max_active_requests`) until the next reset(); 0 = unlimited. */
	limitConcurrency(key: string, maxActiveRequests: number): void;
	/** What the app's concurrency limiter saw since the last reset(). */
	concurrency(key: string): ConcurrencyStats;
	/** The app's workflow runs (running ones too, which Dify's log list does not show), oldest first. */
	runs(key: string): Array<{ id: string; taskId: string; status: string; inputs: Record<string, unknown> }>;
	/** Every route this server serves under `/v1` (besides `GET /`). */
	routes(): Array<{ method: string; pattern: string; auth: 'app' | 'knowledge' | 'none' }>;
}
