// @ts-check
'use strict';
/**
 * `npm run e2e:editor`: the real n8n editor of `npm start` driven in Debian's Chromium by Playwright Test (the runner
 * n8n's own editor tests use). scripts/e2e-editor.js installs Chromium/ffprobe where missing and runs this config.
 *
 * One worker (one n8n, and tests that share its emulator), retries: 1 with a trace kept for a failed try, a JSON
 * summary of every test and step (test/editor/summary-reporter.js, `--json <file>`), screenshots in out/editor.
 */
const { defineConfig } = require('@playwright/test');

const { AUTH_FILE, OUT } = require('./test/editor/paths');

const CHROMIUM = process.env.SORA_EDITOR_CHROMIUM || process.env.CHROMIUM_PATH || '/usr/bin/chromium';

module.exports = defineConfig({
	testDir: './test/editor',
	testMatch: /.*\.spec\.js$/,
	outputDir: `${OUT}/test-results`,
	globalSetup: require.resolve('./test/editor/global-setup.js'),
	fullyParallel: false,
	workers: 1,
	retries: 1,
	timeout: 180_000,
	expect: { timeout: 20_000 },
	reporter: [['list'], [require.resolve('./test/editor/summary-reporter.js')]],
	use: {
		// n8n marks its elements with data-test-id (not Playwright's default data-testid).
		testIdAttribute: 'data-test-id',
		viewport: { width: 1440, height: 900 },
		actionTimeout: 20_000,
		navigationTimeout: 60_000,
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure',
		launchOptions: {
			executablePath: CHROMIUM,
			args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
		},
	},
	projects: [
		{ name: 'sign-in', testMatch: /signin\.spec\.js$/ },
		{ name: 'editor', testIgnore: /signin\.spec\.js$/, dependencies: ['sign-in'], use: { storageState: AUTH_FILE } },
	],
});
