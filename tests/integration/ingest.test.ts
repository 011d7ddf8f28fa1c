// Webhook ingestion against a real Directus: every provider's signed fixture becomes the right activity; tampered,
// replayed, oversized and refused requests store nothing.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailgunSignature } from '../../extensions/activity-hub/src/shared/node/providers/mailgun.js';
import { EMPTY_TWIML, twilioSignature } from '../../extensions/activity-hub/src/shared/node/providers/twilio.js';
import { whatsappSignature } from '../../extensions/activity-hub/src/shared/node/providers/whatsapp.js';
import { admin, call, createChannel } from '../harness/api.js';
import { type Instance, startInstance, vendors } from '../harness/instance.js';

const fixture = (name: string) =>
	readFileSync(new URL(`../../extensions/activity-hub/src/shared/node/providers/fixtures/${name}`, import.meta.url));

const form = (fields: Array<[string, string]>) => new URLSearchParams(fields).toString();
const basic = (key: string) => `Basic ${Buffer.from(`postmark:${key}`).toString('base64')}`;

describe.each(vendors())('ingest on %s', (vendor) => {
	let instance: Instance;

	const count = async (channel: string) =>
		Number((await instance.db('activities').where({ channel }).count({ n: '*' }))[0]!.n);

	const filesIn = async (channel: string) =>
		Number((await instance.db('directus_files').where({ folder: channel }).count({ n: '*' }))[0]!.n);

	const storedBytes = async (fileId: string) =>
		Buffer.from(
			await (
				await fetch(`${instance.url}/assets/${fileId}`, { headers: { authorization: `Bearer ${instance.token}` } })
			).arrayBuffer(),
		);

	const activity = async (id: string) =>
		(await admin(instance).get(`/items/activities/${id}?fields=*,attachments.directus_files_id.*`)).body.data;

	beforeAll(async () => {
		instance = await startInstance(vendor);
	});

	afterAll(() => instance?.stop());

	it('generic JSON with a Standard Webhooks signature; replays and tampering store nothing new', async () => {
		const secret = 'whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=';
		const channel = await createChannel(instance, { provider: 'generic', secrets: { webhook_secret: secret } });
		const body = JSON.stringify({ type: 'sms', sender: '+14155550199', content: 'hello' });
		const id = `msg_${randomUUID()}`;
		const signature = new Webhook(secret).sign(id, new Date(), body);

		const headers = {
			'x-ingestion-key': channel.key,
			'content-type': 'application/json',
			'webhook-id': id,
			'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
			'webhook-signature': signature,
		};

		const first = await call(channel.webhook, { method: 'POST', headers, body });
		expect(first.status).toBe(202);
		expect(first.body.data).toMatchObject({ duplicate: false, status: 'raw' });

		expect(await activity(first.body.data.id)).toMatchObject({
			type: 'sms',
			sender: '+14155550199',
			content: 'hello',
			external_id: id,
			status: 'raw',
		});

		const replays = await Promise.all(
			Array.from({ length: 20 }, () => call(channel.webhook, { method: 'POST', headers, body })),
		);

		for (const replay of replays)
			expect(replay).toMatchObject({ status: 200, body: { data: { id: first.body.data.id, duplicate: true } } });
		const tampered = await call(channel.webhook, { method: 'POST', headers, body: body.replace('hello', 'hullo') });
		expect(tampered.status).toBe(401);

		const unsigned = await call(channel.webhook, {
			method: 'POST',
			headers: { 'x-ingestion-key': channel.key, 'content-type': 'application/json' },
			body,
		});

		expect(unsigned.status).toBe(401);
		expect(await count(channel.id)).toBe(1);
	});

	it('refuses bad keys, unknown and disabled channels, wrong types and oversize bodies', async () => {
		const channel = await createChannel(instance, { provider: 'generic', max_request_bytes: 2048 });

		const post = (headers: Record<string, string>, body: string, url = channel.webhook) =>
			call(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

		expect((await post({}, '{}')).status).toBe(401);
		expect((await post({ authorization: 'Bearer ahk_forged' }, '{}')).status).toBe(401);

		expect(
			(await post({ authorization: `Bearer ${channel.key}` }, '{}', `${instance.url}/ingest/${randomUUID()}`)).status,
		).toBe(404);

		expect((await post({ 'x-ingestion-key': channel.key, 'content-type': 'text/plain' }, 'hi')).status).toBe(415);
		expect((await post({ 'x-ingestion-key': channel.key }, '{"type":"document"}')).status).toBe(422);
		expect((await post({ 'x-ingestion-key': channel.key }, '{"content":')).status).toBe(400);

		expect((await post({ 'x-ingestion-key': channel.key }, JSON.stringify({ content: 'x'.repeat(5000) }))).status).toBe(
			413,
		);

		const viaQuery = await call(`${channel.webhook}?key=${encodeURIComponent(channel.key)}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{"content":"ok"}',
		});

		expect(viaQuery.status).toBe(202);
		await admin(instance).patch(`/items/ingestion_channels/${channel.id}`, { enabled: false });
		expect((await post({ 'x-ingestion-key': channel.key }, '{"content":"ok"}')).status).toBe(404);
		expect(await count(channel.id)).toBe(1);
		const stats = (await admin(instance).get(`/items/ingestion_channels/${channel.id}`)).body.data;
		expect(stats).toMatchObject({ received_count: 1, rejected_count: 7 });
	});

	it('rotating the key invalidates the old one at once', async () => {
		const channel = await createChannel(instance, { provider: 'generic' });
		const rotated = (await admin(instance).post(`/activity-hub/channels/${channel.id}/key`)).body.data.key;

		const post = (key: string) =>
			call(channel.webhook, {
				method: 'POST',
				headers: { 'x-ingestion-key': key, 'content-type': 'application/json' },
				body: '{}',
			});

		expect((await post(channel.key)).status).toBe(401);
		expect((await post(rotated)).status).toBe(202);
	});

	it('Twilio SMS signed against the public URL, with the key in the query', async () => {
		const token = 'test_auth_token_0123456789abcdef';
		const channel = await createChannel(instance, { provider: 'twilio', secrets: { auth_token: token } });
		const url = `${channel.webhook}?key=${encodeURIComponent(channel.key)}`;
		const fields = [...new URLSearchParams(fixture('twilio-sms.form').toString())];

		const headers = {
			'content-type': 'application/x-www-form-urlencoded',
			'x-twilio-signature': twilioSignature(token, url, fields),
		};

		const reply = await call(url, { method: 'POST', headers, body: form(fields) });
		expect(reply.status).toBe(200);
		expect(reply.text).toBe(EMPTY_TWIML);
		const [row] = await instance.db('activities').where({ channel: channel.id });

		expect(row).toMatchObject({
			type: 'sms',
			sender: '+14155550199',
			recipient: '+14155550100',
			content: 'Hi, can we move our call to 3pm?',
			external_id: 'SM0f1e2d3c4b5a69788796a5b4c3d2e1f0',
		});

		const tampered = await call(url, { method: 'POST', headers, body: form(fields).replace('3pm', '4pm') });
		expect(tampered.status).toBe(401);
		const replay = await call(url, { method: 'POST', headers, body: form(fields) });
		expect(replay).toMatchObject({ status: 200, text: EMPTY_TWIML });
		expect(await count(channel.id)).toBe(1);
	});

	it("refuses Twilio media on hosts or addresses that are not the provider's, storing nothing and fetching nothing", async () => {
		const token = 'test_auth_token_0123456789abcdef';
		const channel = await createChannel(instance, { provider: 'twilio', secrets: { auth_token: token } });
		const requests: string[] = [];

		const bait = createServer((req, res) => {
			requests.push(req.url!);
			res.writeHead(200, { 'content-type': 'image/png' }).end('x');
		});

		await new Promise<void>((resolve) => bait.listen(0, '127.0.0.1', resolve));
		const port = (bait.address() as AddressInfo).port;
		const url = `${channel.webhook}?key=${encodeURIComponent(channel.key)}`;

		const fields: Array<[string, string]> = [
			['MessageSid', `MM${vendor}ssrf`],
			['AccountSid', 'AC0'],
			['From', '+14155550199'],
			['To', '+14155550100'],
			['Body', 'see pictures'],
			['NumMedia', '4'],
			['MediaUrl0', `http://127.0.0.1:${port}/internal.png`],
			['MediaUrl1', `https://127.0.0.1.nip.io:${port}/rebinding.png`],
			['MediaUrl2', 'https://169.254.169.254/latest/meta-data/'],
			['MediaUrl3', 'https://api.twilio.com.evil.example/Media/ME1'],
		];

		// Each URL alone, then all together: every one is refused before anything is stored or fetched.
		for (const [index, [, mediaUrl]] of fields.slice(6).entries()) {
			const single: Array<[string, string]> = [
				['MessageSid', `MM${vendor}ssrf${index}`],
				...fields.slice(1, 5),
				['NumMedia', '1'],
				['MediaUrl0', mediaUrl],
			];

			const reply = await call(url, {
				method: 'POST',
				headers: {
					'content-type': 'application/x-www-form-urlencoded',
					'x-twilio-signature': twilioSignature(token, url, single),
				},
				body: form(single),
			});

			expect(reply.status, mediaUrl).toBe(422);
			expect(reply.body.errors[0].extensions.code).toBe('MEDIA_URL_REFUSED');
		}

		const reply = await call(url, {
			method: 'POST',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				'x-twilio-signature': twilioSignature(token, url, fields),
			},
			body: form(fields),
		});

		expect(reply.status).toBe(422);
		expect(reply.body.errors[0].message).toBe('Media URL refused: only https media is fetched');
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(await instance.db('activities').where({ channel: channel.id })).toEqual([]);
		expect(requests).toEqual([]);
		expect(await filesIn(channel.id)).toBe(0);
		bait.close();
	});

	it('Postmark inbound with a base64 attachment over Basic auth; permanent rejects are 403', async () => {
		const channel = await createChannel(instance, { provider: 'postmark' });
		const body = fixture('postmark-inbound.json');

		const reply = await call(channel.webhook, {
			method: 'POST',
			headers: { authorization: basic(channel.key), 'content-type': 'application/json' },
			body,
		});

		expect(reply.status).toBe(202);
		const row = await activity(reply.body.data.id);

		expect(row).toMatchObject({
			type: 'email',
			sender: 'ana.ruiz@acme.example',
			subject: 'Re: Quote #1042',
			content: 'Looks good, please send the contract.',
		});

		expect(row.attachments).toHaveLength(1);

		expect(row.attachments[0].directus_files_id).toMatchObject({
			type: 'application/pdf',
			filename_download: 'signed.pdf',
			folder: channel.id,
		});

		const sent = Buffer.from(JSON.parse(body.toString()).Attachments[0].Content, 'base64');
		expect(await storedBytes(row.attachments[0].directus_files_id.id)).toEqual(sent);

		expect(
			(
				await call(channel.webhook, {
					method: 'POST',
					headers: { authorization: basic('wrong'), 'content-type': 'application/json' },
					body,
				})
			).status,
		).toBe(403);

		expect(
			(
				await call(channel.webhook, {
					method: 'POST',
					headers: { authorization: basic(channel.key), 'content-type': 'application/json' },
					body: '{"From":"x@y.example"}',
				})
			).status,
		).toBe(403);

		const again = await call(channel.webhook, {
			method: 'POST',
			headers: { authorization: basic(channel.key), 'content-type': 'application/json' },
			body,
		});

		expect(again.body.data).toMatchObject({ duplicate: true, id: reply.body.data.id });
		await expect.poll(() => filesIn(channel.id)).toBe(1);
	});

	it("Postmark JSON far beyond Directus's global 1 MB limit is accepted on its route, up to the channel limit", async () => {
		const channel = await createChannel(instance, { provider: 'postmark', max_request_bytes: 8 * 1024 * 1024 });
		const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3 * 1024 * 1024, 7)]);
		const email = JSON.parse(fixture('postmark-inbound.json').toString());

		const body = (extra: Buffer) =>
			JSON.stringify({
				...email,
				MessageID: `big-${extra.length}`,
				// Its own RFC 5322 id: the fixture's is the first test's message, one activity across channels.
				Headers: [{ Name: 'Message-ID', Value: `<big-${extra.length}@mail.acme.example>` }],
				Attachments: [
					{
						Name: 'big.pdf',
						Content: extra.toString('base64'),
						ContentType: 'application/pdf',
						ContentLength: extra.length,
					},
				],
			});

		const headers = { authorization: basic(channel.key), 'content-type': 'application/json' };
		const reply = await call(channel.webhook, { method: 'POST', headers, body: body(pdf) });
		expect(reply.status).toBe(202);
		const row = await activity(reply.body.data.id);
		expect(Number(row.attachments[0].directus_files_id.filesize)).toBe(pdf.length);
		expect((await storedBytes(row.attachments[0].directus_files_id.id)).equals(pdf)).toBe(true);
		const tooBig = await call(channel.webhook, { method: 'POST', headers, body: body(Buffer.concat([pdf, pdf, pdf])) });
		expect(tooBig.status).toBe(413);
		expect(await count(channel.id)).toBe(1);
	});

	it('Mailgun multipart with attachment; replayed token and bad signature are 406 and leave no file', async () => {
		const signingKey = 'key-mailgun-signing-demo';
		const channel = await createChannel(instance, { provider: 'mailgun', secrets: { signing_key: signingKey } });

		const build = (token: string, signature?: string) => {
			const timestamp = String(Math.floor(Date.now() / 1000));
			const data = new FormData();
			for (const [k, v] of [
				['from', 'Ana Ruiz <ana.ruiz@acme.example>'],
				['recipient', 'support@mg.crm.example'],
				['subject', 'Brief'],
				['body-plain', 'See attached'],
				['message-headers', JSON.stringify([['Message-Id', `<${token}@acme.example>`]])],
				['timestamp', timestamp],
				['token', token],
				['signature', signature ?? mailgunSignature(signingKey, timestamp, token)],
			])
				data.append(k!, v!);

			data.append(
				'attachment-1',
				new Blob([Buffer.from('%PDF-1.4\n%âãÏÓ\n')], { type: 'application/pdf' }),
				'brief.pdf',
			);

			return data;
		};

		const token = randomUUID().replace(/-/g, '');
		const ok = await call(`${channel.webhook}?key=${channel.key}`, { method: 'POST', body: build(token) });
		expect(ok.status).toBe(202);
		const mail = await activity(ok.body.data.id);

		expect(mail).toMatchObject({
			type: 'email',
			subject: 'Brief',
			content: 'See attached',
			external_id: `<${token}@acme.example>`,
		});

		expect((await storedBytes(mail.attachments[0].directus_files_id.id)).toString('latin1')).toBe(
			Buffer.from('%PDF-1.4\n%âãÏÓ\n').toString('latin1'),
		);

		expect((await call(`${channel.webhook}?key=${channel.key}`, { method: 'POST', body: build(token) })).status).toBe(
			406,
		);

		expect(
			(
				await call(`${channel.webhook}?key=${channel.key}`, {
					method: 'POST',
					body: build(randomUUID(), '0'.repeat(64)),
				})
			).status,
		).toBe(406);

		expect(await count(channel.id)).toBe(1);
		await expect.poll(() => filesIn(channel.id)).toBe(1);
	});

	it('SendGrid Inbound Parse multipart takes Message-ID from the raw headers', async () => {
		const channel = await createChannel(instance, { provider: 'sendgrid' });
		const data = new FormData();
		data.append('headers', 'Message-ID: <CAN_P_JMvV7Zp@mail.acme.example>\r\nSubject: Brief\r\n');
		data.append('from', 'Ana Ruiz <ana.ruiz@acme.example>');
		data.append('to', 'leads@parse.crm.example');
		data.append('subject', 'Brief');
		data.append('text', 'See attached.');
		data.append('envelope', '{"to":["leads@parse.crm.example"],"from":"ana.ruiz@acme.example"}');
		data.append('attachments', '1');
		data.append('attachment-info', '{"attachment1":{"filename":"brief.pdf","type":"application/pdf"}}');
		const pdf = Buffer.from('%PDF-1.4\nbrief\n');
		data.append('attachment1', new Blob([pdf], { type: 'application/pdf' }), 'brief.pdf');
		const reply = await call(`${channel.webhook}?key=${channel.key}`, { method: 'POST', body: data });
		expect(reply.status).toBe(202);
		const mail = await activity(reply.body.data.id);

		expect(mail).toMatchObject({
			type: 'email',
			external_id: '<CAN_P_JMvV7Zp@mail.acme.example>',
			content: 'See attached.',
		});

		expect(mail.attachments[0].directus_files_id).toMatchObject({
			filename_download: 'brief.pdf',
			type: 'application/pdf',
		});

		expect(await storedBytes(mail.attachments[0].directus_files_id.id)).toEqual(pdf);
		const again = await call(`${channel.webhook}?key=${channel.key}`, { method: 'POST', body: data });
		expect(again.body.data).toMatchObject({ duplicate: true, id: reply.body.data.id });
		await expect.poll(() => filesIn(channel.id)).toBe(1);
	});

	it('WhatsApp: handshake, signed message, statuses create nothing', async () => {
		const channel = await createChannel(instance, {
			provider: 'whatsapp',
			secrets: { app_secret: 'demo_app_secret', verify_token: 'verify-me' },
		});

		const handshake = await call(
			`${channel.webhook}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444`,
		);

		expect(handshake).toMatchObject({ status: 200, text: '1158201444' });

		expect((await call(`${channel.webhook}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`)).status).toBe(
			403,
		);

		const body = fixture('whatsapp-message.json');

		const headers = {
			'x-ingestion-key': channel.key,
			'content-type': 'application/json',
			'x-hub-signature-256': whatsappSignature('demo_app_secret', body),
		};

		const reply = await call(channel.webhook, { method: 'POST', headers, body });
		expect(reply.status).toBe(202);

		expect(await activity(reply.body.data.id)).toMatchObject({
			type: 'whatsapp',
			sender: '+16505551234',
			content: 'Is the quote still valid?',
		});

		expect((await call(channel.webhook, { method: 'POST', headers, body })).body.data).toMatchObject({
			duplicate: true,
			id: reply.body.data.id,
		});

		expect(
			(
				await call(channel.webhook, {
					method: 'POST',
					headers,
					body: Buffer.from(body.toString().replace('still', 'not')),
				})
			).status,
		).toBe(401);

		// A photo on a channel without an access token: stored as an activity, the media refusal recorded on it.
		const photo = Buffer.from(
			JSON.stringify({
				object: 'whatsapp_business_account',
				entry: [
					{
						changes: [
							{
								value: {
									messages: [
										{
											from: '16505551234',
											id: `wamid.photo.${vendor}`,
											timestamp: '1767225600',
											type: 'image',
											image: { id: '987654321', mime_type: 'image/jpeg' },
										},
									],
								},
							},
						],
					},
				],
			}),
		);

		const photoReply = await call(channel.webhook, {
			method: 'POST',
			headers: { ...headers, 'x-hub-signature-256': whatsappSignature('demo_app_secret', photo) },
			body: photo,
		});

		expect(photoReply.status).toBe(202);

		await expect
			.poll(async () => (await activity(photoReply.body.data.id)).metadata?.media_errors?.[0]?.error, {
				timeout: 10_000,
			})
			.toContain('no WhatsApp access_token');

		const statuses = Buffer.from(
			JSON.stringify({
				object: 'whatsapp_business_account',
				entry: [{ changes: [{ value: { statuses: [{ id: 'x', status: 'read' }] } }] }],
			}),
		);

		const none = await call(channel.webhook, {
			method: 'POST',
			headers: { ...headers, 'x-hub-signature-256': whatsappSignature('demo_app_secret', statuses) },
			body: statuses,
		});

		expect(none.status).toBe(200);
		expect(await count(channel.id)).toBe(2);
	});

	it('uploads keep honest file names, refuse hostile ones, sniff types, and refuse without leaving files', async () => {
		const channel = await createChannel(instance, {
			provider: 'upload',
			allowed_mime_types: ['image/*', 'application/pdf', 'text/plain'],
			max_file_bytes: 4096,
		});

		const png = Buffer.from(
			'89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4e60000000049454e44ae426082',
			'hex',
		);

		const upload = (names: string[]) => {
			const data = new FormData();
			for (const name of names) data.append('file', new Blob([png], { type: 'application/octet-stream' }), name);
			data.append('type', 'file');
			return call(channel.webhook, { method: 'POST', headers: { 'x-ingestion-key': channel.key }, body: data });
		};

		const reply = await upload(['日本語のファイル.png', 'report <draft>.png']);
		expect(reply.status).toBe(202);
		expect(reply.body.data).toHaveLength(2);

		// A path or an oversized name refuses the whole request: nothing of it is kept.
		for (const name of ['../../etc/passwd.png', `${'a'.repeat(1000)}.png`]) {
			const refusedName = await upload(['fine.png', name]);
			expect(refusedName.status, name).toBe(400);
			expect(refusedName.body.errors[0].extensions.code).toBe('INVALID_FILENAME');
		}

		// A NUL in a name, percent-encoded (RFC 5987) or raw, is refused too.
		const multipart = (disposition: string) =>
			Buffer.concat([
				Buffer.from(
					`--b0undary\r\nContent-Disposition: form-data; name="file"; ${disposition}\r\nContent-Type: image/png\r\n\r\n`,
					'latin1',
				),
				png,
				Buffer.from('\r\n--b0undary--\r\n'),
			]);

		const headers = { 'x-ingestion-key': channel.key, 'content-type': 'multipart/form-data; boundary=b0undary' };

		expect(
			(await call(channel.webhook, { method: 'POST', headers, body: multipart("filename*=UTF-8''evil%00name.png") }))
				.status,
		).toBe(400);

		expect(
			(await call(channel.webhook, { method: 'POST', headers, body: multipart('filename="evil\u0000name.png"') }))
				.status,
		).toBe(400);

		const files = await instance.db('directus_files').where({ folder: channel.id });
		expect(files).toHaveLength(2);

		for (const file of files) {
			expect(file.type).toBe('image/png');
			expect(Number(file.filesize)).toBe(png.length);
			expect(await storedBytes(file.id)).toEqual(png);
			expect(file.filename_disk).toMatch(/^[0-9a-f-]{36}\.png$/);
		}

		expect(files.map((f: { filename_download: string }) => f.filename_download).sort()).toEqual([
			'report _draft_.png',
			'日本語のファイル.png',
		]);

		const refused = new FormData();
		refused.append('file', new Blob([png]), 'ok.png');
		refused.append('file', new Blob([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff')]), 'tool.exe');

		expect(
			(await call(channel.webhook, { method: 'POST', headers: { 'x-ingestion-key': channel.key }, body: refused }))
				.status,
		).toBe(415);

		const big = new FormData();
		big.append('file', new Blob([Buffer.alloc(10_000, 1)], { type: 'text/plain' }), 'big.txt');

		expect(
			(await call(channel.webhook, { method: 'POST', headers: { 'x-ingestion-key': channel.key }, body: big })).status,
		).toBe(413);

		expect(await count(channel.id)).toBe(2);
		await expect.poll(() => filesIn(channel.id)).toBe(2);
	});

	it('never returns channel secrets or key hashes to readers', async () => {
		const channel = await createChannel(instance, {
			provider: 'twilio',
			secrets: { auth_token: 'tok_plaintext_must_not_leak' },
		});

		const read = await admin(instance).get(`/items/ingestion_channels/${channel.id}?fields=*`);
		expect(read.text).not.toContain('tok_plaintext_must_not_leak');
		expect(read.text).not.toContain(channel.key);
		const stored = await instance.db('ingestion_channel_secrets').where({ id: channel.id }).first();
		expect(JSON.stringify(stored)).not.toContain('tok_plaintext_must_not_leak');
		expect(JSON.stringify(stored)).not.toContain(channel.key);
		expect(instance.output()).not.toContain(channel.key);
	});
});
