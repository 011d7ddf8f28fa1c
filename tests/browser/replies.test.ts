// Replying from the dual timeline in a real browser (Debian chromium via the harness) against a real Directus whose
// Twilio and WhatsApp API URLs point at a local HTTP server speaking their send APIs: a reply to an inbound SMS sent
// with Ctrl+Enter shows *Sending*, then *Sent* and, once Twilio's signed status callback says so, *Delivered* — in a
// second tab too; a provider's 400 shows *Failed* with its reason and Retry sends it; a provider that never answers
// leaves the message *unknown* with Retry and Mark as sent (never re-sent); a refused reply keeps its draft; an e-mail
// reply starts with `Re:`; a WhatsApp conversation outside the 24-hour window offers the template picker instead of
// free text.
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilioSignature } from '../../extensions/activity-hub/src/shared/node/providers/twilio.js';
import { admin, call, createChannel } from '../harness/api.js';
import { type Instance, startInstance } from '../harness/instance.js';
import { answer, providerServer } from '../harness/providers.js';
import { openStudio } from '../harness/studio.js';

const ARTIFACTS = 'test-artifacts';
const OUR_NUMBER = '+12025550199';
const AUTH_TOKEN = 'twilio-auth-token-browser-replies';

describe('Replies in Studio', () => {
	let instance: Instance;
	let provider: Awaited<ReturnType<typeof providerServer>>;
	let browser: Browser;
	let context: BrowserContext;
	let page: Page;
	let twilio: Awaited<ReturnType<typeof createChannel>>;
	let whatsapp: Awaited<ReturnType<typeof createChannel>>;
	let inbound = 0;

	beforeAll(async () => {
		mkdirSync(ARTIFACTS, { recursive: true });
		provider = await providerServer();

		instance = await startInstance('sqlite', {
			ACTIVITY_HUB_TWILIO_API_URL: provider.url,
			ACTIVITY_HUB_WHATSAPP_API_URL: provider.url,
			ACTIVITY_HUB_SEND_TIMEOUT_MS: '6000',
		});

		twilio = await createChannel(instance, {
			name: 'Support SMS',
			provider: 'twilio',
			secrets: { auth_token: AUTH_TOKEN, account_sid: 'ACbrowser' },
		});

		whatsapp = await createChannel(instance, {
			name: 'Support WhatsApp',
			provider: 'whatsapp',
			secrets: { access_token: 'EAAGbrowser' },
		});

		({ browser, context, page } = await openStudio(instance));
	});

	afterAll(async () => {
		await browser?.close();
		await instance?.stop();
		await provider?.close();
	});

	/** Twilio posts a form signed with the auth token over the URL it called. */
	function twilioPost(fields: Record<string, string>) {
		const target = `${twilio.webhook}?key=${encodeURIComponent(twilio.key)}`;

		return call(target, {
			method: 'POST',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				'x-twilio-signature': twilioSignature(AUTH_TOKEN, target, Object.entries(fields)),
			},
			body: new URLSearchParams(fields).toString(),
		});
	}

	/** A contact with a mobile number, and an inbound SMS from it through Twilio's webhook. */
	async function smsConversation(first_name: string, number: string, body: string) {
		const contact = (
			await admin(instance).post('/items/contacts', { first_name, phones: [{ number, type: 'mobile' }] })
		).body.data.id;

		await expect.poll(async () => (await instance.db('contact_identities').where({ contact })).length).toBe(1);
		const sid = `SMin${String(++inbound).padStart(30, '0')}`;

		const posted = await twilioPost({
			MessageSid: sid,
			AccountSid: 'ACbrowser',
			From: number.replace(/\s/g, ''),
			To: OUR_NUMBER,
			Body: body,
		});

		expect(posted.status).toBe(200);
		expect((await instance.db('activities').where({ external_id: sid }).first()).contact).toBe(contact);
		return contact;
	}

	/** Directus asks for a project owner at every login until one is set: answer "Remind Later", as a person would. */
	async function dismissDialogs(on: Page = page) {
		const remindLater = on.getByRole('button', { name: 'Remind Later' });
		if (await remindLater.isVisible()) await remindLater.click();
	}

	async function openContact(contact: number, on: Page = page) {
		await on.goto(`${instance.url}/admin/content/contacts/${contact}`);
		const timeline = on.getByTestId('activity-hub-timeline');
		await timeline.waitFor({ timeout: 30_000 });
		await dismissDialogs(on);
		await expect.poll(() => timeline.getByTestId('activity-row').count(), { timeout: 15_000 }).toBeGreaterThan(0);
		return timeline;
	}

	/** The outbound rows of a timeline (replies show a delivery status instead of the queue's). */
	const outbound = (timeline: Locator) =>
		timeline.getByTestId('activity-row').filter({ has: timeline.page().getByTestId('delivery-status') });

	const label = (row: Locator) => row.getByTestId('delivery-label').innerText();

	/** Screenshots with the reply box open in Studio's light and dark themes (the user's appearance). */
	async function themedScreenshots(name: string, open: () => Promise<void>) {
		try {
			for (const appearance of ['light', 'dark'] as const) {
				await admin(instance).patch('/users/me', { appearance });
				await page.reload();
				await page.getByTestId('activity-hub-timeline').waitFor({ timeout: 30_000 });
				await dismissDialogs();
				await open();
				await page.waitForTimeout(300);
				await page.screenshot({ path: `${ARTIFACTS}/${name}-${appearance}.png`, fullPage: true });
			}
		} finally {
			await admin(instance).patch('/users/me', { appearance: null });
		}
	}

	it('replies to an SMS with Ctrl+Enter: Sending, then Sent, then Delivered on the status callback, in two tabs', async () => {
		const number = '+1 202 555 0141';
		const to = '+12025550141';
		const contact = await smsConversation('Ana', number, 'Is my order shipped?');

		// The provider takes its time: the message stays *Sending* meanwhile.
		provider.behaviours.set(to, (_attempt, res) =>
			setTimeout(() => answer(res, 201, { sid: 'SM' + 'a'.repeat(32), status: 'queued' }), 2500),
		);

		const timeline = await openContact(contact);
		const other = await context.newPage();
		const otherTimeline = await openContact(contact, other);

		await timeline.getByTestId('activity-row').first().getByTestId('reply').click();
		const box = timeline.getByTestId('reply-box');
		await box.waitFor();
		expect(await box.innerText()).toContain('Reply to');
		const textarea = box.getByTestId('reply-content').locator('textarea');
		await expect.poll(() => textarea.evaluate((element) => element === document.activeElement)).toBe(true);
		await textarea.fill('Yes, it left this morning.');
		expect(await box.getByTestId('sms-count').innerText()).toBe('26 of 160 characters · 1 SMS (GSM-7)');
		await textarea.fill('Ja, sie ist heute früh rausgegangen – Grüße 😀');
		expect(await box.getByTestId('sms-count').innerText()).toMatch(/of 70 characters · 1 SMS \(UCS-2\)$/);
		await textarea.fill('x'.repeat(170));
		expect(await box.getByTestId('sms-count').innerText()).toBe('17 of 153 characters · 2 SMS (GSM-7)');
		await textarea.fill('Yes, it left this morning.');
		await textarea.press('Control+Enter');

		// At once (over the websocket) as Sending, in both tabs; the draft is cleared.
		await expect.poll(() => outbound(timeline).count(), { timeout: 10_000 }).toBe(1);
		const row = outbound(timeline).first();
		expect(await label(row)).toBe('Sending');
		expect(await row.getByTestId('activity-content').innerText()).toBe('Yes, it left this morning.');
		expect(await textarea.inputValue()).toBe('');
		await expect.poll(() => outbound(otherTimeline).count(), { timeout: 10_000 }).toBe(1);

		await expect.poll(() => label(row), { timeout: 15_000 }).toBe('Sent');
		const sent = provider.to(to);
		expect(sent).toHaveLength(1);
		expect(sent[0]!.form).toMatchObject({ To: to, From: OUR_NUMBER, Body: 'Yes, it left this morning.' });
		const stored = await instance.db('activities').where({ direction: 'outbound', recipient: to }).first();
		expect(stored.external_id).toBe('SM' + 'a'.repeat(32));

		const callback = await twilioPost({
			MessageSid: stored.external_id,
			AccountSid: 'ACbrowser',
			MessageStatus: 'delivered',
			SmsStatus: 'delivered',
		});

		expect(callback.status).toBe(200);
		await expect.poll(() => label(row), { timeout: 10_000 }).toBe('Delivered');
		await expect.poll(() => label(outbound(otherTimeline).first()), { timeout: 10_000 }).toBe('Delivered');
		expect(await row.locator('[data-ticks]').getAttribute('data-ticks')).toBe('2');
		await other.close();

		// Escape closes the box.
		await timeline.getByTestId('activity-row').last().getByTestId('reply').click();
		await box.getByTestId('reply-content').locator('textarea').press('Escape');
		await expect.poll(() => box.count()).toBe(0);

		// A refused reply (the channel is switched off) shows the API's message and keeps the draft.
		await admin(instance).patch(`/items/ingestion_channels/${twilio.id}`, { enabled: false });
		await page.waitForTimeout(2500); // past the channel cache's lifetime on every instance

		try {
			await timeline.getByTestId('activity-row').last().getByTestId('reply').click();
			await box.getByTestId('reply-content').locator('textarea').fill('Kept after a refusal');
			await box.getByTestId('reply-content').locator('textarea').press('Meta+Enter');
			await box.getByTestId('reply-error').waitFor({ timeout: 10_000 });
			expect(await box.getByTestId('reply-error').innerText()).toContain('no channel to answer on');
			expect(await box.getByTestId('reply-content').locator('textarea').inputValue()).toBe('Kept after a refusal');
			expect(await outbound(timeline).count()).toBe(1);
		} finally {
			await admin(instance).patch(`/items/ingestion_channels/${twilio.id}`, { enabled: true });
		}

		await themedScreenshots('replies-sms', async () => {
			await page.getByTestId('activity-row').last().getByTestId('reply').click();
			await page.getByTestId('reply-content').locator('textarea').fill('Thanks! Anything else I can do?');
		});
	});

	it('a provider 400 shows Failed with its reason; Retry sends it again', async () => {
		const number = '+1 202 555 0142';
		const to = '+12025550142';
		const contact = await smsConversation('Bo', number, 'Call me back');

		provider.behaviours.set(to, (attempt, res) =>
			attempt === 1
				? answer(res, 400, { code: 21610, message: 'Attempt to send to unsubscribed recipient', status: 400 })
				: answer(res, 201, { sid: 'SM' + 'b'.repeat(32), status: 'queued' }),
		);

		const timeline = await openContact(contact);
		await timeline.getByTestId('activity-row').first().getByTestId('reply').click();
		const textarea = timeline.getByTestId('reply-content').locator('textarea');
		await textarea.fill('Calling you at 3pm');
		await timeline.getByTestId('reply-send').click();

		await expect.poll(() => outbound(timeline).count(), { timeout: 10_000 }).toBe(1);
		const row = outbound(timeline).first();
		await expect.poll(() => label(row), { timeout: 15_000 }).toBe('Failed');

		expect(await row.getByTestId('delivery-error').innerText()).toBe(
			'Not sent: 400: Attempt to send to unsubscribed recipient (Twilio 21610)',
		);

		expect(await row.getAttribute('data-delivery')).toBe('failed');
		expect(await row.getByTestId('delivery-mark-sent').count()).toBe(0);
		await page.screenshot({ path: `${ARTIFACTS}/replies-failed-light.png`, fullPage: true });

		await row.getByTestId('delivery-retry').click();
		await expect.poll(() => label(row), { timeout: 15_000 }).toBe('Sent');
		expect(await row.getByTestId('delivery-error').count()).toBe(0);
		expect(provider.to(to)).toHaveLength(2);
		expect(await outbound(timeline).count()).toBe(1);
	});

	it('a provider that never answers leaves the message unknown: Retry and Mark as sent; Mark as sent sends nothing', async () => {
		const to = '+12025550143';
		const contact = await smsConversation('Cy', '+1 202 555 0143', 'Did you get my text?');
		provider.behaviours.set(to, (_attempt, res) => void provider.held.push(res)); // takes it, never answers

		const timeline = await openContact(contact);
		await timeline.getByTestId('activity-row').first().getByTestId('reply').click();
		await timeline.getByTestId('reply-content').locator('textarea').fill('Yes, thanks!');
		await timeline.getByTestId('reply-content').locator('textarea').press('Control+Enter');
		await expect.poll(() => outbound(timeline).count(), { timeout: 10_000 }).toBe(1);
		const row = outbound(timeline).first();
		await expect.poll(() => label(row), { timeout: 30_000 }).toBe('Not known whether sent');
		expect(await row.getByTestId('delivery-error').innerText()).toContain('may have the message');
		expect(await row.getByTestId('delivery-retry').isVisible()).toBe(true);
		expect(await row.getByTestId('delivery-mark-sent').isVisible()).toBe(true);
		await page.screenshot({ path: `${ARTIFACTS}/replies-unknown-light.png`, fullPage: true });

		await row.getByTestId('delivery-mark-sent').click();
		await expect.poll(() => label(row), { timeout: 10_000 }).toBe('Sent');
		expect(await row.getByTestId('delivery-mark-sent').count()).toBe(0);
		expect(provider.to(to)).toHaveLength(1);
	});

	it('an e-mail reply starts as Re: its subject; a channel that cannot send refuses it and the draft stays', async () => {
		const contact = (
			await admin(instance).post('/items/contacts', {
				first_name: 'Dee',
				emails: [{ email: 'dee@acme.example', type: 'work' }],
			})
		).body.data.id;

		await expect.poll(async () => (await instance.db('contact_identities').where({ contact })).length).toBe(1);
		const generic = await createChannel(instance, { name: 'Web form', provider: 'generic' });

		const posted = await call(generic.webhook, {
			method: 'POST',
			headers: { 'x-ingestion-key': generic.key },
			json: { type: 'email', sender: 'dee@acme.example', subject: 'Quote 1042', content: 'Please send it.' },
		});

		expect(posted.body.data.contact).toBe(contact);
		const timeline = await openContact(contact);
		await timeline.getByTestId('activity-row').first().getByTestId('reply').click();
		const box = timeline.getByTestId('reply-box');
		expect(await box.getByTestId('reply-subject').inputValue()).toBe('Re: Quote 1042');
		expect(await box.getByTestId('sms-count').count()).toBe(0);
		await box.getByTestId('reply-content').locator('textarea').fill('Attached.');
		await box.getByTestId('reply-content').locator('textarea').press('Control+Enter');
		await box.getByTestId('reply-error').waitFor({ timeout: 10_000 });
		expect(await box.getByTestId('reply-error').innerText()).toContain('cannot send messages');
		expect(await box.getByTestId('reply-content').locator('textarea').inputValue()).toBe('Attached.');
		expect(await box.getByTestId('reply-subject').inputValue()).toBe('Re: Quote 1042');
	});

	it('a WhatsApp conversation outside the 24-hour window offers the template picker, and sends a template', async () => {
		const waId = '4915123456789';

		const contact = (
			await admin(instance).post('/items/contacts', {
				first_name: 'Wanda',
				phones: [{ number: `+${waId}`, type: 'mobile' }],
			})
		).body.data.id;

		await expect.poll(async () => (await instance.db('contact_identities').where({ contact })).length).toBe(1);
		const at = Math.floor((Date.now() - 26 * 3600_000) / 1000);

		const posted = await call(`${whatsapp.webhook}?key=${encodeURIComponent(whatsapp.key)}`, {
			method: 'POST',
			json: {
				object: 'whatsapp_business_account',
				entry: [
					{
						id: 'WABA',
						changes: [
							{
								field: 'messages',
								value: {
									messaging_product: 'whatsapp',
									metadata: { display_phone_number: '4930123456', phone_number_id: '1066' },
									contacts: [{ wa_id: waId, profile: { name: 'Wanda' } }],
									messages: [
										{
											id: 'wamid.INbrowser1',
											from: waId,
											timestamp: String(at),
											type: 'text',
											text: { body: 'Hallo?' },
										},
									],
								},
							},
						],
					},
				],
			},
		});

		expect(posted.status).toBeLessThan(300);
		expect((await instance.db('activities').where({ external_id: 'wamid.INbrowser1' }).first()).contact).toBe(contact);

		const timeline = await openContact(contact);
		await timeline.getByTestId('activity-row').first().getByTestId('reply').click();
		const box = timeline.getByTestId('reply-box');
		await box.waitFor();
		expect(await box.getByTestId('whatsapp-window').getAttribute('data-open')).toBe('false');
		expect(await box.getByTestId('whatsapp-window').innerText()).toContain('only an approved template');
		expect(await box.getByTestId('template-picker').isVisible()).toBe(true);
		expect(await box.getByTestId('reply-content').count()).toBe(0);

		const name = box.getByTestId('template-name');
		await name.fill('Follow up');
		expect(await box.getByTestId('template-problem').innerText()).toContain('lower-case letters');
		await name.fill('follow_up');
		expect(await box.getByTestId('template-problem').count()).toBe(0);
		expect(await box.getByTestId('template-picker').getAttribute('data-problem')).toBe('');
		expect(await box.getByTestId('reply-send').getAttribute('data-ready')).toBe('true');
		await box.getByTestId('template-add-parameter').click();
		await box.getByTestId('template-parameter').fill('Wanda');

		await themedScreenshots('replies-whatsapp-template', async () => {
			await page.getByTestId('activity-row').first().getByTestId('reply').click();
			await page.getByTestId('template-name').fill('follow_up');
			await page.getByTestId('template-add-parameter').click();
			await page.getByTestId('template-parameter').fill('Wanda');
			await expect.poll(() => page.getByTestId('reply-send').getAttribute('data-ready')).toBe('true');
		});

		await page.getByTestId('template-parameter').press('Control+Enter');
		const row = outbound(page.getByTestId('activity-hub-timeline')).first();
		await expect.poll(() => label(row), { timeout: 15_000 }).toBe('Sent');

		expect(provider.to(waId)[0]!.json).toMatchObject({
			to: waId,
			type: 'template',
			template: {
				name: 'follow_up',
				language: { code: 'en' },
				components: [{ type: 'body', parameters: [{ type: 'text', text: 'Wanda' }] }],
			},
		});
	});
});
