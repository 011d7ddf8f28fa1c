// Studio in a real browser for the browser suites: Debian's chromium (never a downloaded one) driven by
// playwright-core, signed in as the admin, with Directus's first-login dialogs out of the way.
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Instance } from './instance.js';
import { ADMIN } from './shared.js';

export async function openStudio(
	instance: Pick<Instance, 'url'>,
): Promise<{ browser: Browser; context: BrowserContext; page: Page }> {
	const browser = await chromium.launch({
		executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});

	const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
	// What "Skip" on Directus's first-login licence dialog stores; it would cover the page otherwise.
	await context.addCookies([{ name: 'license-onboarding-dismissed', value: 'true', url: instance.url }]);
	const page = await context.newPage();
	await page.goto(`${instance.url}/admin/login`);
	await page.locator('input[type="email"]').fill(ADMIN.email);
	await page.locator('input[type="password"]').fill(ADMIN.password);
	await page.locator('button[type="submit"]').click();
	await page.waitForURL(/\/admin\/(content|users|insights)/, { timeout: 30_000 });

	// Directus asks for a project owner shortly after the first login; answer it before any test starts.
	await page
		.getByRole('button', { name: 'Remind Later' })
		.click({ timeout: 5000 })
		.catch(() => {});

	return { browser, context, page };
}

/** Where the browser suites write their screenshots (CI keeps the folder). */
export const ARTIFACTS = 'test-artifacts';

/**
 * `subject` in Studio's light and dark schemes (it follows the system's by default), as `<name>-<scheme>.png` in
 * ARTIFACTS; the subject's text colour must differ between them.
 */
export async function screenshots(name: string, on: Page, subject: Locator) {
	const colours: string[] = [];

	try {
		for (const colorScheme of ['light', 'dark'] as const) {
			await on.emulateMedia({ colorScheme });
			await on.waitForTimeout(400);
			await on.screenshot({ path: `${ARTIFACTS}/${name}-${colorScheme}.png`, fullPage: true });
			colours.push(await subject.evaluate((el) => getComputedStyle(el).color));
		}
	} finally {
		await on.emulateMedia({ colorScheme: 'light' });
	}

	expect(colours[0]).not.toBe(colours[1]);
}
