// BENCH_ONLY=contact-stream — matching under a continuous contact stream (a CRM sync writing one contact every
// 100 ms) on PostgreSQL with two Directus instances: after each create returns, a webhook from the new contact's
// address on the same instance at once, and one on the other instance 1 s later; every 5th step an update adds an
// address to an earlier contact and a webhook from it follows at once. Goals, not ratios: the old identity index
// (a 200 ms quiet period restarted by every write) matched none of these while the stream ran.
import { join } from 'node:path';
import type { BenchKit } from './mcp.js';
import { fmt, percentile } from './load.js';

type Kit = Omit<BenchKit, 'instance'> & {
	instance: (
		config: Parameters<BenchKit['instance']>[0],
		dataDir: string,
		extra?: Record<string, string>,
		install?: boolean,
	) => Promise<{ url: string; stop: () => Promise<unknown> }>;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function contactStreamBench({ database, instance, channel, row, N, root, adminToken }: Kit) {
	const { config, db } = await database('pg', 'contact_stream');
	const dataDir = join(root, 'contact-stream');
	const a = await instance(config, dataDir);
	const b = await instance(config, dataDir, {}, false);
	const ch = await channel(a.url);
	const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };

	const rest = async (url: string, method: string, path: string, body: unknown) => {
		const reply = await fetch(`${url}${path}`, { method, headers, body: JSON.stringify(body) });
		return (await reply.json()) as { data: Record<string, unknown> };
	};

	const ingest = async (url: string, sender: string, tag: string) => {
		const reply = await fetch(`${url}/ingest/${ch.id}`, {
			method: 'POST',
			headers: { authorization: `Bearer ${ch.key}`, 'content-type': 'application/json' },
			body: JSON.stringify({ type: 'email', sender, content: 'x', external_id: tag }),
		});

		return ((await reply.json()) as { data: { contact: number | null } }).data.contact;
	};

	// Write returned → its identity visible in the index, polled on its own connection every 5 ms.
	const lagOf = async (value: string, since: number) => {
		for (;;) {
			if (await db('contact_identities').where({ value }).first()) return performance.now() - since;
			if (performance.now() - since > 30_000) return Infinity;
			await sleep(5);
		}
	};

	const steps = N(600);
	const same: boolean[] = [];
	const other: Array<Promise<boolean>> = [];
	const updated: boolean[] = [];
	const lags: Array<Promise<number>> = [];
	const started = performance.now();

	for (let i = 0; i < steps; i++) {
		const tick = started + i * 100;
		await sleep(Math.max(0, tick - performance.now()));
		const email = `stream${i}@bench.example`;

		const created = await rest(a.url, 'POST', '/items/contacts', {
			first_name: `S${i}`,
			emails: [{ email, type: 'work' }],
		});

		const returned = performance.now();
		const id = created.data['id'] as number;
		lags.push(lagOf(email, returned));
		same.push((await ingest(a.url, email, `same-${i}`)) === id);
		other.push(sleep(1000).then(async () => (await ingest(b.url, email, `other-${i}`)) === id));

		if (i % 5 === 4) {
			const earlier = i - 3;
			const added = `added${earlier}@bench.example`;

			const row = await db('contacts')
				.where({ first_name: `S${earlier}` })
				.first('id');

			await rest(a.url, 'PATCH', `/items/contacts/${row.id}`, {
				emails: [
					{ email: `stream${earlier}@bench.example`, type: 'work' },
					{ email: added, type: 'home' },
				],
			});

			updated.push((await ingest(a.url, added, `upd-${i}`)) === row.id);
		}
	}

	const across = await Promise.all(other);
	const lag = (await Promise.all(lags)).filter(Number.isFinite);
	const count = (list: boolean[]) => list.filter(Boolean).length;
	const seconds = fmt((performance.now() - started) / 1000);

	row(
		'webhook right after its contact was created or updated, same instance (pg, a contact every 100 ms)',
		'100 % matched',
		`${count(same)}/${same.length} after create, ${count(updated)}/${updated.length} after update`,
		`**${fmt((100 * (count(same) + count(updated))) / (same.length + updated.length), 1)} %**`,
		`${steps} contacts over ${seconds} s; the old index (200 ms quiet period restarted per write) matched 0 while the stream ran`,
	);

	row(
		'index lag under the stream: write returned → identity in the index',
		'≤ 1 s p99',
		`p50 ${fmt(percentile(lag, 0.5))} ms, p99 ${fmt(percentile(lag, 0.99))} ms`,
		`**${count(across)}/${across.length} matched on the other instance 1 s later**`,
		`${lag.length}/${steps} indexed within 30 s, polled every 5 ms`,
	);

	await a.stop();
	await b.stop();
	await db.destroy();
}
