/** Tests run against the compiled package in dist/ (npm test builds first), inside n8n's real engine. */
module.exports = {
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/**/*.test.js'],
	testTimeout: 120_000,
	maxWorkers: 1,
	modulePathIgnorePatterns: ['<rootDir>/dist/package.json'],
};
