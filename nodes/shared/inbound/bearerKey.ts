import { createHash, timingSafeEqual } from 'crypto';

/** What the Authorization header Dify sent says about the key configured in n8n. */
export type BearerCheck = 'ok' | 'malformed' | 'mismatch';

const BEARER = /^Bearer +(\S+)$/i;

/**
 * Dify sends the key of an external knowledge API or an API-based extension as
 * `Authorization: Bearer <key>`. Both sides are hashed before comparing, so the comparison takes the
 * same time whatever the key's length or how much of it matches. An empty configured key never matches.
 */
export function checkBearer(header: unknown, expectedKey: string): BearerCheck {
	const value = Array.isArray(header) ? header[0] : header;
	if (typeof value !== 'string') return 'malformed';
	const match = BEARER.exec(value.trim());
	if (!match) return 'malformed';
	const sent = createHash('sha256').update(match[1], 'utf8').digest();
	const expected = createHash('sha256').update(expectedKey, 'utf8').digest();
	return timingSafeEqual(sent, expected) && expectedKey !== '' ? 'ok' : 'mismatch';
}
