// Meetings (Zoom, Cal.com, Calendly) and call transcripts (Twilio's transcribeCallback, complete) against a real
// Directus: signed fixtures built from each provider's documented payloads become one meeting activity per booking,
// changed in place in event order and matched on every attendee; a transcription attaches to its call.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ROLE_ID } from '../../migrations/z0002-activity-hub-agent-access.js';
import { calcomSignature } from '../../extensions/activity-hub/src/shared/node/providers/calcom.js';
import { calendlySignature } from '../../extensions/activity-hub/src/shared/node/providers/calendly.js';
import { EMPTY_TWIML, twilioSignature } from '../../extensions/activity-hub/src/shared/node/providers/twilio.js';
import { zoomSignature, zoomValidation } from '../../extensions/activity-hub/src/shared/node/providers/zoom.js';
import { admin, call, createChannel, createUser } from '../harness/api.js';
import { type Instance, startInstance, vendors } from '../harness/instance.js';
import { openSocket } from '../harness/websocket.js';

const fixture = (name: string) =>
	JSON.parse(
		readFileSync(
			new URL(`../../extensions/activity-hub/src/shared/node/providers/fixtures/${name}`, import.meta.url),
		).toString(),
	);

const form = (fields: Array<[string, string]>) => new URLSearchParams(fields).toString();
const seconds = () => String(Math.floor(Date.now() / 1000));

describe.each(vendors())('meetings and transcripts on %s', (vendor) => {
	let instance: Instance;
	let ana: number;
	let ben: number;

	const rows = (channel: string) => instance.db('activities').where({ channel }).orderBy('date_created');

	const activity = async (id: string) =>
		(await admin(instance).get(`/items/activities/${id}?fields=*,attachments.directus_files_id.*`)).body.data;

	/**
	 * The egress gateway (ACTIVITY_HUB_MEDIA_GATEWAY_URL) in front of Zoom's download URLs: `/{host}{path}` answers
	 * the recording's file only with the event's download token, as zoom.us does.
	 */
	const gatewayRequests: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
	let gateway: Server;

	const ZOOM_FILES: Record<string, { type: string; body: Buffer }> = {
		'/example.zoom.us/rec/download/demo-audio': {
			type: 'audio/mp4',
			// An MP4 box header (ftyp M4A) and silence: enough for the file sniffer to call it audio/mp4.
			body: Buffer.concat([
				Buffer.from([0, 0, 0, 0x1c]),
				Buffer.from('ftypM4A \0\0\0\0M4A mp42isom', 'latin1'),
				Buffer.alloc(2048),
			]),
		},
		'/example.zoom.us/rec/download/demo-transcript': {
			type: 'text/vtt',
			body: Buffer.from(
				'WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.500\nBen: Shall we start with the numbers?\n\n' +
					'2\n00:00:05.000 --> 00:00:09.000\nAna: Yes, invoice 1042 first.\n',
			),
		},
	};

	beforeAll(async () => {
		gateway = createServer((request, response) => {
			gatewayRequests.push({ path: request.url ?? '', headers: request.headers });
			const file = ZOOM_FILES[request.url ?? ''];
			if (!file) return void response.writeHead(404).end();
			const token = fixture('zoom-recording-completed.json').download_token;
			if (request.headers.authorization !== `Bearer ${token}`) return void response.writeHead(401).end();
			response.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length }).end(file.body);
		});

		await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));

		instance = await startInstance(vendor, {
			ACTIVITY_HUB_MEDIA_GATEWAY_URL: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`,
		});

		ana = (
			await admin(instance).post('/items/contacts', {
				first_name: 'Ana',
				emails: [{ email: 'ana@customer.example', type: 'work' }],
			})
		).body.data.id;

		ben = (
			await admin(instance).post('/items/contacts', {
				first_name: 'Ben',
				emails: [{ email: 'ben@customer.example', type: 'work' }],
			})
		).body.data.id;

		// expect.poll belongs to tests: the identity index is built by the lifecycle hook, just after the insert.
		for (let tries = 0; (await instance.db('contact_identities').whereIn('contact', [ana, ben])).length < 2; tries++) {
			if (tries > 100) throw new Error('the contacts were never indexed');
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	});

	afterAll(async () => {
		await instance?.stop();
		await new Promise((resolve) => gateway?.close(resolve));
	});

	it('Zoom: the URL validation, x-zm-signature, and meeting.ended with recording.completed as one meeting matched on its participants', async () => {
		const secret = 'zoom_secret_token_demo';
		const channel = await createChannel(instance, { provider: 'zoom', secrets: { secret_token: secret } });
		const url = `${channel.webhook}?key=${encodeURIComponent(channel.key)}`;

		const post = (body: unknown, ts = seconds(), signature?: string) => {
			const raw = JSON.stringify(body);

			return call(url, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					'x-zm-request-timestamp': ts,
					'x-zm-signature': signature ?? zoomSignature(secret, ts, Buffer.from(raw)),
				},
				body: raw,
			});
		};

		const validation = await post({
			payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' },
			event: 'endpoint.url_validation',
		});

		expect(validation.status).toBe(200);
		expect(validation.body).toEqual(zoomValidation(secret, 'qgg8vlvZRS6UYooatFL8Aw'));

		const ended = fixture('zoom-meeting-ended.json');

		ended.payload.object.participants = [
			{ user_name: 'Host Person', email: 'host@crm.example.com' },
			{ user_name: 'Ben', email: 'ben@customer.example' },
			{ user_name: 'Ana', email: 'ana@customer.example' },
		];

		ended.payload.object.host_email = 'host@crm.example.com';

		expect((await post(ended, String(Number(seconds()) - 400))).status).toBe(401);
		expect((await post(ended, seconds(), `v0=${'0'.repeat(64)}`)).status).toBe(401);
		expect(await rows(channel.id)).toEqual([]);

		const first = await post(ended);
		expect(first.status).toBe(202);
		const id = first.body.data.id;
		const meeting = await activity(id);

		// One activity for the meeting, linked to its first attendee who is a contact, every contact a candidate.
		expect(meeting).toMatchObject({
			type: 'meeting',
			external_id: 'zoom:4444AAAiAAAAAiAiAiiAii==',
			subject: 'Quarterly review with Ana',
			contact: ben,
			match_status: 'matched',
			payload: { start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T00:31:00.000Z', duration_minutes: 30 },
		});

		expect(meeting.match_candidates.map(Number).sort()).toEqual([ana, ben].sort());
		expect(new Date(meeting.occurred_at).toISOString()).toBe('2026-01-01T00:00:00.000Z');

		const replay = await post(ended);
		expect(replay.status).toBe(200);
		expect(replay.body.data).toMatchObject({ id, duplicate: true });

		// The recording lands on the same meeting: its audio and its VTT transcript are fetched (through the egress
		// gateway) with the event's download token, which is stored nowhere; the chat file is not kept.
		const recorded = await post(fixture('zoom-recording-completed.json'));
		expect(recorded.status).toBe(202);
		expect(recorded.body.data).toMatchObject({ id, duplicate: false });
		expect(await rows(channel.id)).toHaveLength(1);

		await expect.poll(async () => (await activity(id)).attachments?.length ?? 0, { timeout: 20_000 }).toBe(2);

		const after = await activity(id);
		expect(after.payload).toMatchObject({ status: 'ended', host: { email: 'host@crm.example.com' } });
		expect(after.payload.recordings).toHaveLength(3);
		expect(after.metadata?.media_errors).toBeUndefined();

		const files = after.attachments.map((a: { directus_files_id: Record<string, unknown> }) => a.directus_files_id);

		expect(files.map((f: Record<string, unknown>) => [f['filename_download'], f['type']]).sort()).toEqual([
			['meeting-audio_only.m4a', expect.stringMatching(/^audio\//)],
			['meeting-audio_transcript.vtt', 'text/vtt'],
		]);

		expect(after.processed_data).toMatchObject({
			transcript_source: 'zoom',
			transcript: [
				{ start: 1, end: 4.5, speaker: 'Ben', text: 'Shall we start with the numbers?' },
				{ start: 5, end: 9, speaker: 'Ana', text: 'Yes, invoice 1042 first.' },
			],
		});

		expect(gatewayRequests.map((r) => r.path).sort()).toEqual(Object.keys(ZOOM_FILES).sort());
		expect(gatewayRequests.every((r) => r.headers.authorization?.startsWith('Bearer abJhbGci'))).toBe(true);

		// The audio plays from Directus itself.
		const audio = files.find((f: Record<string, unknown>) => String(f['type']).startsWith('audio/'));

		const played = await call(`${instance.url}/assets/${audio.id}`, {
			headers: { authorization: `Bearer ${instance.token}` },
		});

		expect(played.status).toBe(200);

		expect(JSON.stringify(await instance.db('activities').where({ id }).first())).not.toContain('abJhbGci');
	});

	it('Cal.com: created, rescheduled in place (an update event, not a row), cancelled with the reason', async () => {
		const secret = 'calcom_secret_demo';
		const channel = await createChannel(instance, { provider: 'calcom', secrets: { signing_secret: secret } });
		const url = `${channel.webhook}?key=${encodeURIComponent(channel.key)}`;
		const { socket, messages } = await openSocket(instance.url, instance.token);

		socket.send(
			JSON.stringify({
				type: 'subscribe',
				collection: 'activities',
				uid: 'a',
				query: { fields: ['id', 'occurred_at'] },
			}),
		);

		await expect.poll(() => messages.some((m) => m.type === 'subscription' && m.event === 'init')).toBe(true);

		const post = (triggerEvent: string, createdAt: string, payload: Record<string, unknown>, signature?: string) => {
			const base = fixture('calcom-booking-created.json');
			const raw = Buffer.from(JSON.stringify({ triggerEvent, createdAt, payload: { ...base.payload, ...payload } }));

			return call(url, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					'x-cal-signature-256': signature ?? calcomSignature(secret, raw),
				},
				body: raw,
			});
		};

		expect((await post('BOOKING_CREATED', '2026-01-01T00:00:10Z', {}, 'f'.repeat(64))).status).toBe(401);
		const created = await post('BOOKING_CREATED', '2026-01-01T00:00:10Z', {});
		expect(created.status).toBe(202);
		const id = created.body.data.id;

		expect(await activity(id)).toMatchObject({
			type: 'meeting',
			external_id: 'bFJeNb2uX8ANpT3JL5EfXw',
			contact: ana,
			payload: {
				status: 'scheduled',
				attendees: [{ email: 'ana@customer.example' }, { email: 'ben@customer.example' }],
			},
		});

		const moved = await post('BOOKING_RESCHEDULED', '2026-01-02T00:00:00Z', {
			uid: 'rescheduledUid01',
			rescheduleUid: 'bFJeNb2uX8ANpT3JL5EfXw',
			startTime: '2026-01-08T15:00:00Z',
			endTime: '2026-01-08T15:30:00Z',
		});

		expect(moved.status).toBe(202);
		expect(moved.body.data).toMatchObject({ id, duplicate: false });
		const rescheduled = await activity(id);
		expect(new Date(rescheduled.occurred_at).toISOString()).toBe('2026-01-08T15:00:00.000Z');
		expect(rescheduled.payload).toMatchObject({ start: '2026-01-08T15:00:00.000Z', booking_uid: 'rescheduledUid01' });
		expect(await rows(channel.id)).toHaveLength(1);

		await expect
			.poll(
				() =>
					messages.filter((m) => m.type === 'subscription' && m.event === 'update' && m.data?.[0]?.id === id).length,
			)
			.toBeGreaterThan(0);

		expect(
			messages.filter((m) => m.type === 'subscription' && m.event === 'create' && m.data?.[0]?.id === id),
		).toHaveLength(1);

		socket.close();

		// Cancelling the rescheduled booking names its new uid.
		const cancelled = await post('BOOKING_CANCELLED', '2026-01-03T00:00:00Z', {
			uid: 'rescheduledUid01',
			cancellationReason: 'Budget frozen',
		});

		expect(cancelled.body.data).toMatchObject({ id, duplicate: false });
		expect((await activity(id)).payload).toMatchObject({ status: 'cancelled', cancellation_reason: 'Budget frozen' });

		// Late deliveries of earlier changes (and replays) change nothing.
		const late = await post('BOOKING_RESCHEDULED', '2026-01-02T00:00:00Z', {
			uid: 'rescheduledUid01',
			rescheduleUid: 'bFJeNb2uX8ANpT3JL5EfXw',
			startTime: '2026-01-08T15:00:00Z',
		});

		expect(late.body.data).toMatchObject({ id, duplicate: true });

		expect((await post('BOOKING_CREATED', '2026-01-01T00:00:10Z', {})).body.data).toMatchObject({
			id,
			duplicate: true,
		});

		expect((await activity(id)).payload.status).toBe('cancelled');
		expect(await rows(channel.id)).toHaveLength(1);
		expect((await post('PING', '2026-01-03T00:00:00Z', {})).status).toBe(200);
		expect(await rows(channel.id)).toHaveLength(1);
	});

	it('Calendly: t=,v1= within 3 minutes; a cancellation delivered before its booking stores it cancelled, the creation then changes nothing', async () => {
		const key = 'calendly_signing_key_demo';
		const channel = await createChannel(instance, { provider: 'calendly', secrets: { signing_key: key } });
		const url = `${channel.webhook}?key=${encodeURIComponent(channel.key)}`;
		const base = fixture('calendly-invitee-created.json');
		const uri = base.payload.uri;

		const post = (event: string, createdAt: string, payload: Record<string, unknown>, t = seconds()) => {
			const raw = Buffer.from(
				JSON.stringify({ event, created_at: createdAt, payload: { ...base.payload, ...payload } }),
			);

			return call(url, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					'calendly-webhook-signature': `t=${t},v1=${calendlySignature(key, t, raw)}`,
				},
				body: raw,
			});
		};

		expect((await post('invitee.created', '2026-01-01T00:00:10Z', {}, String(Number(seconds()) - 200))).status).toBe(
			401,
		);

		const cancelled = await post('invitee.canceled', '2026-01-01T00:05:00Z', {
			status: 'canceled',
			cancellation: { canceled_by: 'Ana Ruiz', reason: 'Found another time', canceler_type: 'invitee' },
		});

		expect(cancelled.status).toBe(202);
		const id = cancelled.body.data.id;
		expect(await activity(id)).toMatchObject({ external_id: uri, contact: ana, payload: { status: 'cancelled' } });
		const created = await post('invitee.created', '2026-01-01T00:00:10Z', {});
		expect(created.body.data).toMatchObject({ id, duplicate: true });

		expect((await activity(id)).payload).toMatchObject({
			status: 'cancelled',
			cancellation_reason: 'Found another time',
		});

		// A reschedule of another booking: the old invitee's cancellation changes nothing, the new invitee moves it.
		const other = `${uri.slice(0, -3)}BBB`;
		const booked = await post('invitee.created', '2026-01-01T01:00:00Z', { uri: other });
		const otherId = booked.body.data.id;

		const away = await post('invitee.canceled', '2026-01-01T02:00:00Z', {
			uri: other,
			rescheduled: true,
			new_invitee: `${other}-2`,
		});

		expect(away.status).toBe(200);
		expect((await activity(otherId)).payload.status).toBe('scheduled');

		const moved = await post('invitee.created', '2026-01-01T02:00:01Z', {
			uri: `${other}-2`,
			old_invitee: other,
			scheduled_event: {
				...base.payload.scheduled_event,
				start_time: '2026-01-09T10:00:00.000000Z',
				end_time: '2026-01-09T10:15:00.000000Z',
			},
		});

		expect(moved.body.data).toMatchObject({ id: otherId, duplicate: false });
		expect(new Date((await activity(otherId)).occurred_at).toISOString()).toBe('2026-01-09T10:00:00.000Z');
		expect(await rows(channel.id)).toHaveLength(2);
	});

	it('Twilio transcribeCallback attaches the text to the call, signed, never a new activity; replays are harmless', async () => {
		const token = 'test_auth_token_0123456789abcdef';
		const channel = await createChannel(instance, { provider: 'twilio', secrets: { auth_token: token } });
		const url = `${channel.webhook}?key=${encodeURIComponent(channel.key)}`;

		const post = (fields: Array<[string, string]>, signature = twilioSignature(token, url, fields)) =>
			call(url, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
				body: form(fields),
			});

		const call_ = 'CA00000000000000000000000000000001';
		const recording = 'RE00000000000000000000000000000001';

		const transcription: Array<[string, string]> = [
			['TranscriptionSid', 'TR00000000000000000000000000000001'],
			['TranscriptionText', 'Hello, this is Ana. Please call me back about the renewal.'],
			['TranscriptionStatus', 'completed'],
			['RecordingSid', recording],
			['CallSid', call_],
			['AccountSid', 'AC00000000000000000000000000000001'],
			['From', '+12025550143'],
			['To', '+12025550100'],
		];

		const early = await post(transcription);
		expect(early.status).toBe(404);
		expect(early.body.errors[0].extensions.code).toBe('ACTIVITY_NOT_FOUND');

		const stored = await post([
			['CallSid', call_],
			['AccountSid', 'AC00000000000000000000000000000001'],
			['RecordingSid', recording],
			['RecordingStatus', 'completed'],
			['RecordingDuration', '9'],
			['From', '+12025550143'],
			['To', '+12025550100'],
		]);

		expect(stored.status).toBe(200);
		const [row] = await rows(channel.id);
		expect((await post(transcription, 'forged')).status).toBe(401);

		const attached = await post(transcription);
		expect(attached).toMatchObject({ status: 200, text: EMPTY_TWIML });
		const call1 = await activity(row.id);

		expect(call1.processed_data).toEqual({
			transcript: [{ start: 0, end: 0, text: 'Hello, this is Ana. Please call me back about the renewal.' }],
			transcription: { sid: 'TR00000000000000000000000000000001', status: 'completed', source: 'twilio' },
		});

		expect(call1.status).toBe('raw');
		const updated = (await instance.db('activities').where({ id: row.id }).first()).date_updated;
		expect((await post(transcription)).status).toBe(200);
		expect((await instance.db('activities').where({ id: row.id }).first()).date_updated).toEqual(updated);
		expect(await rows(channel.id)).toHaveLength(1);

		// The timeline's search finds words of the transcript.
		const found = await admin(instance).get(
			`/items/activities?fields=id&filter=${encodeURIComponent(JSON.stringify({ _and: [{ channel: { _eq: channel.id } }, { transcript_text: { _icontains: 'RENEWAL' } }] }))}`,
		);

		expect(found.body.data).toEqual([{ id: row.id }]);
	});

	it('an agent completes with a transcript of the same shape; any other shape is refused', async () => {
		const agent = `transcript-agent-${vendor}`;
		await createUser(instance, AGENT_ROLE_ID, agent);
		const channel = await createChannel(instance, { provider: 'generic' });

		await call(channel.webhook, {
			method: 'POST',
			headers: { 'x-ingestion-key': channel.key },
			json: { type: 'call', sender: 'ben@customer.example', content: 'A call' },
		});

		const [claimed] = (
			await call(`${instance.url}/activity-hub/queue/claim`, {
				method: 'POST',
				token: agent,
				json: { limit: 1, channels: [channel.id] },
			})
		).body.data;

		const complete = (processed: unknown) =>
			call(`${instance.url}/activity-hub/queue/${claimed.id}/complete`, {
				method: 'POST',
				token: agent,
				json: { lease_token: claimed.lease_token, processed_data: processed },
			});

		const bad = await complete({ transcript: [{ start: 3, end: 1, text: 'x' }] });
		expect(bad.status).toBe(400);

		expect(bad.body.errors[0]).toMatchObject({
			message: 'processed_data.transcript[0].end must be a number of seconds ≥ start',
			extensions: { code: 'INVALID_PAYLOAD' },
		});

		expect((await complete({ transcript: 'plain text' })).status).toBe(400);

		const transcript = [
			{ start: 0, end: 2.5, text: 'Hi Ben, about the invoice', speaker: 'Agent' },
			{ start: 2.5, end: 4, text: 'Thanks', speaker: 'Ben' },
		];

		expect((await complete({ transcript, summary: 'Invoice call' })).status).toBe(200);
		const stored = await instance.db('activities').where({ id: claimed.id }).first();
		expect(stored.transcript_text).toBe('Agent: Hi Ben, about the invoice\nBen: Thanks');
	});
});
