// Issue #15's Studio part in a real browser against a real Directus: the Possible duplicates panel on the seeded
// Insights dashboard and merging from it, "Merge into…" on the contact page with its preview while both contacts'
// timelines are open (the survivor's takes the moved rows live), an open timeline whose contact is merged away,
// erased or deleted in another tab (it says so instead of keeping stale rows), an unmatched activity on the Insights
// feed re-matched live once its contact exists, and the channel form's payload retention. Screenshots in Studio's
// light and dark schemes go to test-artifacts/.
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { admin, call, createChannel } from '../harness/api.js';
import { type Instance, startInstance } from '../harness/instance.js';
import { ARTIFACTS, openStudio, screenshots } from '../harness/studio.js';
import { DASHBOARD_ID } from '../../migrations/z0006-activity-hub-dashboard.js';

type Id = number;

describe('Contacts in Studio: duplicates, merge, erasure', () => {
	let instance: Instance;
	let browser: Browser;
	let context: BrowserContext;
	let page: Page;
	let channel: { id: string; key: string; webhook: string };
	const pageErrors: string[] = [];

	const deliver = async (json: Record<string, unknown>) => {
		const reply = await call(channel.webhook, {
			method: 'POST',
			headers: { 'x-ingestion-key': channel.key },
			json: { type: 'email', content: 'Hello', ...json },
		});

		expect(reply.status, reply.text).toBe(202);
		return reply.body.data as { id: string; contact: Id | null };
	};

	async function contact(first: string, last: string, emails: string[], company?: string): Promise<Id> {
		const created = await admin(instance).post('/items/contacts', {
			first_name: first,
			last_name: last,
			...(company ? { company } : {}),
			emails: emails.map((email) => ({ email, type: 'work' })),
		});

		expect(created.status, created.text).toBe(200);
		const id = created.body.data.id as Id;

		// The identity index is written after the contact's create: wait for it, so deliveries match it.
		for (let i = 0; i < 100; i++) {
			if ((await instance.db('contact_identities').where({ contact: id })).length === emails.length) break;
			await new Promise((resolve) => setTimeout(resolve, 100));
		}

		return id;
	}

	const note = async (of: Id, content: string) =>
		expect((await admin(instance).post('/items/contact_notes', { contact: of, content })).status).toBe(200);

	const rowsOf = async (of: Id) => ({
		activities: (await instance.db('activities').where({ contact: of }).select('id')).map((r) => r.id).sort(),
		notes: (await instance.db('contact_notes').where({ contact: of }).select('content')).map((r) => r.content).sort(),
	});

	const exists = async (id: Id) => Boolean(await instance.db('contacts').where({ id }).first());

	beforeAll(async () => {
		mkdirSync(ARTIFACTS, { recursive: true });
		instance = await startInstance('sqlite');
		channel = await createChannel(instance, { name: 'Support inbox', provider: 'generic' });
		({ browser, context, page } = await openStudio(instance));
		page.on('pageerror', (error) => pageErrors.push(String(error)));
	});

	beforeEach(({ task }) => {
		pageErrors.length = 0;

		onTestFailed(async () => {
			const name = task.name.replace(/\W+/g, '-').slice(0, 60);

			for (const [i, open] of context.pages().entries())
				await open
					.screenshot({ path: `${ARTIFACTS}/failed-contacts-${name}-${i}.png`, fullPage: true })
					.catch(() => {});

			console.error(`page errors during "${task.name}":\n${pageErrors.join('\n')}`);
			console.error(`server output:\n${instance.output().slice(-4000)}`);
		});
	});

	afterAll(async () => {
		await browser?.close();
		await instance?.stop();
	});

	async function dismissDialogs(on: Page) {
		const remindLater = on.getByRole('button', { name: 'Remind Later' });
		if (await remindLater.isVisible()) await remindLater.click();
	}

	/** A new tab (same session) on a contact's page, its timeline loaded. */
	async function openContact(id: Id, on?: Page) {
		const tab = on ?? (await context.newPage());
		if (!on) tab.on('pageerror', (error) => pageErrors.push(String(error)));
		await tab.goto(`${instance.url}/admin/content/contacts/${id}`);
		await tab.getByTestId('activity-hub-timeline').waitFor({ timeout: 30_000 });
		await dismissDialogs(tab);
		return tab;
	}

	it('lists two contacts sharing an address on the Insights dashboard and merges them from there', async () => {
		const ben = await contact('Ben', 'Ortiz', ['ben@acme.example']);
		const benjamin = await contact('Benjamin', 'Ortiz', ['ben@acme.example', 'b.ortiz@home.example']);
		const fromHome = [await deliver({ sender: 'b.ortiz@home.example', subject: 'Invoice' })];
		fromHome.push(await deliver({ sender: 'b.ortiz@home.example', subject: 'Invoice again' }));
		expect(fromHome.map((a) => a.contact)).toEqual([benjamin, benjamin]);
		// From the shared address: both are candidates.
		const shared = await deliver({ sender: 'ben@acme.example', subject: 'Which of us?' });

		expect(await instance.db('activities').where({ id: shared.id }).first()).toMatchObject({
			match_status: 'ambiguous',
		});

		await note(benjamin, 'Prefers calls after 4pm');

		await page.goto(`${instance.url}/admin/insights/${DASHBOARD_ID}`);
		const panel = page.getByTestId('duplicates-panel');
		await panel.waitFor({ timeout: 30_000 });
		await dismissDialogs(page);
		const group = panel.getByTestId('duplicate-group');
		await expect.poll(() => group.count(), { timeout: 10_000 }).toBe(1);
		expect(await group.getByTestId('duplicate-reason').innerText()).toBe('same e-mail');
		expect(await group.getByTestId('duplicate-contact').allInnerTexts()).toEqual(['Ben Ortiz', 'Benjamin Ortiz']);
		expect(await group.getByTestId('duplicate-contact').first().getAttribute('href')).toContain(`/contacts/${ben}`);

		// The preview first: what would move, nothing written yet.
		const dryRun = page.waitForResponse((r) => r.url().includes('/activity-hub/contacts/merge'), { timeout: 10_000 });
		await group.getByTestId('duplicate-merge').click();
		expect((await dryRun).status()).toBe(200);
		const preview = page.getByTestId('duplicate-preview');
		await preview.waitFor({ timeout: 10_000 });
		const previewText = await preview.innerText();
		expect(previewText).toContain('Moves to Ben Ortiz:');
		expect(previewText).toContain('2 activities');
		expect(previewText).toContain('1 notes');
		expect(await exists(benjamin)).toBe(true);
		await screenshots('contacts-duplicates-preview', page, preview);

		const merged = page.waitForResponse(
			(r) => r.url().includes('/activity-hub/contacts/merge') && !r.request().postData()?.includes('"dry_run":true'),
		);

		await preview.getByTestId('duplicate-confirm').click();
		expect((await merged).status()).toBe(200);

		// The panel updates: the pair is gone.
		await panel.getByTestId('no-duplicates').waitFor({ timeout: 10_000 });
		expect(await group.count()).toBe(0);

		// In the database: activities, the note and the ambiguous activity's candidate are Ben's; Benjamin is gone, his
		// other address now Ben's.
		expect(await rowsOf(ben)).toEqual({
			activities: [...fromHome.map((a) => a.id), shared.id].sort(),
			notes: ['Prefers calls after 4pm'],
		});

		expect(await rowsOf(benjamin)).toEqual({ activities: [], notes: [] });
		expect(await exists(benjamin)).toBe(false);
		expect(await instance.db('activities').where({ id: shared.id }).first()).toMatchObject({ match_status: 'matched' });
		const emails = (await instance.db('contacts').where({ id: ben }).first()).emails;

		expect((typeof emails === 'string' ? JSON.parse(emails) : emails).map((e: { email: string }) => e.email)).toEqual([
			'ben@acme.example',
			'b.ortiz@home.example',
		]);

		await screenshots('contacts-duplicates', page, panel);
	});

	it('merges from the contact page with a preview; the survivor’s open timeline takes the rows live, the other tab says the contact is gone', async () => {
		const cleo = await contact('Cleo', 'Park', ['cleo@acme.example']);
		const other = await contact('Cleo', 'P.', ['cleo.park@home.example']);
		await deliver({ sender: 'cleo@acme.example', subject: 'Kept here' });
		const moving = [await deliver({ sender: 'cleo.park@home.example', subject: 'Moving one' })];
		moving.push(await deliver({ sender: 'cleo.park@home.example', subject: 'Moving two' }));
		expect(moving.map((a) => a.contact)).toEqual([other, other]);
		await note(other, 'Met at the trade fair');

		const survivor = await openContact(cleo);
		const survivorTimeline = survivor.getByTestId('activity-hub-timeline');
		await expect.poll(() => survivorTimeline.getByTestId('activity-row').count(), { timeout: 15_000 }).toBe(1);
		const watching = await openContact(other); // the merged contact, open in another tab
		const merging = await openContact(other);
		const staleRows = watching.getByTestId('activity-row');
		await expect.poll(() => staleRows.count(), { timeout: 15_000 }).toBe(2);

		await merging.getByTestId('merge-open').click();
		const dialog = merging.getByTestId('merge-dialog');
		await dialog.waitFor({ timeout: 5000 });

		await dialog
			.locator('[data-testid="contact-search"] input, input[data-testid="contact-search"]')
			.first()
			.fill('Cleo');

		await dialog.getByTestId('contact-option').filter({ hasText: 'Cleo Park' }).first().click();
		const preview = dialog.getByTestId('merge-preview');
		await preview.waitFor({ timeout: 10_000 });
		const text = await preview.innerText();
		expect(text).toContain('Moves to Cleo Park:');
		expect(text).toContain('2 activities');
		expect(text).toContain('1 notes');
		expect(text).toContain('1 new e-mail addresses and phone numbers');
		await screenshots('contacts-merge-preview', merging, preview);

		await dialog.getByTestId('merge-confirm').click();
		await merging.waitForURL(new RegExp(`/admin/content/contacts/${cleo}$`), { timeout: 15_000 });

		// The survivor's timeline, open all along, shows the moved activities and the note without a reload.
		await expect.poll(() => survivorTimeline.getByTestId('activity-row').count(), { timeout: 5000 }).toBe(3);

		await expect
			.poll(() => survivorTimeline.getByTestId('note-row').allInnerTexts(), { timeout: 5000 })
			.toEqual([expect.stringContaining('Met at the trade fair')]);

		expect((await rowsOf(cleo)).activities).toHaveLength(3);
		expect(await exists(other)).toBe(false);

		// The merged contact's other tab says so, and shows none of the rows that are no longer its.
		const gone = watching.getByTestId('contact-gone');
		await gone.waitFor({ timeout: 5000 });
		expect(await gone.innerText()).toContain('This contact no longer exists');
		expect(await staleRows.count()).toBe(0);
		expect(await watching.getByTestId('activity-hub-timeline').count()).toBe(0);
		await screenshots('contacts-gone', watching, gone);

		for (const tab of [survivor, watching, merging]) await tab.close();
	});

	it('an open timeline whose contact is erased or deleted elsewhere says so instead of keeping its rows', async () => {
		const dora = await contact('Dora', 'Lee', ['dora@acme.example']);
		await deliver({ sender: 'dora@acme.example', subject: 'Please forget me' });
		await note(dora, 'Asked for erasure');
		const eve = await contact('Eve', 'Stone', ['eve@acme.example']);
		await deliver({ sender: 'eve@acme.example', subject: 'Bye' });

		const doraTab = await openContact(dora);
		const eveTab = await openContact(eve);

		for (const tab of [doraTab, eveTab])
			await expect.poll(() => tab.getByTestId('activity-row').count(), { timeout: 15_000 }).toBe(1);

		expect(await doraTab.getByTestId('note-row').count()).toBe(1);

		const erased = await admin(instance).post(`/activity-hub/contacts/${dora}/erase`, { confirm: true });
		expect(erased.status, erased.text).toBe(200);
		await doraTab.getByTestId('contact-gone').waitFor({ timeout: 5000 });
		expect(await doraTab.getByTestId('activity-row').count()).toBe(0);
		expect(await doraTab.getByTestId('note-row').count()).toBe(0);
		expect(await doraTab.content()).not.toContain('Please forget me');

		// A plain delete (Studio's own, or REST) is told the same way.
		expect((await admin(instance).delete(`/items/contacts/${eve}`)).status).toBe(204);
		await eveTab.getByTestId('contact-gone').waitFor({ timeout: 5000 });
		expect(await eveTab.getByTestId('activity-row').count()).toBe(0);

		for (const tab of [doraTab, eveTab]) await tab.close();
	});

	it('re-matches an unmatched activity on the Insights feed live once its contact exists', async () => {
		const orphan = await deliver({ sender: 'newcomer@acme.example', subject: 'First contact' });

		expect(await instance.db('activities').where({ id: orphan.id }).first()).toMatchObject({
			match_status: 'unmatched',
		});

		await page.goto(`${instance.url}/admin/insights/${DASHBOARD_ID}`);
		const feed = page.getByTestId('timeline-panel');
		await feed.waitFor({ timeout: 30_000 });
		await dismissDialogs(page);
		const row = feed.getByTestId('activity-row').filter({ hasText: 'First contact' });
		await row.waitFor({ timeout: 15_000 });
		expect(await row.getByTestId('activity-contact').count()).toBe(0);

		const nia = (
			await admin(instance).post('/items/contacts', {
				first_name: 'Nia',
				last_name: 'Cole',
				emails: [{ email: 'newcomer@acme.example', type: 'work' }],
			})
		).body.data.id;

		await expect.poll(() => row.getByTestId('activity-contact').count(), { timeout: 10_000 }).toBe(1);
		await expect.poll(() => row.getByTestId('activity-contact').innerText(), { timeout: 5000 }).toBe('Nia Cole');
		expect(await instance.db('activities').where({ id: orphan.id }).first()).toMatchObject({ contact: nia });
	});

	it('shows and saves the payload retention on the channel form', async () => {
		await page.goto(`${instance.url}/admin/content/ingestion_channels/${channel.id}`);
		await page.getByTestId('channel-setup').waitFor({ timeout: 30_000 });
		await dismissDialogs(page);
		const retention = page.locator('.field[data-field="payload_retention_days"]');
		await retention.waitFor({ timeout: 5000 });
		expect(await retention.innerText()).toContain('Payload retention (days)');
		await retention.locator('input').fill('30');
		const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes(channel.id));
		await page.keyboard.press('ControlOrMeta+s');
		expect((await saved).status()).toBe(200);

		expect((await instance.db('ingestion_channels').where({ id: channel.id }).first()).payload_retention_days).toBe(30);

		expect(pageErrors).toEqual([]);
	});
});
