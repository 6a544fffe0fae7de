#!/usr/bin/env node
'use strict';
/*
 * Regenerates the README's pictures of each node's form (docs/images/form-*.png): builds, then runs the
 * browser test (test/e2e/browser.e2e.ts, headless Chromium against the real n8n 2.41.1), which takes
 * them while it clicks through the editor. `npm run screenshots`.
 */
const path = require('path');
const { spawnSync } = require('child_process');

const REPO = path.resolve(__dirname, '..');
const folder = path.join(REPO, 'docs', 'images');
const r = spawnSync(process.execPath, [path.join(__dirname, 'test-e2e.js'), '--', 'test/e2e/browser.e2e.ts'], {
  cwd: REPO,
  stdio: 'inherit',
  env: { ...process.env, README_SCREENSHOTS: folder },
});
if (r.status === 0) console.log(`[screenshots] written to ${path.relative(REPO, folder)}/`);
process.exit(r.status ?? 1);
