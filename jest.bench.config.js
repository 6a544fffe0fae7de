/** Benchmarks that need the test server and the n8n engine (npm run bench); not part of npm test. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/bench'],
	testMatch: ['<rootDir>/bench/**/*.bench.ts'],
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/bench/stream.bench.ts'],
	transform: { '^.+\\.ts$': 'ts-jest' },
	setupFiles: ['<rootDir>/test/setup-env.ts'],
	testTimeout: 120000,
};
