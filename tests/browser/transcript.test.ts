// A call's transcript in Studio: a real WAV spoken by espeak-ng plays from Directus under the timeline's audio
// player, with its utterances below; clicking one seeks the player there and highlights it while it plays; a long
// transcript opens collapsed; the timeline's search finds a word said in the call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page } from 'playwright-core';
import { AGENT_ROLE_ID } from '../../migrations/z0002-activity-hub-agent-access.js';
import { admin, call, createChannel, createUser } from '../harness/api.js';
import { type Instance, startInstance } from '../harness/instance.js';
import { spokenWav } from '../harness/speech.js';
import { openStudio } from '../harness/studio.js';

const SENTENCES = [
	'Hello, this is Ana.',
	'I am calling about the renewal.',
	'The contract ends in March.',
	'We would like two more seats.',
	'Can you send a new quote?',
	'Friday would be fine.',
	'My number has not changed.',
	'Thank you, goodbye.',
];

describe('Transcript in the timeline', () => {
	let instance: Instance;
	let browser: Browser;
	let page: Page;

	beforeAll(async () => {
		instance = await startInstance('sqlite');
		({ browser, page } = await openStudio(instance));
	});

	afterAll(async () => {
		await browser?.close();
		await instance?.stop();
	});

	it('plays the recording, seeks to a clicked utterance and highlights it; search finds its words', async () => {
		const contact = (
			await admin(instance).post('/items/contacts', {
				first_name: 'Ana',
				emails: [{ email: 'ana@acme.example', type: 'work' }],
			})
		).body.data.id;

		await expect.poll(async () => (await instance.db('contact_identities').where({ contact })).length).toBe(1);
		const { wav, seconds } = spokenWav(SENTENCES);
		const uploads = await createChannel(instance, { name: 'Calls', provider: 'upload' });
		const form = new FormData();
		form.append('type', 'call');
		form.append('sender', 'ana@acme.example');
		form.append('subject', 'Call from Ana');
		form.append('file', new Blob([new Uint8Array(wav)], { type: 'audio/wav' }), 'call.wav');

		const uploaded = await call(uploads.webhook, {
			method: 'POST',
			headers: { 'x-ingestion-key': uploads.key },
			body: form,
		});

		expect(uploaded.body.data.contact).toBe(contact);

		// An agent completes the call with its transcript: the sentences spread over the recording.
		const step = seconds / SENTENCES.length;
		const round = (value: number) => Math.round(value * 100) / 100;

		const transcript = SENTENCES.map((text, index) => ({
			start: round(index * step),
			end: round((index + 1) * step),
			text,
			speaker: index % 2 ? 'Agent' : 'Ana',
		}));

		await createUser(instance, AGENT_ROLE_ID, 'transcript-agent');

		const [claimed] = (
			await call(`${instance.url}/activity-hub/queue/claim`, {
				method: 'POST',
				token: 'transcript-agent',
				json: { limit: 1, channels: [uploads.id] },
			})
		).body.data;

		const completed = await call(`${instance.url}/activity-hub/queue/${claimed.id}/complete`, {
			method: 'POST',
			token: 'transcript-agent',
			json: {
				lease_token: claimed.lease_token,
				processed_data: { transcript, summary: 'Renewal with two more seats' },
			},
		});

		expect(completed.status).toBe(200);

		await page.goto(`${instance.url}/admin/content/contacts/${contact}`);
		const timeline = page.getByTestId('activity-hub-timeline');
		await timeline.waitFor({ timeout: 30_000 });
		const remindLater = page.getByRole('button', { name: 'Remind Later' });
		if (await remindLater.isVisible()) await remindLater.click();

		const audio = timeline.getByTestId('audio-player').first();
		await audio.waitFor({ timeout: 15_000 });

		await expect
			.poll(() => audio.evaluate((el: HTMLAudioElement) => el.duration), { timeout: 10_000 })
			.toBeCloseTo(seconds, 1);

		// Long: six utterances shown, the rest behind a toggle.
		const utterances = timeline.getByTestId('utterance');
		expect(await utterances.count()).toBe(6);
		expect(await utterances.nth(0).innerText()).toMatch(/^0:00\s+Ana: Hello, this is Ana\.$/);
		await timeline.getByTestId('transcript-toggle').click();
		expect(await utterances.count()).toBe(8);

		// Clicking an utterance seeks the player to its start and marks it as the one playing.
		await utterances.nth(4).getByTestId('utterance-seek').click();

		await expect
			.poll(() => audio.evaluate((el: HTMLAudioElement) => el.currentTime))
			.toBeCloseTo(transcript[4]!.start, 1);

		await expect.poll(() => utterances.nth(4).getAttribute('aria-current')).toBe('true');
		expect(await timeline.locator('[data-testid="utterance"][aria-current="true"]').count()).toBe(1);

		// Playing moves the highlight on with the audio (muted: no sound device here).
		// The page cannot see the test's variables: the time is passed in.
		await audio.evaluate((el: HTMLAudioElement, time: number) => {
			el.muted = true;
			el.currentTime = time;
		}, transcript[6]!.start + 0.05);

		await expect.poll(() => utterances.nth(6).getAttribute('aria-current')).toBe('true');
		expect(await utterances.nth(4).getAttribute('aria-current')).toBeNull();

		await page.screenshot({ path: 'test-artifacts/transcript.png', fullPage: true });

		// The timeline's search finds a word said in the call (only in its transcript).
		await timeline.getByTestId('timeline-search').fill('seats');
		await expect.poll(() => timeline.getByTestId('activity-row').count(), { timeout: 5000 }).toBe(1);
		await timeline.getByTestId('timeline-search').fill('invoice');
		await expect.poll(() => timeline.getByTestId('activity-row').count(), { timeout: 5000 }).toBe(0);
	});
});
