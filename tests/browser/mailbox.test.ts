// Issue #13's Studio part in a real browser against a real Directus and a real IMAP server (Dovecot, tests/harness/
// dovecot.ts): an imap channel set up through the channel form (settings, the write-only password, Test connection
// refused and then accepted in words, Sync now, last sync and sync_error), and the dual timeline grouping an e-mail
// thread into one entry (latest message, count, participants) that expands in place and follows a new message of the
// thread live. Screenshots in Studio's light and dark schemes go to test-artifacts/.
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { admin } from '../harness/api.js';
import { type Dovecot, type MailUser, message, startDovecot } from '../harness/dovecot.js';
import { type Instance, startInstance } from '../harness/instance.js';
import { ARTIFACTS, openStudio, screenshots } from '../harness/studio.js';

const HOUR = 3_600_000;
const SUBJECT = 'Quote for 40 chairs';

describe('Mailbox channels in Studio', () => {
	let dovecot: Dovecot;
	let instance: Instance;
	let browser: Browser;
	let context: BrowserContext;
	let page: Page;
	let user: MailUser;
	let ana: number;
	let channelId: string;
	const pageErrors: string[] = [];

	const ids = {
		first: '<quote-1@acme.example>',
		reply: '<quote-2@crm.example>',
		again: '<quote-3@acme.example>',
		later: '<quote-4@crm.example>',
	};

	beforeAll(async () => {
		mkdirSync(ARTIFACTS, { recursive: true });
		dovecot = await startDovecot();
		instance = await startInstance('sqlite');
		user = await dovecot.addUser('sales@crm.example', 'the-right-password');

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

		// A thread of three: Ana asks (Inbox), the team answers from its mail client (Sent), Ana answers back (Inbox).
		const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * HOUR);
		const from = 'Ana Ruiz <ana@acme.example>';
		const team = 'Sales <sales@crm.example>';

		await dovecot.append(user, 'INBOX', [
			message({ from, to: team, subject: SUBJECT, messageId: ids.first, date: at(3), body: 'Can you quote 40?' }),
		]);

		await dovecot.append(user, 'Sent', [
			message({
				from: team,
				to: from,
				subject: `Re: ${SUBJECT}`,
				messageId: ids.reply,
				inReplyTo: ids.first,
				references: ids.first,
				date: at(2),
				body: 'Yes: 4,200 EUR.',
			}),
		]);

		await dovecot.append(user, 'INBOX', [
			message({
				from,
				to: team,
				subject: `Re: ${SUBJECT}`,
				messageId: ids.again,
				inReplyTo: ids.reply,
				references: `${ids.first} ${ids.reply}`,
				date: at(1),
				body: 'Deal. Delivery in May?',
			}),
		]);

		({ browser, context, page } = await openStudio(instance));
		page.on('pageerror', (error) => pageErrors.push(String(error)));
	});

	beforeEach(({ task }) => {
		pageErrors.length = 0;

		onTestFailed(async () => {
			const name = task.name.replace(/\W+/g, '-').slice(0, 60);
			await page.screenshot({ path: `${ARTIFACTS}/failed-mailbox-${name}.png`, fullPage: true }).catch(() => {});
			console.error(`page errors during "${task.name}":\n${pageErrors.join('\n')}`);
		});
	});

	afterAll(async () => {
		await browser?.close();
		await instance?.stop();
		await dovecot?.stop();
	});

	async function dismissDialogs(on: Page = page) {
		const remindLater = on.getByRole('button', { name: 'Remind Later' });
		if (await remindLater.isVisible()) await remindLater.click();
	}

	/** The input of a Directus v-input carrying `testId` (on its wrapper or on the input itself). */
	const inputOf = (testId: string) =>
		page.locator(`[data-testid="${testId}"] input, input[data-testid="${testId}"]`).first();

	const activityCount = async () =>
		Number((await instance.db('activities').where({ channel: channelId }).count({ n: '*' }))[0]!.n);

	async function save(on: Page, method: 'POST' | 'PATCH') {
		const saved = on.waitForResponse(
			(r) => r.request().method() === method && r.url().includes('/items/ingestion_channels'),
		);

		await on.keyboard.press('ControlOrMeta+s');
		const response = await saved;
		expect(response.status(), await response.text()).toBe(200);
		return response;
	}

	it('sets up an imap channel in the form: a refused password in words, then Test connection and Sync now', async () => {
		await page.goto(`${instance.url}/admin/content/ingestion_channels/+`);
		const setup = page.getByTestId('channel-setup');
		await setup.waitFor({ timeout: 30_000 });
		await dismissDialogs();

		await page.locator('.field[data-field="name"] input').fill('Sales mailbox');
		await page.locator('.field[data-field="provider"] .v-select').click();

		await page
			.locator('.v-list-item')
			.filter({ hasText: /^\s*imap\s*$/ })
			.first()
			.click();

		// The mailbox form replaces the webhook key; the password is write-only (a password input, nothing shown).
		const form = setup.getByTestId('mailbox-form');
		await form.waitFor({ timeout: 5000 });
		expect(await setup.getByTestId('key-panel').count()).toBe(0);
		await inputOf('mailbox-host').fill(dovecot.host);
		await inputOf('mailbox-port').fill(String(dovecot.port));
		await form.getByTestId('mailbox-secure').click(); // this Dovecot speaks plain IMAP on loopback
		await inputOf('mailbox-username').fill(user.user);
		// Sent is not idled on: with an hour between polls, only Sync now brings what lands there.
		await inputOf('mailbox-poll').fill('3600');
		const password = setup.getByTestId('secret-password').locator('input');
		expect(await password.getAttribute('type')).toBe('password');
		await password.fill('a-wrong-password');

		const created = await save(page, 'POST');
		channelId = (await created.json()).data.id;
		await page.waitForURL(new RegExp(`/ingestion_channels/${channelId}$`), { timeout: 15_000 });

		const row = await instance.db('ingestion_channels').where({ id: channelId }).first();
		expect(row.provider).toBe('imap');

		expect(typeof row.settings === 'string' ? JSON.parse(row.settings) : row.settings).toEqual({
			host: dovecot.host,
			port: dovecot.port,
			secure: false,
			username: user.user,
			poll_seconds: 3600,
		});

		// The password went to the secret store, never into a channel column, and is not shown back.
		expect(JSON.stringify(row)).not.toContain('a-wrong-password');
		await setup.getByTestId('secret-password').getByTestId('secret-configured').waitFor({ timeout: 10_000 });
		expect(await password.inputValue()).toBe('');
		expect(await page.content()).not.toContain('a-wrong-password');

		// The sync tried on its own and says why it fails, as the server put it.
		await expect
			.poll(() => setup.getByTestId('sync-error').textContent(), { timeout: 30_000 })
			.toMatch(/refused the user name or password.*Authentication failed/);

		expect(await setup.getByTestId('last-synced').innerText()).toBe('never');
		await setup.getByTestId('mailbox-test').click();
		const refused = setup.getByTestId('mailbox-error');
		await expect.poll(() => refused.textContent(), { timeout: 15_000 }).toMatch(/refused the user name or password/);
		expect(await refused.innerText()).toContain('Authentication failed');
		await screenshots('mailbox-refused', page, setup);

		// The right password, typed and not yet saved, is what Test connection tries.
		await password.fill(user.password);
		await setup.getByTestId('mailbox-test').click();
		const result = setup.getByTestId('mailbox-result');

		await expect
			.poll(() => result.textContent(), { timeout: 15_000 })
			.toMatch(/Connected: Inbox "INBOX" \(2 messages\), Sent "Sent"; IDLE yes\./);

		expect(await refused.count()).toBe(0);
		await save(page, 'PATCH');
		await setup.getByTestId('secret-password').getByTestId('secret-configured').waitFor({ timeout: 10_000 });
		expect(await page.content()).not.toContain(user.password);

		await setup.getByTestId('mailbox-sync').click();

		await expect
			.poll(() => result.textContent(), { timeout: 30_000 })
			.toMatch(/Fetched \d+, stored \d+, duplicates 0\./);

		// Whether the background sync or this one stored them: the three messages are there once, and no error stays.
		await expect.poll(activityCount, { timeout: 15_000 }).toBe(3);
		await expect.poll(() => setup.getByTestId('sync-error').count(), { timeout: 15_000 }).toBe(0);
		expect(await setup.getByTestId('last-synced').innerText()).not.toBe('never');
		// The channel's counters count mail like any delivery.
		await expect.poll(() => setup.getByTestId('received-count').innerText(), { timeout: 15_000 }).toBe('3');
		expect((await instance.db('ingestion_channels').where({ id: channelId }).first()).sync_error).toBeNull();
		await screenshots('mailbox-setup', page, setup);
	});

	it('shows the thread as one entry that expands in place and takes a new message live', async () => {
		expect(channelId, 'the channel of the first test').toBeTruthy();

		// The contact's page in a second tab; the channel's setup stays open in the first.
		const contactPage = await context.newPage();
		contactPage.on('pageerror', (error) => pageErrors.push(String(error)));
		await contactPage.goto(`${instance.url}/admin/content/contacts/${ana}`);
		const timeline = contactPage.getByTestId('activity-hub-timeline');
		await timeline.waitFor({ timeout: 30_000 });
		await dismissDialogs(contactPage);

		const thread = timeline.getByTestId('thread-row');
		await expect.poll(() => thread.count(), { timeout: 15_000 }).toBe(1);
		// One entry for the three messages: no row of them outside it.
		expect(await timeline.getByTestId('activity-row').count()).toBe(1);
		expect(await thread.getAttribute('data-count')).toBe('3');
		expect(await thread.getByTestId('thread-count').innerText()).toBe('3 messages');
		expect(await thread.getByTestId('thread-participants').innerText()).toBe('ana@acme.example, sales@crm.example');
		// Collapsed, it shows its latest message: Ana's answer.
		const rows = thread.getByTestId('activity-row');
		expect(await rows.count()).toBe(1);
		expect(await rows.first().innerText()).toContain('Deal. Delivery in May?');
		const toggle = thread.getByTestId('thread-toggle');
		expect(await toggle.getAttribute('aria-expanded')).toBe('false');

		await toggle.click();
		await expect.poll(() => rows.count()).toBe(3);
		expect(await toggle.getAttribute('aria-expanded')).toBe('true');
		const texts = await rows.allInnerTexts();
		expect(texts[0]).toContain('Deal. Delivery in May?');
		expect(texts[1]).toContain('Yes: 4,200 EUR.');
		expect(texts[2]).toContain('Can you quote 40?');
		// The answer from Sent is outbound and on Ana's timeline (matched on its recipient).
		const reply = await instance.db('activities').where({ message_id: 'quote-2@crm.example' }).first();
		expect(reply).toMatchObject({ direction: 'outbound', contact: ana, thread_key: 'quote-1@acme.example' });
		await screenshots('mailbox-thread', contactPage, timeline);

		// The team answers again from its mail client; Sync now (in the other tab) brings it, the open thread follows.
		await dovecot.append(user, 'Sent', [
			message({
				from: 'Sales <sales@crm.example>',
				to: 'Ana Ruiz <ana@acme.example>',
				subject: `Re: ${SUBJECT}`,
				messageId: ids.later,
				inReplyTo: ids.again,
				references: `${ids.first} ${ids.reply} ${ids.again}`,
				body: 'May 12 it is.',
			}),
		]);

		const setup = page.getByTestId('channel-setup');
		await page.bringToFront();
		await setup.getByTestId('mailbox-sync').click();

		await expect
			.poll(() => setup.getByTestId('mailbox-result').textContent(), { timeout: 30_000 })
			.toMatch(/Fetched 1, stored 1, duplicates 0\./);

		await contactPage.bringToFront();
		await expect.poll(() => thread.getAttribute('data-count'), { timeout: 5000 }).toBe('4');
		expect(await thread.getByTestId('thread-count').innerText()).toBe('4 messages');
		// Still open, the new message on top, still one entry.
		expect(await toggle.getAttribute('aria-expanded')).toBe('true');
		await expect.poll(() => rows.count()).toBe(4);
		expect(await rows.first().innerText()).toContain('May 12 it is.');
		expect(await timeline.getByTestId('thread-row').count()).toBe(1);
		expect(await timeline.getByTestId('activity-row').count()).toBe(4);

		// Collapsed again it shows the newest message.
		await toggle.click();
		await expect.poll(() => rows.count()).toBe(1);
		expect(await rows.first().innerText()).toContain('May 12 it is.');
		expect(pageErrors).toEqual([]);
		await contactPage.close();
	});
});
