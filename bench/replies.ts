// BENCH_ONLY=replies — 1,000 e-mail replies end to end: POST /activity-hub/activities/:id/reply for 1,000 inbound
// mails of an e-mail channel whose `settings.smtp` is a local SMTP server (the `smtp-server` package, recording what
// it receives), until every reply's delivery_status is `sent`; against the same SMTP client (nodemailer, with the
// transport options and the concurrency of the sender) sending the same 1,000 messages to the same server directly,
// in the same run. The server must have received each reply exactly once.
import { join } from 'node:path';
import { type SmtpSink, startSmtpSink } from '../tests/harness/smtp.js';
import { SEND_CONCURRENCY } from '../extensions/activity-hub/src/shared/limits.js';
import { newMessageId, smtpClient } from '../extensions/activity-hub/src/shared/node/senders/email.js';
import { readConfig } from '../extensions/activity-hub/src/shared/config.js';
import { fmt } from './load.js';
import type { BenchKit } from './mcp.js';

const FROM = 'support@acme.example';
const CONTENT = `Hello,\n\nthanks for your message. ${'We will get back to you with the details shortly. '.repeat(6)}\n\nRegards,\nSupport`;

/** The Message-ID of each message the local SMTP server received, in order. */
const messageIds = (sink: SmtpSink) => sink.mails.map((mail) => /^Message-ID:\s*<([^>]+)>/im.exec(mail.raw)?.[1] ?? '');

/** The same messages through nodemailer alone: the sender's own transport (smtpClient), SEND_CONCURRENCY at a time. */
async function direct(port: number, total: number, label: string) {
	const smtp = { host: '127.0.0.1', port, secure: false, username: null, from: FROM };
	const transport = smtpClient(smtp, null, readConfig({}).outbound.timeoutMs);
	const started = performance.now();
	let next = 0;

	const worker = async () => {
		for (;;) {
			const i = next++;
			if (i >= total) return;

			await transport.sendMail({
				from: FROM,
				to: `customer${i}@bench.example`,
				subject: `Re: Question ${i}`,
				text: CONTENT,
				messageId: `<${label}-${newMessageId(FROM)}>`,
				inReplyTo: `<question-${i}@bench.example>`,
				references: [`<question-${i}@bench.example>`],
			});
		}
	};

	try {
		await Promise.all(Array.from({ length: SEND_CONCURRENCY }, worker));
		return (performance.now() - started) / 1000;
	} finally {
		transport.close();
	}
}

export async function repliesBench({ database, instance, row, N, root, adminToken }: BenchKit) {
	const total = N(1000);
	const sink = await startSmtpSink();

	try {
		for (const vendor of ['pg', 'sqlite'] as const) {
			const { config, db } = await database(vendor, `replies_${vendor}`);
			const server = await instance(config, join(root, `replies-${vendor}`));

			const api = async (path: string, body: unknown) => {
				const response = await fetch(`${server.url}${path}`, {
					method: 'POST',
					headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
					body: JSON.stringify(body),
				});

				const text = await response.text();
				if (!response.ok) throw new Error(`replies bench: ${path} answered ${response.status} ${text}`);
				return JSON.parse(text);
			};

			try {
				const channel = (
					await api('/items/ingestion_channels', {
						name: 'bench mail',
						provider: 'postmark',
						settings: { smtp: { host: '127.0.0.1', port: sink.port, secure: false, from: FROM } },
					})
				).data.id as string;

				// The 1,000 inbound mails the replies answer (written as a mail provider's webhook would store them).
				const now = new Date().toISOString();

				const originals = Array.from({ length: total }, (_, i) => ({
					id: crypto.randomUUID(),
					type: 'email',
					direction: 'inbound',
					status: 'completed',
					channel,
					subject: `Question ${i}`,
					content: 'Is the offer still valid?',
					sender: `customer${i}@bench.example`,
					recipient: FROM,
					message_id: `question-${i}-${vendor}@bench.example`,
					thread_key: `question-${i}-${vendor}@bench.example`,
					occurred_at: vendor === 'pg' ? now : Date.parse(now),
					external_id: `question-${i}`,
					match_status: 'unmatched',
					attempts: 1,
					max_attempts: 5,
					available_at: vendor === 'pg' ? now : Date.parse(now),
					date_created: vendor === 'pg' ? now : Date.parse(now),
				}));

				for (let i = 0; i < originals.length; i += 200) await db('activities').insert(originals.slice(i, i + 200));

				const sent = async () =>
					Number(
						(
							await db('activities')
								.where({ channel, direction: 'outbound', delivery_status: 'sent' })
								.count({ n: '*' })
						)[0]!.n,
					);

				// Warm-up: the route, the sender and the SMTP path once each, outside the figures.
				const warm = Math.min(20, total);
				for (let i = 0; i < warm; i++)
					await api(`/activity-hub/activities/${originals[i]!.id}/reply`, { content: 'warm' });
				while ((await sent()) < warm) await new Promise((resolve) => setTimeout(resolve, 20));
				await direct(sink.port, warm, `warm-${vendor}`);

				// Baseline and Hub alternate, two rounds each, half the messages per round (neither gets the warmer machine).
				let baseSeconds = 0;
				let hubSeconds = 0;
				let postSeconds = 0;
				let done = warm;
				const half = Math.ceil(total / 2);

				for (let round = 0; round < 2; round++) {
					const slice = originals.slice(round * half, Math.min(total, (round + 1) * half));
					baseSeconds += await direct(sink.port, slice.length, `direct-${vendor}-${round}`);

					sink.mails.length = 0;
					const started = performance.now();
					let next = 0;

					await Promise.all(
						Array.from({ length: 8 }, async () => {
							for (;;) {
								const original = slice[next++];
								if (!original) return;
								await api(`/activity-hub/activities/${original.id}/reply`, { content: CONTENT });
							}
						}),
					);

					postSeconds += (performance.now() - started) / 1000;
					done += slice.length;

					// The SMTP server's count first (no reads of the database meanwhile: SQLite has one writer), then the
					// database until every reply is settled `sent`.
					while (sink.mails.length < slice.length || (await sent()) < done) {
						if (performance.now() - started > 10 * 60_000) throw new Error('replies bench: replies were not sent');
						await new Promise((resolve) => setTimeout(resolve, sink.mails.length < slice.length ? 5 : 20));
					}

					hubSeconds += (performance.now() - started) / 1000;
					const ids = new Set(messageIds(sink));
					if (sink.mails.length !== slice.length || ids.size !== slice.length)
						throw new Error(
							`replies bench: the SMTP server received ${sink.mails.length} messages (${ids.size} distinct) for ${slice.length} replies`,
						);
				}

				const failed = Number(
					(
						await db('activities')
							.where({ channel, direction: 'outbound' })
							.whereNot({ delivery_status: 'sent' })
							.count({ n: '*' })
					)[0]!.n,
				);

				if (failed) throw new Error(`replies bench: ${failed} replies not sent`);
				const hubRate = total / hubSeconds;
				const baseRate = total / baseSeconds;
				const share = hubRate / baseRate;

				row(
					`replies: ${total.toLocaleString('en')} e-mail replies, API → sent (${vendor})`,
					'≥ 50 % of nodemailer alone',
					`${fmt(hubRate, 0)} msg/s vs ${fmt(baseRate, 0)} msg/s`,
					`**${share >= 0.5 ? 'met' : 'missed'}**: ${fmt(share * 100, 0)} %`,
					`POST /activities/:id/reply (8 clients) until delivery_status = sent, each received once by a local smtp-server; baseline: nodemailer with the sender's transport options and concurrency (${SEND_CONCURRENCY}) sending the same messages to the same server; two alternating rounds; the POSTs alone answered ${fmt(total / postSeconds, 0)}/s`,
				);
			} finally {
				await server.stop();
				await db.destroy();
			}
		}
	} finally {
		await sink.close();
	}
}
