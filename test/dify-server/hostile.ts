import type { Ctx } from './http';

/**
 * Hostile answers, one mode per case of a server (or a proxy in front of it) that misbehaves on
 * purpose: redirects elsewhere, never answers, sends without end, repeats pages, echoes the key,
 * streams garbage. Each mode takes the whole response over, before routing and auth.
 */
export interface HostileRule {
	/** 3xx to `location` (any host), with a small HTML body as nginx sends. */
	redirect?: { status: 301 | 302 | 303 | 307 | 308; location: string };
	/** Accepts the request and never sends a byte of the response (until the client gives up). */
	neverAnswer?: boolean;
	/** Headers, then an endless body: 16 KiB every 2 ms until the client closes the connection. */
	endlessBody?: { status: number; contentType: string };
	/** A fixed JSON answer (a page that repeats, a crafted run result), for as many requests as `times`. */
	fixedJson?: { status: number; body: unknown };
	/** Dify's envelope with the request's own Authorization header echoed in its message. */
	echoAuthorization?: { status: number; code: string };
	/** A list that never ends: each request gets `size` new rows (fresh ids) and has_more true, total huge. */
	endlessList?: { size: number };
	/** An event stream made of these raw pieces, then: 'hang' (silence), 'repeat' (the last piece forever, `everyMs` apart, default 2) or 'end'. */
	rawSse?: { pieces: string[]; then: 'hang' | 'repeat' | 'end'; everyMs?: number };
	/** An event stream whose first line never ends: `data: ` and then `x` bytes without a line break. */
	endlessSseLine?: boolean;
}

let listCounter = 0;

function rowId(n: number): string {
	const hex = n.toString(16).padStart(12, '0');
	return `00000000-0000-4000-8000-${hex}`;
}

async function untilClosed(ctx: Ctx, write: () => Buffer | string | undefined, everyMs: number): Promise<void> {
	while (ctx.out.alive && !ctx.state.timers.isClosed) {
		const piece = write();
		if (piece === undefined) return;
		await ctx.out.write(piece);
		await ctx.state.timers.sleep(everyMs);
	}
}

export async function applyHostile(ctx: Ctx): Promise<boolean> {
	const rule = ctx.rule;
	if (!rule) return false;
	if (rule.redirect) {
		const body = Buffer.from(`<html><body>${rule.redirect.status} Moved</body></html>`);
		ctx.out.head(rule.redirect.status, { Location: rule.redirect.location, 'Content-Type': 'text/html', 'Content-Length': body.length });
		await ctx.out.write(body);
		await ctx.out.end();
		return true;
	}
	if (rule.neverAnswer) {
		// Hold the connection open; close() destroys it.
		await new Promise<void>((resolve) => ctx.res.on('close', () => resolve()));
		return true;
	}
	if (rule.endlessBody) {
		ctx.out.head(rule.endlessBody.status, { 'Content-Type': rule.endlessBody.contentType });
		const chunk = Buffer.alloc(16 * 1024, 0x20);
		await untilClosed(ctx, () => chunk, 2);
		return true;
	}
	if (rule.fixedJson) {
		await ctx.out.json(rule.fixedJson.status, rule.fixedJson.body);
		return true;
	}
	if (rule.echoAuthorization) {
		const { status, code } = rule.echoAuthorization;
		await ctx.out.json(status, { code, message: `Invalid request header Authorization: ${String(ctx.req.headers.authorization ?? '')}`, status });
		return true;
	}
	if (rule.endlessList) {
		const data = Array.from({ length: rule.endlessList.size }, () => ({ id: rowId(++listCounter), name: `row ${listCounter}`, created_at: 1_700_000_000 }));
		await ctx.out.json(200, { data, has_more: true, limit: rule.endlessList.size, total: 1_000_000_000, page: 1 });
		return true;
	}
	if (rule.rawSse) {
		const { pieces, then, everyMs = 2 } = rule.rawSse;
		ctx.out.head(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
		for (const piece of pieces) await ctx.out.write(piece);
		if (then === 'end') await ctx.out.end();
		else if (then === 'repeat') await untilClosed(ctx, () => pieces[pieces.length - 1], everyMs);
		else await new Promise<void>((resolve) => ctx.res.on('close', () => resolve()));
		return true;
	}
	if (rule.endlessSseLine) {
		ctx.out.head(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
		await ctx.out.write('data: ');
		const chunk = Buffer.alloc(256 * 1024, 0x78);
		await untilClosed(ctx, () => chunk, 1);
		return true;
	}
	return false;
}
