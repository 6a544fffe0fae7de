/** Types for scripts/lib/banner.js. */
export const NEEDS_INTERNET: { page: string; host: string };
export function startBanner(o: {
	url: string;
	firstRun: boolean;
	nodes: string[];
	sandboxUrl: string;
	chatPath?: string;
	userFolder: string;
	/** Queue mode: each process and where it runs. */
	queue?: Array<{ name: string; where: string }>;
}): string;
