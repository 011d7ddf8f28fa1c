// Studio in a real browser (Debian chromium driven by playwright-core) against a real Directus: the dual timeline
// live on a contact page, the channel setup with its Studio uploader, and a contact with 10,000 activities.
import { mkdirSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import { type Browser, type BrowserContext, type Locator, type Page, type WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, call, createChannel, createStudioUser, createUser } from '../harness/api.js';
import { type Instance, startInstance } from '../harness/instance.js';
import { seedActivities } from '../harness/seed.js';
import { openStudio } from '../harness/studio.js';
import { localTime } from '../../extensions/activity-hub/src/shared/display.js';
import { AGENT_ROLE_ID } from '../../migrations/z0002-activity-hub-agent-access.js';
import { DASHBOARD_ID } from '../../migrations/z0006-activity-hub-dashboard.js';

const ARTIFACTS = 'test-artifacts';
const PNG = png(16, 16);

/** A valid solid-colour RGB PNG (Directus's image transforms need a real one). */
function png(width: number, height: number): Buffer {
	const chunk = (type: string, data: Buffer) => {
		const body = Buffer.concat([Buffer.from(type), data]);
		const length = Buffer.alloc(4);
		length.writeUInt32BE(data.length);
		const crc = Buffer.alloc(4);
		crc.writeUInt32BE(crc32(body));
		return Buffer.concat([length, body, crc]);
	};

	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
	const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x66)]);
	const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
	return Buffer.concat([
		Buffer.from('89504e470d0a1a0a', 'hex'),
		chunk('IHDR', header),
		chunk('IDAT', pixels),
		chunk('IEND', Buffer.alloc(0)),
	]);
}

/** A silent 8 kHz mono 16-bit WAV of `seconds` seconds: a call recording small enough to build in the test. */
function wav(seconds: number): Buffer {
	const samples = 8000 * seconds;
	const header = Buffer.alloc(44);
	header.write('RIFF', 0);
	header.writeUInt32LE(36 + samples * 2, 4);
	header.write('WAVEfmt ', 8);
	header.writeUInt32LE(16, 16);
	header.writeUInt16LE(1, 20);
	header.writeUInt16LE(1, 22);
	header.writeUInt32LE(8000, 24);
	header.writeUInt32LE(16000, 28);
	header.writeUInt16LE(2, 32);
	header.writeUInt16LE(16, 34);
	header.write('data', 36);
	header.writeUInt32LE(samples * 2, 40);
	return Buffer.concat([header, Buffer.alloc(samples * 2)]);
}

describe('Studio', () => {
	let instance: Instance;
	let browser: Browser;
	let context: BrowserContext;
	let page: Page;

	beforeAll(async () => {
		mkdirSync(ARTIFACTS, { recursive: true });
		instance = await startInstance('sqlite');

		({ browser, context, page } = await openStudio(instance));
	});

	afterAll(async () => {
		await browser?.close();
		await instance?.stop();
	});

	/** Picks an item in one of the timeline's Directus selects (its menu opens in Studio's overlay). */
	async function choose(testId: string, item: string) {
		await page.getByTestId(testId).click();

		await page
			.locator('.v-list-item')
			.filter({ hasText: new RegExp(`^\\s*${item}\\s*$`) })
			.first()
			.click();
	}

	/** Whether a Directus v-button is disabled (the test id may sit on its wrapper or on the button itself). */
	const disabled = (button: Locator) =>
		button.evaluate(
			(element) =>
				((element.matches('button') ? element : element.querySelector('button')) as HTMLButtonElement).disabled,
		);

	/** A dashboard with one Dual timeline panel: the feed of `channel`; opened, it returns the panel. */
	async function openFeedPanel(name: string, channel: string) {
		const dashboard = (await admin(instance).post('/dashboards', { name, icon: 'timeline' })).body.data.id;

		await admin(instance).post('/panels', {
			dashboard,
			show_header: true,
			name,
			type: 'activity-hub-dual-timeline',
			position_x: 1,
			position_y: 1,
			width: 40,
			height: 40,
			options: { channel: { key: channel, collection: 'ingestion_channels' } },
		});

		await page.goto(`${instance.url}/admin/insights/${dashboard}`);
		const panel = page.getByTestId('timeline-panel');
		await panel.waitFor({ timeout: 30_000 });
		await dismissDialogs();
		return panel;
	}

	/**
	 * Screenshots of `target` in Studio's light and dark themes (the user's appearance), 1440 and 390 px wide, saved as
	 * test artefacts; `check` runs at each size after the reload (the 390 px layout is asserted there).
	 */
	async function themedScreenshots(name: string, ready: () => Promise<void>, check?: (width: number) => Promise<void>) {
		try {
			for (const appearance of ['light', 'dark'] as const) {
				await admin(instance).patch('/users/me', { appearance });

				for (const width of [1440, 390]) {
					await page.setViewportSize({ width, height: width === 390 ? 844 : 1000 });
					await page.reload();
					await ready();
					await dismissDialogs();
					await check?.(width);
					await page.waitForTimeout(300);
					await page.screenshot({ path: `${ARTIFACTS}/${name}-${appearance}-${width}.png`, fullPage: true });
				}
			}
		} finally {
			await admin(instance).patch('/users/me', { appearance: null });
			await page.setViewportSize({ width: 1440, height: 1000 });
		}
	}

	/** Directus asks for a project owner at every login until one is set: answer "Remind Later", as a person would. */
	async function dismissDialogs() {
		const remindLater = page.getByRole('button', { name: 'Remind Later' });
		if (await remindLater.isVisible()) await remindLater.click();
	}

	it('shows a contact with its dual timeline, live as webhooks arrive and workers process them', async () => {
		const contact = (
			await admin(instance).post('/items/contacts', {
				first_name: 'Ana',
				last_name: 'Ruiz',
				emails: [{ email: 'ana@acme.example', type: 'work' }],
			})
		).body.data.id;

		await expect.poll(async () => (await instance.db('contact_identities').where({ contact })).length).toBe(1);
		const channel = await createChannel(instance, { provider: 'generic' });

		const ingested = await call(channel.webhook, {
			method: 'POST',
			headers: { 'x-ingestion-key': channel.key },
			json: {
				type: 'email',
				sender: 'ana@acme.example',
				recipient: 'sales@crm.example',
				subject: 'Quote 1042',
				content: '<p>Looks good, <b>please</b> send the contract.</p>',
			},
		});

		expect(ingested.body.data.contact).toBe(contact);
		await admin(instance).post('/items/contact_notes', { contact, content: 'Called back about the quote' });
		await createUser(instance, AGENT_ROLE_ID, 'browser-agent');
		await admin(instance).patch('/users/me', {}); // keeps the admin session fresh for the API helpers

		await page.goto(`${instance.url}/admin/content/contacts/${contact}`);
		const timeline = page.getByTestId('activity-hub-timeline');
		await timeline.waitFor({ timeout: 30_000 });
		await dismissDialogs();
		await expect.poll(() => timeline.getByTestId('activity-row').count(), { timeout: 15_000 }).toBe(1);
		const first = timeline.getByTestId('activity-row').first();
		expect(await first.innerText()).toContain('Quote 1042');
		// An e-mail's HTML body is shown as text.
		expect(await first.getByTestId('activity-content').innerText()).toBe('Looks good, please send the contract.');
		expect(await timeline.getByTestId('activity-status').first().innerText()).toBe('Queued');
		expect(await timeline.getByTestId('note-row').first().innerText()).toContain('Called back about the quote');

		// Live: a webhook posted now shows up without a reload, then follows the queue as a worker processes it.
		const posted = Date.now();

		const live = await call(channel.webhook, {
			method: 'POST',
			headers: { 'x-ingestion-key': channel.key },
			json: { type: 'sms', sender: 'ana@acme.example', content: 'Can we move the call to 3pm?' },
		});

		const row = timeline.getByTestId('activity-row').filter({ hasText: 'Can we move the call to 3pm?' });
		await row.waitFor({ timeout: 1000 });
		const appearedMs = Date.now() - posted;
		expect(await row.getByTestId('activity-status').innerText()).toBe('Queued');

		const agent = (path: string, json: unknown) =>
			call(`${instance.url}/activity-hub${path}`, { method: 'POST', token: 'browser-agent', json });

		const [claimed] = (await agent('/queue/claim', { limit: 1, channels: [channel.id], types: ['sms'] })).body.data;
		expect(claimed.id).toBe(live.body.data.id);

		await expect
			.poll(() => row.getByTestId('activity-status').innerText(), { timeout: 2000, interval: 50 })
			.toBe('Processing');

		// Who holds the lease: the agent user's name (its e-mail, as it has no name).
		await expect
			.poll(() => row.getByTestId('lease-holder').innerText(), { timeout: 2000 })
			.toBe('held by browser-agent@example.com');

		const completed = await agent(`/queue/${claimed.id}/complete`, {
			lease_token: claimed.lease_token,
			processed_data: {
				summary: 'Wants the call at 3pm',
				facts: ['call moved to 15:00'],
				transcript: [
					{ start: 0, end: 2, speaker: 'Ana', text: 'can we move it?' },
					{ start: 2, end: 3, speaker: 'Agent', text: 'sure' },
				],
			},
			note: 'Moved the call to 3pm',
		});

		expect(completed.status).toBe(200);

		await expect
			.poll(() => row.getByTestId('activity-status').innerText(), { timeout: 2000, interval: 50 })
			.toBe('Completed');

		await expect.poll(() => row.innerText(), { timeout: 2000 }).toContain('Wants the call at 3pm');
		// Facts and transcript are collapsed until opened.
		expect(await row.getByText('call moved to 15:00').isVisible()).toBe(false);
		await row.getByTestId('facts').locator('summary').click();
		expect(await row.getByText('call moved to 15:00').isVisible()).toBe(true);
		await timeline.getByTestId('note-row').filter({ hasText: 'Moved the call to 3pm' }).waitFor({ timeout: 2000 });
		console.log(`[browser] webhook → row on the contact page in ${appearedMs} ms`);

		expect(await timeline.getByTestId('note-row').filter({ hasText: 'Moved the call to 3pm' }).innerText()).toContain(
			'Agent',
		);

		// A person's note, written in the composer, arrives live like any other.
		await timeline.getByTestId('note-composer').locator('textarea').fill('Sent the contract by post');
		await timeline.getByTestId('add-note').click();
		await timeline.getByTestId('note-row').filter({ hasText: 'Sent the contract by post' }).waitFor({ timeout: 2000 });
		expect(await instance.db('contact_notes').where({ contact, content: 'Sent the contract by post' })).toHaveLength(1);

		// Filters and search narrow the list on the server.
		await choose('filter-type', 'SMS');
		await expect.poll(() => timeline.getByTestId('activity-row').count(), { timeout: 3000 }).toBe(1);
		await choose('filter-type', 'All types');
		await timeline.getByTestId('timeline-search').fill('quote');

		await expect
			.poll(async () => (await timeline.getByTestId('activity-row').allInnerTexts()).join('|'), { timeout: 3000 })
			.toMatch(/^[^|]*Quote 1042[^|]*$/);

		await timeline.getByTestId('timeline-search').fill('');
		await expect.poll(() => timeline.getByTestId('activity-row').count(), { timeout: 3000 }).toBe(2);

		// Convert to note: the e-mail becomes a permanent note, once.
		await timeline.getByTestId('activity-row').filter({ hasText: 'Quote 1042' }).getByTestId('to-note').click();
		await timeline.getByTestId('note-row').filter({ hasText: 'Looks good' }).waitFor({ timeout: 3000 });

		// Attachments: an image shows as a chip with a thumbnail from Directus's asset transforms; a call recording
		// plays from /assets with seeking (Directus serves byte ranges).
		const uploads = await createChannel(instance, { name: 'Recordings', provider: 'upload' });

		for (const [name, type, content] of [
			['photo.png', 'image/png', PNG],
			['call.wav', 'audio/wav', wav(2)],
		] as const) {
			const form = new FormData();
			form.append('type', type.startsWith('audio') ? 'call' : 'file');
			form.append('sender', 'ana@acme.example');
			form.append('file', new Blob([new Uint8Array(content)], { type }), name);

			expect(
				(
					await call(`${instance.url}/activity-hub/channels/${uploads.id}/upload`, {
						method: 'POST',
						token: instance.token,
						body: form,
					})
				).status,
			).toBe(202);
		}

		const chip = timeline.getByTestId('attachment-chip').filter({ hasText: 'photo.png' });
		await chip.waitFor({ timeout: 3000 });

		await expect
			.poll(() => chip.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), {
				timeout: 5000,
			})
			.toBeGreaterThan(0);

		const audio = timeline.getByTestId('audio-player').first();
		await audio.waitFor({ timeout: 3000 });
		await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => el.duration), { timeout: 5000 }).toBeCloseTo(2, 1);

		const seeked = await audio.evaluate(
			(el: HTMLAudioElement) =>
				new Promise<number>((resolve) => {
					el.addEventListener('seeked', () => resolve(el.currentTime), { once: true });
					el.currentTime = 1.5;
				}),
		);

		expect(seeked).toBeCloseTo(1.5, 1);

		await page.screenshot({ path: `${ARTIFACTS}/contact-page.png`, fullPage: true });
		await timeline.screenshot({ path: `${ARTIFACTS}/dual-timeline.png` });

		// HTML injected into any field is shown literally (bodies reduced to text) and never runs.
		await call(channel.webhook, {
			method: 'POST',
			headers: { 'x-ingestion-key': channel.key },
			json: {
				type: 'email',
				sender: 'ana@acme.example',
				recipient: '"><svg onload="window.__injected = 2">',
				subject: 'Invoice <img src=x onerror="window.__injected = 3">',
				content: '<p>Pay now</p><img src=x onerror="window.__injected = 1"><script>window.__injected = 4</script>',
				metadata: { note: '<img src=x onerror="window.__injected = 5">' },
			},
		});

		const hostile = timeline.getByTestId('activity-row').filter({ hasText: 'Invoice' });
		await hostile.waitFor({ timeout: 2000 });
		expect(await hostile.locator('.subject').innerText()).toBe('Invoice <img src=x onerror="window.__injected = 3">');
		expect(await hostile.getByTestId('activity-content').innerText()).toBe('Pay now');
		expect(await hostile.innerText()).toContain('"><svg onload="window.__injected = 2">');
		await hostile.getByTestId('to-note').click();
		await timeline.getByTestId('note-row').filter({ hasText: 'Pay now' }).waitFor({ timeout: 3000 });
		await page.waitForTimeout(300);
		expect(await timeline.locator('.item img:not(.chip img), .item svg, .item script').count()).toBe(0);
		expect(await page.evaluate(() => (window as any).__injected)).toBeUndefined();

		await page.goto(`${instance.url}/admin/content`);
		const navigation = await page.locator('nav, aside').first().innerText();
		for (const name of ['Contacts', 'Activities', 'Ingestion Channels', 'Contact Notes'])
			expect(navigation).toContain(name);
	});

	it('never marks the contact form as changed by typing in the timeline', async () => {
		const contact = (await admin(instance).post('/items/contacts', { first_name: 'Cleo', last_name: 'Park' })).body.data
			.id;

		const revisions = async () =>
			Number(
				(
					await instance
						.db('directus_revisions')
						.where({ collection: 'contacts', item: String(contact) })
						.count({ n: '*' })
				)[0]!.n,
			);

		const before = await revisions();
		const saves: string[] = [];

		const watch = (request: { method(): string; url(): string; postData(): string | null }) => {
			if (request.method() === 'PATCH' && request.url().includes(`/items/contacts/${contact}`))
				saves.push(request.postData() ?? '');
		};

		page.on('request', watch);

		try {
			await page.goto(`${instance.url}/admin/content/contacts/${contact}`);
			const timeline = page.getByTestId('activity-hub-timeline');
			await timeline.waitFor({ timeout: 30_000 });
			await dismissDialogs();
			const composer = page.getByRole('textbox', { name: 'Write a note…' });
			await composer.pressSequentially('a draft, not sent');
			// Directus's save shortcut sends whatever the form holds as changed: nothing.
			await page.keyboard.press('ControlOrMeta+s');
			await timeline.getByTestId('timeline-search').pressSequentially('quote');
			await composer.focus();
			await page.keyboard.press('ControlOrMeta+s');
			await page.waitForTimeout(500);
			expect(saves).toEqual([]);
			// Leaving asks nothing (Directus stops the navigation with an "Unsaved changes" dialog when edits exist).
			await page.locator('nav, aside').first().getByText('Contacts', { exact: true }).first().click();
			await page.waitForURL(/\/admin\/content\/contacts(\?.*)?$/, { timeout: 5000 });
			expect(await revisions()).toBe(before);
		} finally {
			page.off('request', watch);
		}
	});

	it('asks before rotating a key in use, and copies a provider URL only once it holds a real key', async () => {
		const channel = await createChannel(instance, { name: 'Postmark inbound', provider: 'postmark' });

		const keyHash = async () =>
			(await instance.db('ingestion_channel_secrets').where({ id: channel.id }).first('key_hash')).key_hash;

		const before = await keyHash();
		await page.goto(`${instance.url}/admin/content/ingestion_channels/${channel.id}`);
		const setup = page.getByTestId('channel-setup');
		await setup.waitFor({ timeout: 30_000 });
		await dismissDialogs();
		// Postmark's URL carries the key (Basic auth): with the placeholder it would work nowhere.
		expect(await setup.getByTestId('webhook-url').innerText()).toContain('postmark:KEY@');
		expect(await disabled(setup.getByTestId('copy-url'))).toBe(true);
		await setup.getByTestId('copy-needs-key').waitFor();

		await setup.getByTestId('rotate-key').click();
		const dialog = page.getByTestId('rotate-confirm');
		await dialog.waitFor({ timeout: 3000 });
		expect(await dialog.innerText()).toContain('stops working at once');
		await dialog.getByRole('button', { name: 'Cancel' }).click();
		await dialog.waitFor({ state: 'hidden', timeout: 3000 });
		expect(await keyHash()).toBe(before);

		expect(
			(
				await call(`${instance.url}/ingest/${channel.id}`, {
					method: 'POST',
					headers: { authorization: `Basic ${Buffer.from(`postmark:${channel.key}`).toString('base64')}` },
					json: { From: 'a@b.example', MessageID: 'still-valid', Subject: 'x' },
				})
			).status,
		).toBe(202);

		await setup.getByTestId('rotate-key').click();
		await page.getByTestId('rotate-confirmed').click();
		const revealed = setup.getByTestId('revealed-key');
		await revealed.waitFor({ timeout: 5000 });
		expect(await keyHash()).not.toBe(before);
		expect(await setup.getByTestId('webhook-url').innerText()).toContain(`postmark:${await revealed.innerText()}@`);
		expect(await disabled(setup.getByTestId('copy-url'))).toBe(false);
	});

	it('speaks Studio’s language, and shows when the live connection drops and catches up after it', async () => {
		const contact = (
			await admin(instance).post('/items/contacts', {
				first_name: 'Dora',
				emails: [{ email: 'dora@acme.example', type: 'work' }],
			})
		).body.data.id;

		await expect.poll(async () => (await instance.db('contact_identities').where({ contact })).length).toBe(1);
		const channel = await createChannel(instance, { provider: 'generic' });

		const send = (content: string) =>
			call(channel.webhook, {
				method: 'POST',
				headers: { 'x-ingestion-key': channel.key },
				json: { type: 'sms', sender: 'dora@acme.example', content },
			});

		await send('Guten Tag');
		const live = await context.newPage();
		// Every websocket of this page passes through here: `refuse` drops them, as a lost network would.
		let refuse = false;
		const sockets: WebSocketRoute[] = [];

		await live.routeWebSocket(/\/websocket$/, (socket) => {
			if (refuse) return void socket.close();
			socket.connectToServer();
			sockets.push(socket);
		});

		await admin(instance).patch('/users/me', { language: 'de-DE' });

		try {
			await live.goto(`${instance.url}/admin/content/contacts/${contact}`);
			const timeline = live.getByTestId('activity-hub-timeline');
			await timeline.waitFor({ timeout: 30_000 });
			const remindLater = live.getByRole('button', { name: /Remind Later|Später erinnern/ });
			if (await remindLater.isVisible()) await remindLater.click();
			await timeline.getByTestId('activity-row').first().waitFor({ timeout: 10_000 });
			const text = await timeline.innerText();
			for (const german of ['Aktivitäten', 'Notizen', 'In Warteschlange', 'Noch keine Notizen.'])
				expect(text).toContain(german);

			expect(await timeline.getByTestId('note-composer').locator('textarea').getAttribute('placeholder')).toBe(
				'Notiz schreiben…',
			);

			await expect.poll(() => sockets.length, { timeout: 5000 }).toBeGreaterThan(0);

			refuse = true;
			for (const socket of sockets.splice(0)) await socket.close();
			const status = timeline.getByTestId('live-status');
			await status.waitFor({ timeout: 5000 });
			expect(await status.innerText()).toContain('Verbindung wird wiederhergestellt');
			await send('Während der Funkstille');
			await live.waitForTimeout(1500);
			expect(await timeline.getByTestId('activity-row').filter({ hasText: 'Während der Funkstille' }).count()).toBe(0);

			refuse = false;
			await status.waitFor({ state: 'detached', timeout: 20_000 });

			// Catch-up after the reconnect: what arrived while away is there without a reload.
			await timeline
				.getByTestId('activity-row')
				.filter({ hasText: 'Während der Funkstille' })
				.waitFor({ timeout: 5000 });

			await live.screenshot({ path: `${ARTIFACTS}/contact-page-de.png`, fullPage: true });
		} finally {
			await admin(instance).patch('/users/me', { language: null });
			await live.close();
		}
	});

	it('sets up an upload channel and uploads files, showing what the server refuses', async () => {
		const channel = await createChannel(instance, {
			name: 'Scanned letters',
			provider: 'upload',
			allowed_mime_types: ['image/*', 'application/pdf'],
			max_file_bytes: 64 * 1024,
		});

		await page.goto(`${instance.url}/admin/content/ingestion_channels/${channel.id}`);
		const setup = page.getByTestId('channel-setup');
		await setup.waitFor({ timeout: 30_000 });
		await dismissDialogs();
		expect(await setup.getByTestId('webhook-url').innerText()).toBe(`${instance.url}/ingest/${channel.id}`);
		expect(await setup.getByTestId('setup-guide').innerText()).toContain('Each file becomes one activity');

		await setup.getByTestId('send-test').click();
		await setup.getByTestId('test-result').waitFor({ timeout: 5000 });
		await expect.poll(() => setup.getByTestId('received-count').innerText(), { timeout: 5000 }).toBe('1');

		const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

		await setup.getByTestId('file-input').setInputFiles([
			{ name: 'letter-1.png', mimeType: 'image/png', buffer: PNG },
			{ name: 'letter-2.pdf', mimeType: 'application/pdf', buffer: pdf },
			// The browser calls it a PNG; the server sniffs a Windows executable and refuses it.
			{
				name: 'disguised.png',
				mimeType: 'image/png',
				buffer: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(512, 0x90)]),
			},
			// Over the channel's 64 KB: refused before upload.
			{ name: 'huge.png', mimeType: 'image/png', buffer: Buffer.concat([PNG, Buffer.alloc(70 * 1024)]) },
		]);

		const rows = setup.getByTestId('upload-row');

		await expect
			.poll(async () => (await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-state')))).join(','), {
				timeout: 10_000,
			})
			.toBe('done,done,failed,refused');

		expect(await rows.nth(2).getByTestId('upload-error').innerText()).toMatch(/not allowed on this channel/);
		expect(await rows.nth(3).getByTestId('upload-error').innerText()).toMatch(/limit of 64 KB/);
		await rows.nth(2).getByTestId('upload-retry').waitFor();

		// Drag and drop: a file dropped on the zone joins the list and uploads like a picked one.
		await setup.getByTestId('drop-zone').evaluate(
			(zone, bytes) => {
				const transfer = new DataTransfer();
				transfer.items.add(new File([new Uint8Array(bytes)], 'dropped.pdf', { type: 'application/pdf' }));
				zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
			},
			[...pdf],
		);

		await expect
			.poll(() => rows.filter({ hasText: 'dropped.pdf' }).getAttribute('data-state'), { timeout: 10_000 })
			.toBe('done');

		// Bounded parallelism: with the server held up, at most four uploads are in flight at once.
		let inFlight = 0;
		let most = 0;

		await page.route('**/activity-hub/channels/*/upload', async (route) => {
			most = Math.max(most, ++inFlight);
			await new Promise((resolve) => setTimeout(resolve, 400));
			await route.continue();
			inFlight--;
		});

		await setup
			.getByTestId('file-input')
			.setInputFiles(
				Array.from({ length: 6 }, (_, i) => ({ name: `batch-${i}.pdf`, mimeType: 'application/pdf', buffer: pdf })),
			);

		const batchStates = async () =>
			(
				await rows.filter({ hasText: 'batch-' }).evaluateAll((els) => els.map((el) => el.getAttribute('data-state')))
			).join(',');

		await expect.poll(batchStates, { timeout: 15_000 }).toBe(Array(6).fill('done').join(','));
		expect(most).toBe(4);

		// Cancel one while the server holds it up; it stays cancelled until retried, then uploads.
		await setup
			.getByTestId('file-input')
			.setInputFiles([{ name: 'second-thoughts.pdf', mimeType: 'application/pdf', buffer: pdf }]);

		const pending = rows.filter({ hasText: 'second-thoughts.pdf' });
		await expect.poll(() => pending.getAttribute('data-state'), { timeout: 5000, interval: 20 }).toBe('uploading');
		await pending.getByTestId('upload-cancel').click();
		await expect.poll(() => pending.getAttribute('data-state'), { timeout: 5000 }).toBe('cancelled');
		await pending.getByTestId('upload-retry').click();
		await expect.poll(() => pending.getAttribute('data-state'), { timeout: 5000 }).toBe('done');
		await page.unroute('**/activity-hub/channels/*/upload');
		await setup.screenshot({ path: `${ARTIFACTS}/channel-setup.png` });
		await page.screenshot({ path: `${ARTIFACTS}/channel-page.png`, fullPage: true });

		const stored = await instance.db('activities').where({ channel: channel.id });

		expect(stored.map((row: { subject: string }) => row.subject).sort()).toEqual([
			'Test event from Activity Hub',
			...Array.from({ length: 6 }, (_, i) => `batch-${i}.pdf`),
			'dropped.pdf',
			'letter-1.png',
			'letter-2.pdf',
			'second-thoughts.pdf',
		]);

		expect(await instance.db('directus_files').where({ folder: channel.id })).toHaveLength(10);
	});

	it('shows the Queue health and Dual timeline panels on an Insights dashboard', async () => {
		const channel = await createChannel(instance, { name: 'Panel feed', provider: 'generic' });
		for (const content of ['first', 'second', 'third'])
			await call(channel.webhook, {
				method: 'POST',
				headers: { 'x-ingestion-key': channel.key },
				json: { type: 'sms', sender: '+1 202 555 0100', content: `panel ${content}` },
			});

		const [claimed] = (await admin(instance).post('/activity-hub/queue/claim', { limit: 1, channels: [channel.id] }))
			.body.data;

		await admin(instance).post(`/activity-hub/queue/${claimed.id}/fail`, {
			lease_token: claimed.lease_token,
			error: 'transcription service down',
			retry: false,
		});

		// The seeded "Activity Hub" dashboard shows both panels out of the box: the feed holds every activity.
		await page.goto(`${instance.url}/admin/insights/${DASHBOARD_ID}`);
		await page.getByTestId('queue-health').getByTestId('health-queued').waitFor({ timeout: 30_000 });
		await dismissDialogs();

		await page
			.getByTestId('timeline-panel')
			.getByTestId('activity-row')
			.filter({ hasText: 'panel third' })
			.waitFor({ timeout: 5000 });

		// The seeded layout fits a 1280 px screen with the navigation and the sidebar open: no panel runs under the sidebar.
		await page.setViewportSize({ width: 1280, height: 900 });

		try {
			const sidebar = (await page.locator('#sidebar').boundingBox())!;
			expect(sidebar.width).toBeGreaterThan(0);

			for (const testId of ['queue-health', 'timeline-panel']) {
				const box = (await page.getByTestId(testId).first().boundingBox())!;
				expect(box.x + box.width, testId).toBeLessThanOrEqual(sidebar.x);
			}

			// Every figure is shown whole (the oldest wait was cut to "3 …" before).
			const health = page.getByTestId('queue-health');
			const edge = (await health.boundingBox())!;

			for (const figure of await health.locator('dd').all()) {
				// The text's own extent, which ellipsis or a panel edge would cut.
				const text = await figure.evaluate((el) => {
					const range = document.createRange();
					range.selectNodeContents(el);
					const { left, right } = range.getBoundingClientRect();
					return { left, right, box: el.getBoundingClientRect().right };
				});

				expect(text.right, await figure.innerText()).toBeLessThanOrEqual(Math.min(text.box, edge.x + edge.width) + 1);
			}

			await page.screenshot({ path: `${ARTIFACTS}/insights-1280.png` });
		} finally {
			await page.setViewportSize({ width: 1440, height: 1000 });
		}

		const dashboard = (await admin(instance).post('/dashboards', { name: 'Channel feed', icon: 'timeline' })).body.data
			.id;

		const panel = (fields: Record<string, unknown>) =>
			admin(instance).post('/panels', {
				dashboard,
				show_header: true,
				position_x: 1,
				position_y: 1,
				width: 24,
				height: 18,
				...fields,
			});

		expect(
			(await panel({ name: 'Queue health', type: 'activity-hub-queue-health', options: { refresh: 2 } })).status,
		).toBe(200);

		expect(
			(
				await panel({
					name: 'Feed',
					type: 'activity-hub-dual-timeline',
					position_x: 25,
					options: { channel: { key: channel.id, collection: 'ingestion_channels' } },
				})
			).status,
		).toBe(200);

		await page.goto(`${instance.url}/admin/insights/${dashboard}`);
		const health = page.getByTestId('queue-health');
		await health.waitFor({ timeout: 30_000 });
		await dismissDialogs();

		await expect
			.poll(async () => Number(await health.getByTestId('health-failed').innerText()), { timeout: 5000 })
			.toBeGreaterThanOrEqual(1);

		expect(await health.getByTestId('health-failure').filter({ hasText: 'transcription service down' }).count()).toBe(
			1,
		);

		const feed = page.getByTestId('timeline-panel');
		await expect.poll(() => feed.getByTestId('activity-row').count(), { timeout: 5000 }).toBe(3);

		// Unmatched activities offer linking to a contact from the feed.
		const contact = (await admin(instance).post('/items/contacts', { first_name: 'Phone', last_name: 'Owner' })).body
			.data.id;

		const unmatched = feed.getByTestId('activity-row').filter({ hasText: 'panel first' });
		await unmatched.getByTestId('contact-search').fill('Owner');
		await unmatched.getByTestId('contact-option').filter({ hasText: 'Phone Owner' }).click();

		await expect
			.poll(async () => (await instance.db('activities').where({ content: 'panel first' }).first()).contact, {
				timeout: 5000,
			})
			.toBe(contact);

		await expect.poll(() => unmatched.getByTestId('link-contact').count(), { timeout: 5000 }).toBe(0);
		// A new delivery appears in the feed live; the health panel counts it on its next refresh.
		const queuedBefore = Number(await health.getByTestId('health-queued').innerText());

		await call(channel.webhook, {
			method: 'POST',
			headers: { 'x-ingestion-key': channel.key },
			json: { type: 'sms', content: 'panel fourth' },
		});

		await feed.getByTestId('activity-row').filter({ hasText: 'panel fourth' }).waitFor({ timeout: 2000 });

		await expect
			.poll(async () => Number(await health.getByTestId('health-queued').innerText()), { timeout: 6000 })
			.toBe(queuedBefore + 1);

		await page.screenshot({ path: `${ARTIFACTS}/insights-panels.png`, fullPage: true });
	});

	it('shows rows for people: names, formatted numbers, m:ss, local times, labels, paged and editable notes', async () => {
		const me = (await admin(instance).get('/users/me')).body.data;
		await admin(instance).patch('/users/me', { first_name: 'Robin', last_name: 'Admin' });

		const contact = (
			await admin(instance).post('/items/contacts', {
				first_name: 'Maya',
				last_name: 'Chen',
				emails: [{ email: 'maya@people.example', type: 'work' }],
				phones: [{ number: '+1 202 555 0143', type: 'mobile' }],
			})
		).body.data.id;

		await expect
			.poll(async () => (await instance.db('contact_identities').where({ contact })).length, { timeout: 10_000 })
			.toBe(2);

		const channel = await createChannel(instance, { name: 'Front desk', provider: 'generic' });

		const call412 = await call(channel.webhook, {
			method: 'POST',
			headers: { 'x-ingestion-key': channel.key },
			json: {
				type: 'call',
				sender: '+12025550143',
				recipient: '+12025550100',
				content: 'Asked about the renewal',
				occurred_at: '2026-06-01T12:00:00Z',
				metadata: { duration_seconds: 412 },
			},
		});

		expect(call412.body.data.contact).toBe(contact);

		// 60 notes: more than one page (50), the newest written by a colleague.
		const t0 = Date.now() - 3600_000;

		await instance.db('contact_notes').insert(
			Array.from({ length: 60 }, (_, i) => ({
				contact,
				content: `Older note ${i}`,
				author: me.id,
				source: 'person',
				date_created: t0 - i * 60_000,
			})),
		);

		const colleague = `colleague-${Date.now()}`;

		await createStudioUser(instance, colleague, [
			{ collection: 'contact_notes', action: 'create' },
			{ collection: 'contact_notes', action: 'update' },
			{ collection: 'contact_notes', action: 'read' },
		]);

		const theirs = (
			await call(`${instance.url}/items/contact_notes`, {
				method: 'POST',
				token: colleague,
				json: { contact, content: 'A colleague’s note' },
			})
		).body.data.id;

		await page.goto(`${instance.url}/admin/content/contacts/${contact}`);
		const timeline = page.getByTestId('activity-hub-timeline');
		await timeline.waitFor({ timeout: 30_000 });
		await dismissDialogs();
		expect(await timeline.getAttribute('data-layout')).toBe('columns');
		const row = timeline.getByTestId('activity-row').filter({ hasText: 'Asked about the renewal' });
		await row.waitFor({ timeout: 10_000 });

		// Labels, a national-format number for this US locale, the call's length, local time on hover.
		expect(await row.getByTestId('activity-type').innerText()).toBe('Call');
		expect(await row.getByTestId('activity-who').innerText()).toBe('(202) 555-0143 → (202) 555-0100');
		expect(await row.getByTestId('call-duration').innerText()).toBe('6:52');
		const title = (await row.getByTestId('activity-time').getAttribute('title'))!;
		expect(title).not.toContain('2026-06-01T');

		expect(title).toBe(localTime('2026-06-01T12:00:00Z', 'en-US'));

		// Notes: names of their authors, paged beyond 50.
		const notes = timeline.getByTestId('note-row');
		await expect.poll(() => notes.count(), { timeout: 5000 }).toBe(50);

		expect(await notes.filter({ hasText: 'A colleague’s note' }).getByTestId('note-author').innerText()).toBe(
			`${colleague}@example.com`,
		);

		expect(await notes.filter({ hasText: 'Older note 0' }).getByTestId('note-author').innerText()).toBe('Robin Admin');
		await timeline.getByTestId('notes-load-more').click();
		await expect.poll(() => notes.count(), { timeout: 5000 }).toBe(61);
		await notes.filter({ hasText: 'Older note 59' }).waitFor();

		// Their own notes can be edited and deleted (an admin may any); another person's cannot, and the server says so.
		const ownId = await notes.filter({ hasText: 'Older note 0' }).getAttribute('data-note');
		const own = timeline.locator(`[data-note="${ownId}"]`);
		await own.getByTestId('edit-note').click();
		await own.getByTestId('note-editor').locator('textarea').fill('Older note 0, corrected');
		await own.getByTestId('save-note').click();
		await notes.filter({ hasText: 'Older note 0, corrected' }).waitFor({ timeout: 5000 });
		await notes.filter({ hasText: 'Older note 1' }).first().getByTestId('delete-note').click();
		await page.getByTestId('delete-note-confirmed').click();
		const noteText = (text: RegExp) => timeline.locator('[data-testid="note-row"] .content').filter({ hasText: text });
		await expect.poll(() => noteText(/^Older note 1$/).count(), { timeout: 3000 }).toBe(0);
		expect(await instance.db('contact_notes').where({ contact, content: 'Older note 1' })).toHaveLength(0);

		const foreign = await call(
			`${instance.url}/items/contact_notes/${(await instance.db('contact_notes').where({ contact, content: 'Older note 2' }).first()).id}`,
			{
				method: 'PATCH',
				token: colleague,
				json: { content: 'not yours' },
			},
		);

		expect(foreign.status).toBe(403);

		expect(
			(
				await call(`${instance.url}/items/contact_notes/${theirs}`, {
					method: 'PATCH',
					token: colleague,
					json: { content: 'mine, edited' },
				})
			).status,
		).toBe(200);

		// A converted activity links to its note (Convert is no longer offered); the note keeps the call's channel and time.
		await row.getByTestId('to-note').click();
		await row.getByTestId('open-note').waitFor({ timeout: 3000 });
		expect(await row.getByTestId('to-note').count()).toBe(0);
		await row.getByTestId('open-note').click();
		const converted = notes.filter({ hasText: 'Asked about the renewal' });
		await converted.waitFor({ timeout: 3000 });
		expect(await converted.getAttribute('class')).toContain('highlighted');
		expect(await converted.getByTestId('note-origin').innerText()).toContain('From Call · Inbound · Front desk');

		// 1440 px: two columns; 390 px: tabs, the notes one tab away.
		await themedScreenshots(
			'contact',
			() => timeline.getByTestId('activity-row').first().waitFor({ timeout: 30_000 }),
			async (width) => {
				expect(await timeline.getAttribute('data-layout')).toBe(width === 390 ? 'tabs' : 'columns');
				if (width !== 390) return;
				expect(await timeline.getByTestId('notes-column').isVisible()).toBe(false);
				await timeline.getByTestId('tab-notes').click();
				expect(await timeline.getByTestId('notes-column').isVisible()).toBe(true);
				expect(await timeline.getByTestId('activities-column').isVisible()).toBe(false);
				await page.screenshot({ path: `${ARTIFACTS}/contact-phone-notes.png` });
				await timeline.getByTestId('tab-activities').click();
			},
		);

		await page.setViewportSize({ width: 390, height: 844 });

		try {
			await page.reload();
			await timeline.getByTestId('activity-row').first().waitFor({ timeout: 30_000 });
			await page.waitForTimeout(300);
			await page.screenshot({ path: `${ARTIFACTS}/contact-phone.png` });
		} finally {
			await page.setViewportSize({ width: 1440, height: 1000 });
		}

		await page.reload();
		await timeline.waitFor({ timeout: 30_000 });
		await timeline.screenshot({ path: `${ARTIFACTS}/dual-timeline-rows.png` });

		// Studio's own lists speak the same: labels (custom translations), channel names, e-mail addresses instead of JSON.
		await page.goto(`${instance.url}/admin/content/activities`);
		await page.locator('table tbody tr').first().waitFor({ timeout: 15_000 });
		await page.waitForTimeout(500);
		const listed = await page.locator('table tbody').innerText();
		expect(listed).toContain('Call');
		expect(listed).not.toContain('activity_hub_');
		expect(listed).not.toContain(channel.id);
		await page.screenshot({ path: `${ARTIFACTS}/activities-list.png` });
		await page.goto(`${instance.url}/admin/content/contacts`);
		const listedContact = page.locator('.v-table tbody tr, table tbody tr').filter({ hasText: 'Chen' }).first();
		await listedContact.waitFor({ timeout: 15_000 });
		expect(await listedContact.innerText()).toContain('maya@people.example');
		expect(await listedContact.innerText()).not.toContain('"email"');
		await page.screenshot({ path: `${ARTIFACTS}/contacts-list.png` });
	});

	it('links an unmatched activity through the contact picker, adding the sender so the next message matches', async () => {
		const omar = (
			await admin(instance).post('/items/contacts', {
				first_name: 'Omar',
				last_name: 'Haddad',
				emails: [{ email: 'omar@picker.example', type: 'work' }],
			})
		).body.data.id;

		// Two contacts sharing an address: the match is ambiguous and the candidates are offered by name.
		for (const first_name of ['Zed', 'Zoe'])
			await admin(instance).post('/items/contacts', {
				first_name,
				last_name: 'Shared',
				emails: [{ email: 'family@picker.example', type: 'home' }],
			});

		await expect
			.poll(async () => (await instance.db('contact_identities').where({ value: 'family@picker.example' })).length, {
				timeout: 10_000,
			})
			.toBe(2);

		const channel = await createChannel(instance, { name: 'Picker SMS', provider: 'generic' });

		const send = (sender: string, content: string) =>
			call(channel.webhook, {
				method: 'POST',
				headers: { 'x-ingestion-key': channel.key },
				json: { type: 'sms', sender, content },
			});

		const first = (await send('+12025550177', 'Hi, new phone')).body.data;
		expect(first.contact).toBeNull();
		await send('family@picker.example', 'From the family account');

		const feed = await openFeedPanel('Picker feed', channel.id);
		const ambiguous = feed.getByTestId('activity-row').filter({ hasText: 'From the family account' });
		await ambiguous.waitFor({ timeout: 5000 });

		await expect
			.poll(async () => (await ambiguous.getByTestId('link-candidate').allInnerTexts()).sort().join('|'), {
				timeout: 5000,
			})
			.toBe('Link to Zed Shared|Link to Zoe Shared');

		// The picker: find Omar by his e-mail, keep "also add this address", link.
		const row = feed.getByTestId('activity-row').filter({ hasText: 'Hi, new phone' });

		expect(await row.getByTestId('add-address').innerText()).toContain('(202) 555-0177');

		await row.getByTestId('contact-search').fill('omar@picker');
		await row.getByTestId('contact-option').filter({ hasText: 'Omar Haddad' }).click();
		await expect.poll(() => row.getByTestId('activity-contact').count(), { timeout: 5000 }).toBe(1);
		await expect.poll(() => row.getByTestId('activity-contact').innerText(), { timeout: 3000 }).toBe('Omar Haddad');
		expect(await row.getByTestId('link-contact').count()).toBe(0);

		expect((await admin(instance).get(`/items/contacts/${omar}`)).body.data.phones).toEqual([
			{ number: '+12025550177', type: 'other' },
		]);

		await expect
			.poll(
				async () => (await instance.db('contact_identities').where({ contact: omar, value: '+12025550177' })).length,
				{ timeout: 10_000 },
			)
			.toBe(1);

		// The next message from that number is Omar's, named in the feed.
		expect((await send('+12025550177', 'Me again')).body.data.contact).toBe(omar);
		const next = feed.getByTestId('activity-row').filter({ hasText: 'Me again' });
		await next.waitFor({ timeout: 3000 });
		await expect.poll(() => next.getByTestId('activity-contact').innerText(), { timeout: 3000 }).toBe('Omar Haddad');

		// Searching the number as people write it finds the rows stored as E.164.
		await feed.getByTestId('timeline-search').fill('+1 202 555 0177');

		await expect
			.poll(async () => (await feed.getByTestId('activity-row').allInnerTexts()).length, { timeout: 3000 })
			.toBe(2);

		await page.screenshot({ path: `${ARTIFACTS}/feed-picker.png`, fullPage: true });
	});

	it('uploads into a channel for a contact chosen in the panel', async () => {
		const contact = (await admin(instance).post('/items/contacts', { first_name: 'Upload', last_name: 'Target' })).body
			.data.id;

		const channel = await createChannel(instance, { name: 'Panel uploads', provider: 'upload' });
		const panel = await openFeedPanel('Uploads', channel.id);
		await panel.getByTestId('contact-search').fill('Target');
		await panel.getByTestId('contact-option').filter({ hasText: 'Upload Target' }).click();
		expect(await panel.getByTestId('upload-contact-chosen').innerText()).toContain('Upload Target');

		await panel.getByTestId('file-input').setInputFiles({ name: 'scan.png', mimeType: 'image/png', buffer: PNG });

		await panel.locator('[data-testid="upload-row"][data-state="done"]').waitFor({ timeout: 10_000 });

		await expect
			.poll(async () => (await instance.db('activities').where({ channel: channel.id }).first())?.contact ?? null, {
				timeout: 5000,
			})
			.toBe(contact);

		const row = panel.getByTestId('activity-row').filter({ hasText: 'scan.png' });
		await expect.poll(() => row.getByTestId('activity-contact').innerText(), { timeout: 5000 }).toBe('Upload Target');
		await page.screenshot({ path: `${ARTIFACTS}/panel-upload-contact.png`, fullPage: true });
	});

	it('opens a contact with 10,000 activities as fast as one with 10', async () => {
		const big = (await admin(instance).post('/items/contacts', { first_name: 'Many', last_name: 'Years' })).body.data
			.id;

		const small = (await admin(instance).post('/items/contacts', { first_name: 'Few', last_name: 'Days' })).body.data
			.id;

		await seedActivities(instance.db, 10_000, { contact: big });
		await seedActivities(instance.db, 10, { contact: small });

		// Open each from the contacts list, as a person does (the Studio is already loaded): click → first page drawn.
		const open = async (contact: number) => {
			await page.goto(`${instance.url}/admin/content/contacts`);
			await dismissDialogs();

			const link = page
				.locator('.v-table tbody tr, table tbody tr')
				.filter({ hasText: contact === big ? 'Years' : 'Days' })
				.first();

			await link.waitFor({ timeout: 15_000 });
			const started = Date.now();
			await link.click();
			const timeline = page.getByTestId('activity-hub-timeline');

			await expect
				.poll(() => timeline.getByTestId('activity-row').count(), { timeout: 5000, interval: 20 })
				.toBe(contact === big ? 50 : 10);

			return Date.now() - started;
		};

		await open(small); // warm the item page's code
		// Three opens of each, alternating, compared by their medians: one open can meet a busy moment of the machine.
		const smallTimes: number[] = [];
		const bigTimes: number[] = [];

		for (let round = 0; round < 3; round++) {
			smallTimes.push(await open(small));
			bigTimes.push(await open(big));
		}

		const median = (times: number[]) => [...times].sort((a, b) => a - b)[1]!;
		const smallMs = median(smallTimes);
		const bigMs = median(bigTimes);

		console.log(
			`[browser] first page of the dual timeline (median of 3): 10,000 activities ${bigMs} ms, 10 activities ${smallMs} ms (from the click in the contacts list; ${bigTimes.join(', ')} vs ${smallTimes.join(', ')})`,
		);

		// About as fast as a small contact (the item page sets most of the time: 0.4–1.2 s for either on this 2-core
		// machine, 10,000 at most twice 10), and under two seconds in absolute terms even when other suites share it.
		expect(bigMs).toBeLessThan(smallMs * 2 + 300);
		expect(bigMs).toBeLessThan(2000);

		// Scrolling to the end of the list loads the next page (infinite scroll), without repeating rows.
		const timeline = page.getByTestId('activity-hub-timeline');
		await timeline.getByTestId('load-more').scrollIntoViewIfNeeded();
		await expect.poll(() => timeline.getByTestId('activity-row').count(), { timeout: 5000 }).toBe(100);
		const subjects = await timeline.getByTestId('activity-row').locator('.subject').allInnerTexts();
		expect(new Set(subjects).size).toBe(100);
		expect(subjects[0]).toBe('History item 0');
		expect(subjects[99]).toBe('History item 99');
	});
});
