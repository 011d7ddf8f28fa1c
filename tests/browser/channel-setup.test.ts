// Issue #18, parts 5, 6 and 8 in a real browser (Debian chromium driven by playwright-core) against a real Directus:
// the channel form with its setup first, secret badges, test events kept out of the queue, the Insights panel's
// failures and live counts, and the flow operations' hints. Each view is kept in light and dark, at 1440 and 390 px.
import { mkdirSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { admin, call, createChannel, createUser } from '../harness/api.js';
import { type Instance, startInstance } from '../harness/instance.js';
import { openStudio } from '../harness/studio.js';
import { AGENT_ROLE_ID } from '../../migrations/z0002-activity-hub-agent-access.js';
import { DASHBOARD_ID } from '../../migrations/z0006-activity-hub-dashboard.js';

const ARTIFACTS = 'test-artifacts';
const AGENT_TOKEN = 'channel-setup-agent';

describe('Channel setup, Insights and flow operations in Studio', () => {
	let instance: Instance;
	let browser: Browser;
	let page: Page;
	const pageErrors: string[] = [];

	beforeAll(async () => {
		mkdirSync(ARTIFACTS, { recursive: true });
		instance = await startInstance('sqlite');
		await createUser(instance, AGENT_ROLE_ID, AGENT_TOKEN);

		({ browser, page } = await openStudio(instance));
		page.on('pageerror', (error) => pageErrors.push(String(error)));
		page.on('console', (message) => void (message.type() === 'error' && pageErrors.push(message.text())));
	});

	// A failure leaves what the page showed, and what it logged, beside the screenshots.
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

	/** Directus asks for a project owner at every login until one is set: answer "Remind Later", as a person would. */
	async function dismissDialogs() {
		const remindLater = page.getByRole('button', { name: 'Remind Later' });
		if (await remindLater.isVisible()) await remindLater.click();
	}

	async function openChannel(id: string) {
		await page.goto(`${instance.url}/admin/content/ingestion_channels/${id}`);
		const setup = page.getByTestId('channel-setup');
		await setup.waitFor({ timeout: 30_000 });
		await dismissDialogs();
		return setup;
	}

	/** The input of a Directus v-input carrying `testId` (on its wrapper or on the input itself). */
	const inputOf = (testId: string) =>
		page.locator(`[data-testid="${testId}"] input, input[data-testid="${testId}"]`).first();

	const field = (name: string) => page.locator(`.field[data-field="${name}"]`);

	/**
	 * The page in light and dark (Studio follows the system's scheme by default) at 1440 and 390 px, saved as
	 * `<name>-<scheme>-<width>.png`; `subject` must stay within the viewport's width at the sizes in `fitsAt`.
	 */
	async function screenshots(name: string, subject: Locator, fitsAt = [1440, 390]) {
		const colours: string[] = [];

		try {
			for (const colorScheme of ['light', 'dark'] as const) {
				await page.emulateMedia({ colorScheme });

				for (const width of [1440, 390]) {
					await page.setViewportSize({ width, height: width === 390 ? 844 : 1000 });
					await page.waitForTimeout(400);
					const box = (await subject.boundingBox())!;

					if (fitsAt.includes(width))
						expect(box.x + box.width, `${name} at ${width} px`).toBeLessThanOrEqual(width + 1);

					await page.screenshot({ path: `${ARTIFACTS}/${name}-${colorScheme}-${width}.png`, fullPage: true });
				}

				colours.push(await subject.evaluate((el) => getComputedStyle(el).color));
			}
		} finally {
			await page.emulateMedia({ colorScheme: 'light' });
			await page.setViewportSize({ width: 1440, height: 1000 });
		}

		// The dark shots are dark: Studio switched its theme (and so the text's colour) with the scheme.
		expect(colours[0]).not.toBe(colours[1]);
	}

	it('puts the setup first, tucks raw fields into a closed Advanced group, and edits the byte limits in MB', async () => {
		const channel = await createChannel(instance, { name: 'Front desk webhook', provider: 'generic' });
		const setup = await openChannel(channel.id);

		// The setup is the first thing on the form, full width, above the name and provider.
		const order = await page.evaluate(() =>
			Array.from(document.querySelectorAll<HTMLElement>('.v-form .field[data-field]'))
				.filter((el) => el.offsetParent !== null)
				.map((el) => el.dataset['field']),
		);

		expect(order[0]).toBe('secrets');
		const advanced = page.locator('.group-detail').filter({ hasText: 'Advanced' });
		const top = async (locator: Locator) => (await locator.boundingBox())!.y;
		expect(await top(field('secrets'))).toBeLessThan(await top(field('name')));
		expect(await top(field('name'))).toBeLessThan(await top(advanced));

		// Raw fields wait in the closed group; the raw counters are gone from the form: the setup's are the only ones.
		for (const raw of ['max_request_bytes', 'max_file_bytes', 'key_prefix', 'max_files'])
			expect(await field(raw).isVisible(), raw).toBe(false);

		await advanced.getByText('Advanced').first().click();
		await field('max_file_bytes').waitFor({ timeout: 3000 });
		expect(await field('max_file_bytes').innerText()).toContain('set it in MB in the setup above');

		for (const counter of ['received_count', 'duplicate_count', 'rejected_count', 'last_received_at'])
			expect(await field(counter).count(), counter).toBe(0);

		// Counters: one source, the setup's, which agrees with the database after a delivery.
		await call(channel.webhook, {
			method: 'POST',
			headers: { 'x-ingestion-key': channel.key },
			json: { type: 'sms', sender: '+12025550111', content: 'counted' },
		});

		await page.reload();
		await setup.waitFor({ timeout: 30_000 });
		await expect.poll(() => setup.getByTestId('received-count').innerText(), { timeout: 5000 }).toBe('1');

		// Limits in MB: 35 and 25 by default, written to the form's byte fields and saved with the item.
		expect(await inputOf('limit-request-mb').inputValue()).toBe('35');
		expect(await inputOf('limit-file-mb').inputValue()).toBe('25');
		await inputOf('limit-file-mb').fill('2.5');
		await inputOf('limit-files').fill('5');
		const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes(channel.id));
		await page.keyboard.press('ControlOrMeta+s');
		expect((await saved).status()).toBe(200);

		expect(
			await instance.db('ingestion_channels').where({ id: channel.id }).first('max_file_bytes', 'max_files'),
		).toEqual({ max_file_bytes: 2.5 * 1024 * 1024, max_files: 5 });

		await openChannel(channel.id);
		await screenshots('channel-setup', setup);
		await page.screenshot({ path: `${ARTIFACTS}/channel-setup-readme.png` });
	});

	it('shows which secrets are set without revealing them', async () => {
		const channel = await createChannel(instance, {
			name: 'WhatsApp support',
			provider: 'whatsapp',
			secrets: { app_secret: 'meta-app-secret-value' },
		});

		const setup = await openChannel(channel.id);
		const secret = (name: string) => setup.getByTestId(`secret-${name}`);
		await secret('app_secret').getByTestId('secret-configured').waitFor({ timeout: 5000 });
		await secret('verify_token').getByTestId('secret-missing').waitFor();
		await secret('access_token').getByTestId('secret-missing').waitFor();
		expect(await secret('app_secret').locator('input').inputValue()).toBe('');
		expect(await page.content()).not.toContain('meta-app-secret-value');

		await secret('verify_token').locator('input').fill('my-verify-token');
		const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes(channel.id));
		await page.keyboard.press('ControlOrMeta+s');
		expect((await saved).status()).toBe(200);

		await openChannel(channel.id);
		await secret('verify_token').getByTestId('secret-configured').waitFor({ timeout: 5000 });
		expect(await secret('app_secret').getByTestId('secret-configured').count()).toBe(1);
		expect(await page.content()).not.toMatch(/meta-app-secret-value|my-verify-token/);
		await screenshots('channel-secrets', setup);
	});

	it('keeps test events out of the work queue and deletes them from the setup', async () => {
		const channel = await createChannel(instance, { name: 'Web form', provider: 'generic' });
		const setup = await openChannel(channel.id);

		await setup.getByTestId('send-test').click();
		await expect.poll(() => setup.getByTestId('test-result').innerText(), { timeout: 5000 }).toContain('Completed');
		await setup.getByTestId('send-test').click();
		await expect.poll(() => setup.getByTestId('received-count').innerText(), { timeout: 5000 }).toBe('2');
		expect(await instance.db('activities').where({ channel: channel.id, status: 'completed' })).toHaveLength(2);

		// An agent asking for this channel's work gets nothing: the test events are not work.
		const claimed = await call(`${instance.url}/activity-hub/queue/claim`, {
			method: 'POST',
			token: AGENT_TOKEN,
			json: { limit: 10, channels: [channel.id] },
		});

		expect(claimed.body.data).toEqual([]);

		await call(channel.webhook, {
			method: 'POST',
			headers: { 'x-ingestion-key': channel.key },
			json: { type: 'sms', sender: '+12025550112', content: 'a real message' },
		});

		await setup.getByTestId('delete-tests').click();
		await expect.poll(() => setup.getByTestId('test-result').innerText(), { timeout: 5000 }).toContain('2 test event');

		expect(
			(await instance.db('activities').where({ channel: channel.id })).map((row: { content: string }) => row.content),
		).toEqual(['a real message']);

		await screenshots('channel-test-events', setup);
	});

	it('names a failure’s subject and channel on Insights, and counts a new delivery within 2 s', async () => {
		const channel = await createChannel(instance, { name: 'Billing inbox', provider: 'generic' });

		const deliver = (json: Record<string, unknown>) =>
			call(channel.webhook, { method: 'POST', headers: { 'x-ingestion-key': channel.key }, json });

		await deliver({ type: 'email', sender: 'payer@acme.example', subject: 'Invoice 4471 disputed', content: 'x' });

		const [claimed] = (await admin(instance).post('/activity-hub/queue/claim', { limit: 1, channels: [channel.id] }))
			.body.data;

		await admin(instance).post(`/activity-hub/queue/${claimed.id}/fail`, {
			lease_token: claimed.lease_token,
			error: 'mailbox parser crashed',
			retry: false,
		});

		await page.goto(`${instance.url}/admin/insights/${DASHBOARD_ID}`);
		const health = page.getByTestId('queue-health');
		await health.getByTestId('health-queued').waitFor({ timeout: 30_000 });
		await dismissDialogs();

		const failure = health.getByTestId('health-failure').filter({ hasText: 'mailbox parser crashed' });
		await failure.waitFor({ timeout: 5000 });
		expect(await failure.getByTestId('failure-subject').innerText()).toBe('Invoice 4471 disputed');
		expect(await failure.getByTestId('failure-where').innerText()).toBe('email · Billing inbox');

		// Live: the seeded panel refreshes every 10 s, yet a new delivery is counted within 2 s.
		const queued = async () => Number(await health.getByTestId('health-queued').innerText());
		const before = await queued();
		const sent = Date.now();
		await deliver({ type: 'sms', sender: '+12025550113', content: 'live count' });
		await expect.poll(queued, { timeout: 2000, interval: 50 }).toBe(before + 1);
		expect(Date.now() - sent).toBeLessThan(2000);

		await page.screenshot({ path: `${ARTIFACTS}/insights-readme.png` });
		// Studio's Insights grid keeps its width on a phone (the page scrolls sideways); the panel fits at 1440 px.
		await screenshots('insights', health, [1440]);
	});

	it('explains the flow operations’ template syntax, and offers Claim the API’s channel filter', async () => {
		const flow = (
			await admin(instance).post('/flows', {
				name: 'Work the billing queue',
				icon: 'bolt',
				status: 'inactive',
				trigger: 'manual',
				options: { collections: ['activities'] },
			})
		).body.data.id;

		const operation = async (fields: Record<string, unknown>) =>
			(await admin(instance).post('/operations', { flow, position_y: 1, options: {}, ...fields })).body.data.id;

		const complete = await operation({
			name: 'Complete',
			key: 'complete',
			type: 'activity-hub-complete',
			position_x: 37,
		});

		const claim = await operation({
			name: 'Claim',
			key: 'claim',
			type: 'activity-hub-claim',
			position_x: 19,
			resolve: complete,
		});

		await admin(instance).patch(`/flows/${flow}`, { operation: claim });

		await page.goto(`${instance.url}/admin/settings/flows/${flow}/${claim}`);
		const drawer = page.locator('.v-drawer').last();
		await drawer.getByText('Only these channels').waitFor({ timeout: 30_000 });
		await dismissDialogs();
		const claimText = await drawer.innerText();
		expect(claimText).toContain('POST /activity-hub/queue/claim');
		expect(claimText).toContain('{{claim}}');
		expect(claimText).toContain('Only these types');
		await screenshots('operation-claim', drawer, []);

		await page.goto(`${instance.url}/admin/settings/flows/${flow}/${complete}`);
		await drawer.getByText('Activity id').waitFor({ timeout: 30_000 });
		const completeText = await drawer.innerText();
		expect(completeText).toContain('{{claim[0].id}}');
		expect(completeText).toContain('{{claim[0].lease_token}}');
		expect(await drawer.locator('input[placeholder="{{claim[0].id}}"]').count()).toBe(1);
		await screenshots('operation-complete', drawer, []);
	});
});
