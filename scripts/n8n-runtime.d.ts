/** Types for scripts/n8n-runtime.js (plain JS so it runs before anything is installed). */
export interface N8nRuntime {
	line: string;
	n8nVersion: string;
	nodeVersion: string;
	dir: string;
	nodeBin: string;
	n8nBin: string;
	binDir: string;
	env(extra?: Record<string, string>): NodeJS.ProcessEnv;
	command(args?: string[]): { file: string; args: string[] };
}
export const LINES: Record<string, { n8n: string; node: string | null }>;
export class RuntimeError extends Error {}
export function ensureRuntime(line?: string | number): Promise<N8nRuntime>;
export function findRuntime(line?: string | number): N8nRuntime | null;
export function storeRoot(): string;
/** What the pinned lockfile installs on this platform: all packages, and those at the top of node_modules. */
export function expectedPackages(lockFile: string): { all: number; topLevel: number } | undefined;
/** Finished top-level package folders in a node_modules folder (what the install progress counts). */
export function countPackages(nodeModules: string): number;
