
/** `filename*=UTF-8''…` (RFC 5987) first, then the plain `filename="…"`. */
export function fileNameFromDisposition(disposition: string): string | undefined {
	const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
	if (star) {
		try {
			return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
		} catch {
			// fall through to the plain name
		}
	}
	const plain = /filename\s*=\s*"?([^";]+)"?/.exec(disposition);
	return plain?.[1]?.trim();
}

