/** Unit and integration tests (the real-n8n e2e suite has its own config). */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['<rootDir>/test/**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
	// Type-checking is done once by `npm run typecheck`; transpiling alone keeps jest fast.
	transform: { '^.+\\.ts$': 'ts-jest' },
	setupFiles: ['<rootDir>/test/setup-env.ts'],
	testTimeout: 20000,
};
