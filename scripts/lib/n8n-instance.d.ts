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
}
export class N8nInstance {
	constructor(opts: InstanceOptions);
	readonly runtime: N8nRuntime;
	readonly userFolder: string;
	readonly port: number;
	readonly isV1: boolean;
	readonly url: string;
	serverLog: string;
	env(): NodeJS.ProcessEnv;
	cli(args: string[], opts?: { timeoutMs?: number }): Promise<CliResult>;
	cliOk(args: string[], opts?: { timeoutMs?: number }): Promise<CliResult>;
	installPackage(tgz: string): { dir: string; version: string };
	/** Writes an import file into the user folder, readable by the user only; returns its path. */
	writeTemp(name: string, data: unknown): string;
	importCredentials(credentials: unknown[]): Promise<CliResult>;
	importWorkflows(workflows: unknown[] | unknown): Promise<CliResult>;
	publish(id: string): Promise<CliResult>;
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
