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
		// What "Skip" on Directus's first-login licence dialog stores; it would cover the page otherwise.
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
		// Directus asks for a project owner at every login until one is set: answer "Remind Later", as a person would.
		const remindLater = page.getByRole('button', { name: 'Remind Later' });
		if (await remindLater.isVisible()) await remindLater.click();
		await expect.poll(() => timeline.getByTestId('activity-row').count(), { timeout: 15_000 }).toBe(1);
		expect(await timeline.getByTestId('activity-row').first().innerText()).toContain('Quote 1042');
		expect(await timeline.getByTestId('activity-status').first().innerText()).toBe('Queued');
		expect(await timeline.getByTestId('note-row').first().innerText()).toContain('Called back about the quote');

		// Live: a webhook posted now shows up without a reload, then follows the queue as a worker processes it.
		const posted = Date.now();
		const live = await call(channel.webhook, { method: 'POST', headers: { 'x-ingestion-key': channel.key }, json: { type: 'sms', sender: 'ana@acme.example', content: 'Can we move the call to 3pm?' } });
		const row = timeline.getByTestId('activity-row').filter({ hasText: 'Can we move the call to 3pm?' });
		await row.waitFor({ timeout: 1000 });
		const appearedMs = Date.now() - posted;
		expect(await row.getByTestId('activity-status').innerText()).toBe('Queued');
		const [claimed] = (await admin(instance).post('/activity-hub/queue/claim', { limit: 1, channels: [channel.id], types: ['sms'] })).body.data;
		expect(claimed.id).toBe(live.body.data.id);
		await expect.poll(() => row.getByTestId('activity-status').innerText(), { timeout: 2000, interval: 50 }).toBe('Processing');
		await admin(instance).post(`/activity-hub/queue/${claimed.id}/complete`, { lease_token: claimed.lease_token, processed_data: { summary: 'Wants the call at 3pm' }, note: 'Moved the call to 3pm' });
		await expect.poll(() => row.getByTestId('activity-status').innerText(), { timeout: 2000, interval: 50 }).toBe('Completed');
		await expect.poll(() => row.innerText(), { timeout: 2000 }).toContain('Wants the call at 3pm');
		await timeline.getByTestId('note-row').filter({ hasText: 'Moved the call to 3pm' }).waitFor({ timeout: 2000 });
		console.log(`[browser] webhook → row on the contact page in ${appearedMs} ms`);
		expect(await timeline.getByTestId('note-row').filter({ hasText: 'Moved the call to 3pm' }).innerText()).toContain('Agent');
		await page.screenshot({ path: `${ARTIFACTS}/contact-page.png`, fullPage: true });
		await timeline.screenshot({ path: `${ARTIFACTS}/dual-timeline.png` });

		await page.goto(`${instance.url}/admin/content`);
		const navigation = await page.locator('nav, aside').first().innerText();
		for (const name of ['Contacts', 'Activities', 'Ingestion Channels', 'Contact Notes']) expect(navigation).toContain(name);
	});
});
