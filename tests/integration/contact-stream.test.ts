// Read-your-writes matching: contacts created and updated while webhooks from their addresses stream in at full
// speed (two instances with Redis on PostgreSQL, one on SQLite); every ingest that starts after its contact's write
// returned names the contact, on the other instance within 1 s; at the end every activity is matched exactly as the
// identity index says, and the once-per-cluster sweep links orphans nothing else would.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedis } from '../../scripts/lib/redis.mjs';
import { admin, call, createChannel } from '../harness/api.js';
import { type Instance, startInstance, vendors } from '../harness/instance.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Sent {
	url: string;
	address: string;
	startedAt: number;
	contact: number | null;
	id: string;
}

describe.each(vendors())('matching under a contact stream on %s', (vendor) => {
	let instance: Instance;
	let sibling: Awaited<ReturnType<Instance['sibling']>> | null = null;
	let redis: RedisServer | null = null;
	let urls: string[];

	beforeAll(async () => {
		const cluster: Record<string, string> = { ACTIVITY_HUB_SWEEP_CRON: '*/2 * * * * *' };

		if (vendor === 'pg') {
			redis = await startRedis();
			Object.assign(cluster, { REDIS: redis.url, SYNCHRONIZATION_STORE: 'redis', LOG_LEVEL: 'debug' });
		}

		instance = await startInstance(vendor, cluster);
		if (vendor === 'pg') sibling = await instance.sibling(cluster);
		urls = [instance.url, ...(sibling ? [sibling.url] : [])];
	}, 240_000);

	afterAll(async () => {
		await sibling?.stop();
		await instance?.stop();
		await redis?.stop();
	});

	it('names the contact just written in every later ingest, and ends matched as the index says', async () => {
		const channel = await createChannel(instance, { provider: 'generic' });
		const tag = randomUUID().slice(0, 8);
		const address = (i: number, kind = 'c') => `${kind}${i}-${tag}@stream.example`;
		const contacts = 40;
		// Address → [instance URL where its write returned, when, the contact].
		const written = new Map<string, { url: string; at: number; contact: number }>();
		const sent: Sent[] = [];
		let writing = true;

		const ingest = async (url: string, from: string) => {
			const startedAt = Date.now();

			const reply = await call(`${url}/ingest/${channel.id}`, {
				method: 'POST',
				headers: { 'x-ingestion-key': channel.key },
				json: { type: 'email', sender: from, content: `hello from ${from}` },
			});

			expect(reply.status, reply.text).toBe(202);
			sent.push({ url, address: from, startedAt, contact: reply.body.data.contact, id: reply.body.data.id });
		};

		// Webhooks at full speed from every address the writer will use (and some it never will), on every instance.
		const streams = Array.from({ length: 4 }, async (_, stream) => {
			for (let n = 0; writing; n++) {
				const i = (n * 7 + stream * 13) % (contacts + 5);
				const kind = n % 3 === 0 ? 'u' : 'c';
				await ingest(urls[(n + stream) % urls.length]!, address(i, kind));
			}
		});

		const writer = (async () => {
			for (let i = 0; i < contacts; i++) {
				const url = urls[i % urls.length]!;

				const created = await call(`${url}/items/contacts`, {
					method: 'POST',
					token: instance.token,
					json: { first_name: `Stream ${i}`, emails: [{ email: address(i), type: 'work' }] },
				});

				expect(created.status, created.text).toBe(200);
				const contact = created.body.data.id as number;
				written.set(address(i), { url, at: Date.now(), contact });
				// A webhook the moment the write returned, on the instance that wrote it.
				await ingest(url, address(i));

				if (i % 2 === 1) {
					// An update on the other instance adds a second address.
					const other = urls[(i + 1) % urls.length]!;

					const updated = await call(`${other}/items/contacts/${contact}`, {
						method: 'PATCH',
						token: instance.token,
						json: {
							emails: [
								{ email: address(i), type: 'work' },
								{ email: address(i, 'u'), type: 'home' },
							],
						},
					});

					expect(updated.status, updated.text).toBe(200);
					written.set(address(i, 'u'), { url: other, at: Date.now(), contact });
					await ingest(other, address(i, 'u'));
				}

				await sleep(20);
			}

			// Keep streaming a little longer than the cross-instance bound.
			await sleep(1500);
			writing = false;
		})();

		await Promise.all([writer, ...streams]);
		expect(sent.length).toBeGreaterThan(contacts * 3);

		// 1. Every ingest that started after its address was written on the same instance named the contact at once;
		//    on another instance, every one that started 1 s after.
		const late = sent.filter((s) => {
			const write = written.get(s.address);
			if (!write) return false;
			return s.url === write.url ? s.startedAt >= write.at : s.startedAt >= write.at + 1000;
		});

		expect(late.length).toBeGreaterThan(contacts);

		const wrong = late
			.filter((s) => s.contact !== written.get(s.address)!.contact)
			.map(
				(s) =>
					`${s.address} on ${s.url === instance.url ? 'A' : 'B'} +${s.startedAt - written.get(s.address)!.at} ms: ${s.contact}`,
			);

		expect(wrong).toEqual([]);

		// 2. At the end every activity is matched exactly as the index says (re-matching and the sweep included).
		const expected = async () => {
			const index = await instance
				.db('contact_identities')
				.where({ kind: 'email' })
				.whereIn('value', [...new Set(sent.map((s) => s.address))]);

			const byValue = new Map<string, number[]>();
			for (const row of index) byValue.set(row.value, [...(byValue.get(row.value) ?? []), Number(row.contact)]);

			const rows = await instance
				.db('activities')
				.where({ channel: channel.id })
				.select('id', 'sender', 'contact', 'match_status');

			return rows
				.filter((row: { sender: string; contact: number | null; match_status: string }) => {
					const owners = byValue.get(row.sender) ?? [];
					if (owners.length === 1) return !(row.match_status === 'matched' && Number(row.contact) === owners[0]);
					return row.match_status !== 'unmatched' || row.contact !== null;
				})
				.map((row: { sender: string; match_status: string }) => `${row.sender}: ${row.match_status}`);
		};

		await expect.poll(expected, { timeout: 15_000, interval: 500 }).toEqual([]);
	}, 240_000);

	it('the sweep links an orphan written past every hook, and flags a shared address ambiguous', async () => {
		const channel = await createChannel(instance, { provider: 'generic' });
		const tag = randomUUID().slice(0, 8);

		const solo = (
			await admin(instance).post('/items/contacts', {
				first_name: 'Solo',
				emails: [{ email: `solo-${tag}@sweep.example`, type: 'work' }],
			})
		).body.data.id;

		const twinA = (
			await admin(instance).post('/items/contacts', {
				first_name: 'Twin',
				emails: [{ email: `twin-${tag}@sweep.example`, type: 'work' }],
			})
		).body.data.id;

		const twinB = (
			await admin(instance).post('/items/contacts', {
				first_name: 'Twin',
				emails: [{ email: `twin-${tag}@sweep.example`, type: 'home' }],
			})
		).body.data.id;

		await expect
			.poll(async () => (await instance.db('contact_identities').whereIn('contact', [solo, twinA, twinB])).length)
			.toBe(3);

		// Rows written with SQL (an import, a lost event): no hook ever sees them; only the sweep can.
		const ids = [randomUUID(), randomUUID()];
		const now = vendor === 'sqlite' ? Date.now() : new Date();

		await instance.db('activities').insert(
			[`solo-${tag}@sweep.example`, `twin-${tag}@sweep.example`].map((sender, i) => ({
				id: ids[i],
				type: 'email',
				direction: 'inbound',
				status: 'completed',
				channel: channel.id,
				sender,
				match_status: 'unmatched',
				attempts: 1,
				max_attempts: 5,
				available_at: now,
				occurred_at: now,
			})),
		);

		await expect
			.poll(async () => (await instance.db('activities').where({ id: ids[0] }).first()).contact, { timeout: 10_000 })
			.toBe(solo);

		await expect
			.poll(async () => (await instance.db('activities').where({ id: ids[1] }).first()).match_status, {
				timeout: 10_000,
			})
			.toBe('ambiguous');

		const twin = (await admin(instance).get(`/items/activities/${ids[1]}`)).body.data;
		expect(twin.match_candidates.map(Number).sort()).toEqual([twinA, twinB].map(Number).sort());
	}, 60_000);
});
