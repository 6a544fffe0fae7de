import { randomUUID } from 'node:crypto';
import type { Ctx, Router } from './http';
import { HttpError, invalidParam } from './http';
import type { AppRuntime, EndUser, ServerState } from './state';
import { TENANT_ID } from './state';

export const DEFAULT_USER = 'DEFAULT-USER';

/** `user` where the endpoint requires it (docs/dify-behaviour.md, 'The user partition'): missing or empty is a 400 before anything else. */
export function requireUserArg(value: unknown): string {
	if (typeof value !== 'string' || value === '') throw invalidParam('Arg user must be provided.');
	return value;
}

/** Optional `user`: absent means the shared anonymous end user, like Dify's DEFAULT-USER session. */
export function optionalUserArg(value: unknown): string {
	return typeof value === 'string' && value !== '' ? value : DEFAULT_USER;
}

/** End users are created on first use and partitioned per app: the same string in two apps is two users. */
export function endUserFor(state: ServerState, app: AppRuntime, sessionId: string): EndUser {
	for (const u of state.endUsers.values()) {
		if (u.appId === app.id && u.sessionId === sessionId) return u;
	}
	const user: EndUser = {
		id: randomUUID(),
		appId: app.id,
		sessionId,
		isAnonymous: sessionId === DEFAULT_USER,
		createdAt: new Date(),
	};
	state.endUsers.set(user.id, user);
	return user;
}

/** Looks a user up without creating it: reads by an unknown user simply see nothing. */
export function findEndUser(state: ServerState, app: AppRuntime, sessionId: string): EndUser | undefined {
	for (const u of state.endUsers.values()) {
		if (u.appId === app.id && u.sessionId === sessionId) return u;
	}
	return undefined;
}

export function registerUserRoutes(router: Router): void {
	router.add('GET', '/end-users/{end_user_id:uuid}', 'app', (ctx: Ctx) => {
		const user = ctx.state.endUsers.get(ctx.params.end_user_id);
		if (!user || user.appId !== ctx.app!.id) throw new HttpError(404, 'end_user_not_found', 'End user not found.');
		const iso = user.createdAt.toISOString();
		return ctx.out.json(200, {
			id: user.id,
			tenant_id: TENANT_ID,
			app_id: user.appId,
			type: 'service-api',
			external_user_id: user.sessionId,
			name: user.sessionId,
			is_anonymous: user.isAnonymous,
			session_id: user.sessionId,
			created_at: iso,
			updated_at: iso,
		});
	});
}
