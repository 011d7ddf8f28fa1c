// BENCH_ONLY=imap: mailbox channels against a real Dovecot (tests/harness/dovecot.ts). A first sync of a 10,000-message
// mailbox (plain, HTML, small attachments) through Directus against the same client (imapflow, the same batches)
// fetching and parsing (mailparser, the same parser) the same messages without storing them; the server's RSS
// throughout (the mailbox is never held in memory); and with IDLE, a message appended to the Inbox until its
// websocket create event, as an open timeline sees it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import type { DatabaseConfig } from '../scripts/lib/directus.mjs';
import { parseMailMessage } from '../extensions/activity-hub/src/shared/node/providers/imap.js';
import { DEFAULT_CHANNEL_LIMITS } from '../extensions/activity-hub/src/shared/limits.js';
import { type MailUser, message, startDovecot } from '../tests/harness/dovecot.js';
import { fmt, percentile } from './load.js';

interface Deps {
	database: (vendor: 'sqlite' | 'pg', name: string) => Promise<{ config: DatabaseConfig; db: Knex }>;
	instance: (
		config: DatabaseConfig,
		dataDir: string,
		extra?: Record<string, string>,
		install?: boolean,
		start?: { cli?: string },
	) => Promise<{ url: string; stop: () => Promise<void>; child: { pid?: number } }>;
	row: (measure: string, goal: string, figure: string, result: string, details: string) => void;
	N: (full: number) => number;
	root: string;
	adminToken: string;
}

const HERE = dirname(fileURLToPath(import.meta.url));

const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
	'base64',
);

/** The realistic mix: 60 % plain, 30 % HTML with a text part, 10 % with a small attachment (2–20 KB). */
export function mixed(i: number, to: string): string {
	const from = `Person ${i % 300} <p${i % 300}@bench.example>`;

	const base = {
		from,
		to,
		subject: `Message ${i}`,
		messageId: `<bench-${i}@bench.example>`,
		date: new Date(Date.now() - i * 1000),
	};

	const text = `Hello,\n\nthis is message ${i}. ${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(8)}\n\nRegards`;

	if (i % 10 < 6) return message({ ...base, body: text });

	if (i % 10 < 9)
		return message({
			...base,
			contentType: 'multipart/alternative; boundary="alt"',
			body: `--alt\nContent-Type: text/plain; charset=utf-8\n\n${text}\n--alt\nContent-Type: text/html; charset=utf-8\n\n<html><body><p>${text.replace(/\n/g, '<br>')}</p><table><tr><td>cell</td></tr></table></body></html>\n--alt--`,
		});

	const attachment = Buffer.concat([PNG, Buffer.alloc(2048 + (i % 18) * 1024, i % 251)]).toString('base64');

	return message({
		...base,
		contentType: 'multipart/mixed; boundary="mix"',
		body: `--mix\nContent-Type: text/plain; charset=utf-8\n\n${text}\n--mix\nContent-Type: image/png; name="scan-${i}.png"\nContent-Disposition: attachment; filename="scan-${i}.png"\nContent-Transfer-Encoding: base64\n\n${attachment.replace(/(.{76})/g, '$1\n')}\n--mix--`,
	});
}

export async function imapBench({ database, instance, row, N, root, adminToken }: Deps) {
	const dovecot = await startDovecot();

	try {
		const total = N(10_000);
		const user = await dovecot.addUser('bench@crm.example');
		const sources = Array.from({ length: total }, (_, i) => mixed(i, user.user));
		const mailboxBytes = sources.reduce((sum, source) => sum + Buffer.byteLength(source), 0);

		for (let i = 0; i < total; i += 500) await dovecot.append(user, 'INBOX', sources.slice(i, i + 500));

		// Baseline: the same client and parser, the same batches of 100, nothing stored; run before and after the sync
		// (a few seconds each, so one busy moment would move it), the mean compared.
		const baselineBefore = await fetchAndParse(dovecot, user, total);

		const { config, db } = await database('pg', 'imap_pg');
		// The live heap (after a full collection every 2 s, bench/live-heap.mjs) is what the sync keeps; RSS also counts
		// the garbage V8 has not collected yet.
		const heapLog = join(root, 'imap-heap.log');
		const heap = { BENCH_HEAP_LOG: heapLog, BENCH_HEAP_INTERVAL_MS: '2000' };
		const server = await instance(config, join(root, 'imap-pg'), heap, true, { cli: join(HERE, 'live-heap.mjs') });

		const liveHeap = (from: number, to: number) =>
			(existsSync(heapLog) ? readFileSync(heapLog, 'utf8') : '')
				.trim()
				.split('\n')
				.filter(Boolean)
				.map((line) => line.split(' ').map(Number) as [number, number])
				.filter(([at]) => at >= from && at <= to)
				.map(([, bytes]) => bytes);

		const rss = () =>
			Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

		try {
			// Settled first: Directus finishes loading (schema, extensions, the first looks) after it answers.
			const ready = Date.now();
			while (liveHeap(ready, Infinity).length < 2) await new Promise((resolve) => setTimeout(resolve, 250));
			const before = rss();
			let peak = before;
			const sampler = setInterval(() => (peak = Math.max(peak, rss())), 50);
			const started = performance.now();

			const created = await fetch(`${server.url}/items/ingestion_channels`, {
				method: 'POST',
				headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
				body: JSON.stringify({
					name: 'bench mailbox',
					provider: 'imap',
					settings: dovecot.settings(user, { since: 3650 }),
					secrets: { password: user.password },
				}),
			});

			const channelId = (await created.json()).data.id as string;
			const stored = async () => Number((await db('activities').where({ channel: channelId }).count({ n: '*' }))[0]!.n);

			const startedAt = Date.now();

			while ((await stored()) < total) {
				if (performance.now() - started > 30 * 60_000) throw new Error('imap bench: first sync did not finish');
				await new Promise((resolve) => setTimeout(resolve, 100));
			}

			const endedAt = Date.now();
			const seconds = (performance.now() - started) / 1000;
			clearInterval(sampler);
			const rate = total / seconds;
			const baselineAfter = await fetchAndParse(dovecot, user, total);
			const baseline = { rate: (baselineBefore.rate + baselineAfter.rate) / 2 };
			const share = rate / baseline.rate;

			row(
				`imap: first sync of ${total.toLocaleString('en')} messages (pg)`,
				'≥ 50 % of fetch + parse alone',
				`${fmt(rate, 0)} msg/s`,
				`**${share >= 0.5 ? 'met' : 'missed'}**: ${fmt(share * 100, 0)} % of ${fmt(baseline.rate, 0)} msg/s`,
				`Dovecot on loopback; 60 % plain, 30 % HTML, 10 % with a 2–20 KB attachment (${fmt(mailboxBytes / 2 ** 20, 0)} MB); baseline: imapflow fetching the same batches of 100 and mailparser parsing them, nothing stored (${fmt(baselineBefore.rate, 0)} msg/s before the sync, ${fmt(baselineAfter.rate, 0)} after); sync: parse, store attachments in Directus Files, write activities with matching, advance the cursors`,
			);

			const heapDuring = liveHeap(startedAt, endedAt);
			const heapBefore = liveHeap(0, startedAt).at(-1) ?? heapDuring[0] ?? 0;
			const heapPeak = Math.max(heapBefore, ...heapDuring);

			row(
				`imap: server memory during the first sync (pg)`,
				'not the mailbox in memory',
				`live heap +${fmt((heapPeak - heapBefore) / 2 ** 20, 1)} MB`,
				`**${heapPeak - heapBefore < mailboxBytes ? 'met' : 'missed'}**: ${fmt(((heapPeak - heapBefore) / mailboxBytes) * 100, 0)} % of the ${fmt(mailboxBytes / 2 ** 20, 0)} MB mailbox`,
				`live heap ${fmt(heapBefore / 2 ** 20, 0)} → peak ${fmt(heapPeak / 2 ** 20, 0)} MB after a full collection every 2 s (${heapDuring.length} samples); RSS ${fmt(before / 2 ** 20, 0)} → peak ${fmt(peak / 2 ** 20, 0)} MB, sampled every 50 ms, which also counts the garbage V8 has not collected yet; batches of ≤ 100 messages or 24 MB, two in memory`,
			);

			const latency = await idleLatency(server.url, adminToken, dovecot, user, N(50));

			row(
				'imap: appended to the Inbox → on an open timeline (IDLE, pg)',
				'p50 ≤ 2 s',
				`p50 ${fmt(latency.p50, 0)} ms, p99 ${fmt(latency.p99, 0)} ms`,
				`**${latency.p50 <= 2000 ? 'met' : 'missed'}**`,
				`${latency.samples} messages APPENDed one at a time; until the websocket create event of its activity`,
			);
		} finally {
			await server.stop();
			await db.destroy();
		}
	} finally {
		await dovecot.stop();
	}
}

async function fetchAndParse(dovecot: Awaited<ReturnType<typeof startDovecot>>, user: MailUser, total: number) {
	const client = await dovecot.client(user);
	const started = performance.now();
	let parsed = 0;

	try {
		const lock = await client.getMailboxLock('INBOX', { readOnly: true });

		try {
			const uids = ((await client.search({ all: true }, { uid: true })) || []).sort((a, b) => a - b);
			const limits = { maxFileBytes: DEFAULT_CHANNEL_LIMITS.maxFileBytes, maxFiles: DEFAULT_CHANNEL_LIMITS.maxFiles };
			const settings = { provider: 'imap', defaultType: 'note', defaultDirection: 'inbound', secrets: {} } as const;

			for (let i = 0; i < uids.length; i += 100) {
				const batch = uids.slice(i, i + 100);
				const messages: Array<{ uid: number; source: Buffer }> = [];
				for await (const m of client.fetch(
					batch.join(','),
					{ uid: true, source: true, internalDate: true },
					{ uid: true },
				))
					if (m.source) messages.push({ uid: m.uid, source: m.source });

				for (const m of messages) {
					await parseMailMessage(
						{ raw: m.source, direction: 'inbound', folder: 'INBOX', uid: m.uid },
						settings,
						limits,
						new Date(),
					);

					parsed++;
				}
			}
		} finally {
			lock.release();
		}
	} finally {
		await client.logout();
	}

	if (parsed !== total) throw new Error(`imap bench: the baseline parsed ${parsed} of ${total}`);
	return { rate: total / ((performance.now() - started) / 1000) };
}

async function idleLatency(
	url: string,
	token: string,
	dovecot: Awaited<ReturnType<typeof startDovecot>>,
	user: MailUser,
	samples: number,
) {
	const socket = new WebSocket(`${url.replace('http', 'ws')}/websocket`);
	const waiting = new Map<string, (at: number) => void>();

	socket.addEventListener('message', (event) => {
		const at = performance.now();
		const data = JSON.parse(String(event.data));
		if (data.type === 'ping') return socket.send(JSON.stringify({ type: 'pong' }));
		if (data.type !== 'subscription' || data.event !== 'create') return;
		for (const item of data.data ?? []) waiting.get(item.subject)?.(at);
	});

	await new Promise((resolve) => socket.addEventListener('open', resolve));
	socket.send(JSON.stringify({ type: 'auth', access_token: token }));
	await new Promise((resolve) => setTimeout(resolve, 200));

	socket.send(
		JSON.stringify({
			type: 'subscribe',
			collection: 'activities',
			event: 'create',
			uid: 'imap',
			query: { fields: ['id', 'subject'] },
		}),
	);

	await new Promise((resolve) => setTimeout(resolve, 2000)); // the watcher is idling
	const times: number[] = [];

	for (let i = 0; i < samples; i++) {
		const subject = `live ${i} ${Date.now()}`;

		const arrived = new Promise<number>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`imap bench: no event for "${subject}"`)), 30_000);

			waiting.set(subject, (at) => {
				clearTimeout(timer);
				resolve(at);
			});
		});

		const sent = performance.now();

		await dovecot.append(user, 'INBOX', [
			message({
				from: 'live@bench.example',
				to: user.user,
				subject,
				messageId: `<live-${i}-${Date.now()}@bench.example>`,
			}),
		]);

		times.push((await arrived) - sent);
		waiting.delete(subject);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}

	socket.close();
	return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), samples };
}
