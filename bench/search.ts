// BENCH_ONLY=search,analytics — 1,000,000 activities over a year (a tenth with BENCH_QUICK=1), written with SQL so the
// install step's triggers index them as any write would. search: a two-word query through GET /activity-hub/search
// against Directus's own GET /items/activities?search= in the same run; analytics: GET /activity-hub/analytics over
// the last 30 days against its 200 ms goal, beside Directus's own aggregate of the per-day counts alone.
import { join } from 'node:path';
import type { Knex } from 'knex';
import { fmt, percentile } from './load.js';
import type { BenchKit } from './mcp.js';

const SUBJECTS = [
	'Invoice',
	'Order',
	'Quote',
	'Refund',
	'Delivery',
	'Meeting',
	'Callback',
	'Contract',
	'Payment',
	'Complaint',
];

const WORDS = [
	'late',
	'parcel',
	'discount',
	'warranty',
	'address',
	'upgrade',
	'cancel',
	'renewal',
	'schedule',
	'damaged',
];

const QUERY = 'invoice 1042';
const DAY_MS = 86_400_000;

/** Samples of `run`, after two warm-up calls. */
async function time(samples: number, run: () => Promise<unknown>) {
	await run();
	await run();
	const took: number[] = [];

	for (let i = 0; i < samples; i++) {
		const begin = performance.now();
		await run();
		took.push(performance.now() - begin);
	}

	return { p50: percentile(took, 0.5), p99: percentile(took, 0.99) };
}

/**
 * Writes `total` activities over the year before `now`, with SQL so the install step's triggers index them as any
 * write would, and 20,000 contacts and three channels. Also used by bench/profile-analytics.ts.
 */
export async function seedActivities(db: Knex, vendor: 'pg' | 'sqlite', total: number, now: number) {
	const contacts = 20_000;

	const channels = ['sms', 'email', 'whatsapp'].map((name, i) => ({
		id: `00000000-0000-4000-8000-00000000000${i + 1}`,
		name: `Bench ${name}`,
		provider: 'generic',
	}));

	await db('ingestion_channels').insert(channels);
	const subjects = `'${SUBJECTS.join("','")}'`;
	const words = `'${WORDS.join("','")}'`;

	// Activity g: a subject word and a number (g % 4999), a body of three more words; a contact per conversation
	// (g % contacts), inbound two times in three (independently of the channel, so conversations have both), one of
	// three channels, one in 20 unmatched, spread over 365 days.
	if (vendor === 'pg') {
		await db.raw(`INSERT INTO contacts (id, first_name) SELECT g, 'C' || g FROM generate_series(1, ?) g`, [contacts]);
		await db.raw(`SELECT setval(pg_get_serial_sequence('contacts', 'id'), ?)`, [contacts]);

		await db.raw(
			`INSERT INTO activities (id, type, direction, status, channel, contact, subject, content, sender, match_status, attempts, max_attempts, available_at, occurred_at, date_updated, last_error)
			 SELECT gen_random_uuid(), (ARRAY['sms','email','whatsapp'])[g % 3 + 1], CASE WHEN (g / 3) % 3 = 0 THEN 'outbound' ELSE 'inbound' END,
			        CASE WHEN g % 200 = 0 THEN 'failed' ELSE 'completed' END,
			        (ARRAY[?, ?, ?]::uuid[])[g % 3 + 1], CASE WHEN g % 20 = 0 THEN NULL ELSE 1 + g % ? END,
			        (ARRAY[${subjects}])[g % 10 + 1] || ' ' || (g % 4999),
			        'Message ' || g || ' about the ' || (ARRAY[${words}])[g % 7 % 10 + 1] || ' ' || (ARRAY[${words}])[g % 11 % 10 + 1] || ', ' || (ARRAY[${words}])[g % 13 % 10 + 1],
			        'p' || (g % ?) || '@bench.example', CASE WHEN g % 20 = 0 THEN 'unmatched' ELSE 'matched' END, 1, 5, now(),
			        now() - (g::float8 / ? * 365) * interval '1 day', now() - (g::float8 / ? * 365) * interval '1 day',
			        CASE WHEN g % 200 = 0 THEN (ARRAY['model refused','timeout','rate limited'])[g % 3 + 1] END
			 FROM generate_series(1, ?) g`,
			[...channels.map((c) => c.id), contacts, contacts, total, total, total],
		);

		await db.raw('VACUUM ANALYZE activities');
		await db.raw('VACUUM ANALYZE activity_hub_activity_search');
	} else {
		await db.raw(
			`WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ?) INSERT INTO contacts (id, first_name) SELECT n, 'C' || n FROM g`,
			[contacts],
		);

		const pick = (list: string[], expr: string) =>
			`CASE ${expr} ${list.map((w, i) => `WHEN ${i} THEN '${w}'`).join(' ')} END`;

		await db.raw(
			`WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ?)
			 INSERT INTO activities (id, type, direction, status, channel, contact, subject, content, sender, match_status, attempts, max_attempts, available_at, occurred_at, date_updated, last_error)
			 SELECT lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-a' || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))),
			        ${pick(['sms', 'email', 'whatsapp'], 'n % 3')}, CASE WHEN (n / 3) % 3 = 0 THEN 'outbound' ELSE 'inbound' END,
			        CASE WHEN n % 200 = 0 THEN 'failed' ELSE 'completed' END,
			        ${pick(
								channels.map((c) => c.id),
								'n % 3',
							)}, CASE WHEN n % 20 = 0 THEN NULL ELSE 1 + n % ? END,
			        ${pick(SUBJECTS, 'n % 10')} || ' ' || (n % 4999),
			        'Message ' || n || ' about the ' || ${pick(WORDS, 'n % 7 % 10')} || ' ' || ${pick(WORDS, 'n % 11 % 10')} || ', ' || ${pick(WORDS, 'n % 13 % 10')},
			        'p' || (n % ?) || '@bench.example', CASE WHEN n % 20 = 0 THEN 'unmatched' ELSE 'matched' END, 1, 5, ?,
			        ? - CAST(n * 365.0 / ? * ${DAY_MS} AS INTEGER), ? - CAST(n * 365.0 / ? * ${DAY_MS} AS INTEGER),
			        CASE WHEN n % 200 = 0 THEN ${pick(['model refused', 'timeout', 'rate limited'], 'n % 3')} END
			 FROM g`,
			[total, contacts, contacts, now, now, total, now, total],
		);

		await db.raw('ANALYZE');
	}
}

export async function searchBench(kit: BenchKit & { sections: string[] }) {
	const { database, instance, row, N, root, adminToken, sections } = kit;

	for (const vendor of ['pg', 'sqlite'] as const) {
		const { config, db } = await database(vendor, `search_${vendor}`);
		const server = await instance(config, join(root, `search-${vendor}`));
		const total = N(1_000_000);
		const now = Date.now();

		const started = performance.now();
		await seedActivities(db, vendor, total, now);
		const loaded = (performance.now() - started) / 1000;

		const get = async (path: string) => {
			const reply = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${adminToken}` } });
			if (!reply.ok) throw new Error(`${path}: ${reply.status} ${await reply.text()}`);
			return (await reply.json()).data;
		};

		if (sections.includes('search')) {
			const ours = `/activity-hub/search?${new URLSearchParams({ q: QUERY })}`;
			const theirs = `/items/activities?${new URLSearchParams({ search: QUERY, limit: '20', fields: 'id,subject' })}`;
			const found = await get(ours);
			const baseline = await get(theirs);
			if (!found.results.length) throw new Error('search bench: nothing found');
			const fast = await time(N(300), () => get(ours));
			const slow = await time(Math.max(5, N(30)), () => get(theirs));
			const ratio = slow.p50 / fast.p50;

			row(
				`search: "${QUERY}" across ${total.toLocaleString('en')} activities (${vendor})`,
				'p50 ≤ 50 ms, ≥ 20× Directus ?search=',
				`p50 ${fmt(fast.p50)} ms, p99 ${fmt(fast.p99)} ms`,
				`**${fast.p50 <= 50 && ratio >= 20 ? 'met' : 'missed'}**; **${fmt(ratio)}×** Directus's own search`,
				`GET /activity-hub/search (ranked, highlights, 20 per page: ${found.results.length} shown${found.next ? ', more' : ''}) vs GET /items/activities?search= (substring scan, ${baseline.length} rows): p50 ${fmt(slow.p50)} ms, p99 ${fmt(slow.p99)} ms; indexed by the triggers while loading (${fmt(loaded, 0)} s)`,
			);
		}

		if (sections.includes('analytics')) {
			const report = await get('/activity-hub/analytics?days=30');
			const ours = await time(N(100) < 20 ? 20 : N(100), () => get('/activity-hub/analytics?days=30'));
			const since = new Date(now - 30 * DAY_MS).toISOString();

			const counts = `/items/activities?${new URLSearchParams({
				'aggregate[count]': 'id',
				'groupBy[]': 'day(occurred_at)',
				filter: JSON.stringify({ occurred_at: { _gte: since } }),
				limit: '-1',
			})}&groupBy[]=channel&groupBy[]=type`;

			await get(counts);
			const theirs = await time(20, () => get(counts));

			row(
				`analytics: 30 days of ${total.toLocaleString('en')} activities (${vendor})`,
				'p50 ≤ 200 ms',
				`p50 ${fmt(ours.p50)} ms, p99 ${fmt(ours.p99)} ms`,
				`**${ours.p50 <= 200 ? 'met' : 'missed'}**; ${fmt(ours.p50 / theirs.p50, 2)}× Directus's aggregate of the daily counts alone`,
				`GET /activity-hub/analytics: ${report.totals.activities.toLocaleString('en')} activities in the range, per day by channel and type, unmatched share, first response (${report.first_response.overall.count.toLocaleString('en')} waits, median and p90 by channel and owner), failures by reason; Directus GET /items/activities?aggregate[count]&groupBy[]=day(occurred_at),channel,type: p50 ${fmt(theirs.p50)} ms`,
			);
		}

		await server.stop();
		await db.destroy();
	}
}
