import type { Router } from './http';

export function registerMessageRoutes(_router: Router): void {}
