// The meeting providers (Zoom, Cal.com, Calendly) and Twilio's transcription callback: signatures with known-answer
// vectors (computed with openssl from the fixtures, which follow each provider's documented payloads), the parsed
// upserts, and the refusals.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adapters, type ChannelSettings, IngestError, type IngestRequest } from './index.js';
import { calcomSignature } from './calcom.js';
import { CALENDLY_TOLERANCE_SECONDS, calendlySignature, calendlySignatureHeader } from './calendly.js';
import { zoomSignature, zoomValidation } from './zoom.js';
import { twilioSignature } from './twilio.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const NOW = new Date('2026-01-01T00:00:30Z');
const TS = String(NOW.getTime() / 1000);

const channel = (provider: ChannelSettings['provider'], secrets: ChannelSettings['secrets'] = {}): ChannelSettings => ({
	provider,
	defaultType: 'note',
	defaultDirection: 'inbound',
	secrets,
});

const request = (partial: Partial<IngestRequest>): IngestRequest => ({
	method: 'POST',
	publicUrl: 'https://crm.example.com/ingest/x',
	headers: {},
	query: {},
	contentType: 'application/json',
	rawBody: Buffer.alloc(0),
	fields: [],
	files: [],
	...partial,
});

function refusal(fn: () => unknown): string {
	try {
		fn();
	} catch (error) {
		if (error instanceof IngestError) return `${error.status} ${error.code}`;
		throw error;
	}

	return 'accepted';
}

describe('Zoom', () => {
	const secret = 'zoom_secret_token_demo';
	const ended = fixture('zoom-meeting-ended.json');
	const zoom = channel('zoom', { secret_token: secret });

	const signed = (body: Buffer, ts = TS, signature = zoomSignature(secret, ts, body)) =>
		request({ rawBody: body, headers: { 'x-zm-signature': signature, 'x-zm-request-timestamp': ts } });

	it('signs v0:{timestamp}:{body} (known answer)', () =>
		expect(zoomSignature(secret, TS, ended)).toBe(
			'v0=013a30eb056caa992a4c54573de0154f220c739d2f43b848b0d7f62d48121329',
		));

	it('answers the URL validation with the hex HMAC of the plain token (known answer)', () => {
		expect(zoomValidation(secret, 'qgg8vlvZRS6UYooatFL8Aw')).toEqual({
			plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
			encryptedToken: 'ffcf1152d78e29ceaeac447bc5af9a6f8926bac6f923b95e21f34a4dd0526296',
		});

		const body = Buffer.from(
			JSON.stringify({
				payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' },
				event: 'endpoint.url_validation',
				event_ts: 1,
			}),
		);

		adapters.zoom.verify(signed(body), zoom, NOW);
		const result = adapters.zoom.parse(signed(body), zoom, NOW);
		expect(result.activities).toEqual([]);
		expect(result.updates).toBeUndefined();

		expect(JSON.parse(result.reply!.body).encryptedToken).toBe(
			'ffcf1152d78e29ceaeac447bc5af9a6f8926bac6f923b95e21f34a4dd0526296',
		);
	});

	it.each([
		['a good signature', signed(ended), 'accepted'],
		['a timestamp in milliseconds', signed(ended, String(NOW.getTime())), 'accepted'],
		['no signature', request({ rawBody: ended }), '401 SIGNATURE_MISSING'],
		['a forged signature', signed(ended, TS, 'v0=' + '0'.repeat(64)), '401 SIGNATURE_INVALID'],
		['another secret', signed(ended, TS, zoomSignature('other', TS, ended)), '401 SIGNATURE_INVALID'],
		[
			'a tampered body',
			signed(Buffer.from(ended.toString().replace('30', '31')), TS, zoomSignature(secret, TS, ended)),
			'401 SIGNATURE_INVALID',
		],
		['a stale timestamp (6 min)', signed(ended, String(Number(TS) - 360)), '401 SIGNATURE_EXPIRED'],
		['a future timestamp (6 min)', signed(ended, String(Number(TS) + 360)), '401 SIGNATURE_EXPIRED'],
		['a timestamp that is no number', signed(ended, 'soon'), '401 SIGNATURE_INVALID'],
	])('%s: %s', (_label, req, expected) => expect(refusal(() => adapters.zoom.verify(req, zoom, NOW))).toBe(expected));

	it('without a secret token refuses the validation handshake, which cannot be answered', () => {
		const body = Buffer.from('{"event":"endpoint.url_validation","payload":{"plainToken":"x"}}');

		expect(refusal(() => adapters.zoom.verify(request({ rawBody: body }), channel('zoom'), NOW))).toBe(
			'422 SECRET_MISSING',
		);
	});

	it('meeting.ended is an upsert of one meeting by its uuid', () => {
		const [update] = adapters.zoom.parse(request({ rawBody: ended }), zoom, NOW).updates!;
		expect(update!.keys).toEqual(['zoom:4444AAAiAAAAAiAiAiiAii==']);
		expect(update!.eventAt).toBeNull();
		expect(update!.media).toEqual([]);

		expect(update!.otherwise).toMatchObject({
			type: 'meeting',
			external_id: 'zoom:4444AAAiAAAAAiAiAiiAii==',
			subject: 'Quarterly review with Ana',
			content: 'Zoom meeting ended after 30 min',
			occurred_at: new Date('2026-01-01T00:00:00Z'),
			payload: {
				source: 'zoom',
				start: '2026-01-01T00:00:00.000Z',
				end: '2026-01-01T00:31:00.000Z',
				duration_minutes: 30,
				status: 'ended',
			},
		});
	});

	it('recording.completed fetches the audio and the transcript with the download token, not the chat', () => {
		const body = fixture('zoom-recording-completed.json');
		const [update] = adapters.zoom.parse(request({ rawBody: body }), zoom, NOW).updates!;
		const auth = 'Bearer abJhbGciOiJIUzUxMiJ9.eyJpc3MiOiJodHRwczovL2V2ZW50Lnpvb20udXMifQ.demo';

		expect(update!.media).toEqual([
			{
				url: 'https://example.zoom.us/rec/download/demo-audio',
				contentType: 'audio/mp4',
				kind: 'recording',
				name: 'meeting-audio_only.m4a',
				authorization: auth,
			},
			{
				url: 'https://example.zoom.us/rec/download/demo-transcript',
				contentType: 'text/vtt',
				kind: 'transcript',
				name: 'meeting-audio_transcript.vtt',
				authorization: auth,
			},
		]);

		expect(update!.payload).toMatchObject({ host: { name: null, email: 'host@crm.example.com' } });
		// The token stays out of what is stored.
		expect(JSON.stringify(update!.otherwise)).not.toContain('abJhbGci');
		expect((update!.payload!['recordings'] as unknown[]).length).toBe(3);
	});

	it('matches on the participants other than the host', () => {
		const body = Buffer.from(
			JSON.stringify({
				event: 'meeting.ended',
				payload: {
					object: {
						uuid: 'u1',
						topic: 'T',
						host_email: 'host@crm.example.com',
						participants: [
							{ user_name: 'Host', email: 'host@crm.example.com' },
							{ user_name: 'Ana', email: 'ana@customer.example' },
						],
					},
				},
			}),
		);

		expect(adapters.zoom.parse(request({ rawBody: body }), zoom, NOW).updates![0]!.otherwise!.attendees).toEqual([
			'ana@customer.example',
		]);
	});

	it.each([
		['another event stores nothing', '{"event":"meeting.started","payload":{"object":{"uuid":"u"}}}', 'accepted'],
		['no event', '{"payload":{}}', '422 INVALID_FIELDS'],
		['no uuid', '{"event":"meeting.ended","payload":{"object":{"topic":"x"}}}', '422 INVALID_FIELDS'],
		['a validation without plain token', '{"event":"endpoint.url_validation","payload":{}}', '422 INVALID_FIELDS'],
	])('%s', (_label, body, expected) =>
		expect(refusal(() => adapters.zoom.parse(request({ rawBody: Buffer.from(body) }), zoom, NOW))).toBe(expected),
	);
});

describe('Cal.com', () => {
	const secret = 'calcom_secret_demo';
	const created = fixture('calcom-booking-created.json');
	const cal = channel('calcom', { signing_secret: secret });

	const body = (trigger: string, payload: Record<string, unknown>, createdAt = '2026-01-02T00:00:00Z') =>
		request({
			rawBody: Buffer.from(
				JSON.stringify({
					triggerEvent: trigger,
					createdAt,
					payload: { ...JSON.parse(created.toString()).payload, ...payload },
				}),
			),
		});

	it('signs the body (known answer)', () =>
		expect(calcomSignature(secret, created)).toBe('de75ed9170437da39f9d9ff4a804a23f0ab71ce8b47dd764de23d8214b849754'));

	it.each([
		['a good signature', { 'x-cal-signature-256': calcomSignature(secret, created) }, created, 'accepted'],
		['upper-case hex', { 'x-cal-signature-256': calcomSignature(secret, created).toUpperCase() }, created, 'accepted'],
		['no signature', {}, created, '401 SIGNATURE_MISSING'],
		['a forged signature', { 'x-cal-signature-256': 'f'.repeat(64) }, created, '401 SIGNATURE_INVALID'],
		[
			'a tampered body',
			{ 'x-cal-signature-256': calcomSignature(secret, created) },
			Buffer.from(created.toString().replace('09:30', '10:30')),
			'401 SIGNATURE_INVALID',
		],
	])('%s: %s', (_label, headers, rawBody, expected) =>
		expect(refusal(() => adapters.calcom.verify(request({ rawBody, headers }), cal, NOW))).toBe(expected),
	);

	it('a booking is one meeting, matched on every attendee and guest', () => {
		const [update] = adapters.calcom.parse(request({ rawBody: created }), cal, NOW).updates!;
		expect(update!.keys).toEqual(['bFJeNb2uX8ANpT3JL5EfXw']);
		expect(update!.eventAt).toEqual(new Date('2026-01-01T00:00:10.538Z'));

		expect(update!.otherwise).toMatchObject({
			type: 'meeting',
			external_id: 'bFJeNb2uX8ANpT3JL5EfXw',
			subject: '30 min between Pro Example and Ana Ruiz',
			sender: 'Pro Example <pro@crm.example.com>',
			recipient: 'Ana Ruiz <ana@customer.example>, ben@customer.example',
			occurred_at: new Date('2026-01-05T09:30:00Z'),
			attendees: ['ana@customer.example', 'ben@customer.example'],
			payload: { source: 'calcom', status: 'scheduled', end: '2026-01-05T10:00:00.000Z', duration_minutes: 30 },
		});
	});

	it('a reschedule names the booking it replaces first and moves the time', () => {
		const [update] = adapters.calcom.parse(
			body('BOOKING_RESCHEDULED', {
				uid: 'newUid',
				rescheduleUid: 'bFJeNb2uX8ANpT3JL5EfXw',
				startTime: '2026-01-06T11:00:00Z',
				endTime: '2026-01-06T11:30:00Z',
			}),
			cal,
			NOW,
		).updates!;

		expect(update!.keys).toEqual(['bFJeNb2uX8ANpT3JL5EfXw', 'newUid']);

		expect(update!.set).toMatchObject({
			occurred_at: new Date('2026-01-06T11:00:00Z'),
			content: 'Rescheduled to 2026-01-06 11:00 UTC',
		});

		expect(update!.payload).toMatchObject({ booking_uid: 'newUid', rescheduled_from: 'bFJeNb2uX8ANpT3JL5EfXw' });
	});

	it('a cancellation keeps the reason', () => {
		const [update] = adapters.calcom.parse(
			body('BOOKING_CANCELLED', { cancellationReason: 'Sick' }),
			cal,
			NOW,
		).updates!;

		expect(update!.payload).toMatchObject({ status: 'cancelled', cancellation_reason: 'Sick' });
		expect(update!.set!.content).toBe('Cancelled: Sick');
		expect(update!.metadata).toEqual({ booking_status: 'cancelled' });
	});

	it.each([
		['a PING stores nothing', '{"triggerEvent":"PING","payload":{}}', 'accepted'],
		['no trigger', '{"payload":{}}', '422 INVALID_FIELDS'],
		['a booking without uid', '{"triggerEvent":"BOOKING_CREATED","payload":{"title":"x"}}', '422 INVALID_FIELDS'],
	])('%s', (_label, raw, expected) =>
		expect(refusal(() => adapters.calcom.parse(request({ rawBody: Buffer.from(raw) }), cal, NOW))).toBe(expected),
	);
});

describe('Calendly', () => {
	const key = 'calendly_signing_key_demo';
	const created = fixture('calendly-invitee-created.json');
	const cal = channel('calendly', { signing_key: key });
	const header = (t: string, body = created) => `t=${t},v1=${calendlySignature(key, t, body)}`;

	it('signs {t}.{body} (known answer)', () =>
		expect(calendlySignature(key, TS, created)).toBe(
			'f1667389d7ad51d45041ea33e19438c814df711f3e57646cb393619a4b276360',
		));

	it('reads the header', () =>
		expect(calendlySignatureHeader('t=1, v1=AB,v1=cd')).toEqual({ t: '1', v1: ['ab', 'cd'] }));

	it.each([
		['a good signature', header(TS), created, 'accepted'],
		[
			'a second v1 of a rotated key',
			`t=${TS},v1=${'0'.repeat(64)},v1=${calendlySignature(key, TS, created)}`,
			created,
			'accepted',
		],
		['at the edge of the window', header(String(Number(TS) - CALENDLY_TOLERANCE_SECONDS)), created, 'accepted'],
		[
			'a stale timestamp (3 min 1 s)',
			header(String(Number(TS) - CALENDLY_TOLERANCE_SECONDS - 1)),
			created,
			'401 SIGNATURE_EXPIRED',
		],
		['a forged signature', `t=${TS},v1=${'a'.repeat(64)}`, created, '401 SIGNATURE_INVALID'],
		[
			'the timestamp swapped',
			`t=${Number(TS) - 1},v1=${calendlySignature(key, TS, created)}`,
			created,
			'401 SIGNATURE_INVALID',
		],
		[
			'a tampered body',
			header(TS),
			Buffer.from(created.toString().replace('Ana Ruiz', 'Eve')),
			'401 SIGNATURE_INVALID',
		],
		['no v1', `t=${TS}`, created, '401 SIGNATURE_INVALID'],
		['garbage', 'sha256=abc', created, '401 SIGNATURE_INVALID'],
	])('%s: %s', (_label, value, rawBody, expected) =>
		expect(
			refusal(() =>
				adapters.calendly.verify(request({ rawBody, headers: { 'calendly-webhook-signature': value } }), cal, NOW),
			),
		).toBe(expected),
	);

	it('no header on a channel with a signing key', () =>
		expect(refusal(() => adapters.calendly.verify(request({ rawBody: created }), cal, NOW))).toBe(
			'401 SIGNATURE_MISSING',
		));

	const uri = 'https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/AAAAAAAAAAAAAAAA';

	const event = (name: string, payload: Record<string, unknown>) =>
		request({
			rawBody: Buffer.from(
				JSON.stringify({
					event: name,
					created_at: '2026-01-02T00:00:00Z',
					payload: { ...JSON.parse(created.toString()).payload, ...payload },
				}),
			),
		});

	it('invitee.created is one meeting per invitee, the host as organizer, invitee and guests matched', () => {
		const [update] = adapters.calendly.parse(request({ rawBody: created }), cal, NOW).updates!;
		expect(update!.keys).toEqual([uri]);

		expect(update!.otherwise).toMatchObject({
			type: 'meeting',
			external_id: uri,
			subject: '15 Minute Meeting',
			sender: 'Host Person <host@crm.example.com>',
			attendees: ['ana@customer.example', 'ben@customer.example'],
			occurred_at: new Date('2026-01-05T09:30:00Z'),
			payload: { source: 'calendly', location: 'https://zoom.us/j/123', duration_minutes: 15 },
		});
	});

	it('a reschedule is the new invitee naming the old one; the old one’s cancellation changes nothing', () => {
		const moved = adapters.calendly.parse(
			event('invitee.created', {
				uri: `${uri}-2`,
				old_invitee: uri,
				scheduled_event: { name: 'M', start_time: '2026-01-07T08:00:00Z' },
			}),
			cal,
			NOW,
		).updates![0]!;

		expect(moved.keys).toEqual([uri, `${uri}-2`]);
		expect(moved.set!.content).toBe('Rescheduled to 2026-01-07 08:00 UTC');

		expect(
			adapters.calendly.parse(event('invitee.canceled', { rescheduled: true, new_invitee: `${uri}-2` }), cal, NOW),
		).toEqual({ activities: [] });
	});

	it('a cancellation keeps the reason', () => {
		const [update] = adapters.calendly.parse(
			event('invitee.canceled', {
				status: 'canceled',
				cancellation: { canceled_by: 'Ana', reason: 'Conflict', canceler_type: 'invitee' },
			}),
			cal,
			NOW,
		).updates!;

		expect(update!.keys).toEqual([uri]);
		expect(update!.payload).toMatchObject({ status: 'cancelled', cancellation_reason: 'Conflict' });
	});

	it.each([
		['another event stores nothing', '{"event":"routing_form_submission.created","payload":{}}', 'accepted'],
		['no event', '{"payload":{}}', '422 INVALID_FIELDS'],
		['an invitee without uri', '{"event":"invitee.created","payload":{"email":"a@b.c"}}', '422 INVALID_FIELDS'],
	])('%s', (_label, raw, expected) =>
		expect(refusal(() => adapters.calendly.parse(request({ rawBody: Buffer.from(raw) }), cal, NOW))).toBe(expected),
	);
});

describe('Twilio transcribeCallback', () => {
	const fields: Array<[string, string]> = [
		['TranscriptionSid', 'TR1234567890abcdef1234567890abcdef'],
		['TranscriptionText', 'Hi, this is Ana, please call me back.'],
		['TranscriptionStatus', 'completed'],
		['TranscriptionUrl', 'https://api.twilio.com/2010-04-01/Accounts/AC1/Transcriptions/TR1'],
		['RecordingSid', 'RE1234567890abcdef1234567890abcdef'],
		['RecordingUrl', 'https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1'],
		['CallSid', 'CA1234567890abcdef1234567890abcdef'],
		['AccountSid', 'AC1234567890abcdef1234567890abcdef'],
		['From', '+12025550100'],
		['To', '+12025550199'],
		['CallStatus', 'completed'],
	];

	const twilio = channel('twilio', { auth_token: 'test_auth_token' });
	const form = (f = fields) => request({ contentType: 'application/x-www-form-urlencoded', fields: f });

	it('is signed like every Twilio callback', () => {
		const req = form();
		req.headers['x-twilio-signature'] = twilioSignature('test_auth_token', req.publicUrl, fields);
		expect(refusal(() => adapters.twilio.verify(req, twilio, NOW))).toBe('accepted');
		req.headers['x-twilio-signature'] = twilioSignature('test_auth_token', req.publicUrl, [...fields, ['X', '1']]);
		expect(refusal(() => adapters.twilio.verify(req, twilio, NOW))).toBe('401 SIGNATURE_INVALID');
	});

	it('attaches the text to the recording’s (else the call’s) activity and never creates one', () => {
		const result = adapters.twilio.parse(form(), twilio, NOW);
		expect(result.activities).toEqual([]);
		expect(result.reply!.contentType).toBe('text/xml');

		expect(result.updates).toEqual([
			{
				keys: ['RE1234567890abcdef1234567890abcdef', 'CA1234567890abcdef1234567890abcdef:completed'],
				type: 'call',
				processedData: {
					transcript: [{ start: 0, end: 0, text: 'Hi, this is Ana, please call me back.' }],
					transcription: { sid: 'TR1234567890abcdef1234567890abcdef', status: 'completed', source: 'twilio' },
				},
				otherwise: null,
			},
		]);
	});

	it('a failed transcription records its status and no text', () => {
		const failed = fields.map(([k, v]): [string, string] => [k, k === 'TranscriptionStatus' ? 'failed' : v]);

		expect(adapters.twilio.parse(form(failed), twilio, NOW).updates![0]!.processedData).toEqual({
			transcription: { sid: 'TR1234567890abcdef1234567890abcdef', status: 'failed', source: 'twilio' },
		});
	});

	it('needs the recording or the call', () =>
		expect(refusal(() => adapters.twilio.parse(form([['TranscriptionSid', 'TR1']]), twilio, NOW))).toBe(
			'422 INVALID_FIELDS',
		));
});
