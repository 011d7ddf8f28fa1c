// Studio in a real browser (Debian chromium driven by playwright-core): an admin logs in, sees the Activity Hub
// collections, opens a contact and sees its dual timeline with an ingested activity and a note.
import { mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, call, createChannel } from '../harness/api.js';
import { startInstance, type Instance } from '../harness/instance.js';
import { ADMIN } from '../harness/shared.js';

const ARTIFACTS = 'test-artifacts';

describe('Studio', () => {
	let instance: Instance;
	let browser: Browser;

	beforeAll(async () => {
		mkdirSync(ARTIFACTS, { recursive: true });
		instance = await startInstance('sqlite');
		browser = await chromium.launch({
			executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
			args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
		});
	});
	afterAll(async () => {
		await browser?.close();
		await instance?.stop();
	});

	it('shows the collections and a contact with its dual timeline', async () => {
		const contact = (await admin(instance).post('/items/contacts', { first_name: 'Ana', last_name: 'Ruiz', emails: [{ email: 'ana@acme.example', type: 'work' }] })).body.data.id;
		await expect.poll(async () => (await instance.db('contact_identities').where({ contact })).length).toBe(1);
		const channel = await createChannel(instance, { provider: 'generic' });
		const ingested = await call(channel.webhook, { method: 'POST', headers: { 'x-ingestion-key': channel.key }, json: { type: 'email', sender: 'ana@acme.example', subject: 'Quote 1042', content: 'Looks good, please send the contract.' } });
		expect(ingested.body.data.contact).toBe(contact);
		await admin(instance).post('/items/contact_notes', { contact, content: 'Called back about the quote' });

		const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
		// What "Skip" on Directus's first-login licence dialog stores; the dialog would cover the page otherwise.
		await context.addCookies([{ name: 'license-onboarding-dismissed', value: 'true', url: instance.url }]);
		const page = await context.newPage();
		await page.goto(`${instance.url}/admin/login`);
		await page.locator('input[type="email"]').fill(ADMIN.email);
		await page.locator('input[type="password"]').fill(ADMIN.password);
		await page.locator('button[type="submit"]').click();
		await page.waitForURL(/\/admin\/(content|users|insights)/, { timeout: 30_000 });

		await page.goto(`${instance.url}/admin/content/contacts/${contact}`);
		const timeline = page.getByTestId('activity-hub-timeline');
		await timeline.waitFor({ timeout: 30_000 });
		await expect.poll(() => timeline.getByTestId('activity-row').count(), { timeout: 15_000 }).toBe(1);
		expect(await timeline.getByTestId('activity-row').first().innerText()).toContain('Quote 1042');
		expect(await timeline.getByTestId('activity-status').first().innerText()).toBe('Queued');
		expect(await timeline.getByTestId('note-row').first().innerText()).toContain('Called back about the quote');
		await page.screenshot({ path: `${ARTIFACTS}/contact-dual-timeline.png`, fullPage: true });

		await page.goto(`${instance.url}/admin/content`);
		const navigation = await page.locator('nav, aside').first().innerText();
		for (const name of ['Contacts', 'Activities', 'Ingestion Channels', 'Contact Notes']) expect(navigation).toContain(name);
	});
});
