// The hostile-input corpus: every file in tests/hostile is one malformed or hostile request (see its `why`). Each
// must get the 4xx it names — never a 5xx, never a leak of database or stack text — and leave no activity, no
// Directus file and no stored byte behind; what it does leave is exactly one entry in its channel's refusal log,
// with the status and code it was answered with (none for a channel that does not exist, nor for headers Node
// refuses before any route sees them). Free text is different: SQL and HTML there are data, stored verbatim.
import { createHmac, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilioSignature } from '../../extensions/activity-hub/src/shared/node/providers/twilio.js';
import { admin, call, createChannel } from '../harness/api.js';
import { type Instance, startInstance, vendors } from '../harness/instance.js';
import { REFUSALS_TABLE } from '../../extensions/activity-hub/src/runtime/refusals.js';
import { REFUSAL_LOG_FLUSH_MS } from '../../extensions/activity-hub/src/shared/limits.js';

interface HostileCase {
	name: string;
	why: string;
	expect: number | number[];
	channel: string;
	method?: 'GET' | 'POST';
	path?: string;
	query?: string;
	key?: 'header' | 'query' | 'none' | 'wrong' | 'other-channel';
	headers: Record<string, string>;
	body?: string;
	body_base64?: string;
	body_generate?: {
		prefix: string;
		repeat: string;
		times: number;
		middle: string;
		repeat_close?: string;
		suffix: string;
	};
	sign?: {
		scheme: 'standard-webhooks' | 'twilio' | 'whatsapp' | 'mailgun' | 'zoom' | 'calcom' | 'calendly';
		age_seconds?: number;
		secret?: string;
		tamper?: boolean;
	};
	replay_of_valid?: boolean;
	raw?: boolean;
	chunked?: boolean;
}

const DIR = new URL('../hostile', import.meta.url).pathname;

const CORPUS: HostileCase[] = readdirSync(DIR)
	.filter((file) => file.endsWith('.json'))
	.sort()
	.map((file) => JSON.parse(readFileSync(join(DIR, file), 'utf8')));

const SECRETS = {
	webhook: `whsec_${randomBytes(32).toString('base64')}`,
	twilio: 'hostile-twilio-auth-token',
	mailgun: 'hostile-mailgun-signing-key',
	whatsapp: 'hostile-whatsapp-app-secret',
	zoom: 'hostile-zoom-secret-token',
	calcom: 'hostile-calcom-signing-secret',
	calendly: 'hostile-calendly-signing-key',
};

const hex = (secret: string, data: Buffer | string) => createHmac('sha256', secret).update(data).digest('hex');

const LEAK = /knex|sqlite|postgres|syntax error|constraint|stack|at [\w.]+ \(|node_modules|SELECT |INSERT /i;

function bodyOf(c: HostileCase, now: number): Buffer {
	if (c.body_base64 !== undefined) return Buffer.from(c.body_base64, 'base64');

	if (c.body_generate) {
		const g = c.body_generate;
		return Buffer.from(
			g.prefix + g.repeat.repeat(g.times) + g.middle + (g.repeat_close ?? '').repeat(g.times) + g.suffix,
		);
	}

	return Buffer.from((c.body ?? '').replaceAll('{now}', String(now)));
}

/** One HTTP/1.1 request written by hand: lying lengths, chunked growth and oversized headers that fetch refuses to send. */
function rawRequest(
	url: URL,
	method: string,
	headers: Record<string, string>,
	body: Buffer,
	chunked: boolean,
): Promise<{ status: number; text: string }> {
	return new Promise((resolve, reject) => {
		const socket = connect(Number(url.port), url.hostname);
		let received = '';

		socket.on('data', (chunk) => {
			received += chunk.toString('latin1');
			const status = /^HTTP\/1\.1 (\d{3})/.exec(received);

			if (status && received.includes('\r\n\r\n')) {
				socket.destroy();
				resolve({ status: Number(status[1]), text: received.slice(received.indexOf('\r\n\r\n') + 4) });
			}
		});

		socket.on('error', (error) => (received ? undefined : reject(error)));

		socket.on('close', () =>
			resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0), text: received }),
		);

		const lines = [
			`${method} ${url.pathname}${url.search} HTTP/1.1`,
			`host: ${url.host}`,
			'connection: close',
			...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
		];

		if (chunked) lines.push('transfer-encoding: chunked');
		else if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-length'))
			lines.push(`content-length: ${body.length}`);
		socket.write(`${lines.join('\r\n')}\r\n\r\n`);
		if (!chunked) return void socket.write(body, () => {});

		for (let at = 0; at < body.length && !socket.destroyed; at += 8192) {
			const piece = body.subarray(at, at + 8192);
			socket.write(`${piece.length.toString(16)}\r\n`);
			socket.write(piece);
			socket.write('\r\n');
		}

		if (!socket.destroyed) socket.write('0\r\n\r\n');
	});
}

describe.each(vendors())('hostile input on %s', (vendor) => {
	let instance: Instance;
	const channels: Record<string, { id: string; key: string; webhook: string }> = {};
	let uploadsRoot = '';

	beforeAll(async () => {
		instance = await startInstance(vendor, { ACTIVITY_HUB_RATE_LIMIT_PER_MINUTE: '100000' });
		uploadsRoot = instance.env['STORAGE_LOCAL_ROOT']!;
		const small = { max_request_bytes: 65536, max_file_bytes: 16384, max_files: 3 };

		const definitions: Record<string, Record<string, unknown>> = {
			generic: { provider: 'generic', ...small },
			'generic-large': { provider: 'generic', max_request_bytes: 4 * 1024 * 1024 },
			'generic-signed': { provider: 'generic', secrets: { webhook_secret: SECRETS.webhook } },
			'other-channel': { provider: 'generic' },
			disabled: { provider: 'generic', enabled: false },
			twilio: { provider: 'twilio', ...small },
			'twilio-signed': { provider: 'twilio', secrets: { auth_token: SECRETS.twilio } },
			postmark: {
				provider: 'postmark',
				...small,
				max_file_bytes: 4096,
				allowed_mime_types: ['image/*', 'application/pdf'],
			},
			mailgun: { provider: 'mailgun', secrets: { signing_key: SECRETS.mailgun } },
			sendgrid: { provider: 'sendgrid', ...small },
			whatsapp: {
				provider: 'whatsapp',
				secrets: { app_secret: SECRETS.whatsapp, verify_token: 'hostile-verify-token' },
			},
			upload: { provider: 'upload', ...small, allowed_mime_types: ['image/png', 'image/jpeg', 'application/pdf'] },
			zoom: { provider: 'zoom', secrets: { secret_token: SECRETS.zoom } },
			calcom: { provider: 'calcom', secrets: { signing_secret: SECRETS.calcom } },
			calendly: { provider: 'calendly', secrets: { signing_key: SECRETS.calendly } },
		};

		for (const [name, fields] of Object.entries(definitions))
			channels[name] = await createChannel(instance, { name: `hostile ${name}`, ...fields });
	});

	afterAll(() => instance?.stop());

	const counts = async () => {
		const count = async (table: string) => Number((await instance.db(table).count({ n: '*' }).first())!['n']);

		const storedFiles = (await readdir(uploadsRoot, { recursive: true, withFileTypes: true })).filter((entry) =>
			entry.isFile(),
		).length;

		return {
			activities: await count('activities'),
			files: await count('directus_files'),
			links: await count('activity_files'),
			notes: await count('contact_notes'),
			storedFiles,
		};
	};

	async function send(c: HostileCase) {
		const channel = channels[c.channel]!;
		const now = Math.floor(Date.now() / 1000);
		const url = new URL(`${instance.url}${c.path ?? `/ingest/${channel.id}`}${c.query ?? ''}`);

		const headers: Record<string, string> = Object.fromEntries(
			Object.entries(c.headers).map(([k, v]) => [k, v.replaceAll('{now}', String(now))]),
		);

		const key = c.key ?? 'header';
		if (key === 'header') headers['x-ingestion-key'] = channel.key;
		if (key === 'wrong') headers['x-ingestion-key'] = `ahk_${randomBytes(32).toString('base64url')}`;
		if (key === 'other-channel') headers['x-ingestion-key'] = channels['other-channel']!.key;
		if (key === 'query') url.searchParams.set('key', channel.key);
		let body = bodyOf(c, now);

		if (c.sign) {
			const tamper = (b: Buffer) =>
				c.sign!.tamper ? Buffer.concat([b, Buffer.from(c.sign!.scheme === 'twilio' ? '&Extra=1' : ' ')]) : b;

			const signedAt = now - (c.sign.age_seconds ?? 0);

			if (c.sign.scheme === 'standard-webhooks') {
				const id = `msg_${randomBytes(8).toString('hex')}`;

				Object.assign(headers, {
					'webhook-id': id,
					'webhook-timestamp': String(signedAt),
					'webhook-signature': new Webhook(c.sign.secret ?? SECRETS.webhook).sign(
						id,
						new Date(signedAt * 1000),
						body.toString('utf8'),
					),
				});
			} else if (c.sign.scheme === 'whatsapp') {
				headers['x-hub-signature-256'] = `sha256=${createHmac('sha256', c.sign.secret ?? SECRETS.whatsapp)
					.update(body)
					.digest('hex')}`;
			} else if (c.sign.scheme === 'zoom') {
				headers['x-zm-request-timestamp'] = String(signedAt);

				headers['x-zm-signature'] =
					`v0=${hex(c.sign.secret ?? SECRETS.zoom, Buffer.concat([Buffer.from(`v0:${signedAt}:`), body]))}`;
			} else if (c.sign.scheme === 'calcom') {
				headers['x-cal-signature-256'] = hex(c.sign.secret ?? SECRETS.calcom, body);
			} else if (c.sign.scheme === 'calendly') {
				const mac = hex(c.sign.secret ?? SECRETS.calendly, Buffer.concat([Buffer.from(`${signedAt}.`), body]));
				headers['calendly-webhook-signature'] = `t=${signedAt},v1=${mac}`;
			} else if (c.sign.scheme === 'twilio') {
				headers['x-twilio-signature'] = twilioSignature(c.sign.secret ?? SECRETS.twilio, url.toString(), [
					...new URLSearchParams(body.toString('utf8')),
				]);
			} else {
				const token = randomBytes(16).toString('hex');

				const signature = createHmac('sha256', c.sign.secret ?? SECRETS.mailgun)
					.update(`${signedAt}${token}`)
					.digest('hex');

				const fields = ['timestamp', String(signedAt), 'token', token, 'signature', signature];
				let extra = '';
				for (let i = 0; i < fields.length; i += 2)
					extra += `--hostileboundary\r\nContent-Disposition: form-data; name="${fields[i]}"\r\n\r\n${fields[i + 1]}\r\n`;

				body = Buffer.from(
					body.toString('latin1').replace('--hostileboundary--', `${extra}--hostileboundary--`),
					'latin1',
				);
			}

			body = tamper(body);
		}

		const method = c.method ?? 'POST';
		if (c.raw) return rawRequest(url, method, headers, body, c.chunked ?? false);

		const reply = await call(url.toString(), {
			method,
			headers,
			body: method === 'GET' ? undefined : new Uint8Array(body),
		});

		return {
			status: reply.status,
			text: reply.text,
			again: () => call(url.toString(), { method, headers, body: new Uint8Array(body) }),
		};
	}

	it(`has at least 100 cases (${CORPUS.length})`, () => expect(CORPUS.length).toBeGreaterThanOrEqual(100));

	it.each(CORPUS.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
		let replay: (() => Promise<{ status: number; text: string }>) | undefined;

		if (c.replay_of_valid) {
			const first = await send(c);
			expect(first.status, `the valid original of ${c.name}`).toBeLessThan(300);
			replay = (first as { again: () => Promise<{ status: number; text: string }> }).again;
		}

		const before = await counts();
		const lastRefusal = Number((await instance.db(REFUSALS_TABLE).max({ id: 'id' }).first())?.['id'] ?? 0);
		const reply = replay ? await replay() : await send(c);
		const allowed = Array.isArray(c.expect) ? c.expect : [c.expect];
		expect(allowed, `${c.why}: got ${reply.status} ${reply.text.slice(0, 300)}`).toContain(reply.status);
		expect(reply.status).toBeGreaterThanOrEqual(400);
		expect(reply.status).toBeLessThan(500);
		expect(reply.text).not.toMatch(LEAK);
		expect(await counts()).toEqual(before);

		// The refusal log: one entry, written in the batch after the reply, for a channel that exists.
		const logged = () => instance.db(REFUSALS_TABLE).where('id', '>', lastRefusal).orderBy('id');
		const channelExists = !c.path && reply.status !== 431;

		if (!channelExists) {
			await new Promise((resolve) => setTimeout(resolve, REFUSAL_LOG_FLUSH_MS + 300));
			expect(await logged()).toEqual([]);
			return;
		}

		await expect.poll(async () => (await logged()).length, { timeout: 5000, interval: 50 }).toBeGreaterThan(0);

		const code = (JSON.parse(reply.text) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions
			.code;

		const entries = await logged();

		expect(entries).toEqual([
			expect.objectContaining({ channel: channels[c.channel]!.id, status: reply.status, reason: code }),
		]);

		// Never the body, the key or a signature: the entry has no column that could hold them.
		expect(Object.keys(entries[0]!).sort()).toEqual(
			['channel', 'content_length', 'id', 'provider', 'reason', 'refused_at', 'remote_address', 'status'].sort(),
		);
	});

	it('stores SQL and HTML in free-text fields verbatim, as data', async () => {
		const hostile = {
			type: 'email',
			subject: `Robert'); DROP TABLE activities;-- <img src=x onerror="alert(1)">`,
			content: `<script>fetch('/users/me')</script><iframe src="javascript:alert(1)"></iframe>' OR '1'='1`,
			sender: `"><svg onload=alert(1)>@evil.example`,
			recipient: `x' UNION SELECT password FROM directus_users --`,
			external_id: `'; DELETE FROM contacts; --`,
			metadata: { note: '{{7*7}} ${7*7} <%= 7*7 %>' },
		};

		const reply = await call(channels['generic']!.webhook, {
			method: 'POST',
			headers: { 'x-ingestion-key': channels['generic']!.key },
			json: hostile,
		});

		expect(reply.status).toBe(202);

		const stored = await admin(instance).get(
			`/items/activities/${reply.body.data.id}?fields=type,subject,content,sender,recipient,external_id,metadata`,
		);

		expect(stored.body.data).toEqual(hostile);
		expect(Number((await instance.db('directus_users').count({ n: '*' }).first())!['n'])).toBeGreaterThan(0);
	});
});
