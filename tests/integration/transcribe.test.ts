// The Transcribe recording step in the shipped AI flow, against local HTTP servers speaking the OpenAI audio and
// chat-completions APIs (the test doubles for services outside this machine), with a real WAV spoken by espeak-ng
// as the call recording: transcribed under the lease, then summarised from the transcript; a failing API fails the
// activity with the reason and the queue retries it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AI_FLOW_ID } from '../../migrations/z0004-activity-hub-ai-flow.js';
import { TRANSCRIBE_OPERATION_ID } from '../../migrations/z0013-activity-hub-transcribe-flow.js';
import { admin, call, createChannel } from '../harness/api.js';
import { type Instance, startInstance, vendors } from '../harness/instance.js';
import { type FakeSpeechApi, fakeSpeechApi, spokenWav } from '../harness/speech.js';

const SENTENCES = ['Hello, this is Ana.', 'Please call me back about the renewal.'];

async function fakeChat(): Promise<{ url: string; server: Server; prompts: string[] }> {
	const prompts: string[] = [];

	const server = createServer(async (req, res) => {
		let raw = '';
		for await (const chunk of req) raw += chunk;
		const body = JSON.parse(raw);
		prompts.push(body.messages.at(-1).content);
		const content = JSON.stringify({ summary: 'Ana wants a call back about the renewal', facts: ['renewal'] });

		res
			.writeHead(200, { 'content-type': 'application/json' })
			.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content } }] }));
	});

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, server, prompts };
}

describe.each(vendors())('Transcribe recording on %s', (vendor) => {
	let instance: Instance;
	let speech: FakeSpeechApi;
	let chat: Awaited<ReturnType<typeof fakeChat>>;
	const { wav, seconds } = spokenWav(SENTENCES);

	beforeAll(async () => {
		speech = await fakeSpeechApi(SENTENCES);
		chat = await fakeChat();

		instance = await startInstance(vendor, {
			ACTIVITY_HUB_TRANSCRIBE_URL: speech.url,
			ACTIVITY_HUB_TRANSCRIBE_MODEL: 'whisper-test',
			ACTIVITY_HUB_TRANSCRIBE_API_KEY: 'sk-audio',
			ACTIVITY_HUB_LLM_URL: chat.url,
		});
	});

	afterAll(async () => {
		await instance?.stop();
		speech?.server.close();
		chat?.server.close();
	});

	it('the seeded flow transcribes before it summarises (install step z0013)', async () => {
		const flow = (await admin(instance).get(`/flows/${AI_FLOW_ID}?fields=*,operations.*`)).body.data;
		const byKey = Object.fromEntries(flow.operations.map((o: { key: string }) => [o.key, o]));
		expect(Object.keys(byKey).sort()).toEqual(['claim', 'summarise', 'transcribe']);
		expect(byKey.claim.resolve).toBe(TRANSCRIBE_OPERATION_ID);
		expect(byKey.transcribe).toMatchObject({ type: 'activity-hub-transcribe', resolve: byKey.summarise.id });
		expect(byKey.summarise.options).toEqual({ activities: '{{transcribe}}' });
		expect(flow.status).toBe('inactive');
	});

	it('stores the recording’s utterances under the lease and summarises from them; a failure is retried', async () => {
		const channel = await createChannel(instance, { provider: 'upload' });
		const body = new FormData();
		body.append('type', 'call');
		body.append('subject', 'Voicemail from Ana');
		body.append('file', new Blob([new Uint8Array(wav)], { type: 'audio/wav' }), 'voicemail.wav');
		const uploaded = await call(channel.webhook, { method: 'POST', headers: { 'x-ingestion-key': channel.key }, body });
		expect(uploaded.status).toBe(202);
		const id = uploaded.body.data.id;

		const email = await createChannel(instance, { provider: 'generic' });

		const mail = await call(email.webhook, {
			method: 'POST',
			headers: { 'x-ingestion-key': email.key },
			json: { type: 'email', sender: 'ana@customer.example', subject: 'Renewal', content: 'No recording here' },
		});

		speech.failNext.count = 1;
		await admin(instance).patch(`/flows/${AI_FLOW_ID}`, { status: 'active', options: { cron: '*/1 * * * * *' } });

		try {
			await expect
				.poll(async () => (await instance.db('activities').where({ id }).first()).last_error, { timeout: 20_000 })
				.toMatch(/^Transcription failed: The transcription API answered 500/);

			expect(await instance.db('activities').where({ id }).first()).toMatchObject({ status: 'raw', attempts: 1 });

			await instance
				.db('activities')
				.where({ id })
				.update({ available_at: vendor === 'sqlite' ? Date.now() : new Date() });

			await expect
				.poll(async () => (await instance.db('activities').where({ id }).first()).status, { timeout: 20_000 })
				.toBe('completed');

			await expect
				.poll(async () => (await instance.db('activities').where({ id: mail.body.data.id }).first()).status)
				.toBe('completed');
		} finally {
			await admin(instance).patch(`/flows/${AI_FLOW_ID}`, { status: 'inactive' });
		}

		const stored = (await admin(instance).get(`/items/activities/${id}`)).body.data;

		const expected = speech
			.answer(seconds)
			.segments.map((s: any) => ({ start: s.start, end: s.end, text: s.text.trim() }));

		expect(stored.processed_data).toMatchObject({
			transcript: expected,
			transcript_source: 'transcribe',
			transcript_model: 'whisper-test',
			transcript_language: 'english',
			summary: 'Ana wants a call back about the renewal',
		});

		expect(stored.attempts).toBe(2);
		expect(stored.last_error).toBeNull();
		expect((await instance.db('activities').where({ id }).first()).transcript_text).toBe(SENTENCES.join('\n'));

		// What the API was sent: the WAV itself, as multipart, with the model and verbose_json.
		const sent = speech.seen.at(-1)!;
		expect(sent.authorization).toBe('Bearer sk-audio');
		expect(sent.fields).toMatchObject({ model: 'whisper-test', response_format: 'verbose_json' });
		expect(sent.file.bytes.equals(wav)).toBe(true);
		expect(speech.seen).toHaveLength(2); // the e-mail has no recording: not sent
		expect(chat.prompts.some((p) => p.includes(`Transcript:\n${SENTENCES.join('\n')}`))).toBe(true);
	});
});
