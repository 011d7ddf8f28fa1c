// Issue #17, points 2 and 3 in a real browser against a real Directus: the channel setup's refusal log (the last
// refused requests and a count per reason), and bulk actions on rows selected in a contact's timeline — the
// preview's count first, then the run.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { admin, call, createChannel } from '../harness/api.js';
import { type Instance, startInstance } from '../harness/instance.js';
import { openStudio } from '../harness/studio.js';

const ARTIFACTS = 'test-artifacts';

describe('Refusal log and bulk actions in Studio', () => {
	let instance: Instance;
	let browser: Browser;
	let page: Page;
	const pageErrors: string[] = [];

	beforeAll(async () => {
		mkdirSync(ARTIFACTS, { recursive: true });
		instance = await startInstance('sqlite');
		({ browser, page } = await openStudio(instance));
		page.on('pageerror', (error) => pageErrors.push(String(error)));
	});

	beforeEach(({ task }) => {
		pageErrors.length = 0;

		onTestFailed(async () => {
			const name = task.name.replace(/\W+/g, '-').slice(0, 60);
			await page.screenshot({ path: `${ARTIFACTS}/failed-${name}.png`, fullPage: true }).catch(() => {});
			console.error(`page errors during "${task.name}":\n${pageErrors.join('\n')}`);
		});
	});

	afterAll(async () => {
		await browser?.close();
		await instance?.stop();
	});

	async function dismissDialogs() {
		const remindLater = page.getByRole('button', { name: 'Remind Later' });
		if (await remindLater.isVisible()) await remindLater.click();
	}

	it('shows the last refused requests of a channel with a count per reason', async () => {
		const channel = await createChannel(instance, { name: 'Refusing webhook', provider: 'generic' });
		const wrong = { 'x-ingestion-key': `ahk_${'x'.repeat(43)}`, 'content-type': 'application/json' };

		for (const headers of [wrong, wrong, { 'x-ingestion-key': channel.key, 'content-type': 'application/json' }])
			expect(
				(await call(channel.webhook, { method: 'POST', headers, body: '{"type":' })).status,
			).toBeGreaterThanOrEqual(400);

		await page.goto(`${instance.url}/admin/content/ingestion_channels/${channel.id}`);
		const log = page.getByTestId('refusal-log');
		await log.waitFor({ timeout: 30_000 });
		await dismissDialogs();
		const reasons = log.getByTestId('refusal-reasons');
		await reasons.waitFor({ timeout: 15_000 });
		expect(await reasons.locator('[data-reason="KEY_INVALID"]').innerText()).toMatch(/KEY_INVALID\s+2/);
		expect(await reasons.locator('[data-reason="INVALID_JSON"]').innerText()).toMatch(/INVALID_JSON\s+1/);
		const rows = log.getByTestId('refusal-recent').locator('tbody tr');
		expect(await rows.count()).toBe(3);
		expect(await rows.first().innerText()).toContain('INVALID_JSON');
		expect(await rows.first().innerText()).toContain('400');
		// Never the body or the key.
		expect(await log.innerText()).not.toContain('"type"');
		expect(await log.innerText()).not.toContain('xxxxxxxx');
		await page.screenshot({ path: `${ARTIFACTS}/refusal-log.png`, fullPage: true });
	});

	it('acts on rows selected in the timeline after previewing how many it changes', async () => {
		const channel = await createChannel(instance, { name: 'Bulk inbox', provider: 'generic' });

		const contact = (
			await admin(instance).post('/items/contacts', {
				first_name: 'Bea',
				last_name: 'Bulk',
				emails: [{ email: 'bea@bulk.example', type: 'work' }],
			})
		).body.data.id;

		await expect
			.poll(async () => (await instance.db('contact_identities').where({ contact })).length, { timeout: 10_000 })
			.toBe(1);

		for (const subject of ['Bulk one', 'Bulk two', 'Bulk three', 'Bulk four'])
			await call(channel.webhook, {
				method: 'POST',
				headers: { 'x-ingestion-key': channel.key },
				json: { type: 'email', sender: 'bea@bulk.example', subject, content: subject },
			});

		// Three fail for good, one stays queued.
		const claimed = (
			await admin(instance).post('/activity-hub/queue/claim', { limit: 3, channels: [channel.id], lease_seconds: 300 })
		).body.data as Array<{ id: string; lease_token: string }>;

		expect(claimed).toHaveLength(3);

		for (const item of claimed)
			await admin(instance).post(`/activity-hub/queue/${item.id}/fail`, {
				lease_token: item.lease_token,
				error: 'parser crashed',
				retry: false,
			});

		await page.goto(`${instance.url}/admin/content/contacts/${contact}`);
		const timeline = page.getByTestId('activity-hub-timeline');
		await timeline.waitFor({ timeout: 30_000 });
		await dismissDialogs();
		await expect.poll(() => timeline.getByTestId('activity-row').count(), { timeout: 15_000 }).toBe(4);

		await timeline.getByTestId('bulk-select').click();
		const bar = timeline.getByTestId('bulk-bar');
		await bar.waitFor();
		expect(await timeline.getByTestId('select-activity').count()).toBe(4);
		await timeline.getByTestId('select-shown').click();
		expect(await bar.getByTestId('bulk-selected').innerText()).toBe('4 selected');

		// Retry (the admin's default action): the preview first; nothing runs before it.
		expect(await bar.getByTestId('bulk-run').count()).toBe(0);
		await bar.getByTestId('bulk-preview').click();
		const preview = bar.getByTestId('bulk-preview-count');
		await preview.waitFor();
		expect(await preview.innerText()).toBe('3 of 4 selected can be changed; the others are skipped.');
		expect((await instance.db('activities').where({ channel: channel.id, status: 'failed' })).length).toBe(3);
		await page.screenshot({ path: `${ARTIFACTS}/bulk-preview.png`, fullPage: true });

		await bar.getByTestId('bulk-run').click();

		await expect
			.poll(() => bar.getByTestId('bulk-outcome').innerText(), { timeout: 15_000 })
			.toBe('3 done, 0 skipped, 0 failed.');

		expect((await instance.db('activities').where({ channel: channel.id, status: 'raw' })).length).toBe(4);

		await expect
			.poll(async () => (await timeline.getByTestId('activity-status').allInnerTexts()).join(','), { timeout: 10_000 })
			.toBe('Queued,Queued,Queued,Queued');

		// Then two of them as notes: unselect all but two, choose the action, preview, run.
		await bar.getByTestId('bulk-clear').click();
		const boxes = timeline.getByTestId('select-activity');
		await boxes.nth(0).check();
		await boxes.nth(1).check();
		expect(await bar.getByTestId('bulk-selected').innerText()).toBe('2 selected');
		await bar.getByTestId('bulk-action').click();
		await page.locator('.v-menu-content .v-list-item').filter({ hasText: 'Convert to note' }).click();
		await bar.getByTestId('bulk-preview').click();
		await expect.poll(() => bar.getByTestId('bulk-preview-count').innerText()).toContain('2 of 2');
		await bar.getByTestId('bulk-run').click();

		await expect
			.poll(() => bar.getByTestId('bulk-outcome').innerText(), { timeout: 15_000 })
			.toBe('2 done, 0 skipped, 0 failed.');

		expect((await instance.db('contact_notes').where({ contact })).length).toBe(2);
		await expect.poll(() => timeline.getByTestId('open-note').count(), { timeout: 10_000 }).toBe(2);
		expect(pageErrors).toEqual([]);
	});
});
