import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { adapters, bodyKind, type ChannelSettings, IngestError, type IngestRequest, type StoredFile } from './index.js';
import { createMailgun, mailgunSignature, TokenReplayCache } from './mailgun.js';
import { EMPTY_TWIML, twilioSignature, urlVariants } from './twilio.js';
import { whatsappChallenge, whatsappSignature } from './whatsapp.js';
import { messageIdFromRawHeaders } from './email-headers.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const NOW = new Date('2026-01-01T00:00:30Z');

function channel(provider: ChannelSettings['provider'], secrets: ChannelSettings['secrets'] = {}): ChannelSettings {
	return { provider, defaultType: 'note', defaultDirection: 'inbound', secrets };
}

function request(partial: Partial<IngestRequest>): IngestRequest {
	return {
		method: 'POST',
		publicUrl: 'https://crm.example.com/ingest/x',
		headers: {},
		query: {},
		contentType: 'application/json',
		rawBody: Buffer.alloc(0),
		fields: [],
		files: [],
		...partial,
	};
}

const formFields = (body: Buffer | string) => [...new URLSearchParams(body.toString())];

function expectIngestError(fn: () => unknown, status: number, code: string) {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(IngestError);
		expect((error as IngestError).status).toBe(status);
		expect((error as IngestError).code).toBe(code);
		return;
	}

	throw new Error(`expected IngestError ${status} ${code}`);
}

describe('Twilio signature', () => {
	const params: Array<[string, string]> = [
		['CallSid', 'CA1234567890ABCDE'],
		['Digits', '1234'],
		['To', '+18005551212'],
	];

	it.each([
		['https://mycompany.com/myapp.php?foo=1&bar=2', '+12349013030', '0/KCTR6DLpKmkAf8muzZqo1nDgQ='],
		['https://mycompany.com/myapp.php?foo=1&bar=2', '+14158675309', 'RSOYDt4T1cUTdK1PDd93/VVr8B8='],
		['https://example.com/myapp.php?foo=1&bar=2', '+14158675310', 'L/OH5YylLD5NRKLltdqwSvS0BnU='],
	])('known-answer vector %s from %s', (url, caller, expected) => {
		const fields: Array<[string, string]> = [...params, ['Caller', caller], ['From', caller]];
		expect(twilioSignature('12345', url, fields)).toBe(expected);
	});

	it('signs repeated keys with their values sorted', () => {
		const a = twilioSignature('t', 'https://x.example/', [
			['k', 'b'],
			['k', 'a'],
		]);

		const b = twilioSignature('t', 'https://x.example/', [
			['k', 'a'],
			['k', 'b'],
		]);

		expect(a).toBe(b);
		expect(a).not.toBe(twilioSignature('t', 'https://x.example/', [['k', 'a']]));
	});

	it.each([
		['https://crm.example.com/ingest/x?key=1', 'https://crm.example.com:443/ingest/x?key=1'],
		['https://crm.example.com:443/ingest/x', 'https://crm.example.com/ingest/x'],
		['http://localhost:8055/ingest/x', 'http://localhost/ingest/x'],
	])('tries %s also as %s', (url, variant) => {
		expect(urlVariants(url)).toContain(variant);
	});
});

describe('twilio adapter', () => {
	const secrets = { auth_token: 'test_auth_token_0123456789abcdef' };
	const sms = fixture('twilio-sms.form');

	const smsRequest = (signature?: string, body = sms) =>
		request({
			publicUrl: 'https://crm.example.com/ingest/twilio/sms?key=ik_live_demo',
			contentType: 'application/x-www-form-urlencoded',
			rawBody: body,
			fields: formFields(body),
			headers: signature ? { 'x-twilio-signature': signature } : {},
		});

	it('accepts the signed SMS fixture and normalises it', () => {
		const req = smsRequest('mUrIokEL1zjpXd8SVtPe7Jxih+s=');
		expect(() => adapters.twilio.verify(req, channel('twilio', secrets), NOW)).not.toThrow();
		const { activities, reply } = adapters.twilio.parse(req, channel('twilio', secrets), NOW);
		expect(reply).toEqual({ contentType: 'text/xml', body: EMPTY_TWIML });
		expect(activities).toHaveLength(1);

		expect(activities[0]).toMatchObject({
			type: 'sms',
			direction: 'inbound',
			external_id: 'SM0f1e2d3c4b5a69788796a5b4c3d2e1f0',
			sender: '+14155550199',
			recipient: '+14155550100',
			content: 'Hi, can we move our call to 3pm?',
		});

		expect(activities[0]!.media).toEqual([
			{
				url: 'https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000000/Messages/MM0f1e2d3c4b5a69788796a5b4c3d2e1f0/Media/ME0123456789abcdef0123456789abcdef',
				contentType: 'image/jpeg',
			},
		]);
	});

	it.each([
		['missing signature', undefined, 'SIGNATURE_MISSING'],
		['wrong signature', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=', 'SIGNATURE_INVALID'],
	])('refuses a %s', (_label, signature, code) => {
		expectIngestError(() => adapters.twilio.verify(smsRequest(signature), channel('twilio', secrets), NOW), 401, code);
	});

	it('refuses a tampered body with the original signature', () => {
		const tampered = Buffer.from(sms.toString().replace('3pm', '4pm'));

		expectIngestError(
			() =>
				adapters.twilio.verify(smsRequest('mUrIokEL1zjpXd8SVtPe7Jxih+s=', tampered), channel('twilio', secrets), NOW),
			401,
			'SIGNATURE_INVALID',
		);
	});

	it('turns a recording callback into a call with its recording', () => {
		const body = fixture('twilio-recording.form');

		const { activities } = adapters.twilio.parse(
			request({ rawBody: body, fields: formFields(body) }),
			channel('twilio'),
			NOW,
		);

		expect(activities[0]).toMatchObject({ type: 'call', external_id: 'RE9c2d4e0b1f3a4e5b6c7d8e9f0a1b2c3d' });
		expect(activities[0]!.media[0]!.url).toMatch(/Recordings\/RE9c2d/);
		expect(activities[0]!.occurred_at.toISOString()).toBe('2026-01-01T09:00:00.000Z');
	});

	it.each([
		['ringing', 'inbound', 'CAx:ringing'],
		['completed', 'outbound-api', 'CAx:completed'],
	])('keys voice status %s per call and status', (status, direction, key) => {
		const fields: Array<[string, string]> = [
			['CallSid', 'CAx'],
			['CallStatus', status],
			['Direction', direction],
			['From', '+1'],
			['To', '+2'],
		];

		const { activities } = adapters.twilio.parse(request({ fields }), channel('twilio'), NOW);

		expect(activities[0]).toMatchObject({
			type: 'call',
			external_id: key,
			direction: direction.startsWith('outbound') ? 'outbound' : 'inbound',
		});
	});

	it('marks WhatsApp-over-Twilio messages as whatsapp', () => {
		const fields: Array<[string, string]> = [
			['MessageSid', 'SMw'],
			['From', 'whatsapp:+14155550199'],
			['To', 'whatsapp:+14155550100'],
			['Body', 'hi'],
		];

		expect(adapters.twilio.parse(request({ fields }), channel('twilio'), NOW).activities[0]!.type).toBe('whatsapp');
	});
});

describe('postmark adapter', () => {
	const body = fixture('postmark-inbound.json');

	it('normalises the inbound fixture with its attachment', () => {
		const { activities } = adapters.postmark.parse(request({ rawBody: body }), channel('postmark'), NOW);

		expect(activities[0]).toMatchObject({
			type: 'email',
			external_id: '5d0c7a4e-2f1b-4c3a-9e8d-7b6a5c4d3e2f',
			sender: 'ana.ruiz@acme.example',
			recipient: '4f2b9c1e+acct_42@inbound.postmarkapp.com',
			subject: 'Re: Quote #1042',
			content: 'Looks good, please send the contract.',
		});

		expect(activities[0]!.occurred_at.toISOString()).toBe('2026-01-01T09:15:00.000Z');
		expect(activities[0]!.inlineFiles).toHaveLength(1);
		expect(activities[0]!.inlineFiles[0]!.filename).toBe('signed.pdf');
		expect(activities[0]!.inlineFiles[0]!.content.subarray(0, 5).toString()).toBe('%PDF-');
		expect(JSON.stringify(activities[0]!.payload)).not.toContain('JVBERi0');
	});

	it.each([
		['broken JSON', '{"MessageID":', 400, 'INVALID_JSON'],
		['no MessageID', '{"From":"a@b.example"}', 403, 'INVALID_FIELDS'],
		['an array', '[]', 403, 'INVALID_FIELDS'],
	])('rejects %s', (_label, raw, status, code) => {
		expectIngestError(
			() => adapters.postmark.parse(request({ rawBody: Buffer.from(raw) }), channel('postmark'), NOW),
			status,
			code,
		);
	});
});

describe('mailgun adapter', () => {
	const key = 'key-mailgun-signing-demo';
	const token = 'c3f0a1b2d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c';
	const signedAt = new Date(1767225600 * 1000 + 5000);

	const fields = (signature: string): Array<[string, string]> => [
		['recipient', 'support@mg.crm.example'],
		['sender', 'bounce+x@acme.example'],
		['from', 'Ana Ruiz <ana.ruiz@acme.example>'],
		['subject', 'Re: Quote #1042'],
		['body-plain', 'Looks good…'],
		['stripped-text', 'Looks good'],
		[
			'message-headers',
			'[["Message-Id","<CAF=abc123@mail.acme.example>"],["From","Ana Ruiz <ana.ruiz@acme.example>"]]',
		],
		['timestamp', '1767225600'],
		['token', token],
		['signature', signature],
	];

	const valid = '7c2c590861f90e8458337309bd8efc4b1284187d2f3dd3a0f2c57e34935e9218';

	it('computes the known signature', () => {
		expect(mailgunSignature(key, '1767225600', token)).toBe(valid);
	});

	it('accepts once, refuses the replayed token, a stale timestamp and a bad signature', () => {
		const mailgun = createMailgun(new TokenReplayCache());
		const settings = channel('mailgun', { signing_key: key });
		expect(() => mailgun.verify(request({ fields: fields(valid) }), settings, signedAt)).not.toThrow();

		expectIngestError(
			() => mailgun.verify(request({ fields: fields(valid) }), settings, signedAt),
			406,
			'SIGNATURE_REPLAYED',
		);

		expectIngestError(
			() =>
				createMailgun().verify(request({ fields: fields(valid) }), settings, new Date(signedAt.getTime() + 3600_000)),
			406,
			'SIGNATURE_STALE',
		);

		expectIngestError(
			() => createMailgun().verify(request({ fields: fields('0'.repeat(64)) }), settings, signedAt),
			406,
			'SIGNATURE_INVALID',
		);
	});

	it('takes Message-Id from message-headers and keeps the signature out of the payload', () => {
		const { activities } = createMailgun().parse(request({ fields: fields(valid) }), channel('mailgun'), NOW);

		expect(activities[0]).toMatchObject({
			type: 'email',
			external_id: '<CAF=abc123@mail.acme.example>',
			sender: 'Ana Ruiz <ana.ruiz@acme.example>',
			content: 'Looks good',
		});

		expect(activities[0]!.payload).not.toHaveProperty('signature');
	});
});

describe('sendgrid adapter', () => {
	it('reads Message-ID from raw headers and links stored attachments', () => {
		const file: StoredFile = {
			id: 'f1',
			field: 'attachment1',
			filename: 'brief.pdf',
			type: 'application/pdf',
			size: 10,
		};

		const fields: Array<[string, string]> = [
			['headers', 'Received: by x\r\nMessage-ID: <CAN_P_JMvV7Zp@mail.acme.example>\r\nSubject: Brief\r\n'],
			['to', 'leads@parse.crm.example'],
			['from', 'Ana Ruiz <ana.ruiz@acme.example>'],
			['subject', 'Brief'],
			['text', 'See attached.'],
			['envelope', '{"to":["leads@parse.crm.example"],"from":"ana.ruiz@acme.example"}'],
		];

		const { activities } = adapters.sendgrid.parse(request({ fields, files: [file] }), channel('sendgrid'), NOW);

		expect(activities[0]).toMatchObject({
			type: 'email',
			external_id: '<CAN_P_JMvV7Zp@mail.acme.example>',
			subject: 'Brief',
			content: 'See attached.',
			files: [file],
		});
	});

	it.each([
		['Message-ID: <a@b>\r\n', '<a@b>'],
		['message-id:\r\n <folded@b>\r\n', '<folded@b>'],
		['Subject: none\r\n', null],
	])('parses %j', (raw, expected) => expect(messageIdFromRawHeaders(raw)).toBe(expected));
});

describe('whatsapp adapter', () => {
	const body = fixture('whatsapp-message.json');
	const signed = 'sha256=7e23f191d566665bef729f74603dc6c45742e6c6f2b9eaafa0c3096a9d02f612';

	it('verifies the fixture signature over the raw bytes', () => {
		expect(whatsappSignature('demo_app_secret', body)).toBe(signed);
		const req = request({ rawBody: body, headers: { 'x-hub-signature-256': signed } });

		expect(() =>
			adapters.whatsapp.verify(req, channel('whatsapp', { app_secret: 'demo_app_secret' }), NOW),
		).not.toThrow();

		const tampered = request({
			rawBody: Buffer.from(body.toString().replace('still', 'not')),
			headers: { 'x-hub-signature-256': signed },
		});

		expectIngestError(
			() => adapters.whatsapp.verify(tampered, channel('whatsapp', { app_secret: 'demo_app_secret' }), NOW),
			401,
			'SIGNATURE_INVALID',
		);
	});

	it('makes one activity per message with + on the numbers', () => {
		const { activities } = adapters.whatsapp.parse(request({ rawBody: body }), channel('whatsapp'), NOW);
		expect(activities).toHaveLength(1);

		expect(activities[0]).toMatchObject({
			type: 'whatsapp',
			sender: '+16505551234',
			recipient: '+15550783881',
			content: 'Is the quote still valid?',
			external_id: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=',
		});

		expect(activities[0]!.occurred_at.toISOString()).toBe('2026-01-01T00:00:00.000Z');
	});

	it('turns a media message into a Graph API media URL to fetch, with its caption as content', () => {
		const image = {
			object: 'whatsapp_business_account',
			entry: [
				{
					changes: [
						{
							value: {
								metadata: { display_phone_number: '15550783881' },
								messages: [
									{
										from: '16505551234',
										id: 'wamid.IMG',
										timestamp: '1767225600',
										type: 'image',
										image: { id: '1234567890', mime_type: 'image/jpeg', caption: 'the signed page' },
									},
								],
							},
						},
					],
				},
			],
		};

		const [activity] = adapters.whatsapp.parse(
			request({ rawBody: Buffer.from(JSON.stringify(image)) }),
			channel('whatsapp'),
			NOW,
		).activities;

		expect(activity).toMatchObject({
			content: 'the signed page',
			media: [{ url: 'https://graph.facebook.com/v21.0/1234567890', contentType: 'image/jpeg' }],
		});
	});

	it('creates nothing for status updates', () => {
		const statuses = {
			object: 'whatsapp_business_account',
			entry: [{ changes: [{ value: { statuses: [{ id: 'wamid.x', status: 'read' }] } }] }],
		};

		expect(
			adapters.whatsapp.parse(request({ rawBody: Buffer.from(JSON.stringify(statuses)) }), channel('whatsapp'), NOW)
				.activities,
		).toEqual([]);
	});

	it.each([
		[{ 'hub.mode': 'subscribe', 'hub.verify_token': 'tok', 'hub.challenge': '1158201444' }, 'tok', '1158201444'],
		[{ 'hub.mode': 'subscribe', 'hub.verify_token': 'nope', 'hub.challenge': '1' }, 'tok', null],
		[{ 'hub.mode': 'subscribe', 'hub.verify_token': 'tok', 'hub.challenge': '1' }, null, null],
	])('handshake %j', (query, token, expected) => expect(whatsappChallenge(query, token)).toBe(expected));
});

describe('generic adapter', () => {
	afterEach(() => vi.useRealTimers());
	const secret = 'whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=';
	const body = fixture('standard-webhook.json');

	const headers = {
		'webhook-id': 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
		'webhook-timestamp': '1767225600',
		'webhook-signature': 'v1,Rv1vvsGhl2ZumiEVgSckJWxuakjpJnxtP18CPuBpDjE=',
	};

	it.each([
		['inside the window', 1767225600 + 299, null],
		['301 s late', 1767225600 + 301, 'SIGNATURE_INVALID'],
		['301 s early', 1767225600 - 301, 'SIGNATURE_INVALID'],
	])('Standard Webhooks signature %s', (_label, nowSeconds, code) => {
		vi.useFakeTimers();
		vi.setSystemTime(nowSeconds * 1000);

		const run = () =>
			adapters.generic.verify(request({ rawBody: body, headers }), channel('generic', { webhook_secret: secret }), NOW);

		if (code) expectIngestError(run, 401, code);
		else expect(run).not.toThrow();
	});

	it('requires the headers once a secret is set, and uses webhook-id as the dedupe key', () => {
		expectIngestError(
			() => adapters.generic.verify(request({ rawBody: body }), channel('generic', { webhook_secret: secret }), NOW),
			401,
			'SIGNATURE_MISSING',
		);

		const { activities } = adapters.generic.parse(
			request({ rawBody: body, headers }),
			channel('generic', { webhook_secret: secret }),
			NOW,
		);

		expect(activities[0]!.external_id).toBe('msg_2KWPBgLlAfxdpx2AI54pPJ85f4W');
	});

	it('maps the documented fields', () => {
		const input = {
			type: 'sms',
			direction: 'outbound',
			sender: '+1',
			recipient: '+2',
			subject: 's',
			content: 'c',
			occurred_at: '2026-02-03T04:05:06Z',
			external_id: 'e1',
			metadata: { a: 1 },
		};

		const { activities } = adapters.generic.parse(
			request({ rawBody: Buffer.from(JSON.stringify(input)) }),
			channel('generic'),
			NOW,
		);

		expect(activities[0]).toMatchObject({ ...input, occurred_at: new Date('2026-02-03T04:05:06Z') });
	});

	it.each([
		['{"type":"document"}', 'type must be one of'],
		['{"direction":"sideways"}', 'direction must be'],
		['{"content":42}', 'content must be a string'],
		['{"occurred_at":"yesterday"}', 'occurred_at must be'],
		['{"metadata":"x"}', 'metadata must be an object'],
		['[1,2]', 'must be a JSON object'],
		[JSON.stringify({ external_id: 'x'.repeat(256) }), 'external_id is longer'],
	])('answers 422 for %s', (raw, message) => {
		try {
			adapters.generic.parse(request({ rawBody: Buffer.from(raw) }), channel('generic'), NOW);
			throw new Error('accepted');
		} catch (error) {
			expect((error as IngestError).status).toBe(422);
			expect((error as IngestError).message).toContain(message);
		}
	});

	it('answers 400 for broken JSON', () => {
		expectIngestError(
			() => adapters.generic.parse(request({ rawBody: Buffer.from('{"a":') }), channel('generic'), NOW),
			400,
			'INVALID_JSON',
		);
	});
});

describe('upload adapter', () => {
	it('makes one activity per file and requires at least one', () => {
		const files: StoredFile[] = [
			{ id: 'a', field: 'file', filename: 'a.pdf', type: 'application/pdf', size: 1 },
			{ id: 'b', field: 'file', filename: 'b.png', type: 'image/png', size: 2 },
		];

		const { activities } = adapters.upload.parse(
			request({ files, fields: [['type', 'meeting']] }),
			channel('upload'),
			NOW,
		);

		expect(activities.map((a) => [a.type, a.subject, a.files[0]!.id])).toEqual([
			['meeting', 'a.pdf', 'a'],
			['meeting', 'b.png', 'b'],
		]);

		expectIngestError(() => adapters.upload.parse(request({}), channel('upload'), NOW), 422, 'NO_FILES');
	});
});

describe('bodyKind', () => {
	it.each([
		['application/json; charset=utf-8', 'json'],
		['application/vnd.api+json', 'json'],
		['application/x-www-form-urlencoded', 'form'],
		['multipart/form-data; boundary=x', 'multipart'],
		['text/plain', null],
		['', null],
	])('%s → %s', (type, kind) => expect(bodyKind(type)).toBe(kind));
});

// One thread key per conversation whatever the provider's header shape: References first, else In-Reply-To, else
// the message's own id (shared/threads.ts), and the normalised Message-ID beside it.
describe('message ids and thread keys over the providers\u2019 header shapes', () => {
	const postmark = (headers: Array<{ Name: string; Value: string }>) =>
		adapters.postmark.parse(
			request({
				rawBody: Buffer.from(
					JSON.stringify({ MessageID: 'pm-1', From: 'ana@acme.example', Subject: 'Hi', Headers: headers }),
				),
			}),
			channel('postmark'),
			NOW,
		).activities[0]!;

	const mailgun = (fields: Array<[string, string]>) =>
		createMailgun().parse(request({ fields: [['from', 'ana@acme.example'], ...fields] }), channel('mailgun'), NOW)
			.activities[0]!;

	const sendgrid = (headers: string) =>
		adapters.sendgrid.parse(
			request({
				fields: [
					['from', 'ana@acme.example'],
					['headers', headers],
				],
			}),
			channel('sendgrid'),
			NOW,
		).activities[0]!;

	it('Postmark: the fixture starts its own thread (its MessageID stays the external id)', () => {
		const draft = adapters.postmark.parse(
			request({ rawBody: fixture('postmark-inbound.json') }),
			channel('postmark'),
			NOW,
		).activities[0]!;

		expect(draft).toMatchObject({
			external_id: '5d0c7a4e-2f1b-4c3a-9e8d-7b6a5c4d3e2f',
			message_id: 'CAF=abc123@mail.acme.example',
			thread_key: 'CAF=abc123@mail.acme.example',
		});
	});

	it.each([
		[
			'References first',
			[
				{ Name: 'Message-ID', Value: '<c@acme.example>' },
				{ Name: 'In-Reply-To', Value: '<b@acme.example>' },
				{ Name: 'References', Value: '<a@acme.example> <b@acme.example>' },
			],
			'a@acme.example',
		],
		[
			'In-Reply-To',
			[
				{ Name: 'message-id', Value: '<c@acme.example>' },
				{ Name: 'in-reply-to', Value: '<b@ACME.example>' },
			],
			'b@acme.example',
		],
		['none: no thread', [], null],
	])('Postmark Headers list: %s', (_name, headers, thread) => expect(postmark(headers).thread_key).toBe(thread));

	it.each([
		[
			'message-headers pairs with References',
			[
				['message-headers', '[["Message-Id","<c@x.example>"],["References","<a@x.example>\\r\\n <b@x.example>"]]'],
			] as Array<[string, string]>,
			'c@x.example',
			'a@x.example',
		],
		[
			'its own form fields',
			[
				['Message-Id', '<c@x.example>'],
				['In-Reply-To', '<b@x.example>'],
			] as Array<[string, string]>,
			'c@x.example',
			'b@x.example',
		],
	])('Mailgun %s', (_name, fields, messageId, thread) =>
		expect(mailgun(fields)).toMatchObject({ message_id: messageId, thread_key: thread }),
	);

	it.each([
		['Message-ID: <c@x.example>\r\nIn-Reply-To: <b@x.example>\r\n', 'c@x.example', 'b@x.example'],
		['Message-ID: <c@x.example>\r\nReferences: <a@x.example>\r\n\t<b@x.example>\r\n', 'c@x.example', 'a@x.example'],
		['Message-ID: <solo@x.example>\r\n', 'solo@x.example', 'solo@x.example'],
		['Subject: no id\r\n', null, null],
	])('SendGrid raw headers %j', (headers, messageId, thread) =>
		expect(sendgrid(headers)).toMatchObject({ message_id: messageId, thread_key: thread }),
	);

	it('the webhook providers that are not e-mail carry no message id', () => {
		const draft = adapters.generic.parse(
			request({ rawBody: Buffer.from(JSON.stringify({ type: 'sms', sender: '+12025550143' })) }),
			channel('generic'),
			NOW,
		).activities[0]!;

		expect(draft.message_id ?? null).toBeNull();
	});
});
