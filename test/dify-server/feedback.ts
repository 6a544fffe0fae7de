import type { Router } from './http';

export function registerFeedbackRoutes(_router: Router): void {}
