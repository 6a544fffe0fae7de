/**
 * Users paste the base URL in every shape Dify's docs and UI show: with or without `/v1`, with or
 * without a trailing slash, sometimes without a scheme. All requests need exactly `<origin>/v1`.
 */
export function normaliseBaseUrl(raw: string | undefined): string {
	let url = String(raw ?? '').trim();
	if (!url) throw new Error('The Base URL of the Dify credential is empty');
	if (!/^https?:\/\//i.test(url)) url = `https://${url}`;
	// A loop, not /\/+$/: that pattern is quadratic on a long run of slashes.
	while (url.endsWith('/')) url = url.slice(0, -1);
	url = url.replace(/\/v1$/i, '');
	return `${url}/v1`;
}

/** Dify builds file URLs relative to the instance origin (not to `/v1`) when FILES_URL is unset. */
export function absoluteFileUrl(baseUrl: string, url: string): string {
	if (/^https?:\/\//i.test(url)) return url;
	const origin = normaliseBaseUrl(baseUrl).replace(/\/v1$/, '');
	return `${origin}${url.startsWith('/') ? '' : '/'}${url}`;
}
