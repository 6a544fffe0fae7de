import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, JsonObject } from 'n8n-workflow';

import { describeNetworkFailure } from './errors';
import { armTimer, BodyTooLargeError, DeadlineError, destroyBody, formatBytes, linkedAbort, readBounded } from './limits';
import { headerValue, readText } from './request';

/**
 * Dify's own default upload limits (UPLOAD_FILE_SIZE_LIMIT 15 MB for documents, UPLOAD_VIDEO_FILE_SIZE_LIMIT
 * 100 MB, the largest of its file types): a knowledge document fetched from a URL must fit the first,
 * a file Dify produced or stored fits the second.
 */
export const DEFAULT_DOCUMENT_MAX_MB = 15;
export const DEFAULT_FILE_MAX_MB = 100;
/** A download's deadline, from the first request to the last byte, redirects included. */
export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 300_000;
/** Redirects followed by a download (never by a Dify API call, and never with the key). */
export const MAX_DOWNLOAD_REDIRECTS = 5;

export interface DownloadLimits {
	maxBytes: number;
	timeoutMs: number;
	/** Whether hosts on the loopback, link-local and cloud metadata ranges may be fetched. */
	allowInternal: boolean;
	/** The origin of the credential's Base URL: Dify's own file links point there and are always allowed. */
	trustedOrigin?: string;
}

export interface Downloaded {
	data: Buffer;
	contentType: string;
	contentDisposition: string;
	/** The address the bytes came from, after redirects, without its query. */
	finalUrl: string;
}

/** Strips the query (signatures: `timestamp`, `nonce`, `sign`) and credentials before a URL appears in a message. */
export function withoutQuery(url: string): string {
	try {
		const parsed = new URL(url);
		return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
	} catch {
		return url.split('?')[0].split('#')[0];
	}
}

const INTERNAL_NAMES = new Set(['localhost', 'metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data']);

function ipv4Parts(host: string): number[] | undefined {
	const parts = host.split('.');
	if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return undefined;
	const numbers = parts.map(Number);
	return numbers.every((n) => n <= 255) ? numbers : undefined;
}

function internalIpv4([a, b, c, d]: number[]): boolean {
	if (a === 127 || a === 0) return true; // loopback, "this network"
	if (a === 169 && b === 254) return true; // link-local, cloud metadata (169.254.169.254)
	if (a === 100 && b === 100 && c === 100 && d === 200) return true; // Alibaba Cloud metadata
	return false;
}

/**
 * Whether a host is on the ranges a download may not reach unless allowed: loopback, link-local
 * (where the cloud metadata services live) and the metadata names. Private ranges (10/8, 192.168/16…)
 * are allowed: self-hosted Dify lives there. An administrator restricts more with n8n's own SSRF
 * settings (N8N_SSRF_PROTECTION_ENABLED and N8N_SSRF_BLOCKED_IP_RANGES), which apply to every request
 * these nodes send, because they all go through n8n's request helpers.
 */
export function isInternalHost(hostname: string): boolean {
	let host = hostname.toLowerCase().replace(/\.$/, '');
	if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
	if (INTERNAL_NAMES.has(host) || host.endsWith('.localhost')) return true;
	const v4 = ipv4Parts(host);
	if (v4) return internalIpv4(v4);
	if (!host.includes(':')) return false;
	// IPv6 (the URL parser has already normalised it): loopback, unspecified, link-local, mapped IPv4, AWS metadata.
	if (host === '::1' || host === '::') return true;
	if (/^fe[89ab][0-9a-f]?:/.test(host)) return true;
	if (host.startsWith('fd00:ec2::')) return true;
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host)?.[1];
	if (mapped) return internalIpv4(ipv4Parts(mapped) ?? [0]);
	const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
	if (mappedHex) {
		const hi = parseInt(mappedHex[1], 16);
		const lo = parseInt(mappedHex[2], 16);
		return internalIpv4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
	}
	return false;
}

function originOf(url: string): string | undefined {
	try {
		return new URL(url).origin;
	} catch {
		return undefined;
	}
}

type Response = { statusCode: number; headers: Record<string, string | string[] | undefined>; body: unknown };

/**
 * Fetches a file through n8n's request helper, never with a credential: only http(s), redirects
 * followed one by one (each hop checked like the first), the loopback/link-local/metadata ranges
 * refused unless allowed, Content-Length checked before reading, bytes counted while reading, and
 * one deadline for all of it. Past a limit the socket is destroyed. The result is bytes in memory,
 * at most `maxBytes`, handed to n8n's binary storage once.
 */
export async function downloadFile(
	this: IExecuteFunctions,
	url: string,
	limits: DownloadLimits,
	itemIndex: number,
	what = 'the file',
): Promise<Downloaded> {
	const node = this.getNode();
	const started = Date.now();
	const deadline = linkedAbort(this.getExecutionCancelSignal?.());
	let timedOut = false;
	const stopTimer = armTimer(limits.timeoutMs, () => {
		timedOut = true;
		deadline.abort();
	});
	const signal = deadline.signal;
	const tooSlow = () =>
		new NodeOperationError(node, `Downloading ${what} at ${withoutQuery(url)} took longer than ${limits.timeoutMs / 1000} s`, {
			itemIndex,
			description: 'The file host stalled or the file is very large. The connection was closed. Retry, check the file host, or raise the operation\'s "Download Timeout (Seconds)" option.',
		});
	let current = url;
	try {
		let response: Response | undefined;
		for (let hop = 0; ; hop++) {
			checkTarget(this, current, limits, itemIndex, what, hop > 0 ? url : undefined);
			try {
				response = (await this.helpers.httpRequest({
					method: 'GET',
					url: current,
					encoding: 'stream',
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					disableFollowRedirect: true,
					abortSignal: signal,
				})) as Response;
			} catch (error) {
				if (timedOut) throw tooSlow();
				const message = `Cannot fetch ${what} at ${withoutQuery(current)}: ${describeNetworkFailure(error)}`;
				throw new NodeApiError(node, { message } as JsonObject, { message, description: 'Check the URL and that this n8n instance can reach its host (an administrator\'s SSRF policy may block it).', itemIndex });
			}
			const location = headerValue(response.headers, 'location');
			if (response.statusCode >= 300 && response.statusCode < 400 && location) {
				destroyBody(response.body);
				if (hop >= MAX_DOWNLOAD_REDIRECTS) {
					throw new NodeOperationError(node, `Fetching ${what} at ${withoutQuery(url)} was redirected more than ${MAX_DOWNLOAD_REDIRECTS} times`, { itemIndex, description: 'Use the final address of the file.' });
				}
				current = new URL(location, current).href;
				continue;
			}
			break;
		}
		checkConnectedAddress(this, response, current, limits, itemIndex, what);
		if (response.statusCode >= 400) {
			const sample = (await readText(response.body, 4096, 5000)).slice(0, 200);
			const expired = response.statusCode === 403 || response.statusCode === 401;
			const message = `Fetching ${what} at ${withoutQuery(current)} failed with HTTP ${response.statusCode}`;
			throw new NodeApiError(node, { status: response.statusCode, body: sample } as JsonObject, {
				message,
				description: expired
					? 'File links from Dify are signed and expire after a few minutes (FILES_ACCESS_TIMEOUT, 300 s by default): download them in the same run, or raise FILES_ACCESS_TIMEOUT on the Dify server. Other links may have expired too.'
					: `The file host answered: ${sample || '(empty body)'}. Check the URL.`,
				httpCode: String(response.statusCode),
				itemIndex,
			});
		}
		const declared = Number(headerValue(response.headers, 'content-length'));
		if (Number.isFinite(declared) && declared > limits.maxBytes) {
			destroyBody(response.body);
			throw tooLarge(this, what, current, limits.maxBytes, itemIndex, `it announces ${formatBytes(declared)}`);
		}
		let data: Buffer;
		try {
			data = await readBounded(response.body, { maxBytes: limits.maxBytes, deadlineMs: Math.max(1, limits.timeoutMs - (Date.now() - started)), overflow: 'fail' });
		} catch (error) {
			if (error instanceof BodyTooLargeError) throw tooLarge(this, what, current, limits.maxBytes, itemIndex, 'more bytes arrived');
			if (error instanceof DeadlineError || timedOut) throw tooSlow();
			const message = `Downloading ${what} at ${withoutQuery(current)} was interrupted: ${describeNetworkFailure(error)}`;
			throw new NodeApiError(node, { message } as JsonObject, { message, itemIndex });
		}
		return {
			data,
			contentType: headerValue(response.headers, 'content-type').split(';')[0].trim(),
			contentDisposition: headerValue(response.headers, 'content-disposition'),
			finalUrl: withoutQuery(current),
		};
	} finally {
		stopTimer();
		deadline.unlink();
	}
}

function tooLarge(ctx: IExecuteFunctions, what: string, url: string, maxBytes: number, itemIndex: number, why: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `${what.charAt(0).toUpperCase()}${what.slice(1)} at ${withoutQuery(url)} is larger than the ${formatBytes(maxBytes)} allowed (${why})`, {
		itemIndex,
		description: `Reading stopped at the limit and the connection was closed. Raise "Max File Size (MB)" in the options if the file is legitimate (the default follows Dify's own upload limits).`,
	});
}

function checkTarget(ctx: IExecuteFunctions, target: string, limits: DownloadLimits, itemIndex: number, what: string, redirectedFrom?: string): void {
	let parsed: URL;
	try {
		parsed = new URL(target);
	} catch {
		throw new NodeOperationError(ctx.getNode(), `"${withoutQuery(target)}" is not a valid URL for ${what}`, { itemIndex, description: 'The URL must start with http:// or https://.' });
	}
	const via = redirectedFrom ? ` (redirected from ${withoutQuery(redirectedFrom)})` : '';
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		throw new NodeOperationError(ctx.getNode(), `Refused to fetch ${what} from a ${parsed.protocol.replace(':', '')} URL${via}`, { itemIndex, description: 'Only http:// and https:// URLs are fetched.' });
	}
	if (limits.allowInternal || (limits.trustedOrigin && parsed.origin === limits.trustedOrigin)) return;
	if (isInternalHost(parsed.hostname)) throw internalRefused(ctx, parsed.host, what, itemIndex, via);
}

/** The address actually connected to, when n8n hands over the socket: catches names that resolve to an internal address. */
function checkConnectedAddress(ctx: IExecuteFunctions, response: Response, target: string, limits: DownloadLimits, itemIndex: number, what: string): void {
	if (limits.allowInternal || (limits.trustedOrigin && originOf(target) === limits.trustedOrigin)) return;
	const remote = (response.body as { socket?: { remoteAddress?: string } } | undefined)?.socket?.remoteAddress;
	if (remote && isInternalHost(remote.includes(':') ? `[${remote}]` : remote)) {
		destroyBody(response.body);
		throw internalRefused(ctx, `${new URL(target).host} (${remote})`, what, itemIndex, '');
	}
}

function internalRefused(ctx: IExecuteFunctions, host: string, what: string, itemIndex: number, via: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `Refused to fetch ${what} from ${host}${via}: an internal address (loopback, link-local or cloud metadata)`, {
		itemIndex,
		description: 'A URL from a server or an expression could otherwise make n8n read its own services or the cloud metadata endpoint. If this host is legitimate, turn on "Allow Internal Addresses" in the options.',
	});
}
