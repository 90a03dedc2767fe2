/** Tests run against the compiled package in dist/ (npm test builds first), inside n8n's real engine. */
module.exports = {
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/**/*.test.js'],
	testTimeout: 120_000,
	maxWorkers: 1,
	// No forceExit: every test closes what it opened, and the run ends without Jest's force-exit notice.
	modulePathIgnorePatterns: ['<rootDir>/dist/package.json', '<rootDir>/out/'],
};
