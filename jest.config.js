/** Tests run against the compiled package in dist/ (npm test builds first), inside n8n's real engine. */
module.exports = {
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/**/*.test.js'],
	testTimeout: 120_000,
	maxWorkers: 1,
	// No forceExit: every test closes what it opened, and the run ends without Jest's force-exit notice.
	// out/ holds n8n user folders of the e2e runs (their .n8n/nodes/package.json files would collide in jest's module map).
	modulePathIgnorePatterns: ['<rootDir>/dist/package.json', '<rootDir>/out/'],
};
