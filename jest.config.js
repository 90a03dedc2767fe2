/** Tests run against the compiled package in dist/ (npm test builds first), inside n8n's real engine. */
module.exports = {
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/**/*.test.js'],
	testTimeout: 120_000,
	maxWorkers: 1,
	// A failed test can leave an emulator socket open; never let that hang CI past its results.
	forceExit: true,
	modulePathIgnorePatterns: ['<rootDir>/dist/package.json'],
};
