import type { Router } from './http';

export function registerAudioRoutes(_router: Router): void {}
