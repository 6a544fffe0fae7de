/** Types for scripts/lib/banner.js. */
export const NEEDS_INTERNET: { page: string; host: string };
export interface DifyCallsHint {
	/** The compiled test-server CLI (`cli.js`), relative to the repository. */
	cli: string;
	key: string;
	/** The External Knowledge example's URL without `/retrieval`. */
	retrievalEndpoint?: string;
	extensionUrl?: string;
}
export function startBanner(o: {
	url: string;
	firstRun: boolean;
	nodes: string[];
	sandboxUrl: string;
	chatPath?: string;
	userFolder: string;
	difyCalls?: DifyCallsHint;
	/** Queue mode: each process and where it runs. */
	queue?: Array<{ name: string; where: string }>;
	/** The sandbox's credentials and keys, to practise creating a credential by hand. */
	keys?: Array<{ name: string; key: string }>;
}): string;
