// Search across everything and the analytics panel in a real browser: the search box above the Insights feed and
// above a contact's timeline, results with highlighted words linking to the activity; the Activity analytics panel
// that install step z0015 adds to the seeded dashboard, its chart, figures and tables in Studio's light and dark
// themes.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, call, createChannel } from '../harness/api.js';
import { type Instance, startInstance } from '../harness/instance.js';
import { openStudio } from '../harness/studio.js';
import { DASHBOARD_ID } from '../../migrations/z0006-activity-hub-dashboard.js';

const ARTIFACTS = 'test-artifacts';

describe('Studio: search and analytics', () => {
	let instance: Instance;
	let browser: Browser;
	let page: Page;
	let channel: { id: string; key: string; webhook: string };
	let ana: number;
	const ids: Record<string, string> = {};

	const deliver = async (name: string, json: Record<string, unknown>) => {
		const reply = await call(channel.webhook, { method: 'POST', headers: { 'x-ingestion-key': channel.key }, json });
		expect(reply.status).toBe(202);
		ids[name] = reply.body.data.id;
	};

	async function dismissDialogs() {
		const remindLater = page.getByRole('button', { name: 'Remind Later' });
		if (await remindLater.isVisible()) await remindLater.click();
	}

	beforeAll(async () => {
		mkdirSync(ARTIFACTS, { recursive: true });
		instance = await startInstance('sqlite');
		({ browser, page } = await openStudio(instance));
		channel = await createChannel(instance, { name: 'Support inbox', provider: 'generic' });

		ana = (
			await admin(instance).post('/items/contacts', {
				first_name: 'Ana',
				last_name: 'Ruiz',
				emails: [{ email: 'ana@acme.example', type: 'work' }],
			})
		).body.data.id;

		// The identity index is written after the contact's create: wait for it, or the e-mails would not match.
		for (let i = 0; i < 100 && !(await instance.db('contact_identities').where({ contact: ana }).first()); i++)
			await new Promise((resolve) => setTimeout(resolve, 100));

		const at = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

		await deliver('anaInvoice', {
			type: 'email',
			sender: 'ana@acme.example',
			subject: 'Invoice 1042 is overdue',
			content: '<p>Please <script>alert(1)</script>settle invoice 1042.</p>',
			occurred_at: at(90),
		});

		await deliver('anaReply', {
			type: 'email',
			direction: 'outbound',
			recipient: 'ana@acme.example',
			subject: 'Re: Invoice 1042 is overdue',
			content: 'Paid today.',
			occurred_at: at(60),
		});

		await deliver('other', {
			type: 'sms',
			sender: '+12025550100',
			content: 'where is invoice 1042?',
			occurred_at: at(30),
		});
	});

	afterAll(async () => {
		await browser?.close();
		await instance?.stop();
	});

	it('searches everything from the Insights feed and opens the activity found', async () => {
		await page.goto(`${instance.url}/admin/insights/${DASHBOARD_ID}`);
		const feed = page.getByTestId('timeline-panel');
		await feed.waitFor({ timeout: 30_000 });
		await dismissDialogs();

		const search = feed.getByTestId('search-everything');
		await search.getByTestId('search-everything-input').fill('invoice 1042');
		const results = search.getByTestId('search-result');
		await expect.poll(() => results.count(), { timeout: 10_000 }).toBe(3);

		// Subject matches first (the two e-mails), the SMS last; matched words marked, the e-mail's script only text.
		const titles = await results.getByTestId('search-result-link').allInnerTexts();
		expect(titles.slice(0, 2).sort()).toEqual(['Invoice 1042 is overdue', 'Re: Invoice 1042 is overdue']);
		expect(await results.last().innerText()).toContain('where is');

		expect(await results.first().getByTestId('search-mark').allInnerTexts()).toEqual(
			expect.arrayContaining(['Invoice', '1042']),
		);

		expect(await page.evaluate(() => document.querySelectorAll('.search-everything script').length)).toBe(0);
		await page.screenshot({ path: `${ARTIFACTS}/search-feed.png`, fullPage: true });

		await results.filter({ hasText: 'where is' }).getByTestId('search-result-link').click();
		await page.waitForURL(new RegExp(`/admin/content/activities/${ids['other']}$`), { timeout: 15_000 });
	});

	it('searches a contact’s history from its timeline', async () => {
		await page.goto(`${instance.url}/admin/content/contacts/${ana}`);
		const timeline = page.getByTestId('activity-hub-timeline');
		await timeline.waitFor({ timeout: 30_000 });
		await dismissDialogs();

		await admin(instance).post('/items/contact_notes', {
			contact: ana,
			content: 'Promised a discount on invoice 1042',
		});

		const search = timeline.getByTestId('search-everything');
		const input = search.getByTestId('search-everything-input');
		expect(await input.getAttribute('aria-label')).toBe('Search this contact’s activities, transcripts and notes');
		await input.fill('invoice 1042');
		const results = search.getByTestId('search-result');
		// Ana's two e-mails and her note; the other sender's SMS is not hers.
		await expect.poll(() => results.count(), { timeout: 10_000 }).toBe(3);
		expect(await results.filter({ hasText: 'where is' }).count()).toBe(0);
		expect(await results.filter({ hasText: 'Promised a discount' }).count()).toBe(1);

		// Escape clears the search.
		await input.press('Escape');
		await expect.poll(() => search.getByTestId('search-results').count()).toBe(0);
		await input.fill('paid');
		await expect.poll(() => results.count(), { timeout: 10_000 }).toBe(1);
		await page.screenshot({ path: `${ARTIFACTS}/search-contact.png`, fullPage: true });
		await results.first().getByTestId('search-result-link').click();
		await page.waitForURL(new RegExp(`/admin/content/activities/${ids['anaReply']}$`), { timeout: 15_000 });
	});

	it('shows the Activity analytics panel on the seeded dashboard, in light and dark', async () => {
		const failing = ids['other']!;

		await instance
			.db('activities')
			.where({ id: failing })
			.update({ status: 'failed', last_error: 'transcription service down', date_updated: Date.now() });

		try {
			for (const appearance of ['light', 'dark'] as const) {
				await admin(instance).patch('/users/me', { appearance });
				await page.goto(`${instance.url}/admin/insights/${DASHBOARD_ID}`);
				const panel = page.getByTestId('analytics-panel');
				await panel.getByTestId('analytics-total').waitFor({ timeout: 30_000 });
				await dismissDialogs();

				expect(Number(await panel.getByTestId('analytics-total').innerText())).toBeGreaterThanOrEqual(3);
				// Ana's invoice was answered 30 minutes later: the one wait, median and p90 alike.
				expect(await panel.getByTestId('analytics-median').innerText()).toMatch(/30\s*min/);
				expect(await panel.getByTestId('analytics-p90').innerText()).toMatch(/30\s*min/);
				expect(await panel.getByTestId('analytics-unmatched').innerText()).toMatch(/%/);
				expect(await panel.getByTestId('analytics-chart').locator('rect').count()).toBeGreaterThan(0);
				expect(await panel.getByTestId('analytics-legend').innerText()).toContain('Support inbox');
				await panel.getByTestId('chart-by-type').click();
				expect(await panel.getByTestId('analytics-legend').innerText()).toContain('E-mail');
				expect(await panel.getByTestId('analytics-response-row').first().innerText()).toContain('Support inbox');
				expect(await panel.getByTestId('analytics-failures').innerText()).toContain('transcription service down');

				// The panel's figures are whole and inside it.
				const box = (await panel.boundingBox())!;

				for (const figure of await panel.locator('dd').all()) {
					const right = await figure.evaluate((el) => {
						const range = document.createRange();
						range.selectNodeContents(el);
						return range.getBoundingClientRect().right;
					});

					expect(right, await figure.innerText()).toBeLessThanOrEqual(box.x + box.width + 1);
				}

				await panel.scrollIntoViewIfNeeded();
				await page.screenshot({ path: `${ARTIFACTS}/analytics-${appearance}.png`, fullPage: true });
			}
		} finally {
			await admin(instance).patch('/users/me', { appearance: null });
		}
	});
});
