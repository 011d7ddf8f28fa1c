// The mailbox sync's message parser over real MIME: plain, HTML only, attachments within and over the limits,
// non-UTF-8 charsets, malformed structure, and the thread headers.
import { describe, expect, it } from 'vitest';
import { adapters, type ChannelSettings, IngestError, parseMailMessage } from './index.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const channel: ChannelSettings = { provider: 'imap', defaultType: 'note', defaultDirection: 'inbound', secrets: {} };
const limits = { maxFileBytes: 1024, maxFiles: 2 };

const mail = (headers: string, body: string | Buffer) =>
	Buffer.concat([Buffer.from(`${headers.trim().replace(/\n/g, '\r\n')}\r\n\r\n`, 'latin1'), Buffer.from(body)]);

const parse = (raw: Buffer, direction: 'inbound' | 'outbound' = 'inbound') =>
	parseMailMessage({ raw, direction, folder: 'INBOX', uid: 7 }, channel, limits, NOW);

describe('parseMailMessage', () => {
	it('a plain message: sender, To and Cc, subject, Date, ids', async () => {
		const { draft } = await parse(
			mail(
				`From: Ana Ruiz <ana@acme.example>
To: team@crm.example, "Bo" <bo@crm.example>
Cc: cy@crm.example
Subject: Quote
Date: Thu, 01 Jan 2026 10:15:00 +0100
Message-ID: <q1@Acme.Example>
Content-Type: text/plain; charset=utf-8`,
				'Please send the quote.\r\n',
			),
		);

		expect(draft).toMatchObject({
			type: 'email',
			direction: 'inbound',
			sender: 'ana@acme.example',
			recipient: 'team@crm.example, bo@crm.example, cy@crm.example',
			subject: 'Quote',
			content: 'Please send the quote.',
			message_id: 'q1@acme.example',
			external_id: 'q1@acme.example',
			thread_key: 'q1@acme.example',
		});

		expect(draft.occurred_at.toISOString()).toBe('2026-01-01T09:15:00.000Z');
		expect(draft.metadata).toMatchObject({ from_name: 'Ana Ruiz', mailbox: { folder: 'INBOX', uid: 7 } });
	});

	it('a reply in Sent is outbound and threads with the message it answers', async () => {
		const { draft } = await parse(
			mail(
				`From: team@crm.example
To: ana@acme.example
Subject: Re: Quote
Message-ID: <r1@crm.example>
In-Reply-To: <q1@acme.example>
References: <q1@acme.example>`,
				'Here it is.',
			),
			'outbound',
		);

		expect(draft).toMatchObject({ direction: 'outbound', thread_key: 'q1@acme.example', message_id: 'r1@crm.example' });
	});

	it('HTML only: the text is the HTML reduced to text, the HTML kept in the payload', async () => {
		const { draft } = await parse(
			mail(
				`From: a@x.example
Subject: Newsletter
Message-ID: <h@x.example>
Content-Type: text/html; charset=utf-8`,
				'<html><body><h1>Hello</h1><p>Big <b>news</b>.</p><script>x()</script></body></html>',
			),
		);

		expect(draft.content).toMatch(/HELLO|Hello/);
		expect(draft.content).toMatch(/Big news\./);
		expect(draft.content).not.toMatch(/<p>/);
		expect(draft.payload['html']).toContain('<h1>Hello</h1>');
	});

	it.each([
		['ISO-8859-1', 'iso-8859-1', Buffer.from([0x47, 0x72, 0xfc, 0xdf, 0x65]), 'Grüße'],
		['Shift_JIS', 'shift_jis', Buffer.from([0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd]), 'こんにちは'],
	])('decodes %s bodies and encoded-word subjects', async (_name, charset, bytes, text) => {
		const encodedSubject = `=?${charset}?B?${bytes.toString('base64')}?=`;

		const { draft } = await parse(
			mail(
				`From: a@x.example
Subject: ${encodedSubject}
Message-ID: <cs@x.example>
Content-Type: text/plain; charset=${charset}
Content-Transfer-Encoding: 8bit`,
				bytes,
			),
		);

		expect(draft.subject).toBe(text);
		expect(draft.content).toBe(text);
	});

	it('attachments within the limits become inline files; one over the size or count limit is listed as skipped', async () => {
		const part = (name: string, bytes: number) =>
			`--b\r\nContent-Type: application/octet-stream; name="${name}"\r\nContent-Disposition: attachment; filename="${name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.alloc(bytes, 1).toString('base64')}\r\n`;

		const body = `--b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n${part('a.bin', 100)}${part('big.bin', 5000)}${part('b.bin', 10)}${part('c.bin', 10)}--b--\r\n`;

		const { draft, skipped } = await parse(
			mail(
				`From: a@x.example
Subject: Files
Message-ID: <f@x.example>
Content-Type: multipart/mixed; boundary="b"`,
				body,
			),
		);

		expect(draft.content).toBe('See attached.');
		expect(draft.inlineFiles.map((f) => f.filename)).toEqual(['a.bin', 'b.bin']);

		expect(skipped.map((s) => [s.filename, s.reason])).toEqual([
			['big.bin', "larger than the channel's 1024 byte file limit"],
			['c.bin', "more than the channel's 2 files"],
		]);

		expect(draft.payload['skipped_attachments']).toHaveLength(2);
	});

	it('malformed MIME is stored with what parses (no boundary ever closes, a broken header)', async () => {
		const { draft } = await parse(
			mail(
				`From: a@x.example
Subject: Broken
Message-ID: <broken@x.example>
Content-Type: multipart/mixed; boundary="never"
Content-Transfer-Encoding: bogus`,
				'--never\r\nContent-Type: text/plain\r\n\r\nstill readable\r\n--never\r\nContent-Type: image/png; name=x.png\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64',
			),
		);

		expect(draft).toMatchObject({ subject: 'Broken', message_id: 'broken@x.example' });
		expect(draft.content).toContain('still readable');
	});

	it('a message without Message-ID gets a content id, the same for the same bytes', async () => {
		const raw = mail('From: a@x.example\nSubject: no id', 'hi');
		const [one, two] = [await parse(raw), await parse(raw)];
		expect(one.draft.message_id).toBeNull();
		expect(one.draft.external_id).toMatch(/^sha256:[0-9a-f]{64}$/);
		expect(two.draft.external_id).toBe(one.draft.external_id);
		expect(one.draft.thread_key).toBe(one.draft.external_id);
	});

	it('garbage is still a message: never throws', async () => {
		const { draft } = await parse(Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10, 65]));
		expect(draft.type).toBe('email');
	});
});

describe('imap adapter', () => {
	it('takes no webhooks', () => {
		expect(() => adapters.imap.verify({} as never, channel, NOW)).toThrow(IngestError);
		expect(adapters.imap.accepts).toEqual([]);
	});
});
