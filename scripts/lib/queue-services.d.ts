/** Types for scripts/lib/queue-services.js. */
import type { ChildProcess } from 'child_process';

export interface RunningService {
	kind: 'postgres' | 'redis';
	port: number;
	host: string;
	dir: string;
	child: ChildProcess;
	log: { text: string };
	/** The n8n environment variables that point at this service. */
	n8nEnv(): Record<string, string>;
	stop(): Promise<void>;
}
export interface RunningPostgres extends RunningService {
	user: string;
	database: string;
	/** The account the server runs as (an unprivileged one when this runs as root). */
	account: string;
}
export const INSTALL_COMMAND: string;
export function missingServices(): { missing: string[]; installCommand: string };
export function postgresBinDir(): string | null;
export function redisServer(): string | null;
export function startPostgres(opts?: { dir?: string; port?: number }): Promise<RunningPostgres>;
export function startRedis(opts?: { dir?: string; port?: number }): Promise<RunningService>;
