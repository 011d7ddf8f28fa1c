// Replies (two-way): an outbound message is queued by the API, sent once by the background sender through a local
// HTTP server speaking Twilio's Messages API and WhatsApp's Cloud API, retried on 5xx, failed on 4xx, `unknown`
// (never re-sent) after a timeout or a SIGKILL once the provider had the request, and moved forward by status
// callbacks whatever their order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ROLE_ID } from '../../migrations/z0002-activity-hub-agent-access.js';
import { SEND_PICK, SEND_REAPABLE } from '../../extensions/activity-hub/src/shared/node/queue.js';
import { twilioSignature } from '../../extensions/activity-hub/src/shared/node/providers/twilio.js';
import { call, createChannel, createStudioUser, createUser } from '../harness/api.js';
import { type Instance, startInstance, vendors } from '../harness/instance.js';
import { answer, providerServer } from '../harness/providers.js';
import { type SmtpSink, startSmtpSink } from '../harness/smtp.js';

const METRICS_TOKEN = 'replies-metrics';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A JSON column as read with knex: text on SQLite, parsed on PostgreSQL. */
const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);

describe.each(vendors())('replies on %s', (vendor) => {
	let instance: Instance;
	let provider: Awaited<ReturnType<typeof providerServer>>;
	let url: string;
	let twilio: Awaited<ReturnType<typeof createChannel>>;
	let whatsapp: Awaited<ReturnType<typeof createChannel>>;
	const authToken = 'twilio-auth-token-replies';
	const agentToken = `reply-agent-${vendor}`;
	const writerToken = `reply-writer-${vendor}`;
	const readerToken = `reply-reader-${vendor}`;
	const OUR_NUMBER = '+12025550199';

	let smtp: SmtpSink;

	beforeAll(async () => {
		provider = await providerServer();

		smtp = await startSmtpSink();

		instance = await startInstance(vendor, {
			ACTIVITY_HUB_TWILIO_API_URL: provider.url,
			ACTIVITY_HUB_WHATSAPP_API_URL: provider.url,
			ACTIVITY_HUB_SEND_TIMEOUT_MS: '1500',
			METRICS_ENABLED: 'true',
			METRICS_TOKENS: METRICS_TOKEN,
		});

		url = instance.url;

		twilio = await createChannel(instance, {
			provider: 'twilio',
			secrets: { auth_token: authToken, account_sid: 'ACreplies' },
		});

		whatsapp = await createChannel(instance, { provider: 'whatsapp', secrets: { access_token: 'EAAGreplies' } });
		await createUser(instance, AGENT_ROLE_ID, agentToken);

		await createStudioUser(instance, writerToken, [
			{ collection: 'activities', action: 'read' },
			{ collection: 'activities', action: 'create' },
		]);

		await createStudioUser(instance, readerToken, [{ collection: 'activities', action: 'read' }]);
	});

	afterAll(async () => {
		await instance?.stop();
		await provider?.close();
		await smtp?.close();
	});

	/** Twilio posts a form signed with the auth token over the URL it called. */
	const twilioPost = (fields: Record<string, string>) => {
		const target = `${twilio.webhook}?key=${encodeURIComponent(twilio.key)}`;
		const pairs = Object.entries(fields);

		return call(target.replace(instance.url, url), {
			method: 'POST',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				'x-twilio-signature': twilioSignature(authToken, target, pairs),
			},
			body: new URLSearchParams(fields).toString(),
		});
	};

	let inbound = 0;

	/** An SMS from `from` to our number, through the webhook; its activity id. */
	async function smsFrom(from: string) {
		const sid = `SMin${vendor}${String(++inbound).padStart(28, '0')}`;

		const reply = await twilioPost({
			MessageSid: sid,
			AccountSid: 'ACreplies',
			From: from,
			To: OUR_NUMBER,
			Body: 'Hi',
		});

		expect(reply.status).toBe(200);
		return (await instance.db('activities').where({ external_id: sid }).first()).id as string;
	}

	const whatsappPost = (value: Record<string, unknown>) =>
		call(`${whatsapp.webhook.replace(instance.url, url)}?key=${encodeURIComponent(whatsapp.key)}`, {
			method: 'POST',
			json: { object: 'whatsapp_business_account', entry: [{ id: 'WABA', changes: [{ field: 'messages', value }] }] },
		});

	async function whatsappFrom(waId: string, at: Date) {
		const id = `wamid.IN${vendor}${++inbound}`;

		const reply = await whatsappPost({
			messaging_product: 'whatsapp',
			metadata: { display_phone_number: '4930123456', phone_number_id: '1065' },
			contacts: [{ wa_id: waId, profile: { name: 'Ada' } }],
			messages: [
				{ id, from: waId, timestamp: String(Math.floor(at.getTime() / 1000)), type: 'text', text: { body: 'Hallo' } },
			],
		});

		expect(reply.status).toBeLessThan(300);
		return (await instance.db('activities').where({ external_id: id }).first()).id as string;
	}

	const reply = (id: string, json: unknown, token: string | null = instance.token, key?: string) =>
		call(`${url}/activity-hub/activities/${id}/reply`, {
			method: 'POST',
			json,
			...(token ? { token } : {}),
			headers: key ? { 'idempotency-key': key } : {},
		});

	const status = async (id: string) =>
		(await instance.db('activities').where({ id }).first('delivery_status')).delivery_status as string;

	const row = (id: string) => instance.db('activities').where({ id }).first();

	it('the sender polls through the pending index, never a scan of every activity', async () => {
		const now = vendor === 'pg' ? new Date() : Date.now();

		// SQLite uses a partial index only when the query repeats its condition; PostgreSQL proves it, if a scan
		// is not cheaper on a small table (hence seqscan off to see what it can use).
		const plan = async (sql: string, bindings: unknown[]) =>
			vendor === 'pg'
				? instance.db.transaction(async (trx) => {
						await trx.raw('SET LOCAL enable_seqscan = off');
						return JSON.stringify((await trx.raw(`EXPLAIN ${sql}`, bindings)).rows);
					})
				: JSON.stringify(await instance.db.raw(`EXPLAIN QUERY PLAN ${sql}`, bindings));

		expect(await plan(SEND_PICK, [now, 10])).toContain('activities_delivery_pending_idx');

		expect(await plan(`SELECT id FROM activities WHERE ${SEND_REAPABLE}`, [now])).toContain(
			'activities_delivery_pending_idx',
		);
	});

	it('an SMS reply goes to the sender from our number once, whatever the Idempotency-Key replays; callbacks move it forward only', async () => {
		const to = '+12025550101';
		const original = await smsFrom(to);
		const first = await reply(original, { content: 'Thanks, on it' }, instance.token, 'key-1');
		expect(first.status).toBe(202);
		expect(first.body.data).toEqual({ id: expect.any(String), delivery_status: 'queued' });
		const again = await reply(original, { content: 'Thanks, on it' }, instance.token, 'key-1');
		expect(again.status).toBe(202);
		expect(again.body.data.id).toBe(first.body.data.id);
		const id = first.body.data.id as string;
		await expect.poll(() => status(id), { timeout: 15_000 }).toBe('sent');
		await sleep(1000);
		const sent = provider.to(to);
		expect(sent).toHaveLength(1);
		expect(sent[0]!.path).toBe('/2010-04-01/Accounts/ACreplies/Messages.json');
		expect(sent[0]!.authorization).toBe(`Basic ${Buffer.from(`ACreplies:${authToken}`).toString('base64')}`);
		expect(sent[0]!.form).toMatchObject({ To: to, From: OUR_NUMBER, Body: 'Thanks, on it' });

		const stored = await row(id);
		expect(stored).toMatchObject({ direction: 'outbound', type: 'sms', channel: twilio.id, recipient: to });
		expect(stored.external_id).toMatch(/^SM/);
		expect(json(stored.metadata)).toMatchObject({ sent_by: 'person', in_reply_to: original });

		expect(
			await instance.db('activities').where({ idempotency_key: stored.idempotency_key }).count({ n: '*' }),
		).toEqual([{ n: vendor === 'pg' ? '1' : 1 }]);

		const callback = (MessageStatus: string) =>
			twilioPost({ MessageSid: stored.external_id, AccountSid: 'ACreplies', MessageStatus, SmsStatus: MessageStatus });

		const count = async () => Number((await instance.db('activities').count({ n: '*' }))[0]!.n);
		const before = await count();
		expect((await callback('delivered')).status).toBe(200);
		expect(await status(id)).toBe('delivered');
		expect((await callback('sent')).status).toBe(200); // late, out of order
		expect(await status(id)).toBe('delivered');
		expect((await callback('read')).status).toBe(200);
		expect(await status(id)).toBe('read');

		const unknown = await twilioPost({
			MessageSid: 'SM0000000000000000000000000000dead',
			AccountSid: 'ACreplies',
			MessageStatus: 'delivered',
		});

		expect(unknown.status).toBe(200);
		expect(await count()).toBe(before);
	});

	it('500 then 201: sent after one retry; 400: failed with the provider message; neither claimed by agents', async () => {
		const flaky = '+12025550102';

		provider.behaviours.set(flaky, (attempt, res) =>
			attempt === 1 ? answer(res, 500, { message: 'Internal' }) : answer(res, 201, { sid: 'SMflaky' + vendor }),
		);

		const refused = '+12025550103';

		provider.behaviours.set(refused, (_attempt, res) =>
			answer(res, 400, {
				code: 21211,
				message: "The 'To' number +12025550103 is not a valid phone number.",
				status: 400,
			}),
		);

		const a = (await reply(await smsFrom(flaky), { content: 'retry me' })).body.data.id as string;
		const b = (await reply(await smsFrom(refused), { content: 'refuse me' })).body.data.id as string;
		await expect.poll(() => status(b), { timeout: 15_000 }).toBe('failed');

		expect((await row(b)).delivery_error).toBe(
			"400: The 'To' number +12025550103 is not a valid phone number. (Twilio 21211)",
		);

		await expect.poll(() => status(a), { timeout: 20_000 }).toBe('sent');
		expect(provider.to(flaky)).toHaveLength(2);
		expect(provider.to(refused)).toHaveLength(1);
		expect((await row(a)).external_id).toBe('SMflaky' + vendor);

		const claimed = await call(`${url}/activity-hub/queue/claim`, {
			method: 'POST',
			token: agentToken,
			json: { limit: 100 },
		});

		const ids = (claimed.body.data as Array<{ id: string; direction: string }>).map((c) => c.id);
		expect(ids).not.toContain(a);
		expect(ids).not.toContain(b);

		// Retry sends a failed message again.
		provider.behaviours.set(refused, (_attempt, res) => answer(res, 201, { sid: 'SMretried' + vendor }));

		const retried = await call(`${url}/activity-hub/messages/${b}/resolve`, {
			method: 'POST',
			token: instance.token,
			json: { action: 'retry' },
		});

		expect(retried.body.data).toEqual({ id: b, delivery_status: 'queued' });
		await expect.poll(() => status(b), { timeout: 15_000 }).toBe('sent');
		expect(provider.to(refused)).toHaveLength(2);

		// Every attempt is counted on Directus's /metrics by channel and result.
		const scraped = await call(`${url}/metrics`, { headers: { authorization: `Metrics ${METRICS_TOKEN}` } });
		expect(scraped.status).toBe(200);

		const sends = (result: string) =>
			Number(
				new RegExp(
					`^activity_hub_outbound_sends_total\\{channel="${twilio.id}",result="${result}"\\} (\\d+)$`,
					'm',
				).exec(scraped.text)?.[1] ?? 0,
			);

		expect(sends('retry')).toBeGreaterThanOrEqual(1);
		expect(sends('failed')).toBeGreaterThanOrEqual(1);
		expect(sends('sent')).toBeGreaterThanOrEqual(2);
	});

	it('a timeout after the provider took the request: unknown, never re-sent; Mark as sent records it', async () => {
		const silent = '+12025550104';
		provider.behaviours.set(silent, (_attempt, res) => provider.held.push(res));
		const id = (await reply(await smsFrom(silent), { content: 'into the void' })).body.data.id as string;
		await expect.poll(() => status(id), { timeout: 15_000 }).toBe('unknown');
		expect((await row(id)).delivery_error).toMatch(/No answer after sending/);
		await sleep(3000);
		expect(provider.to(silent)).toHaveLength(1);
		expect(await status(id)).toBe('unknown');

		const marked = await call(`${url}/activity-hub/messages/${id}/resolve`, {
			method: 'POST',
			token: instance.token,
			json: { action: 'mark_sent' },
		});

		expect(marked.body.data).toEqual({ id, delivery_status: 'sent' });

		const again = await call(`${url}/activity-hub/messages/${id}/resolve`, {
			method: 'POST',
			token: instance.token,
			json: { action: 'retry' },
		});

		expect(again.status).toBe(409);
		expect(again.body.errors[0].extensions.code).toBe('NOT_RESOLVABLE');
	});

	it('WhatsApp: a reply in the window, a free-form reply refused outside it, a template accepted; statuses forward only', async () => {
		const open = await whatsappFrom('4915112345', new Date());
		const sent = await reply(open, { content: 'Gern!' });
		expect(sent.status).toBe(202);
		const id = sent.body.data.id as string;
		await expect.poll(() => status(id), { timeout: 15_000 }).toBe('sent');
		const [request] = provider.to('4915112345');
		expect(request!.path).toBe('/v21.0/1065/messages');
		expect(request!.authorization).toBe('Bearer EAAGreplies');
		expect(request!.json).toMatchObject({ messaging_product: 'whatsapp', type: 'text', text: { body: 'Gern!' } });
		const wamid = (await row(id)).external_id as string;

		const statuses = (value: string) =>
			whatsappPost({
				messaging_product: 'whatsapp',
				metadata: { display_phone_number: '4930123456', phone_number_id: '1065' },
				statuses: [
					{ id: wamid, status: value, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: '4915112345' },
				],
			});

		expect((await statuses('read')).status).toBeLessThan(300);
		expect(await status(id)).toBe('read');
		expect((await statuses('delivered')).status).toBeLessThan(300);
		expect(await status(id)).toBe('read');

		const closed = await whatsappFrom('4915199999', new Date(Date.now() - 25 * 3600_000));
		const before = Number((await instance.db('activities').count({ n: '*' }))[0]!.n);
		const refused = await reply(closed, { content: 'too late' });
		expect(refused.status).toBe(422);
		expect(refused.body.errors[0].extensions.code).toBe('WHATSAPP_WINDOW_CLOSED');
		expect(Number((await instance.db('activities').count({ n: '*' }))[0]!.n)).toBe(before);

		const templated = await reply(closed, { template: { name: 'follow_up', language: 'de', parameters: ['Ada'] } });
		expect(templated.status).toBe(202);
		await expect.poll(() => status(templated.body.data.id), { timeout: 15_000 }).toBe('sent');

		expect(provider.to('4915199999')[0]!.json).toMatchObject({
			type: 'template',
			template: { name: 'follow_up', language: { code: 'de' } },
		});
	});

	it('an e-mail reply goes through the channel\u2019s SMTP relay with Message-ID, In-Reply-To, References and Re:', async () => {
		const postmark = await createChannel(instance, {
			provider: 'postmark',
			settings: { smtp: { host: '127.0.0.1', port: smtp.port, secure: false, from: 'support@acme.example' } },
		});

		const inboundMail = await call(
			`${postmark.webhook.replace(instance.url, url)}?key=${encodeURIComponent(postmark.key)}`,
			{
				method: 'POST',
				json: {
					MessageID: `pm-${vendor}`,
					From: 'ana@customer.example',
					To: 'support@acme.example',
					Subject: 'Quote',
					TextBody: 'Is the quote still valid?',
					Headers: [{ Name: 'Message-ID', Value: `<quote-${vendor}@customer.example>` }],
				},
			},
		);

		expect(inboundMail.status).toBeLessThan(300);

		const original = await instance
			.db('activities')
			.where({ message_id: `quote-${vendor}@customer.example` })
			.first();

		const sent = await reply(original.id, { content: 'Yes, until Friday.' });
		expect(sent.status).toBe(202);
		const id = sent.body.data.id as string;
		await expect.poll(() => status(id), { timeout: 15_000 }).toBe('sent');
		const stored = await row(id);
		expect(stored).toMatchObject({ type: 'email', subject: 'Re: Quote', recipient: 'ana@customer.example' });
		expect(stored.thread_key).toBe(original.thread_key);
		expect(smtp.mails).toHaveLength(1);
		const [mail] = smtp.mails;
		expect(mail!.to).toEqual(['ana@customer.example']);
		expect(mail!.raw).toMatch(/^Subject: Re: Quote$/m);
		expect(mail!.raw).toContain(`In-Reply-To: <quote-${vendor}@customer.example>`);
		expect(mail!.raw).toContain(`References: <quote-${vendor}@customer.example>`);
		expect(mail!.raw).toContain(`Message-ID: <${stored.message_id}>`);
		expect(mail!.raw).toContain('Yes, until Friday.');
		smtp.mails.length = 0;
	});

	it('permissions: public 401, a user without create on activities 403, a writer and an agent may (the agent marked)', async () => {
		const original = await smsFrom('+12025550106');
		expect((await reply(original, { content: 'x' }, null)).status).toBe(401);
		const reader = await reply(original, { content: 'x' }, readerToken);
		expect(reader.status).toBe(403);
		const writer = await reply(original, { content: 'from a writer' }, writerToken);
		expect(writer.status).toBe(202);
		const agent = await reply(original, { content: 'from an agent' }, agentToken);
		expect(agent.status).toBe(202);
		expect(json((await row(agent.body.data.id)).metadata)).toMatchObject({ sent_by: 'agent' });
		expect(json((await row(writer.body.data.id)).metadata)).toMatchObject({ sent_by: 'person' });
		expect((await call(`${url}/activity-hub/messages`, { method: 'POST', json: {} })).status).toBe(401);

		const before = Number((await instance.db('activities').count({ n: '*' }))[0]!.n);

		for (const body of [
			{},
			{ content: '' },
			{ content: 5 },
			{ content: 'x', subject: 'a\nb' },
			{ content: 'x', template: { name: 'A B' } },
		]) {
			const bad = await reply(original, body);
			expect(bad.status, JSON.stringify(body)).toBe(400);
			expect(bad.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
		}

		const noChannel = await call(`${url}/activity-hub/messages`, {
			method: 'POST',
			token: instance.token,
			json: { to: '+1', content: 'x' },
		});

		expect(noChannel.status).toBe(400);
		expect((await reply('00000000-0000-4000-8000-000000000000', { content: 'x' })).status).toBe(404);
		expect(Number((await instance.db('activities').count({ n: '*' }))[0]!.n)).toBe(before);
	});

	it('Directus SIGKILLed while the provider holds the request: the next instance marks it unknown and never sends it again', async () => {
		const held = '+12025550105';
		provider.behaviours.set(held, (_attempt, res) => provider.held.push(res));
		const id = (await reply(await smsFrom(held), { content: 'kill me' })).body.data.id as string;
		await expect.poll(() => provider.to(held).length, { timeout: 15_000 }).toBe(1);
		await instance.kill();
		const next = await instance.sibling();
		url = next.url;

		try {
			// The lease (2 × the send timeout + 5 s) expires, then a reaper tick of the new instance.
			await expect.poll(() => status(id), { timeout: 30_000, interval: 500 }).toBe('unknown');
			await sleep(2000);
			expect(provider.to(held)).toHaveLength(1);
		} finally {
			await next.stop();
		}
	});
});
