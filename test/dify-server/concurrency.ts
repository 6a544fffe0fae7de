import type { Ctx } from './http';
import { HttpError } from './http';
import type { AppRuntime, ServerState } from './state';

/** What the limiter saw for one app since the last reset: the counts tests assert on. */
export interface ConcurrencyStats {
	/** Dify's `max_active_requests`; 0 = unlimited (Dify's default). */
	limit: number;
	active: number;
	/** Most generations running at the same time. */
	peak: number;
	admitted: number;
	/** Answered 429 too_many_requests. */
	rejected: number;
}

/** The generation routes Dify's `RateLimit` guards (AppGenerateService.generate). */
export function isGeneration(method: string, path: string): boolean {
	if (method !== 'POST') return false;
	return path === '/chat-messages' || path === '/completion-messages' || /^\/workflows(\/[^/]+)?\/run$/.test(path);
}

export function statsOf(state: ServerState, app: AppRuntime): ConcurrencyStats {
	let stats = state.concurrency.get(app.id);
	if (!stats) {
		stats = { limit: 0, active: 0, peak: 0, admitted: 0, rejected: 0 };
		state.concurrency.set(app.id, stats);
	}
	stats.limit = state.limitOverrides.get(app.id) ?? app.maxActiveRequests;
	return stats;
}

/**
 * Dify's per-app concurrency limiter: a generation holds a slot from the moment it is accepted until
 * its response is finished or its connection closes (a stream holds it for the whole stream). Over
 * the limit Dify answers before doing any work: 429 `too_many_requests`, no Retry-After header, the
 * message naming the app id and the limit (AppInvokeQuotaExceededError, docs/dify-behaviour.md, 'Rate limits and concurrency').
 */
export function admitGeneration(ctx: Ctx, app: AppRuntime): void {
	const stats = statsOf(ctx.state, app);
	if (stats.limit > 0 && stats.active >= stats.limit) {
		stats.rejected += 1;
		throw new HttpError(
			429,
			'too_many_requests',
			`Too many requests. Please try again later. The current maximum concurrent requests allowed for ${app.id} is ${stats.limit}.`,
		);
	}
	stats.admitted += 1;
	stats.active += 1;
	stats.peak = Math.max(stats.peak, stats.active);
	const counted = stats;
	ctx.res.once('close', () => {
		counted.active -= 1;
	});
}
