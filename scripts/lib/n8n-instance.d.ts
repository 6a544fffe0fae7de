/** Types for scripts/lib/n8n-instance.js. */
import type { N8nRuntime } from '../n8n-runtime';

export interface CliResult {
	code: number | null;
	/** Set when the process was killed by a signal. */
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	durationMs: number;
}
export interface ExecuteResult extends CliResult {
	/** The execution JSON printed by `n8n execute --rawOutput`, or null when none was printed. */
	result: any;
}
export interface HttpResult {
	status: number | undefined;
	headers: Record<string, string | string[] | undefined>;
	text: string;
	json: any;
}
export interface RequestOptions {
	method?: string;
	headers?: Record<string, string>;
	body?: unknown;
	timeoutMs?: number;
}
export interface InstanceOptions {
	runtime: N8nRuntime;
	userFolder: string;
	port?: number;
	brokerPort?: number;
	env?: Record<string, string>;
	onLog?: (line: string) => void;
	/** Which n8n process `start()` runs: the main instance (default), a queue-mode worker or webhook process. */
	role?: 'start' | 'worker' | 'webhook';
	/** A worker's health server port; its readiness is asked there. */
	healthPort?: number;
	/** A worker's `--concurrency`. */
	concurrency?: number;
}
export class N8nInstance {
	constructor(opts: InstanceOptions);
	readonly runtime: N8nRuntime;
	readonly userFolder: string;
	readonly port: number;
	readonly isV1: boolean;
	readonly role: 'start' | 'worker' | 'webhook';
	readonly encryptionKey: string;
	/** The running `n8n start|worker|webhook` process, if any. */
	server: import('child_process').ChildProcess | null;
	ready(): Promise<boolean>;
	readonly url: string;
	serverLog: string;
	/** Output of earlier runs of this instance (before its last `start()`). */
	pastLogs?: string;
	env(): NodeJS.ProcessEnv;
	cli(args: string[], opts?: { timeoutMs?: number }): Promise<CliResult>;
	cliOk(args: string[], opts?: { timeoutMs?: number }): Promise<CliResult>;
	installPackage(tgz: string): { dir: string; version: string };
	/** Writes an import file into the user folder, readable by the user only; returns its path. */
	writeTemp(name: string, data: unknown): string;
	importCredentials(credentials: unknown[]): Promise<CliResult>;
	importWorkflows(workflows: unknown[] | unknown): Promise<CliResult>;
	publish(id: string): Promise<CliResult>;
	/** Publishes through the running instance's REST API (n8n 2.x), as the editor does. */
	publishLive(id: string, cookie: string): Promise<unknown>;
	execute(id: string, opts?: { timeoutMs?: number }): Promise<ExecuteResult>;
	exportNodes(): Promise<Array<{ name: string; displayName: string; version: number | number[]; properties: any[]; credentials?: Array<{ name: string }> }>>;
	start(opts?: { timeoutMs?: number; inheritOutput?: boolean }): Promise<this>;
	stop(): Promise<void>;
	request(pathname: string, opts?: RequestOptions): Promise<HttpResult>;
	login(owner?: { email: string; firstName: string; lastName: string; password: string }): Promise<string>;
}
export const PACKAGE_NAME: string;
export const REPO: string;
export function freePort(avoid?: number[]): Promise<number>;
export function portFree(port: number, host?: string): Promise<boolean>;
export function packPackage(outDir: string): { tgz: string; files: string[] };
export function installCommunityPackage(userFolder: string, tgz: string): { dir: string; version: string };
export function parseExecutionOutput(stdout: string): any;
export function request(url: string, opts?: RequestOptions): Promise<HttpResult>;
export function tempDir(prefix: string): string;
export function terminate(child: import('child_process').ChildProcess | null, graceMs?: number): Promise<void>;
export function track<T>(child: T): T;
