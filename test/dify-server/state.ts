import type { WebhookTrigger } from './webhooks';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { AppSpec, MisbehaveRule, RecordedRequest, UploadLimits, WrittenResponse } from './types';
import { Timers } from './timers';
import type { ConcurrencyStats } from './concurrency';
import type { RunChannel } from './channel';
import { KnowledgeStore } from './knowledgeStore';

export const TENANT_ID = '5a1e9a5c-0d6b-4f7e-9b8a-2f3c4d5e6f70';
export const ACCOUNT = { id: 'd1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b', name: 'Sandbox Owner', email: 'owner@sandbox.local' };

export interface AppRuntime extends AppSpec {
	createdAt: number;
	/** Restored by reset(): annotation-reply jobs toggle the live flag. */
	initialAnnotationReply: boolean;
}

export interface EndUser {
	id: string;
	appId: string;
	sessionId: string;
	isAnonymous: boolean;
	createdAt: Date;
}

export interface UploadedFile {
	id: string;
	appId: string;
	createdBy: string;
	name: string;
	size: number;
	extension: string;
	mimeType: string;
	sha256: string;
	path: string;
	createdAt: number;
}

export interface MessageFile {
	id: string;
	type: string;
	transferMethod: string;
	belongsTo: 'user' | 'assistant';
	uploadFileId: string | null;
	remoteUrl: string | null;
}

export interface AgentThought {
	id: string;
	position: number;
	thought: string;
	tool: string;
	toolInput: string;
	observation: string;
	createdAt: number;
}

export interface Conversation {
	id: string;
	appId: string;
	endUserId: string;
	name: string;
	inputs: Record<string, unknown>;
	introduction: string;
	createdAt: number;
	updatedAt: number;
	/** Insertion order breaks ties between conversations created in the same second. */
	seq: number;
	variables: ConversationVariable[];
}

export interface ConversationVariable {
	id: string;
	name: string;
	valueType: string;
	value: unknown;
	description: string;
	createdAt: number;
	updatedAt: number;
}

export interface Message {
	id: string;
	appId: string;
	conversationId: string | null;
	endUserId: string;
	query: string;
	answer: string;
	inputs: Record<string, unknown>;
	status: 'normal' | 'error' | 'paused';
	error: string | null;
	createdAt: number;
	seq: number;
	files: MessageFile[];
	retrieverResources: Record<string, unknown>[];
	agentThoughts: AgentThought[];
	feedback: Feedback | null;
	workflowRunId: string | null;
	usage: { promptTokens: number; completionTokens: number };
	annotationReply?: { id: string; account: { id: string; name: string } };
}

export interface Feedback {
	id: string;
	appId: string;
	conversationId: string | null;
	messageId: string;
	rating: 'like' | 'dislike';
	content: string | null;
	endUserId: string;
	createdAt: Date;
	updatedAt: Date;
}

export interface Task {
	id: string;
	appId: string;
	endUserId: string;
	stopped: boolean;
}

export interface WorkflowRun {
	id: string;
	appId: string;
	workflowId: string;
	taskId: string;
	endUserId: string;
	status: 'running' | 'succeeded' | 'failed' | 'stopped' | 'partial-succeeded' | 'paused';
	inputs: Record<string, unknown>;
	outputs: Record<string, unknown> | null;
	error: string | null;
	totalSteps: number;
	totalTokens: number;
	createdAt: number;
	finishedAt: number | null;
	elapsedTime: number;
	channel: RunChannel;
	/** Kept to replay node states for `include_state_snapshot=true`. */
	nodeFrames: Record<string, unknown>[];
	resume?: (submission: FormSubmission) => void;
	/** Set while a resumed run waits for its first reattached listener. */
	onAttach?: () => void;
	hasLog: boolean;
	/** Workflow apps get a log row when the run ends (succeeded, failed or stopped). */
	logsWhenFinished: boolean;
	logId: string;
	/** When the log row was written: the run's end, in seconds (the log's own `created_at`). */
	logCreatedAt?: number;
	stopRequested: boolean;
	pauseReasons?: Record<string, unknown>[];
	pausedNodes?: string[];
	/** Set for chatflow runs: the message the run answers. */
	messageId: string | null;
	/** Runs started by a Webhook Trigger: Dify's `triggered_from` and the end user's type in logs. */
	triggeredFrom?: string;
	endUserType?: string;
	/** Where a webhook run is in the queue → worker → finished sequence (webhooks.ts). */
	webhookStage?: 'queued' | 'picked' | 'running' | 'done';
	webhookReads?: number;
}

export interface FormSubmission {
	action: string;
	actionTitle: string;
	inputs: Record<string, unknown>;
}

export interface HumanInputForm {
	token: string;
	formId: string;
	appId: string;
	runId: string;
	nodeId: string;
	nodeTitle: string;
	formContent: string;
	expirationTime: number;
	submitted: boolean;
}

export interface Annotation {
	id: string;
	appId: string;
	question: string;
	answer: string;
	hitCount: number;
	createdAt: number;
	seq: number;
}

export interface AnnotationJob {
	id: string;
	appId: string;
	action: 'enable' | 'disable';
	polls: number;
}

export interface ActiveStream {
	destroy(): void;
}

/** Everything one server instance knows; `reset()` wipes the runtime part and keeps the apps. */
export class ServerState {
	baseUrl = '';
	readonly apps = new Map<string, AppRuntime>();
	readonly appsByKey = new Map<string, AppRuntime>();
	knowledgeKey = '';
	readonly requests: RecordedRequest[] = [];
	readonly rules: { rule: MisbehaveRule; remaining: number }[] = [];
	readonly sockets = new Set<Socket>();
	readonly streams = new Set<ActiveStream>();
	timers = new Timers();
	readonly fileSecret = randomUUID();

	endUsers = new Map<string, EndUser>();
	files = new Map<string, UploadedFile>();
	conversations = new Map<string, Conversation>();
	messages = new Map<string, Message>();
	feedbacks: Feedback[] = [];
	tasks = new Map<string, Task>();
	runs = new Map<string, WorkflowRun>();
	/** Webhook Triggers by ID; kept across reset() like the apps. */
	readonly webhooks = new Map<string, WebhookTrigger>();
	/** What calls to debug URLs delivered to Dify's editor. */
	webhookDebugEvents: Array<{ webhookId: string; inputs: Record<string, unknown> }> = [];
	/** Dify's WEBHOOK_REQUEST_BODY_MAX_SIZE. */
	webhookBodyMaxBytes = 10 * 1024 * 1024;
	forms = new Map<string, HumanInputForm>();
	annotations = new Map<string, Annotation>();
	annotationJobs = new Map<string, AnnotationJob>();
	/** Per app id: the concurrency limiter's counts, and limits set by limitConcurrency() until reset. */
	concurrency = new Map<string, ConcurrencyStats>();
	limitOverrides = new Map<string, number>();
	/** Knowledge bases, documents, chunks, metadata and tags (the Knowledge API). */
	knowledge = new KnowledgeStore();
	seq = 0;
	onFrame?: (path: string, frame: Record<string, unknown>) => void;
	onResponse?: (response: WrittenResponse) => void;

	constructor(
		readonly uploadLimits: UploadLimits,
		readonly pingIntervalMs: number,
		readonly frameDelayMs: number,
		readonly uploadDir: string,
	) {}

	nextSeq(): number {
		this.seq += 1;
		return this.seq;
	}

	resetRuntime(): void {
		this.requests.length = 0;
		this.rules.length = 0;
		for (const stream of [...this.streams]) stream.destroy();
		this.streams.clear();
		this.timers.clearAll();
		this.endUsers = new Map();
		this.files = new Map();
		this.conversations = new Map();
		this.messages = new Map();
		this.feedbacks = [];
		this.tasks = new Map();
		this.runs = new Map();
		this.webhookDebugEvents = [];
		this.forms = new Map();
		this.annotations = new Map();
		this.annotationJobs = new Map();
		this.concurrency = new Map();
		this.limitOverrides = new Map();
		this.knowledge = new KnowledgeStore();
		for (const app of this.apps.values()) app.features.annotationReply = app.initialAnnotationReply;
	}
}
