// n8n's lint for community nodes, exactly as `n8n-node lint` applies it (rules, overrides and
// severities are n8n's; nothing is switched off). It covers what ships: nodes/, credentials/ and
// package.json, which is also the scope n8n's registry scanner lints.
//
// The one change from n8n-node's template: the development-only folders are ignored. They hold the
// Dify test server, the in-process n8n harness, benchmarks and the scripts that run a real n8n, which
// need `http`, `fs`, `child_process` and `process` — everything n8n's community rules forbid in a
// node. None of it is published (test/unit/package.test.ts checks the tarball). Because strict mode
// only accepts the template verbatim, package.json sets "strict": false; see README "Verification".
//
// One addition: the nodes read text from servers and users unattended, so every regex in shipped code
// must run in linear time. eslint-plugin-regexp's ReDoS rules reject any pattern that can backtrack
// super-linearly (a message of 80,000 spaces once stalled n8n for seconds); `npm test` runs this lint.
import { globalIgnores } from 'eslint/config';
import { config } from '@n8n/node-cli/eslint';
import regexp from 'eslint-plugin-regexp';

export default [
	globalIgnores(['test/', 'bench/', 'scripts/', 'examples/', 'build/', 'docs/']),
	...config,
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		plugins: { regexp },
		rules: {
			'regexp/no-super-linear-backtracking': 'error',
			'regexp/no-super-linear-move': 'error',
			'regexp/no-misleading-capturing-group': 'error',
		},
	},
];
