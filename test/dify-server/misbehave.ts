import { applyHostile } from './hostile';
import type { Ctx } from './http';
import type { MisbehaveRule } from './types';
import type { ServerState } from './state';

export function addRule(state: ServerState, rule: MisbehaveRule): void {
	state.rules.push({ rule, remaining: rule.times ?? 1 });
}

/** First queued rule matching the request, consumed once per request. */
export function takeRule(state: ServerState, method: string, path: string): MisbehaveRule | undefined {
	const q = state.rules;
	const index = q.findIndex(({ rule }) => {
		if (rule.method && rule.method.toUpperCase() !== method) return false;
		return typeof rule.path === 'string' ? rule.path === path : rule.path.test(path);
	});
	if (index < 0) return undefined;
	const entry = q[index];
	entry.remaining -= 1;
	if (entry.remaining <= 0) {
		q.splice(index, 1);
	}
	return entry.rule;
}

const NGINX_502 = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`;

const NGINX_429 = `<html>
<head><title>429 Too Many Requests</title></head>
<body>
<center><h1>429 Too Many Requests</h1></center>
<hr><center>nginx</center>
</body>
</html>
`;

/**
 * Rules that replace the whole response happen before routing and auth, the way a proxy or a
 * rate limiter in front of Dify would answer. Returns true when the response was taken over.
 */
export async function applyPreflight(ctx: Ctx): Promise<boolean> {
	const rule = ctx.rule;
	if (!rule) return false;
	if (rule.delayMs) await ctx.state.timers.sleep(rule.delayMs);
	if (await applyHostile(ctx)) return true;
	if (rule.html502) {
		const body = Buffer.from(NGINX_502);
		ctx.out.head(502, { 'Content-Type': 'text/html', 'Content-Length': body.length, Server: 'nginx' });
		await ctx.out.write(body);
		await ctx.out.end();
		return true;
	}
	if (rule.status429RetryAfter !== undefined) {
		await ctx.out.json(
			429,
			{
				code: 'too_many_requests',
				message: 'Too many requests. Please try again later. The current maximum concurrent requests allowed for this app is 1.',
				status: 429,
			},
			{ 'Retry-After': String(rule.status429RetryAfter) },
		);
		return true;
	}
	if (rule.proxy429) {
		const body = Buffer.from(NGINX_429);
		const headers: Record<string, string | number> = { 'Content-Type': 'text/html', 'Content-Length': body.length, Server: 'nginx' };
		if (rule.proxy429.retryAfter !== undefined) headers['Retry-After'] = String(rule.proxy429.retryAfter);
		ctx.out.head(429, headers);
		await ctx.out.write(body);
		await ctx.out.end();
		return true;
	}
	if (rule.jsonError) {
		const { status, code, message } = rule.jsonError;
		await ctx.out.json(status, { code, message, status });
		return true;
	}
	return false;
}
