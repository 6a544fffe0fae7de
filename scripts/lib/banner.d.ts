/** Types for scripts/lib/banner.js. */
export const NEEDS_INTERNET: { page: string; host: string };
export function startBanner(o: { url: string; firstRun: boolean; nodes: string[]; sandboxUrl: string; chatPath?: string; userFolder: string; keys?: Array<{ name: string; key: string }> }): string;
