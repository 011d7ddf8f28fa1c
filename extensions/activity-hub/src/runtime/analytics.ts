// The Analytics panel's read (GET /activity-hub/analytics): activities per day by channel and type, the share
// unmatched, first-response times and failures by reason over a range of days. Every figure is an aggregate over one
// index: the range's activities from activities_analytics_idx (occurred_at with channel, type, direction, match,
// contact and owner: install step z0015; an index-only scan on PostgreSQL), the failures from activities_failed_idx
// (z0005).
//
// First response: in each conversation, an inbound activity that follows an outbound one (or opens the range) starts
// a wait, and the conversation's next outbound activity ends it. A conversation is a `thread_key` when activities
// have that column (mailbox channels add it), otherwise the contact and the channel; activities without either are
// in no conversation. One window over the range, newest first: LEAD gives each row the direction before it, and the
// minimum outbound time among the rows after it in time is its reply.
import type { Knex } from 'knex';
import { dbTime, dialectOf, toIso } from './context.js';
import { type AnalyticsReport, percentiles, type ResponseFigure } from '../shared/analytics.js';

export interface AnalyticsRange {
	from: Date;
	to: Date;
}

const DAY_MS = 86_400_000;

/** The conversation key: thread_key when the column exists (step z0011 adds it), else contact + channel. */
async function conversation(db: Knex) {
	const columns = await db('activities').columnInfo();
	return 'thread_key' in columns
		? // A thread where the provider gives one (e-mail, SMS, WhatsApp), else the contact on the channel.
			{
				by: 'thread_key' as const,
				partition: 'thread_key, contact, channel',
				present: '(thread_key IS NOT NULL OR contact IS NOT NULL)',
			}
		: { by: 'contact_channel' as const, partition: 'contact, channel', present: 'contact IS NOT NULL' };
}

let conversationOf: Promise<Awaited<ReturnType<typeof conversation>>> | null = null;
let conversationAt = 0;

/** Looked up once a minute: a column added later (an upgrade) is picked up without a restart. */
const conversationKey = (db: Knex) => {
	if (!conversationOf || Date.now() - conversationAt > 60_000) {
		conversationAt = Date.now();
		conversationOf = conversation(db);
		conversationOf.catch(() => (conversationOf = null));
	}

	return conversationOf;
};

export async function analytics(db: Knex, { from, to }: AnalyticsRange): Promise<AnalyticsReport> {
	const sqlite = dialectOf(db) === 'sqlite';
	const range = [dbTime(db, from), dbTime(db, to)];
	const conv = await conversationKey(db);

	const day = sqlite
		? `CAST(occurred_at / ${DAY_MS} AS INTEGER)`
		: `(date_trunc('day', occurred_at AT TIME ZONE 'UTC'))::date::text`;

	const perDay = db.raw(
		`SELECT ${day} AS day, channel, type, COUNT(*) AS n,
			SUM(CASE WHEN match_status = 'unmatched' THEN 1 ELSE 0 END) AS unmatched,
			SUM(CASE WHEN match_status = 'ambiguous' THEN 1 ELSE 0 END) AS ambiguous
		FROM activities WHERE occurred_at >= ? AND occurred_at < ?
		GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
		range,
	);

	const seconds = sqlite ? '(reply_at - occurred_at) / 1000.0' : 'EXTRACT(EPOCH FROM reply_at - occurred_at)';

	const waits = `
		WITH w AS (
			SELECT channel, owner, direction, occurred_at,
				LEAD(direction) OVER conv AS previous_direction,
				MIN(CASE WHEN direction = 'outbound' THEN occurred_at END)
					OVER (conv ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reply_at
			FROM activities
			WHERE occurred_at >= ? AND occurred_at < ? AND ${conv.present}
			WINDOW conv AS (PARTITION BY ${conv.partition} ORDER BY occurred_at DESC)
		)
		SELECT channel, owner, ${seconds} AS seconds FROM w
		WHERE direction = 'inbound' AND (previous_direction IS NULL OR previous_direction <> 'inbound')
			AND reply_at IS NOT NULL`;

	// PostgreSQL aggregates the percentiles itself; SQLite has no percentile function, so the waits come back
	// sorted and shared/analytics.ts takes the same nearest-rank percentiles of them.
	const responses = sqlite
		? db.raw(`${waits} ORDER BY seconds`, range)
		: db.raw(
				`WITH r AS (${waits})
				SELECT 'channel' AS by, channel::text AS key, COUNT(*) AS n,
					percentile_disc(0.5) WITHIN GROUP (ORDER BY seconds) AS median,
					percentile_disc(0.9) WITHIN GROUP (ORDER BY seconds) AS p90
				FROM r GROUP BY channel
				UNION ALL
				SELECT 'owner', owner::text, COUNT(*), percentile_disc(0.5) WITHIN GROUP (ORDER BY seconds),
					percentile_disc(0.9) WITHIN GROUP (ORDER BY seconds)
				FROM r GROUP BY owner
				UNION ALL
				SELECT 'all', NULL, COUNT(*), percentile_disc(0.5) WITHIN GROUP (ORDER BY seconds),
					percentile_disc(0.9) WITHIN GROUP (ORDER BY seconds)
				FROM r`,
				range,
			);

	const failures = db('activities')
		.where({ status: 'failed' })
		.andWhere('date_updated', '>=', range[0]!)
		.andWhere('date_updated', '<', range[1]!)
		.groupByRaw('1')
		.orderBy('n', 'desc')
		.limit(10)
		.select(db.raw(`COALESCE(SUBSTR(last_error, 1, 200), '') AS reason`), db.raw('COUNT(*) AS n'));

	const [dayRows, responseRows, failureRows] = await Promise.all([perDay, responses, failures]);
	const rowsOf = (result: any): any[] => (Array.isArray(result) ? result : result.rows);

	const days = rowsOf(dayRows).map((row) => ({
		day: sqlite ? new Date(Number(row.day) * DAY_MS).toISOString().slice(0, 10) : String(row.day),
		channel: row.channel ?? null,
		type: String(row.type),
		count: Number(row.n),
		unmatched: Number(row.unmatched),
		ambiguous: Number(row.ambiguous),
	}));

	const figure = (row: any): ResponseFigure => ({
		count: Number(row.n),
		median_seconds: row.median == null ? null : Math.round(Number(row.median)),
		p90_seconds: row.p90 == null ? null : Math.round(Number(row.p90)),
	});

	let firstResponse: AnalyticsReport['first_response'];

	if (sqlite) {
		const waits = rowsOf(responseRows) as Array<{ channel: string | null; owner: string | null; seconds: number }>;
		firstResponse = percentiles(waits);
	} else {
		const rows = rowsOf(responseRows);
		const all = rows.find((row) => row.by === 'all');

		firstResponse = {
			overall: all ? figure(all) : { count: 0, median_seconds: null, p90_seconds: null },
			by_channel: rows.filter((row) => row.by === 'channel').map((row) => ({ channel: row.key, ...figure(row) })),
			by_owner: rows.filter((row) => row.by === 'owner').map((row) => ({ owner: row.key, ...figure(row) })),
		};
	}

	const channelIds = [...new Set(days.map((row) => row.channel).filter(Boolean))] as string[];
	for (const row of firstResponse.by_channel)
		if (row.channel && !channelIds.includes(row.channel)) channelIds.push(row.channel);
	const ownerIds = firstResponse.by_owner.map((row) => row.owner).filter(Boolean) as string[];

	const [channels, owners] = await Promise.all([
		channelIds.length ? db('ingestion_channels').whereIn('id', channelIds).select('id', 'name') : [],
		ownerIds.length ? db('directus_users').whereIn('id', ownerIds).select('id', 'first_name', 'last_name') : [],
	]);

	const total = days.reduce((sum, row) => sum + row.count, 0);
	const unmatched = days.reduce((sum, row) => sum + row.unmatched, 0);

	return {
		from: from.toISOString(),
		to: to.toISOString(),
		conversation: conv.by,
		totals: {
			activities: total,
			unmatched,
			ambiguous: days.reduce((sum, row) => sum + row.ambiguous, 0),
			unmatched_share: total ? unmatched / total : null,
		},
		per_day: days,
		first_response: firstResponse,
		failures: failureRows.map((row: any) => ({ reason: String(row.reason), count: Number(row.n) })),
		channels: Object.fromEntries(channels.map((row: any) => [String(row.id), String(row.name ?? '')])),
		owners: Object.fromEntries(
			owners.map((row: any) => [
				String(row.id),
				[row.first_name, row.last_name].filter(Boolean).join(' ') || String(row.id).slice(0, 8),
			]),
		),
		measured_at: toIso(new Date())!,
	};
}
