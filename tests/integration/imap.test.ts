// Mailbox channels against a real IMAP server (Dovecot, tests/harness/dovecot.ts) and real Directus processes:
// first and incremental sync (IDLE), Sent threads with its Inbox message, one activity per message across providers
// and channels, UIDVALIDITY resets, a Directus killed mid-sync, a wrong password, limits, malformed MIME and
// charsets; a reply sent over SMTP that the mailbox's Sent folder syncs later is the same activity; on PostgreSQL
// also two instances with Redis sharing the sync.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedis } from '../../scripts/lib/redis.mjs';
import { admin, call, createChannel } from '../harness/api.js';
import { type Dovecot, type MailUser, message, startDovecot } from '../harness/dovecot.js';
import { type Instance, startInstance, vendors } from '../harness/instance.js';
import { type SmtpSink, startSmtpSink } from '../harness/smtp.js';

const fixture = (name: string) =>
	readFileSync(new URL(`../../extensions/activity-hub/src/shared/node/providers/fixtures/${name}`, import.meta.url));

const basic = (key: string) => `Basic ${Buffer.from(`postmark:${key}`).toString('base64')}`;
const MB = 1024 * 1024;
const METRICS_TOKEN = 'imap-metrics';
let sequence = 0;
const unique = (label: string) => `<${label}-${Date.now()}-${++sequence}@mail.acme.example>`;
const bare = (id: string) => id.replace(/^<|>$/g, '');

let dovecot: Dovecot;

/** The team's outgoing mail server: a local SMTP server recording each message as received (envelope and raw). */
let smtp: SmtpSink;

beforeAll(async () => {
	dovecot = await startDovecot();

	smtp = await startSmtpSink();
});

afterAll(async () => {
	await dovecot?.stop();
	await smtp?.close();
});

describe.each(vendors())('mailbox channels on %s', (vendor) => {
	let instance: Instance;
	let users = 0;

	const newUser = () => dovecot.addUser(`team${++users}-${vendor}@crm.example`);

	const mailbox = async (user: MailUser, extra: Record<string, unknown> = {}, settings: Record<string, unknown> = {}) =>
		createChannel(instance, {
			provider: 'imap',
			name: `mailbox ${user.user}`,
			settings: dovecot.settings(user, settings),
			secrets: { password: user.password },
			...extra,
		});

	const sync = (id: string) => admin(instance).post(`/activity-hub/channels/${id}/sync`);
	const rows = (where: Record<string, unknown>) => instance.db('activities').where(where).select('*');

	const count = async (where: Record<string, unknown>) =>
		Number((await instance.db('activities').where(where).count({ n: '*' }))[0]!.n);

	const channelRow = (id: string) => instance.db('ingestion_channels').where({ id }).first();
	const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);

	beforeAll(async () => {
		instance = await startInstance(vendor, { METRICS_ENABLED: 'true', METRICS_TOKENS: METRICS_TOKEN });
	}, 120_000);

	afterAll(() => instance?.stop());

	it('first sync takes the last `since` days of Inbox and Sent, then answers nothing new', async () => {
		const user = await newUser();
		const old = new Date(Date.now() - 40 * 86_400_000);

		await dovecot.append(
			user,
			'INBOX',
			[message({ from: 'old@acme.example', to: user.user, subject: 'old', messageId: unique('old') })],
			old,
		);

		const ids = [unique('a'), unique('b'), unique('c')];

		await dovecot.append(
			user,
			'INBOX',
			ids.map((id, i) =>
				message({ from: `Ana Ruiz <ana${i}@acme.example>`, to: user.user, subject: `Hello ${i}`, messageId: id }),
			),
		);

		const channel = await mailbox(user);
		const first = await sync(channel.id);
		expect(first.status).toBe(200);
		expect(first.body.data).toEqual({ fetched: expect.any(Number), stored: expect.any(Number), duplicates: 0 });

		await expect.poll(() => count({ channel: channel.id }), { timeout: 20_000 }).toBe(3);
		const stored = await rows({ channel: channel.id });
		expect(stored.map((r) => r.message_id).sort()).toEqual(ids.map(bare).sort());
		expect(stored.every((r) => r.type === 'email' && r.direction === 'inbound')).toBe(true);

		expect(stored.find((r) => r.message_id === bare(ids[0]!))).toMatchObject({
			sender: 'ana0@acme.example',
			subject: 'Hello 0',
			thread_key: bare(ids[0]!),
		});

		const again = await sync(channel.id);
		expect(again.body.data).toEqual({ fetched: 0, stored: 0, duplicates: 0 });
		const state = await channelRow(channel.id);
		expect(state.sync_error).toBeNull();
		expect(state.last_synced_at).toBeTruthy();
		expect(json(state.sync_state).inbox).toMatchObject({ path: 'INBOX', lastUid: 4 });
		expect(json(state.sync_state).inbox.highestModseq).toEqual(expect.any(String));

		// Read-only: nothing was marked \Seen on the server.
		const client = await dovecot.client(user);
		await client.mailboxOpen('INBOX', { readOnly: true });
		const flags = [];
		for await (const m of client.fetch('1:*', { flags: true })) flags.push([...(m.flags ?? [])]);
		await client.logout();
		expect(flags.flat()).not.toContain('\\Seen');
	});

	it('new mail arrives by itself (IDLE) and incrementally', async () => {
		const user = await newUser();
		const channel = await mailbox(user);
		await expect.poll(async () => (await channelRow(channel.id)).last_synced_at, { timeout: 20_000 }).toBeTruthy();
		const id = unique('idle');
		const appended = Date.now();

		await dovecot.append(user, 'INBOX', [
			message({ from: 'ana@acme.example', to: user.user, subject: 'live', messageId: id }),
		]);

		await expect.poll(() => count({ message_id: bare(id) }), { timeout: 15_000, interval: 50 }).toBe(1);
		expect(Date.now() - appended).toBeLessThan(10_000);

		await dovecot.append(user, 'INBOX', [
			message({ from: 'ana@acme.example', to: user.user, subject: 'two', messageId: unique('two') }),
		]);

		await sync(channel.id);
		await expect.poll(() => count({ channel: channel.id }), { timeout: 15_000 }).toBe(2);
	});

	it('a reply in Sent is outbound, matched on its recipients, and threads with the Inbox message', async () => {
		const user = await newUser();

		const contact = await admin(instance).post('/items/contacts', {
			first_name: 'Cleo',
			emails: [{ email: `cleo-${vendor}@acme.example`, type: 'work' }],
		});

		const question = unique('question');
		const reply = unique('reply');

		await dovecot.append(user, 'INBOX', [
			message({ from: `cleo-${vendor}@acme.example`, to: user.user, subject: 'Quote?', messageId: question }),
		]);

		await dovecot.append(user, 'Sent', [
			message({
				from: user.user,
				to: `Cleo <cleo-${vendor}@acme.example>`,
				subject: 'Re: Quote?',
				messageId: reply,
				inReplyTo: question,
				references: question,
			}),
		]);

		const channel = await mailbox(user);
		await sync(channel.id);
		await expect.poll(() => count({ channel: channel.id }), { timeout: 20_000 }).toBe(2);
		const [inbound] = await rows({ message_id: bare(question) });
		const [outbound] = await rows({ message_id: bare(reply) });
		expect(inbound).toMatchObject({ direction: 'inbound', contact: contact.body.data.id });

		expect(outbound).toMatchObject({
			direction: 'outbound',
			contact: contact.body.data.id,
			thread_key: bare(question),
		});

		expect(inbound.thread_key).toBe(bare(question));
	});

	it('a reply sent over SMTP is the same activity when the Sent folder syncs it; one outbound, in the thread', async () => {
		const user = await newUser();
		const question = unique('ask');

		await dovecot.append(user, 'INBOX', [
			message({
				from: `Dana <dana-${vendor}@customer.example>`,
				to: user.user,
				subject: 'Invoice',
				messageId: question,
			}),
		]);

		const channel = await mailbox(user, {}, { smtp: { host: '127.0.0.1', port: smtp.port, secure: false } });
		await sync(channel.id);
		await expect.poll(() => count({ message_id: bare(question) }), { timeout: 20_000 }).toBe(1);
		const [inbound] = await rows({ message_id: bare(question) });

		const sent = await admin(instance).post(`/activity-hub/activities/${inbound.id}/reply`, {
			content: 'Paid this morning.',
		});

		expect(sent.status).toBe(202);
		const id = sent.body.data.id as string;

		await expect
			.poll(async () => (await instance.db('activities').where({ id }).first()).delivery_status, { timeout: 15_000 })
			.toBe('sent');

		const reply = (await instance.db('activities').where({ id }).first()) as Record<string, any>;
		expect(reply).toMatchObject({ direction: 'outbound', type: 'email', subject: 'Re: Invoice', sender: user.user });
		expect(reply.thread_key).toBe(bare(question));
		const mail = smtp.mails.find((m) => m.raw.includes(`<${reply.message_id}>`));
		expect(mail?.to).toEqual([`dana-${vendor}@customer.example`]);
		expect(mail!.raw).toMatch(/^Message-ID: <[^>]+>$/im);
		expect(mail!.raw).toContain(`In-Reply-To: ${question}`);

		// What a mail server or client does with a sent message: the raw message it sent goes into Sent.
		await dovecot.append(user, 'Sent', [mail!.raw]);

		await expect
			.poll(
				async () => {
					await sync(channel.id);
					return json((await channelRow(channel.id)).sync_state)?.sent?.lastUid ?? 0;
				},
				{ timeout: 20_000, interval: 500 },
			)
			.toBeGreaterThanOrEqual(1);

		expect(await count({ message_id: reply.message_id })).toBe(1);
		const outbound = await rows({ channel: channel.id, direction: 'outbound' });
		expect(outbound.map((r) => r.id)).toEqual([id]);
		expect(outbound[0]).toMatchObject({ thread_key: bare(question), delivery_status: 'sent' });
		expect(await count({ channel: channel.id })).toBe(2);
	});

	it('the same message by Postmark webhook and in the mailbox is one activity', async () => {
		const user = await newUser();
		const postmark = await createChannel(instance, { provider: 'postmark' });
		const id = unique('postmark');
		const body = JSON.parse(fixture('postmark-inbound.json').toString());
		body.MessageID = `pm-${sequence}-${vendor}`;
		body.Headers = [{ Name: 'Message-ID', Value: id }];

		const webhook = await call(postmark.webhook, {
			method: 'POST',
			headers: { authorization: basic(postmark.key) },
			json: body,
		});

		expect(webhook.status).toBe(202);

		await dovecot.append(user, 'INBOX', [
			message({ from: 'ana.ruiz@acme.example', to: user.user, subject: 'Re: Quote #1042', messageId: id }),
		]);

		const channel = await mailbox(user);
		await sync(channel.id);
		await expect.poll(async () => (await channelRow(channel.id)).duplicate_count, { timeout: 20_000 }).toBe(1);
		expect(await count({ message_id: bare(id) })).toBe(1);
		expect((await rows({ message_id: bare(id) }))[0].id).toBe(webhook.body.data.id);

		// And the other way round: a second webhook delivery of a message the mailbox stored first is a duplicate.
		const later = unique('later');

		await dovecot.append(user, 'INBOX', [
			message({ from: 'ana.ruiz@acme.example', to: user.user, subject: 'x', messageId: later }),
		]);

		await expect.poll(() => count({ message_id: bare(later) }), { timeout: 20_000 }).toBe(1);
		body.MessageID = `pm-later-${vendor}`;
		body.Headers = [{ Name: 'Message-ID', Value: later }];

		const second = await call(postmark.webhook, {
			method: 'POST',
			headers: { authorization: basic(postmark.key) },
			json: body,
		});

		expect(second.status).toBe(200);
		expect(second.body.data.duplicate).toBe(true);
		expect(await count({ message_id: bare(later) })).toBe(1);
	});

	it("the same message in two channels' mailboxes is one activity, even when both sync at once", async () => {
		const [one, two] = [await newUser(), await newUser()];
		const ids = Array.from({ length: 20 }, (_, i) => unique(`shared${i}`));

		const mails = ids.map((id) =>
			message({ from: 'ana@acme.example', to: `${one.user}, ${two.user}`, subject: 'both', messageId: id }),
		);

		await dovecot.append(one, 'INBOX', mails);
		await dovecot.append(two, 'INBOX', mails);
		const [a, b] = [await mailbox(one), await mailbox(two)];
		await Promise.all([sync(a.id), sync(b.id)]);

		await expect
			.poll(
				async () =>
					Number((await instance.db('activities').whereIn('message_id', ids.map(bare)).count({ n: '*' }))[0]!.n),
				{
					timeout: 30_000,
				},
			)
			.toBe(20);

		await sync(a.id);
		await sync(b.id);
		expect(await count({ channel: a.id })).toBe(20 - (await count({ channel: b.id })));
	});

	it('a folder recreated with a new UIDVALIDITY resyncs without duplicates', async () => {
		const user = await newUser();
		const ids = [unique('v1'), unique('v2')];
		const mails = ids.map((id) => message({ from: 'ana@acme.example', to: user.user, subject: 'v', messageId: id }));
		await dovecot.append(user, 'Support', mails);
		const channel = await mailbox(user, {}, { folders: { inbox: 'Support', sent: 'Sent' } });
		await sync(channel.id);
		await expect.poll(() => count({ channel: channel.id }), { timeout: 20_000 }).toBe(2);
		const before = json((await channelRow(channel.id)).sync_state).inbox.uidValidity;

		await dovecot.recreate(user, 'Support');
		const third = unique('v3');

		await dovecot.append(user, 'Support', [
			...mails,
			message({ from: 'ana@acme.example', to: user.user, subject: 'v', messageId: third }),
		]);

		const reply = await sync(channel.id);
		expect(reply.status).toBe(200);
		await expect.poll(() => count({ channel: channel.id }), { timeout: 20_000 }).toBe(3);
		const after = json((await channelRow(channel.id)).sync_state).inbox;
		expect(after.uidValidity).not.toBe(before);
		expect(after.lastUid).toBe(3);
		expect(await count({ message_id: bare(ids[0]!) })).toBe(1);
	});

	it('a wrong password sets sync_error in words, retries, and affects nothing else', async () => {
		const user = await newUser();
		const good = await newUser();
		const channel = await mailbox(user, { secrets: { password: 'wrong' } });
		const reply = await sync(channel.id);
		expect(reply.status).toBe(502);
		expect(reply.body.errors[0].extensions.code).toBe('SYNC_FAILED');
		expect(reply.body.errors[0].message).toMatch(/refused the user name or password/);
		const row = await channelRow(channel.id);
		expect(row.sync_error).toMatch(/refused the user name or password/);
		expect(row.sync_error).not.toContain('wrong');

		// Counted on Directus's /metrics by channel and reason.
		const scraped = await call(`${instance.url}/metrics`, { headers: { authorization: `Metrics ${METRICS_TOKEN}` } });

		expect(scraped.text).toMatch(
			new RegExp(
				`^activity_hub_mailbox_sync_failures_total\\{channel="${channel.id}",reason="AUTH_FAILED"\\} [1-9]`,
				'm',
			),
		);

		// Another mailbox and the webhooks go on.
		await dovecot.append(good, 'INBOX', [
			message({ from: 'ana@acme.example', to: good.user, subject: 'fine', messageId: unique('fine') }),
		]);

		const other = await mailbox(good);
		expect((await sync(other.id)).status).toBe(200);
		await expect.poll(() => count({ channel: other.id }), { timeout: 20_000 }).toBe(1);
		const generic = await createChannel(instance, { provider: 'generic' });

		const hook = await call(generic.webhook, {
			method: 'POST',
			headers: { 'x-ingestion-key': generic.key },
			json: { type: 'sms', sender: '+12025550143' },
		});

		expect(hook.status).toBe(202);

		// Fixed password: the next sync clears the error.
		await admin(instance).patch(`/items/ingestion_channels/${channel.id}`, { secrets: { password: user.password } });
		expect((await sync(channel.id)).status).toBe(200);
		expect((await channelRow(channel.id)).sync_error).toBeNull();
		expect((await call(`${instance.url}/server/ping`)).status).toBe(200);
	});

	it('a 10 MB attachment over a 5 MB channel limit and a type the channel refuses are left out and noted; the small one is stored', async () => {
		const user = await newUser();

		const big = Buffer.alloc(10 * MB, 7)
			.toString('base64')
			.replace(/(.{76})/g, '$1\r\n');

		const small = Buffer.from('%PDF-1.4\n%small\n').toString('base64');
		// An image that calls itself a PDF: sniffed as PNG, which this channel does not take.
		const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
		const id = unique('big');

		const body = [
			'--b',
			'Content-Type: text/plain',
			'',
			'Two files.',
			'--b',
			'Content-Type: application/octet-stream; name="huge.bin"',
			'Content-Disposition: attachment; filename="huge.bin"',
			'Content-Transfer-Encoding: base64',
			'',
			big,
			'--b',
			'Content-Type: application/pdf; name="small.pdf"',
			'Content-Disposition: attachment; filename="small.pdf"',
			'Content-Transfer-Encoding: base64',
			'',
			small,
			'--b',
			'Content-Type: application/pdf; name="scan.pdf"',
			'Content-Disposition: attachment; filename="scan.pdf"',
			'Content-Transfer-Encoding: base64',
			'',
			png,
			'--b--',
		].join('\r\n');

		await dovecot.append(user, 'INBOX', [
			message({
				from: 'ana@acme.example',
				to: user.user,
				subject: 'files',
				messageId: id,
				contentType: 'multipart/mixed; boundary="b"',
				body,
			}),
		]);

		const channel = await mailbox(user, { max_file_bytes: 5 * MB, allowed_mime_types: ['application/pdf'] });
		await sync(channel.id);
		await expect.poll(() => count({ message_id: bare(id) }), { timeout: 30_000 }).toBe(1);
		const [row] = await rows({ message_id: bare(id) });
		const payload = json(row.payload);

		expect(payload.skipped_attachments).toEqual([
			expect.objectContaining({ filename: 'huge.bin', reason: expect.stringMatching(/file limit/) }),
			expect.objectContaining({
				filename: 'scan.pdf',
				type: 'image/png',
				reason: 'type image/png is not allowed on this channel',
			}),
		]);

		const files = await instance
			.db('activity_files')
			.where({ activities_id: row.id })
			.join('directus_files', 'directus_files.id', 'activity_files.directus_files_id')
			.select('directus_files.*');

		expect(files.map((f) => [f.filename_download, f.type])).toEqual([['small.pdf', 'application/pdf']]);
		expect(Number((await instance.db('directus_files').where({ folder: channel.id }).count({ n: '*' }))[0]!.n)).toBe(1);
	}, 60_000);

	it('malformed MIME is stored with what parses and never blocks the folder; ISO-8859-1 and Shift_JIS decode', async () => {
		const user = await newUser();
		const broken = unique('broken');
		const latin = unique('latin');
		const japanese = unique('sjis');
		const after = unique('after');

		await dovecot.append(user, 'INBOX', [
			`From: ana@acme.example\r\nSubject: broken\r\nMessage-ID: ${broken}\r\nContent-Type: multipart/mixed; boundary="never"\r\n\r\n--never\r\nContent-Type: text/plain\r\n\r\nstill readable\r\n--never\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!`,
			Buffer.concat([
				Buffer.from(
					`From: ana@acme.example\r\nSubject: =?ISO-8859-1?Q?Gr=FC=DFe?=\r\nMessage-ID: ${latin}\r\nContent-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`,
				),
				Buffer.from([0x47, 0x72, 0xfc, 0xdf, 0x65, 0x0d, 0x0a]),
			]),
			Buffer.concat([
				Buffer.from(
					`From: ana@acme.example\r\nSubject: =?Shift_JIS?B?grGC8YLJgr+CzQ==?=\r\nMessage-ID: ${japanese}\r\nContent-Type: text/plain; charset=Shift_JIS\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`,
				),
				Buffer.from([0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd, 0x0d, 0x0a]),
			]),
			message({ from: 'ana@acme.example', to: user.user, subject: 'after', messageId: after }),
		]);

		const channel = await mailbox(user);
		await sync(channel.id);
		await expect.poll(() => count({ channel: channel.id }), { timeout: 20_000 }).toBe(4);
		expect((await rows({ message_id: bare(broken) }))[0].content).toContain('still readable');
		expect((await rows({ message_id: bare(latin) }))[0]).toMatchObject({ subject: 'Grüße', content: 'Grüße' });

		expect((await rows({ message_id: bare(japanese) }))[0]).toMatchObject({
			subject: 'こんにちは',
			content: 'こんにちは',
		});
	});

	it('Directus killed mid-sync: after a restart every message is stored exactly once', async () => {
		const user = await newUser();
		const total = 400;
		const ids = Array.from({ length: total }, (_, i) => unique(`kill${i}`));
		const filler = 'x'.repeat(4000);

		await dovecot.append(
			user,
			'INBOX',
			ids.map((id, i) =>
				message({ from: 'ana@acme.example', to: user.user, subject: `m${i}`, messageId: id, body: filler }),
			),
		);

		const channel = await mailbox(user);
		void sync(channel.id).catch(() => {});
		await expect.poll(() => count({ channel: channel.id }), { timeout: 60_000, interval: 20 }).toBeGreaterThan(0);
		await instance.kill();
		const partial = await count({ channel: channel.id });
		expect(partial).toBeLessThan(total);

		const sibling = await instance.sibling();

		try {
			// The dead process's lease expires; the new one takes the channel over from the cursor.
			await expect.poll(() => count({ channel: channel.id }), { timeout: 90_000, interval: 500 }).toBe(total);
			const stored = await instance.db('activities').where({ channel: channel.id }).select('message_id');
			expect(new Set(stored.map((r) => r.message_id)).size).toBe(total);
			expect(json((await channelRow(channel.id)).sync_state).inbox.lastUid).toBe(total);
		} finally {
			await sibling.stop();
		}
	}, 180_000);
});

describe.each(vendors().filter((v) => v === 'pg'))('mailbox channels on two instances with Redis on %s', (vendor) => {
	let instance: Instance;
	let redis: RedisServer;
	let sibling: Awaited<ReturnType<Instance['sibling']>>;

	beforeAll(async () => {
		redis = await startRedis();
		const env = { REDIS: redis.url, SYNCHRONIZATION_STORE: 'redis', CACHE_STORE: 'redis', MESSENGER_STORE: 'redis' };
		instance = await startInstance(vendor, env);
		sibling = await instance.sibling();
	}, 180_000);

	afterAll(async () => {
		await sibling?.stop();
		await instance?.stop();
		await redis?.stop();
	});

	it('one instance syncs each mailbox; every message is stored once', async () => {
		const user = await dovecot.addUser(`cluster-${vendor}@crm.example`);
		const ids = Array.from({ length: 30 }, (_, i) => unique(`cluster${i}`));

		await dovecot.append(
			user,
			'INBOX',
			ids.slice(0, 15).map((id) => message({ from: 'ana@acme.example', to: user.user, subject: 'c', messageId: id })),
		);

		const channel = await createChannel(instance, {
			provider: 'imap',
			name: 'cluster mailbox',
			settings: dovecot.settings(user),
			secrets: { password: user.password },
		});

		await expect
			.poll(
				async () => Number((await instance.db('activities').where({ channel: channel.id }).count({ n: '*' }))[0]!.n),
				{ timeout: 30_000 },
			)
			.toBe(15);

		await dovecot.append(
			user,
			'INBOX',
			ids.slice(15).map((id) => message({ from: 'ana@acme.example', to: user.user, subject: 'c', messageId: id })),
		);

		await expect
			.poll(
				async () => Number((await instance.db('activities').where({ channel: channel.id }).count({ n: '*' }))[0]!.n),
				{ timeout: 30_000 },
			)
			.toBe(30);

		const leases = await instance
			.db('activity_hub_install')
			.where('key', `lease:mailbox:${channel.id}`)
			.select('value');

		expect(leases).toHaveLength(1);

		// "Sync now" on the instance that does not hold the lease says so instead of syncing beside it.
		const replies = await Promise.all(
			[instance, sibling].map((target) =>
				call(`${target.url}/activity-hub/channels/${channel.id}/sync`, {
					method: 'POST',
					token: instance.token,
					json: {},
				}),
			),
		);

		expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
		expect(replies.find((r) => r.status === 409)!.body.errors[0].extensions.code).toBe('SYNC_ELSEWHERE');
	}, 120_000);
});
