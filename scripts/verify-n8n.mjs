#!/usr/bin/env node
/*
 * n8n's verification checks, run the way n8n's registry scanner (@n8n/scan-community-package) runs
 * them: its own ESLint configuration, inline eslint-disable comments ignored, first on the source
 * files it would fetch from the repository (package.json, nodes/, credentials/), then on every .js
 * file and the package.json of the packed tarball. Only the network parts of the scan (provenance
 * lookup, download from npm) are left out: they need a published version.
 *
 *   node scripts/verify-n8n.mjs            this repository (run `npm run build` first)
 *   node scripts/verify-n8n.mjs <dir>      another package directory (used by the tests)
 *   --source-only                          skip the tarball leg
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

const args = process.argv.slice(2);
const dir = path.resolve(args.find((a) => !a.startsWith('--')) ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
const sourceOnly = args.includes('--source-only');

function run(cmd, cmdArgs, cwd) {
	const r = spawnSync(cmd, cmdArgs, { cwd, encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} failed: ${r.stderr || r.stdout}`);
	return r.stdout;
}

/** Packs the package as `npm publish` would and unpacks it, as the scanner does with the npm tarball. */
function unpackedTarball(packageDir) {
	const out = fs.mkdtempSync(path.join(os.tmpdir(), 'dify-verify-'));
	const [report] = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], packageDir));
	const unpacked = path.join(out, 'package');
	fs.mkdirSync(unpacked);
	run('tar', ['-xzf', path.join(out, report.filename), '-C', unpacked, '--strip-components=1'], out);
	if (!fs.existsSync(path.join(unpacked, 'dist'))) throw new Error('The tarball holds no dist/: run `npm run build` first.');
	return { unpacked, cleanup: () => fs.rmSync(out, { recursive: true, force: true }) };
}

let failed = false;
const report = (label, result) => {
	console.log(`${result.passed ? 'PASS' : 'FAIL'}  ${label}${result.message && !result.passed ? `: ${result.message}` : ''}`);
	if (!result.passed) {
		failed = true;
		if (result.details) console.log(result.details);
	}
};

report(`n8n scanner, source (${SOURCE_FILE_PATTERNS.join(', ')})`, await analyzePackage(dir, SOURCE_FILE_PATTERNS));
if (!sourceOnly) {
	const tarball = unpackedTarball(dir);
	try {
		report('n8n scanner, packed tarball (**/*.js, package.json)', await analyzePackage(tarball.unpacked, ['**/*.js', 'package.json']));
	} finally {
		tarball.cleanup();
	}
}
process.exit(failed ? 1 : 0);
