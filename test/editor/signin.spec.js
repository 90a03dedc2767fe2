'use strict';
/** Signing in on the editor's own sign-in page with the account npm start set up; later tests reuse the session. */
const { test, expect } = require('@playwright/test');

const { AUTH_FILE, OWNER } = require('./paths');
const { state, shot } = require('./helpers');

test('sign in with the account npm start set up', async ({ page }, testInfo) => {
	await page.goto(`${state().baseUrl}/signin`);
	await page.getByLabel(/email/i).first().fill(OWNER.email);
	await page.locator('input[type="password"]').fill(OWNER.password);
	await page.getByRole('button', { name: /sign in/i }).click();
	await expect(page).not.toHaveURL(/\/signin/);
	await expect(page.getByText(/Sora example 1/).first()).toBeVisible();
	await shot(page, testInfo, '01-signed-in');
	await page.context().storageState({ path: AUTH_FILE });
});
