/**
 * The e2e suite: the packed package inside a real n8n (see test/e2e). Slow and heavy (each n8n process
 * takes ~1 GB), so it has its own config, runs files one at a time and is not part of `jest`'s default
 * run. `npm run test:e2e` builds first; E2E_N8N_LINE=1 runs it on the n8n 1.x runtime.
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['<rootDir>/test/e2e/**/*.e2e.ts'],
	// Suites that need what only n8n 2.x has are left out of the n8n 1.x compatibility run by name, so
	// none of them skips itself: the queue lane (binary data in the database, offloaded editor runs), the
	// browser test (2.x's editor), the AI Agent and MCP tests (2.x's AI nodes), the install from environment
	// variables (n8n 2.21+); `npm start -- --queue` runs 2.x only.
	testPathIgnorePatterns:
		process.env.E2E_N8N_LINE === '1'
			? ['/node_modules/', '/test/e2e/(queue|startQueue|browser|agent|mcp|envInstall)\\.e2e\\.ts$']
			: ['/node_modules/'],
	transform: { '^.+\\.ts$': 'ts-jest' },
	globalSetup: '<rootDir>/test/e2e/global-setup.ts',
	maxWorkers: 1,
	testTimeout: 120000,
	slowTestThreshold: 60,
	verbose: true,
};
