import type { Ctx } from './http';

/**
 * Documents the sandbox serves outside the API (`GET /samples/<name>`), so the file example of
 * `npm start` downloads something without internet access. Written for this repository.
 */
export const SAMPLES: Record<string, { type: string; text: string }> = {
	'tea-brewing-guide.txt': {
		type: 'text/plain; charset=utf-8',
		text: [
			'A short guide to brewing tea',
			'',
			'Green tea: water at 70 to 80 degrees Celsius, two to three minutes. Hotter water makes it bitter.',
			'Black tea: water just off the boil, three to five minutes. Longer steeping adds strength, not flavour.',
			'Oolong: water at 85 to 95 degrees Celsius, several short infusions of about one minute each.',
			'Herbal infusions: boiling water, five to seven minutes, covered so the aroma stays in the cup.',
			'',
			'Use about two grams of leaves per 200 ml cup, fresh water, and a warmed pot.',
			'',
		].join('\n'),
	},
};

/** Serves a sample document; false when `path` is not one. */
export async function serveSample(ctx: Ctx, path: string): Promise<boolean> {
	const match = /^\/samples\/([\w.-]+)$/.exec(path);
	const sample = match && ctx.method === 'GET' ? SAMPLES[match[1]] : undefined;
	if (!sample) return false;
	const body = Buffer.from(sample.text, 'utf8');
	ctx.res.writeHead(200, { 'Content-Type': sample.type, 'Content-Length': body.length });
	ctx.res.end(body);
	return true;
}
