/** Types for scripts/lib/n8n-queue.js. */
import type { N8nRuntime } from '../n8n-runtime';
import type { N8nInstance } from './n8n-instance';
import type { RunningPostgres, RunningService } from './queue-services';

export interface QueueClusterOptions {
	runtime: N8nRuntime;
	baseDir: string;
	workers?: number;
	webhook?: boolean;
	concurrency?: number;
	port?: number;
	env?: Record<string, string>;
	/** Extra environment for one process ('main', 'worker-1', …, 'webhook'), over `env`. */
	processEnv?: (process: string) => Record<string, string>;
	postgres?: RunningPostgres;
	redis?: RunningService;
	onLog?: (process: string, line: string) => void;
	workerLogLevel?: string;
	logFormat?: 'json' | 'text';
}
export class QueueCluster {
	constructor(opts: QueueClusterOptions);
	readonly main: N8nInstance;
	readonly workers: N8nInstance[];
	readonly webhook: N8nInstance | null;
	readonly postgres: RunningPostgres;
	readonly redis: RunningService;
	readonly webhookUrl: string;
	prepare(opts?: { tgz?: string }): Promise<this>;
	processes(): N8nInstance[];
	start(opts?: { timeoutMs?: number }): Promise<this>;
	hostIdsOf(worker: N8nInstance): string[];
	finishedJobs(since?: number): Array<{ executionId: string; workerId?: string; success?: boolean }>;
	finishedOn(executionId: string | number): string | undefined;
	workerThatStarted(executionId: string | number): N8nInstance | undefined;
	stop(): Promise<void>;
}
export function queueEnv(opts: { postgres: RunningService; redis: RunningService; extra?: Record<string, string> }): Record<string, string>;
