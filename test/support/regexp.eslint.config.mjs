// Only the ReDoS rules of eslint-plugin-regexp over shipped code, for test/unit/linearRegex.test.ts:
// the same rules eslint.config.mjs adds to n8n's lint, without n8n's slower type-aware rules.
import tsParser from '@typescript-eslint/parser';
import regexp from 'eslint-plugin-regexp';

export default [
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		languageOptions: { parser: tsParser },
		plugins: { regexp },
		rules: {
			'regexp/no-super-linear-backtracking': 'error',
			'regexp/no-super-linear-move': 'error',
		},
	},
];
